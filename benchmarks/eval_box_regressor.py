"""How well boxes fit real plates before and after the box regressor (`lprlab.models.box_regressor`).

The detector (with its verifier, the reader's search) finds plates on the real openalpr-dev photos;
each true plate is matched to the detection that overlaps it most (IoU > 0.1), and that box is
compared with the truth as it was searched and after 1 and 2 fits: mean IoU, share at IoU >= 0.4
(openalpr's criterion) and 0.7, the error of the left and right ends in plate widths, and the
share of boxes that stop more than 5% of the plate's width short of either end (the cut that
drops a first or last character). Then the same on the synthetic validation set, and the time.

    .venv/bin/python benchmarks/eval_box_regressor.py [--weights weights/box_regressor]
        [--synthetic data/synth/boxes-...-500-s1] [--offsets 0 4] [--fits 1 2]
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.models.box_regressor import load_box_regressor  # noqa: E402
from lprlab.train_box_regressor import box_figures, load_box_set  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/box_regressor")
parser.add_argument("--synthetic", help="a validation sample folder of `lprlab train box-regressor`")
parser.add_argument("--offsets", type=int, nargs="+", default=[0, 4])
parser.add_argument("--fits", type=int, nargs="+", default=[1, 2], help="numbers of fits to measure besides 0")
args = parser.parse_args()
regressor = load_box_regressor(args.weights)
detector = load_detector(box_regressor=False)
print(f"box regressor {args.weights}; detector weights/detector with its verifier, offsets {args.offsets}")


print("| set | boxes | fits | mean IoU | IoU >= 0.4 | IoU >= 0.7 | median end error (left / right, plate widths) "
      "| cut > 5% at an end |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for photo_set in evaluation.real_photo_sets():
    fit = evaluation.box_fit(detector, regressor, photo_set, iterations=tuple(args.fits), offsets=tuple(args.offsets))
    for count, row in fit["rows"].items():
        print(f"| {photo_set.name} | {row['plates']} | {count} | {row['mean_iou']:.3f} | {row['iou40']:.1%} | "
              f"{row['iou70']:.1%} | {row['left_error']:.3f} / {row['right_error']:.3f} | {row['cut']:.1%} |",
              flush=True)
if args.synthetic:
    data = load_box_set(args.synthetic, regressor.config)
    figures = box_figures(regressor.model, data, regressor.config)
    print(f"synthetic ({args.synthetic}, {figures['samples']} spoilt boxes): mean IoU {figures['iou_before']:.3f} -> "
          f"{figures['iou_after']:.3f}, IoU >= 0.7 {figures['iou70_before']:.1%} -> {figures['iou70_after']:.1%}, "
          f"mean end error {figures['end_error_before']:.3f} -> {figures['end_error_after']:.3f} plate widths")
image = np.random.default_rng(0).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
boxes = np.float32([[100 + 150 * i, 300, 140, 40] for i in range(4)])
regressor.fit(image, boxes)
times = []
for _ in range(20):
    start = time.perf_counter()
    regressor.fit(image, boxes)
    times.append(time.perf_counter() - start)
print(f"time: {1000 * np.median(times):.2f} ms to fit 4 boxes of a 1280x720 image once (median of 20)")
