"""Recall at IoU >= 0.4 and false positives per image on the real openalpr-dev photos, per region,
for a range of presence thresholds (one detection pass per photo, thresholded after NMS).

    .venv/bin/python benchmarks/sweep_detector.py [--weights weights/detector] [--base-scale 1.0] [--min-support 1]
        [--no-verify | --verify-threshold 0.5]
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.metrics import detection_scores  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/detector")
parser.add_argument("--base-scale", type=float, default=1.0)
parser.add_argument("--thresholds", default="0.3,0.5,0.6,0.7,0.8,0.9,0.95")
parser.add_argument("--min-support", type=int, default=1, help="windows that must agree on a box (see Detector.detect)")
parser.add_argument("--no-verify", action="store_true", help="the presence network alone")
parser.add_argument("--verify-threshold", type=float, default=0.5, help="verifier probability to keep a box")
args = parser.parse_args()
detector = load_detector(args.weights, verify=not args.no_verify)
print(f"verifier: {'none' if detector.verifier is None else f'threshold {args.verify_threshold}'}")
thresholds = [float(t) for t in args.thresholds.split(",")]
print("| region | " + " | ".join(f"t={t:g} recall / FP" for t in thresholds) + " |")
print("|---|" + "---|" * len(thresholds))
for photo_set in evaluation.real_photo_sets():
    cells = []
    for t in thresholds:  # support depends on the threshold, so one search per threshold
        found = [detector.detect(image, threshold=t, base_scale=args.base_scale, min_support=args.min_support,
                                 verify_threshold=args.verify_threshold)
                 for image in photo_set.images]
        triples = [(truth, np.float32([d.box for d in dets]).reshape(-1, 4), [d.score for d in dets])
                   for truth, dets in zip(photo_set.boxes, found)]
        s = detection_scores(triples, 0.4)
        cells.append(f"{s['recall']:.1%} / {s['fp_per_image']:.2f}")
    print(f"| {photo_set.name} | " + " | ".join(cells) + " |", flush=True)
