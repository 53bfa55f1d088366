"""How the verifier's verdict on a real plate depends on where its box sits: for every truth box of
the real openalpr-dev photos, the share of boxes the verifier accepts (probability >= 0.5) when the
box is the truth's own and when it is moved and resized to a given IoU with it, as the detector's
boxes are. A verifier that accepts a plate only on a box that fits it closely rejects real plates
the search boxes a little off (README, "The verifier").

    .venv/bin/python benchmarks/verifier_jitter.py [--verifier weights/verifier] [--per-box 8] [--seed 0]

Jittered boxes: centre shifted by up to 15% of the width and 25% of the height, width and height
scaled by 0.8-1.25, drawn from ``default_rng([seed, photo])`` and binned by their IoU with the truth.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.metrics import iou_matrix  # noqa: E402
from lprlab.models.verifier import load_verifier  # noqa: E402

BINS = ((0.85, 1.0), (0.7, 0.85), (0.55, 0.7), (0.4, 0.55))

parser = argparse.ArgumentParser()
parser.add_argument("--verifier", default="weights/verifier")
parser.add_argument("--per-box", type=int, default=8, help="jittered boxes per truth box")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--threshold", type=float, default=0.5)
args = parser.parse_args()
verifier = load_verifier(args.verifier)
print(f"verifier {args.verifier}; {args.per_box} jittered boxes per truth box, seed {args.seed}, "
      f"accepted at >= {args.threshold}")
print("| region | truth boxes | truth's own box | " + " | ".join(f"IoU {lo:.2f}-{hi:.2f}" for lo, hi in BINS) + " |")
print("|---|---:|---:|" + "---:|" * len(BINS))
for photo_set in evaluation.real_photo_sets():
    own, binned = [], {b: [] for b in BINS}
    for index, (image, boxes) in enumerate(zip(photo_set.images, photo_set.boxes)):
        rng = np.random.default_rng([args.seed, index])
        for truth in np.reshape(boxes, (-1, 4)):
            x, y, w, h = truth
            scale_w = rng.uniform(0.8, 1.25, args.per_box)
            scale_h = rng.uniform(0.8, 1.25, args.per_box)
            shift_x = rng.uniform(-0.15, 0.15, args.per_box) * w
            shift_y = rng.uniform(-0.25, 0.25, args.per_box) * h
            jittered = np.stack([x + w / 2 + shift_x - w * scale_w / 2, y + h / 2 + shift_y - h * scale_h / 2,
                                 w * scale_w, h * scale_h], 1).astype(np.float32)
            scores = verifier.scores(image, np.concatenate([truth[None], jittered]))
            own.append(scores[0] >= args.threshold)
            ious = iou_matrix(jittered, truth[None].astype(np.float32))[:, 0]
            for score, iou in zip(scores[1:], ious):
                for low, high in BINS:
                    if low <= iou < high or (high == 1.0 and iou == 1.0):
                        binned[(low, high)].append(score >= args.threshold)
    cells = [f"{np.mean(binned[b]):.1%} ({len(binned[b])})" if binned[b] else "-" for b in BINS]
    print(f"| {photo_set.name} | {len(own)} | {np.mean(own):.1%} | " + " | ".join(cells) + " |", flush=True)
