"""How a recogniser reads chosen characters in each font of a plate format: clean synthetic plates
(no augmentation), one font at a time, with the canonical layout and with a condensed, bold one.

A probe for glyph shapes the generator may lack: if the recogniser misreads a character on real
plates but not on synthetic ones in any font, the real glyph is likely one no font draws; a new
font that reproduces the misreading is a candidate (this is how Play came in, generator 0.11.0).

    .venv/bin/python benchmarks/font_probe.py [--weights weights/recognizer_latin] [--format br_old]
        [--texts OKL0817,OZS6477,OUN4297,DKL0817,DZS6477,DUN4297] [--position 0] [--seeds 5] [--variant V]

Prints, per font and layout, how often the character at `--position` was read as what.
"""
import argparse
import collections
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import render  # noqa: E402
from lprlab.formats import get_format  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

LAYOUTS = {"canonical": render.LayoutStyle(), "condensed bold": render.LayoutStyle(condense=0.8, weight=6),
           "condensed, W and M in one cell": render.LayoutStyle(condense=0.75, overflow=0.95),
           "very condensed, light": render.LayoutStyle(condense=0.6, weight=-3, overflow=0.85)}

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin")
parser.add_argument("--format", default="br_old")
parser.add_argument("--texts", default="OKL0817,OZS6477,OUN4297,DKL0817,DZS6477,DUN4297")
parser.add_argument("--position", type=int, default=0, help="character position probed")
parser.add_argument("--seeds", type=int, default=5, help="plates per text, font and layout")
parser.add_argument("--variant", default="", help="variant of --format (default: its first)")
parser.add_argument("--fonts", default="", help="comma-separated font files (default: the variant's own)")
args = parser.parse_args()
recognizer = load_recognizer(args.weights)
fmt = get_format(args.format)
texts = [t.strip() for t in args.texts.split(",") if t.strip()]
variant = fmt.variant(args.variant) if args.variant else fmt.variants[0]
fonts = [f for f in args.fonts.split(",") if f] or sorted(set(variant.fonts))
print(f"recogniser {args.weights}; format {fmt.name} variant {variant.name}; character {args.position} of "
      f"{', '.join(texts)}; {args.seeds} plates each")
print("| font | layout | read right | misreadings |\n|---|---|---:|---|")
original = render.draw_style
try:
    for font in fonts:
        probe = dataclasses.replace(fmt, variants=(dataclasses.replace(variant, fonts=(font,)),))
        for layout, style in LAYOUTS.items():
            render.draw_style = lambda rng, jitter=0.0, max_height=1.0, style=style: style
            plates = [render.render_plate(t, probe, np.random.default_rng(s), height_px=64, variant=variant.name)
                      for t in texts for s in range(args.seeds)]
            truths = [t[args.position] for t in texts for _ in range(args.seeds)]
            reads = [r.text[args.position:args.position + 1] for r in recognizer.read([p.image for p in plates])]
            wrong = collections.Counter(f"{t}→{r or '∅'}" for t, r in zip(truths, reads) if t != r)
            right = sum(t == r for t, r in zip(truths, reads))
            print(f"| {font} | {layout} | {right}/{len(truths)} | "
                  f"{', '.join(f'{k} {v}' for k, v in wrong.most_common()) or '-'} |", flush=True)
finally:
    render.draw_style = original
