"""How a recogniser reads one character position of real plates as their ground-truth boxes grow or
shrink: the real counterpart of `form_probe.py`.

    .venv/bin/python benchmarks/margin_probe.py [--weights weights/recognizer_latin] [--region br]
        [--prefix O] [--position 0]

For every plate of `../shared/real/openalpr-dev/endtoend/REGION` whose truth starts with `--prefix`,
the crop is the truth box grown (or cut) by each margin below, as a share of its width and height;
the table gives how often the slot's most probable character is the truth's, and the mean
probability of the three characters the slot most often reads. No patterns, no alternatives: the
network's own slot.
"""
import argparse
import collections
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab.images import read_image, resize_batch  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

MARGINS = {  # name -> (left, top, right, bottom) growth, share of the box's width / height
    "truth box": (0, 0, 0, 0),
    "left cut 3%": (-0.03, 0, 0, 0),
    "left +5%": (0.05, 0, 0, 0),
    "left +10%": (0.10, 0, 0, 0),
    "each side +4%": (0.04, 0.04, 0.04, 0.04),
    "each side +8%": (0.08, 0.08, 0.08, 0.08),
    "each side +12%": (0.12, 0.12, 0.12, 0.12),
}

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin")
parser.add_argument("--real", default="../shared/real/openalpr-dev/endtoend")
parser.add_argument("--region", default="br")
parser.add_argument("--prefix", default="O", help="probe the plates whose truth starts with this")
parser.add_argument("--position", type=int, default=0, help="character position (slot) probed")
args = parser.parse_args()

recognizer = load_recognizer(args.weights)
alphabet = recognizer.config.alphabet
plates = []
for label in sorted(pathlib.Path(args.real, args.region).glob("*.txt")):
    for line in label.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) >= 6 and fields[5].strip().startswith(args.prefix):
            x, y, w, h = map(int, fields[1:5])
            plates.append((read_image(label.with_name(fields[0])), (x, y, w, h), fields[5].strip()))
if not plates:
    raise SystemExit(f"no plate of {args.real}/{args.region} starts with {args.prefix!r}")
print(f"recogniser {args.weights}; {len(plates)} real {args.region} plates starting with {args.prefix!r}; "
      f"slot {args.position}")
print("| crop | slot reads the truth | most read (mean probability) | slot's top characters |\n|---|---:|---|---|")
for name, (left, top, right, bottom) in MARGINS.items():
    crops = []
    for image, (x, y, w, h), _ in plates:
        x0, y0 = max(0, round(x - left * w)), max(0, round(y - top * h))
        x1, y1 = min(image.shape[1], round(x + w + right * w)), min(image.shape[0], round(y + h + bottom * h))
        crops.append(np.ascontiguousarray(image[y0:y1, x0:x1]))
    probabilities = np.asarray(recognizer.model.predict(resize_batch(crops, tuple(recognizer.config.image_size)),
                                                        verbose=0))[:, args.position]
    symbols = [alphabet[i] if i < len(alphabet) else "∅" for i in probabilities.argmax(axis=1)]
    right = sum(s == t[args.position] for s, (_, _, t) in zip(symbols, plates))
    common = collections.Counter(symbols).most_common(3)
    means = ", ".join(f"{c} {probabilities[:, alphabet.index(c)].mean():.2f}" for c, _ in common if c in alphabet)
    print(f"| {name} | {right}/{len(plates)} | {means} | {''.join(symbols)} |", flush=True)
