"""Why the reader missed a plate: for each plate an end-to-end run did not read (a per-plate CSV of
`eval_alpr.py --per-plate`), the detector's best box for it with nothing dropped by the verifier
(`Detector.detect(verify_threshold=1e-6)`, the reader's presence threshold, offsets and fit), its
IoU with the truth, presence score and verifier probability. A plate whose best box has IoU >= 0.4
and a verifier probability under 0.5 was rejected by the verifier; one with a box the verifier keeps
was dropped by the reading; one with no such box was never found by the search.

    .venv/bin/python benchmarks/missed_boxes.py benchmarks/results/per_plate_pair_h64b_t02.csv [--verifier V]
"""
import argparse
import collections
import csv
import pathlib

import numpy as np

from lprlab.detection import load_detector
from lprlab.metrics import iou_matrix
from lprlab.pipeline import ALPR, READER_DETECTOR_PRECISION
from lprlab.real import load_openalpr_photos

parser = argparse.ArgumentParser()
parser.add_argument("per_plate", help="per-plate CSV of an end-to-end run (eval_alpr.py --per-plate)")
parser.add_argument("--verifier", help="verifier weights (default: weights/verifier)")
parser.add_argument("--regions", default="br,eu,us")
parser.add_argument("--precision", default=READER_DETECTOR_PRECISION, choices=("float32", "bfloat16", "auto"),
                    help="the detector's arithmetic (default: the reader's, auto)")
args = parser.parse_args()

missed = {(r["region"], pathlib.Path(r["photo"]).name, r["truth"])
          for r in csv.DictReader(open(args.per_plate, encoding="utf-8")) if r["read"] != "True"}
detector = load_detector(precision=args.precision, verify=args.verifier or True)
reader = ALPR(detector)  # the reader's defaults: threshold, offsets, fit
causes = collections.Counter()
print("| region | photo | truth | best IoU | presence | verifier | box (x, y, w, h) | cause |")
print("|---|---|---|---:|---:|---:|---|---|")
for region in args.regions.split(","):
    for photo in load_openalpr_photos(region=region):
        name = pathlib.Path(photo.source).name
        truths = [(box, text) for box, text in zip(photo.boxes, photo.texts) if (region, name, text) in missed]
        if not truths:
            continue
        detections = detector.detect(photo.image, threshold=reader.threshold, verify_threshold=1e-6,
                                     offsets=reader.offsets, fit=reader.fit)
        for box, text in truths:
            if not detections:
                causes["not found"] += 1
                print(f"| {region} | {name} | {text} | 0 | | | | not found |")
                continue
            overlap = iou_matrix(np.float32([box]), np.float32([d.box for d in detections]))[0]
            best = detections[int(np.argmax(overlap))]
            verified = best.verification if best.verification is not None else 1.0
            cause = ("not found" if overlap.max() < 0.4 else
                     "verifier" if verified < reader.verify_threshold else "reading (wrong or dropped)")
            causes[cause] += 1
            print(f"| {region} | {name} | {text} | {overlap.max():.2f} | {best.score:.2f} | {verified:.3f} "
                  f"| {', '.join(str(round(v)) for v in best.box)} | {cause} |")
print()
print("missed plates by cause:", ", ".join(f"{k} {v}" for k, v in sorted(causes.items())))
