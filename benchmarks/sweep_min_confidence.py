"""The end-to-end reader's `min_confidence` swept on the real dev photos: each photo is read once
with no confidence floor, then scored (`evaluation.score_alpr`, openalpr's criterion) keeping only
the plates whose reading is at least as probable as each floor. Dropping a box by its reading's
probability is the last step of `ALPR.read` and depends on nothing else, so the figures are those of
one run per floor.

    .venv/bin/python benchmarks/sweep_min_confidence.py [--recognizer A[,B]] [--floors 0,0.01,0.03,0.1]

The averaged probabilities of an ensemble are softer than one network's, so its best floor may be
lower than the one chosen for a single recogniser.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import evaluation  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.pipeline import ALPR  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--recognizer", default=None, help="recogniser weights; A,B an ensemble (default: the shipped reader)")
parser.add_argument("--floors", type=lambda v: [float(f) for f in v.split(",")],
                    default=[0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2])
args = parser.parse_args()
detector, recognizer = load_detector(), load_recognizer(args.recognizer)
print(f"recogniser {args.recognizer or 'shipped default'}; every other setting the reader's default")
sets = evaluation.real_photo_sets()
read = {}
for photo_set in sets:
    alpr = ALPR(detector, recognizer, region=photo_set.name, min_confidence=0.0)
    read[photo_set.name] = [alpr.read(image) for image in photo_set.images]
print("| min confidence | " + " | ".join(f"{s.name} top-1 / false boxes" for s in sets) + " | plates read | false boxes |")
print("|---:|" + "---|" * len(sets) + "---:|---:|")
for floor in args.floors:
    cells, total, false = [], 0, 0.0
    for photo_set in sets:
        kept = [[r for r in found if r.confidence >= floor] for found in read[photo_set.name]]
        scores = evaluation.score_alpr(photo_set, kept)
        cells.append(f"{scores['top1']:.1%} / {scores['fp_per_image']:.2f}")
        total += round(scores["top1"] * scores["plates"])
        false += scores["fp_per_image"] * scores["images"]
    print(f"| {floor:g} | " + " | ".join(cells) + f" | {total} | {false:.0f} |", flush=True)
