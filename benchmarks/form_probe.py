"""How a recogniser reads one character drawn in each of its plate forms (`lprlab.formats`: the
font's own glyph, `SHORT_VERTEX_W`, `STRAIGHT_W`, `STRAIGHT_SHORT_W`, `SLAB_I`, `ROUNDED_O`, `ROUNDED_D`), on synthetic crops of one
variant, clean and through the `full` augmentation pipeline.

    .venv/bin/python benchmarks/form_probe.py [--weights weights/recognizer_latin] [--format us]
        [--variant texas] [--texts CWW2245,CWM2998,CWL9084,CWM3083,CWA1234,CWZ5678] [--position 1]
        [--repeats 50]

Every plate of a probe draws the character at `--position` in that form (`render.ALIAS_SHARE` = 1);
the same seed draws the same crops for every form.
"""
import argparse
import collections
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import crops, render  # noqa: E402
from lprlab.augment import make_pipeline  # noqa: E402
from lprlab.formats import (  # noqa: E402
    ROUNDED_D, ROUNDED_O, SHORT_VERTEX_W, SLAB_I, STRAIGHT_SHORT_W, STRAIGHT_W, get_format,
)
from lprlab.recognition import load_recognizer  # noqa: E402

FORMS = {"W": {"short-vertex W": SHORT_VERTEX_W, "straight-sided W": STRAIGHT_W,
               "straight short-vertex W": STRAIGHT_SHORT_W}, "I": {"slab-serif I": SLAB_I},
         "O": {"rounded-rectangle O": ROUNDED_O}, "D": {"rounded-rectangle D": ROUNDED_D}}

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin")
parser.add_argument("--format", default="us")
parser.add_argument("--variant", default="texas")
parser.add_argument("--texts", default="CWW2245,CWM2998,CWL9084,CWM3083,CWA1234,CWZ5678")
parser.add_argument("--position", type=int, default=1, help="position of the probed character in each text")
parser.add_argument("--repeats", type=int, default=50, help="crops per text, form and pipeline")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
recognizer = load_recognizer(args.weights)
size = tuple(recognizer.config.image_size)
fmt = get_format(args.format)
variant = fmt.variant(args.variant)
texts = [t.strip() for t in args.texts.split(",") if t.strip()] * args.repeats
char = texts[0][args.position]
if any(t[args.position] != char for t in texts):
    raise SystemExit(f"every text must hold the same character at position {args.position}")
print(f"recogniser {args.weights}; format {fmt.name} variant {variant.name}; character {char!r} at position "
      f"{args.position}, {len(texts)} crops per row")
print("| form | crops | read right | misreadings |\n|---|---|---:|---|")
share = render.ALIAS_SHARE
try:
    render.ALIAS_SHARE = 1.0
    for name, form in {f"the font's {char}": "", **FORMS.get(char, {})}.items():
        probe = dataclasses.replace(fmt, variants=(dataclasses.replace(variant, glyph_aliases=char + form if form else ""),))
        for label, pipeline in (("clean", None), ("full augmentation", make_pipeline("full", size[0]))):
            rng = np.random.default_rng(args.seed)
            made = [crops.make_plate_crop((probe,), rng, size, pipeline=pipeline, text=t) for t in texts]
            reads = [r.text[args.position:args.position + 1] for r in recognizer.read(np.stack([c.image for c in made]))]
            wrong = collections.Counter(f"{char}→{r or '∅'}" for r in reads if r != char)
            right = sum(r == char for r in reads)
            print(f"| {name} | {label} | {right}/{len(reads)} | "
                  f"{', '.join(f'{k} {v}' for k, v in wrong.most_common(5)) or '-'} |", flush=True)
finally:
    render.ALIAS_SHARE = share
