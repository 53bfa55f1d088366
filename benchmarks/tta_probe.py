"""Test-time augmentation of the real crops, measured: each crop is read as it is and in a few
transformed views, and the views' slot probabilities are averaged before decoding and
post-processing (as the ensemble averages its members). Prints the real crops read (with the
region patterns, as `eval_recognizer.py`'s pattern rows) for each set of views.

    .venv/bin/python benchmarks/tta_probe.py [--weights A,B]
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.models.recognizer import decode  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin_both,weights/recognizer_latin_h64_both")
args = parser.parse_args()
recognizer = load_recognizer(args.weights)


def stretch(image):
    """Contrast stretched to the 1st-99th percentile of its grey levels."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    low, high = np.percentile(grey, (1, 99))
    return np.clip((image.astype(np.float32) - low) * 255.0 / max(high - low, 1.0), 0, 255).astype(np.uint8)


def clahe(image):
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(2.0, (4, 4)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def grey(image):
    return np.repeat(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)


def gamma(value):
    table = (255.0 * (np.arange(256) / 255.0) ** value).astype(np.uint8)
    return lambda image: cv2.LUT(image, table)


def crop(left, top, right, bottom):
    """Cut (positive) or pad by edge replication (negative) shares of the width / height per side."""
    def apply(image):
        h, w = image.shape[:2]
        pads = [max(0, -round(v * s)) for v, s in ((top, h), (bottom, h), (left, w), (right, w))]
        image = cv2.copyMakeBorder(image, *pads, cv2.BORDER_REPLICATE)
        h2, w2 = image.shape[:2]
        t, b = pads[0] + round(top * h), h2 - pads[1] - round(bottom * h)
        lft, r = pads[2] + round(left * w), w2 - pads[3] - round(right * w)
        return image[t:b, lft:r]
    return apply


VIEWS = {
    "stretch": stretch, "clahe": clahe, "grey": grey, "gamma0.7": gamma(0.7), "gamma1.4": gamma(1.4),
    "wider": crop(-0.04, 0, -0.04, 0), "narrower": crop(0.03, 0, 0.03, 0), "taller": crop(0, -0.08, 0, -0.08),
    "shorter": crop(0, 0.05, 0, 0.05), "left": crop(0.03, 0, -0.03, 0), "right": crop(-0.03, 0, 0.03, 0),
    "wider2": crop(-0.08, 0, -0.08, 0), "narrower2": crop(0.06, 0, 0.06, 0), "taller2": crop(0, -0.16, 0, -0.16),
    "shorter2": crop(0, 0.1, 0, 0.1),
}
COMBOS = [(), ("stretch",), ("clahe",), ("grey",), ("gamma0.7",), ("gamma1.4",), ("gamma0.7", "gamma1.4"),
          ("wider",), ("narrower",), ("taller",), ("shorter",), ("left", "right"), ("wider", "narrower"),
          ("taller", "shorter"), ("wider", "narrower", "taller", "shorter"), ("stretch", "wider", "narrower"),
          ("grey", "wider", "narrower", "taller", "shorter"), ("wider2", "narrower2", "taller2", "shorter2"),
          ("wider", "narrower", "taller", "shorter", "wider2", "narrower2", "taller2", "shorter2")]


class Views:
    """Reads like a recogniser, averaging the slot probabilities of the crop and its views."""

    def __init__(self, base, views):
        self.base, self.views, self.config = base, views, base.config

    def read(self, images, batch_size: int = 256, top_n: int = 1):
        probabilities = [self.base.probabilities(images)]
        probabilities += [self.base.probabilities([VIEWS[v](im) for im in images]) for v in self.views]
        return decode(np.mean(probabilities, axis=0), self.config, top_n, None)


sets = evaluation.real_test_sets()
print(f"weights {args.weights}; real crops read with region patterns")
right = {}
for combo in COMBOS:
    counts, right[combo] = {}, []
    for eval_set in sets:
        table, readings = evaluation.evaluate(Views(recognizer, combo), eval_set, patterns=True)
        counts[eval_set.name] = round(table["all"]["plate"] * table["all"]["n"])
        right[combo] += [r.text == t for r, t in zip(readings, eval_set.texts)]
    print(f"{' + '.join(('as cut',) + combo):45s} {sum(counts.values())}  {counts}", flush=True)

# The views chosen on one half of the crops (by index parity), scored on the other: an estimate of
# the gain free of choosing the best of many combinations on the crops that score it.
base = np.array(right[()])
total = 0
for fold in (0, 1):
    chosen = np.arange(len(base)) % 2 == fold
    best = max(COMBOS, key=lambda c: (np.sum(np.array(right[c])[chosen]), -len(c)))
    held = ~chosen
    won = int(np.sum(np.array(right[best])[held] & ~base[held]))
    lost = int(np.sum(~np.array(right[best])[held] & base[held]))
    total += int(np.sum(np.array(right[best])[held]))
    print(f"chosen on half {fold}: {' + '.join(('as cut',) + best)}; on the other half {won} won, {lost} lost")
print(f"cross-validated: {total} of {len(base)} against {int(base.sum())} as cut")
