"""How well recognisers read the real plates when the box is off as the detector's boxes are.

On the real end-to-end photos of openalpr-dev, per region:

1. the detector's box offsets: for each true plate the detector finds (IoU >= 0.4), how far each side
   of its box lies inside (+) or outside (-) the true box, as a share of the true width or height;
2. each recogniser's top-1 (the reader's post-processing: region patterns, colours and priors) on
   crops cut, with the reader's middle margin, around (a) the true boxes, (b) the detector's boxes
   of the plates it finds and (c) the true boxes moved by `--draws` offsets per plate drawn from the
   other plates' detector offsets of the same region (a larger sample of the same kind of error);
3. each recogniser's top-1 on the true boxes cut at each margin of `lprlab.evaluation.MARGIN_SWEEP`.

The gap between (a) and (c) is what box error costs a recogniser; a recogniser trained on loose
crops (`lprlab train recognizer --loose-crops`) should shrink it.

    .venv/bin/python benchmarks/eval_crop_tolerance.py [--recognizer W [W ...]] [--draws 5] [--margin 0.08]
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import evaluation, metrics  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.pipeline import crop_box  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--recognizer", nargs="+", default=["weights/recognizer_latin"],
                    help="recogniser weights (a run's model too; A,B for an ensemble)")
parser.add_argument("--detector", default="weights/detector")
parser.add_argument("--verifier", default="weights/verifier")
parser.add_argument("--draws", type=int, default=5, help="offsets drawn per plate for (c)")
parser.add_argument("--margin", type=float, default=0.08, help="crop margin, a share of the box's size")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()


def insets(truth, box) -> np.ndarray:
    """(left, top, right, bottom) of `box` inside `truth` (x, y, w, h), shares of the true size."""
    x, y, w, h = truth
    bx, by, bw, bh = box
    return np.array([(bx - x) / w, (by - y) / h, (x + w - bx - bw) / w, (y + h - by - bh) / h], np.float32)


def moved(truth, offset) -> tuple[float, float, float, float]:
    """`truth` with each side moved by `offset` (left, top, right, bottom insets, shares of its size)."""
    x, y, w, h = truth
    left, top, right, bottom = offset
    return x + left * w, y + top * h, max(2.0, w * (1 - left - right)), max(2.0, h * (1 - top - bottom))


detector = load_detector(args.detector, verify=args.verifier)
recognizers = {name: load_recognizer(name) for name in args.recognizer}
rng = np.random.default_rng(args.seed)
print(f"detector {args.detector} + verifier {args.verifier}; crop margin {args.margin}; {args.draws} draws per plate")
rows = {}
for photo_set in evaluation.real_photo_sets():
    plates = []  # (image, true box, text, detector box or None)
    for image, boxes, texts in zip(photo_set.images, photo_set.boxes, photo_set.texts):
        found = detector.detect(image)
        found_boxes = np.array([d.box for d in found], np.float32).reshape(-1, 4)
        iou = metrics.iou_matrix(np.asarray(boxes, np.float32).reshape(-1, 4), found_boxes)
        for i, (box, text) in enumerate(zip(boxes, texts)):
            j = int(iou[i].argmax()) if len(found_boxes) else -1
            plates.append((image, box, text, found_boxes[j] if j >= 0 and iou[i, j] >= 0.4 else None))
    offsets = [(k, insets(box, found)) for k, (_, box, _, found) in enumerate(plates) if found is not None]
    pool = np.array([o for _, o in offsets]).reshape(-1, 4)
    print(f"\n{photo_set.name}: detector boxes of {len(offsets)} of {len(plates)} plates; insets "
          "(left, top, right, bottom; + inside the truth, - outside), shares of the true size")
    for q in (5, 25, 50, 75, 95):
        print(f"  p{q:<2d} " + "  ".join(f"{v:+.3f}" for v in np.percentile(pool, q, axis=0)))
    sets = {"true box": ([crop_box(im, box, args.margin) for im, box, _, _ in plates], [t for _, _, t, _ in plates]),
            "detector box": ([crop_box(im, found, args.margin) for im, _, _, found in plates if found is not None],
                             [t for _, _, t, found in plates if found is not None]),
            "true box, detector-like offsets": ([], [])}
    for k, (image, box, text, _) in enumerate(plates):
        others = [o for i, o in offsets if i != k]
        for d in rng.choice(len(others), args.draws, replace=len(others) < args.draws):
            sets["true box, detector-like offsets"][0].append(crop_box(image, moved(box, others[d]), args.margin))
            sets["true box, detector-like offsets"][1].append(text)
    for kind, (crops, texts) in sets.items():
        eval_set = evaluation.EvalSet(kind, crops, texts, [photo_set.name] * len(texts), photo_set.name)
        for name, recognizer in recognizers.items():
            table, _ = evaluation.evaluate(recognizer, eval_set, patterns=True)
            rows.setdefault(name, []).append((photo_set.name, kind, len(texts), table[photo_set.name]["plate"]))

print("\n| recogniser | region | crops around | n | top-1 |\n|---|---|---|---:|---:|")
for name, entries in rows.items():
    for region, kind, count, accuracy in entries:
        print(f"| {name} | {region} | {kind} | {count} | {100 * accuracy:.1f}% |")

print("\n| recogniser | region | " + " | ".join(f"margin {m:+.2f}" for m in evaluation.MARGIN_SWEEP) + " |")
print("|---|---|" + "---:|" * len(evaluation.MARGIN_SWEEP))
for name, recognizer in recognizers.items():
    for region, values in evaluation.margin_sweep(recognizer).items():
        print(f"| {name} | {region} | " + " | ".join(f"{100 * v:.1f}%" for v in values) + " |")
