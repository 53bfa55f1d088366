"""Every detector figure of the README: the seeded synthetic scene test set (precision, recall and
AP at IoU 0.5, per preset), the real openalpr-dev photos per region (recall at IoU >= 0.4,
openalpr's criterion, and false positives per image), and time per image at 1280x720 and 1920x1080.

    .venv/bin/python benchmarks/eval_detector.py [--weights weights/detector] [--base-scale 1.0] [--json OUT]
        [--no-verify] [--verify-threshold 0.5] [--verifier weights/verifier] [--real-only] [--offsets 0 4]

With the shipped detector the shipped verifier (weights/verifier) runs as in `lprlab detect`;
--no-verify measures the presence network alone. The real rows are repeated with the truth
completed by `openalpr_dev_completions.csv` (other real plates in the photos, which the truth
leaves out, and one misplaced truth box; see `lprlab.evaluation.complete_photo_set`): the
official rows stay the figures of record.
"""
import argparse
import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import evaluation  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402

COMPLETIONS = pathlib.Path(__file__).with_name("openalpr_dev_completions.csv")

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/detector")
parser.add_argument("--count", type=int, default=200, help="synthetic test scenes (half cctv, half parking)")
parser.add_argument("--threshold", type=float, default=0.5)
parser.add_argument("--base-scale", type=float, default=1.0)
parser.add_argument("--json", help="write the figures here")
parser.add_argument("--precision", default="float32", choices=("float32", "bfloat16", "auto"))
parser.add_argument("--no-verify", action="store_true", help="the presence network alone")
parser.add_argument("--verify-threshold", type=float, default=0.5)
parser.add_argument("--verifier", default="weights/verifier", help="verifier weights (a run's model too)")
parser.add_argument("--pad", type=float, default=0.5, help="share of the window padded around each level (0: none)")
parser.add_argument("--refine", type=float, default=0.0,
                    help="move doubted boxes scoring at least this to their best-verified jitter (0: off)")
parser.add_argument("--searcher", help="the cascade's first stage (default: weights/detector_search with the shipped "
                                       "detector)")
parser.add_argument("--no-search", action="store_true", help="search with the detector alone")
parser.add_argument("--search-threshold", type=float, default=0.05, help="the searcher's presence to score a window")
parser.add_argument("--offsets", type=int, nargs="+", default=[0],
                    help="pixel offsets at which each level is searched (0 4: windows at half the stride)")
parser.add_argument("--real-only", action="store_true", help="only the real photos (no synthetic set, no speed)")
parser.add_argument("--box-regressor", default="default",
                    help="box regressor weights (default: weights/box_regressor when present; 'none': boxes as searched)")
parser.add_argument("--fit", type=int, default=1, help="box regressor iterations per box (0: boxes as searched)")
parser.add_argument("--verify-fitted", action="store_true",
                    help="a box the verifier doubts gets a second look at its fitted box")
parser.add_argument("--fit-first", default="auto", choices=("auto", "yes", "no"),
                    help="fit every box before the verifier judges it (auto: when the verifier learnt fitted boxes)")
args = parser.parse_args()
FIT_FIRST = {"auto": None, "yes": True, "no": False}
detector = load_detector(args.weights, args.precision, verify=False if args.no_verify else args.verifier,
                         searcher=False if args.no_search else args.searcher or True,
                         search_threshold=args.search_threshold,
                         box_regressor={"default": True, "none": False}.get(args.box_regressor, args.box_regressor))
options = {"base_scale": args.base_scale, "verify_threshold": args.verify_threshold, "pad": args.pad,
           "refine": args.refine, "offsets": tuple(args.offsets), "fit": args.fit,
           "verify_fitted": args.verify_fitted, "fit_first": FIT_FIRST[args.fit_first]}
figures = {}
verifier = "none" if detector.verifier is None else f"{args.verifier} (threshold {args.verify_threshold})"
print(f"weights {args.weights}, {detector.precision}, searcher {'none' if detector.searcher is None else args.searcher or 'weights/detector_search'} ({args.search_threshold}), threshold {args.threshold}, base scale {args.base_scale}, pad {args.pad}, "
      f"verifier {verifier}, refine {args.refine or 'off'}, offsets {args.offsets}, box regressor "
      f"{'none' if detector.box_regressor is None or not args.fit else args.box_regressor} (fit {args.fit}{', doubted boxes verified again fitted' if args.verify_fitted else ''}{f', fitted first: {args.fit_first}'})")
print("| set | images | plates | precision | recall | AP | FP/image | s/image |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")


def show(name, scores):
    figures[name] = scores
    print(f"| {name} | {scores['images']} | {scores['truths']} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
          f"{scores['ap']:.3f} | {scores['fp_per_image']:.2f} | {scores['seconds_per_image']:.3f} |", flush=True)


for preset in () if args.real_only else ("cctv", "parking"):
    photo_set = evaluation.synthetic_scene_set(detector.config.formats, args.count // 2, presets=(preset,))
    show(f"synthetic {preset} (IoU 0.5)", evaluation.evaluate_detector(detector, photo_set, 0.5, args.threshold,
                                                                      **options)[0])
try:
    real_sets = evaluation.real_photo_sets()
except FileNotFoundError as error:
    real_sets = []
    print(error)
completed = []
for photo_set in real_sets:
    scores, found = evaluation.evaluate_detector(detector, photo_set, 0.4, args.threshold, keep_all=True, **options)
    show(f"real {photo_set.name} (IoU 0.4)", scores)
    fuller = evaluation.complete_photo_set(photo_set, COMPLETIONS)
    completed.append((f"real {photo_set.name}, truth completed (IoU 0.4)",
                      {**evaluation.score_detections(fuller, found, 0.4, args.threshold),
                       "seconds_per_image": scores["seconds_per_image"]}))
for name, scores in completed:
    show(name, scores)
if completed:
    print(f"truth completed: {COMPLETIONS.name} moves one misplaced truth box and marks other real plates the "
          f"truth leaves out, on which a box is neither found nor false (" +
          ", ".join(f"{s['ignored']} in {n.split(',')[0][5:]}" for n, s in completed) + ")")
speed = {} if args.real_only else evaluation.measure_detector_speed(detector, **options)
figures["speed"] = speed
if speed:
    print("speed: " + ", ".join(f"{k[3:]} {v:.0f} ms ({1000 / v:.1f} images/s)" for k, v in speed.items()))
if args.json:
    with open(args.json, "w") as handle:
        json.dump(figures, handle, indent=1)
