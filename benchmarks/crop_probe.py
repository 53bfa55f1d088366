"""How a recogniser reads synthetic crops of one format under fixed layouts and margins: a probe for
the crop geometries real plates have and the generator may lack (characters touching the crop's
edge, taller or tighter characters than the catalogue's rows, marks beside the registration that
are not part of it).

    .venv/bin/python benchmarks/crop_probe.py [--weights weights/recognizer_latin] [--format us]
        [--count 1500] [--seed 5]

Prints, per probe, top-1 plate accuracy and the shares read longer and shorter than the truth. The
crops are drawn as in training (`lprlab.crops.make_plate_crop`, no augmentation pipeline) with the
layout style forced (`lprlab.render.LayoutStyle`) and all four margins fixed where a probe
says so; the same seed draws the same plates for every probe.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import crops, render  # noqa: E402
from lprlab.formats import SideMark, get_format  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

S = render.LayoutStyle
PROBES = {  # name: (layout style or None for the generator's own draw, margin or None for the default,
    #        side mark kind forced on every plate whose variant has a `SideMark`, or None)
    "generator's layouts and margins": (None, None, None),
    "canonical layout": (S(), None, None),
    "all sides cut at the plate's edge": (None, (0.0, 0.0), None),
    "all sides cut 3% into the plate": (None, (-0.03, -0.03), None),
    "all sides cut 4.5%, to the characters": (None, (-0.045, -0.045), None),
    "characters 1.2x taller": (S(height=1.2), None, None),
    "1.2x taller, spacing 0.6": (S(height=1.2, gap=0.6), None, None),
    "1.3x taller, spacing 0.5": (S(height=1.3, gap=0.5), None, None),
    "wider glyphs (1.2), spacing 0.5": (S(condense=1.2, gap=0.5), None, None),
    "stacked letters against the text": (None, None, "stacked"),
    "county number and picture": (None, None, "county"),
    "seal beside the text": (None, None, "seal"),
}

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin")
parser.add_argument("--format", default="us")
parser.add_argument("--count", type=int, default=1500, help="crops per probe")
parser.add_argument("--seed", type=int, default=5)
args = parser.parse_args()
recognizer = load_recognizer(args.weights)
size = tuple(recognizer.config.image_size)
fmt = (get_format(args.format),)
print(f"recogniser {args.weights}; format {args.format}; {args.count} crops per probe, seed {args.seed}")
print("| probe | top-1 | read longer | read shorter |\n|---|---:|---:|---:|")
original, tight, plan = render.draw_style, crops.TIGHT_SHARE, render._plan_side_mark
try:
    for name, (style, margin, mark) in PROBES.items():
        render.draw_style = original if style is None else (lambda rng, jitter=0.0, max_height=1.0, s=style: s)
        render._plan_side_mark = plan if mark is None else (
            lambda side_mark, rng, colour, k=mark: plan(SideMark((k,), 1.0), rng, colour))
        crops.TIGHT_SHARE = tight if margin is None else 0.0
        rng = np.random.default_rng(args.seed)
        made = [crops.make_plate_crop(fmt, rng, size, margin=margin or crops.DEFAULT_MARGIN) for _ in range(args.count)]
        reads = recognizer.read(np.stack([c.image for c in made]))
        truth = [c.text for c in made]
        right = np.mean([r.text == t for r, t in zip(reads, truth)])
        longer = np.mean([len(r.text) > len(t) for r, t in zip(reads, truth)])
        shorter = np.mean([len(r.text) < len(t) for r, t in zip(reads, truth)])
        print(f"| {name} | {right:.1%} | {longer:.1%} | {shorter:.1%} |", flush=True)
finally:
    render.draw_style, crops.TIGHT_SHARE, render._plan_side_mark = original, tight, plan
