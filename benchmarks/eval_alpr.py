"""Every end-to-end figure of the README: the real openalpr-dev photos read by `lprlab.ALPR`
(openalpr's criterion: a box with IoU >= 0.4 whose top-1 text matches), per region, strict, with
O/0 I/1 merged and top-5; time per image at 1280x720; the real clips of videos-dev (share of clips
whose plates are all the voted text of some track) and frames per second at 640x480.

    .venv/bin/python benchmarks/eval_alpr.py [--detector weights/detector] [--recognizer weights/recognizer_latin]
    .venv/bin/python benchmarks/eval_alpr.py --finetune --skip-video   # adds the fine-tuned rows
    .venv/bin/python benchmarks/eval_alpr.py --skip-video --per-plate A.csv   # each plate's outcome

With --finetune, the recogniser is also fine-tuned on half of the real dev crops (the split of
notebook 02) and both models read the photos none of whose plates were in that half: the
fine-tuned figures are reported beside the synthetic-only ones, on the same photos, never instead.
The photo rows are repeated with the truth completed by `openalpr_dev_completions.csv` (see
`lprlab.evaluation.complete_photo_set`); the official rows stay the figures of record.
"""
import argparse
import csv
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import lprlab  # noqa: E402
from lprlab import evaluation  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.enhancement import ENHANCE_MODES, load_enhancer  # noqa: E402
from lprlab.pipeline import ALPR, READER_DETECTOR_PRECISION, VIDEO_WIDTHS  # noqa: E402
from lprlab.recognition import ViewAverage, load_recognizer  # noqa: E402
from lprlab.video import read_video  # noqa: E402
from lprlab.watchlist import normalise  # noqa: E402

COMPLETIONS = pathlib.Path(__file__).with_name("openalpr_dev_completions.csv")

parser = argparse.ArgumentParser()
parser.add_argument("--detector", default="weights/detector")
parser.add_argument("--recognizer", default="weights/recognizer_latin_both,weights/recognizer_latin_h64_both",
                    help="recogniser weights; A,B averages several (default: the shipped pair; --finetune tunes every member)")
parser.add_argument("--video-recognizer", default="weights/recognizer_latin_both",
                    help="recogniser weights on the clips (default: as `lprlab video`, lprlab.recognition.VIDEO_WEIGHTS)")
parser.add_argument("--videos", default=str(pathlib.Path(__file__).resolve().parents[2] / "shared/real/videos-dev"))
parser.add_argument("--skip-video", action="store_true")
parser.add_argument("--skip-photos", action="store_true", help="only the speed and video figures")
parser.add_argument("--finetune", action="store_true", help="also fine-tune on half the real crops (reported apart)")
parser.add_argument("--epochs", type=int, default=6, help="fine-tuning epochs")
parser.add_argument("--no-verify", action="store_true", help="the detector without its verifier")
parser.add_argument("--verifier", default="weights/verifier", help="verifier weights (a run's model too)")
parser.add_argument("--margin", type=lambda v: tuple(float(m) for m in v.split(",")) if "," in v else float(v),
                    default=(0.04, 0.08, 0.12), help="crop margin around each box, or margins to read each box at (see ALPR)")
parser.add_argument("--threshold", type=float, default=0.2, help="the detector's presence probability (see ALPR)")
parser.add_argument("--verify-threshold", type=float, default=0.5, help="the verifier's probability to keep a box")
parser.add_argument("--rescue", type=float, default=0.5,
                    help="keep a doubted box (verifier --rescue-floor to its threshold) whose reading fits a format with this probability")
parser.add_argument("--heights", type=lambda v: tuple(float(f) for f in v.split(",") if f.strip()), default=(0.85, 1.2),
                    help="box height factors read besides the margins (see ALPR; '' for none)")
parser.add_argument("--widths", type=lambda v: tuple(float(f) for f in v.split(",") if f.strip()), default=(0.7, 0.85, 1.15, 1.35),
                    help="box width factors read besides the margins and heights (see ALPR; '' for none)")
parser.add_argument("--shifts", type=lambda v: tuple(tuple(float(x) for x in item.split(":")) for item in v.split(",") if item.strip()),
                    default=(), help="shifted views WIDTH:SHIFT,... (width factor, centre shift as a share of the box width; see ALPR)")
parser.add_argument("--shift-below", type=float, default=0.5, help="the reading probability under which shifted views are read (see ALPR)")
parser.add_argument("--rescue-floor", type=float, default=0.001,
                    help="the verifier probability under which no reading rescues a box (see ALPR)")
parser.add_argument("--min-confidence", type=float, default=0.1,
                    help="the reading probability under which a box is dropped (see ALPR)")
parser.add_argument("--refine", type=float, default=0.0,
                    help="the detector's box refinement for doubted boxes scoring at least this (see ALPR; 0: off)")
parser.add_argument("--offsets", type=int, nargs="+", default=[0],
                    help="pixel offsets at which the detector searches its levels (see ALPR; 0: the plain search)")
parser.add_argument("--video-widths", type=lambda v: tuple(float(f) for f in v.split(",") if f.strip()), default=VIDEO_WIDTHS,
                    help="box width factors the clips are read at (default: lprlab video's, none; '' for none)")
parser.add_argument("--video-offsets", type=int, nargs="+", default=[0],
                    help="the detector's offsets on the clips (default 0, as `lprlab video`: a moving plate falls "
                         "on other alignments in other frames)")
parser.add_argument("--per-plate", help="write each true plate's outcome here (CSV; compare two with "
                                        "benchmarks/compare_readers.py)")
parser.add_argument("--precision", default=READER_DETECTOR_PRECISION, choices=("float32", "bfloat16", "auto"),
                    help="the detector's arithmetic (default auto, the reader's: bfloat16 where the CPU has it; the recogniser: float32 "
                         "unless bfloat16)")
parser.add_argument("--searcher", help="the cascade's first stage (default: weights/detector_search with the shipped "
                                       "detector)")
parser.add_argument("--no-search", action="store_true", help="search with the detector alone")
parser.add_argument("--search-threshold", type=float, default=0.05, help="the searcher's presence to score a window")
parser.add_argument("--box-regressor", default="default",
                    help="box regressor weights (default: weights/box_regressor when present; 'none': boxes as searched)")
parser.add_argument("--fit", type=int, default=1, help="box regressor iterations per box (see ALPR; 0: off)")
parser.add_argument("--read-searched", action="store_true",
                    help="read the search's boxes too, not only the fitted ones (see ALPR's read_searched)")
parser.add_argument("--fit-first", default="auto", choices=("auto", "yes", "no"),
                    help="fit every box before the verifier judges it (auto: when the verifier learnt fitted boxes)")
parser.add_argument("--verify-fitted", action="store_true",
                    help="a box the verifier doubts gets a second look at its fitted box (see ALPR)")
parser.add_argument("--tta", action="store_true",
                    help="read every crop in the nine cuts of lprlab.recognition.TTA_VIEWS, averaged (ViewAverage)")
parser.add_argument("--us-serial-weight", type=float, default=None,
                    help="the US photos' prior ratio of a reading that fits no serial layout (1: none; default: "
                         "lprlab.postprocess.REGION_SERIAL_WEIGHTS)")
parser.add_argument("--us-character-weights", type=lambda v: {} if v == "none" else
                    {k: float(w) for k, w in (item.split("=") for item in v.split(","))},
                    help="the US photos' character prior ratios, e.g. O=0.5,I=1 or none (default: "
                         "lprlab.postprocess.REGION_CHARACTER_WEIGHTS)")
parser.add_argument("--enhance-below", type=float, default=0.0, metavar="PX",
                    help="enhance plates lower than PX pixels with the shipped enhancer, as `lprlab alpr --enhance "
                         "--enhance-below PX` (default 0: no enhancer, as `lprlab alpr`)")
parser.add_argument("--enhance-mode", default="at_least_lr", choices=ENHANCE_MODES,
                    help="how crops meet the enhancer (Enhancer.enhance's mode; 'fixed' as until 0.37.0)")
args = parser.parse_args()
FIT_FIRST = {"auto": None, "yes": True, "no": False}
detector = load_detector(args.detector, args.precision, verify=False if args.no_verify else args.verifier,
                         searcher=False if args.no_search else args.searcher or True,
                         search_threshold=args.search_threshold,
                         box_regressor={"default": True, "none": False}.get(args.box_regressor, args.box_regressor))
recognizer = load_recognizer(args.recognizer, "bfloat16" if args.precision == "bfloat16" else "float32")
if args.tta:
    recognizer = ViewAverage(recognizer)
print(f"detector {args.detector} ({'no verifier' if detector.verifier is None else 'verifier ' + args.verifier}), "
      f"searcher {'none' if detector.searcher is None else args.searcher or 'weights/detector_search'} ({args.search_threshold}), detector {detector.precision}, recogniser {recognizer.precision if hasattr(recognizer, 'precision') else 'float32'}, "
      f"recogniser {args.recognizer}, presence threshold {args.threshold}, crop margin {args.margin}, verifier threshold {args.verify_threshold}, "
      f"rescue by reading {args.rescue or 'off'} (floor {args.rescue_floor}), heights {args.heights}, widths {args.widths or 'none'}, shifts {args.shifts or 'none'} (below {args.shift_below}), "
      f"min confidence {args.min_confidence}, refine {args.refine or 'off'}, offsets {args.offsets} "
      f"(clips {args.video_offsets}), box regressor "
      f"{'none' if detector.box_regressor is None or not args.fit else args.box_regressor} (fit {args.fit}"
      f"{', search boxes read too' if args.read_searched else ''}"
      f"{', doubted boxes verified again fitted' if args.verify_fitted else ''}"
      f"{f', fitted first: {args.fit_first}'})"
      f"{'' if args.us_character_weights is None else f', US character weights {args.us_character_weights}'}"
      f"{'' if args.us_serial_weight is None else f', US serial weight {args.us_serial_weight}'}"
      f"{f', enhancer below {args.enhance_below} px ({args.enhance_mode})' if args.enhance_below else ''}")
print("| region | photos | plates | detected | top-1 | O/0 I/1 merged | top-5 | false boxes / photo | s / photo |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
try:
    photo_sets = [] if args.skip_photos else evaluation.real_photo_sets()
except FileNotFoundError as error:
    photo_sets = []
    print(error)
# the reader's options, for the photos, the speed figure and the clips alike (but the clips' offsets)
reader_options = dict(threshold=args.threshold, margin=args.margin, verify_threshold=args.verify_threshold, rescue_confidence=args.rescue,
                      rescue_floor=args.rescue_floor, heights=args.heights, widths=args.widths, shifts=args.shifts, shift_below=args.shift_below,
                      min_confidence=args.min_confidence, refine=args.refine, offsets=tuple(args.offsets),
                      fit=args.fit, read_searched=args.read_searched,
                      verify_fitted=args.verify_fitted, fit_first=FIT_FIRST[args.fit_first])
if args.enhance_below:
    reader_options |= dict(enhancer=load_enhancer(), enhance_below_px=args.enhance_below,
                           enhance_mode=args.enhance_mode)
completed, outcomes = [], []
for photo_set in photo_sets:
    weights = args.us_character_weights if photo_set.name == "us" else None
    serial = args.us_serial_weight if photo_set.name == "us" else None
    scores, results = evaluation.evaluate_alpr(ALPR(detector, recognizer, region=photo_set.name,
                                                    character_weights=weights, serial_weight=serial, **reader_options), photo_set)
    print(f"| {photo_set.name} | {scores['images']} | {scores['plates']} | {scores['detected']:.1%} | {scores['top1']:.1%} "
          f"| {scores['top1_merged']:.1%} | {scores['topk']:.1%} | {scores['fp_per_image']:.2f} | "
          f"{scores['seconds_per_image']:.3f} |", flush=True)
    outcomes += evaluation.alpr_outcomes(photo_set, results)
    fuller = evaluation.complete_photo_set(photo_set, COMPLETIONS)
    completed.append((f"{photo_set.name}, truth completed", {**evaluation.score_alpr(fuller, results),
                                                             "seconds_per_image": scores["seconds_per_image"]}))
for name, scores in completed:
    print(f"| {name} | {scores['images']} | {scores['plates']} | {scores['detected']:.1%} | {scores['top1']:.1%} "
          f"| {scores['top1_merged']:.1%} | {scores['topk']:.1%} | {scores['fp_per_image']:.2f} | "
          f"{scores['seconds_per_image']:.3f} |", flush=True)
if completed:
    print(f"truth completed: {COMPLETIONS.name} (other real plates the truth leaves out are neither read nor false; "
          "one misplaced truth box moved to its plate)")
if args.per_plate and outcomes:
    with open(args.per_plate, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(outcomes[0]))
        writer.writeheader()
        writer.writerows(outcomes)
if args.finetune and photo_sets:
    import tempfile

    from lprlab.real import export_plates, load_openalpr_crops, load_openalpr_endtoend
    from lprlab.train import finetune_recognizers

    plates = load_openalpr_crops(region="us") + [p for r in ("br", "eu", "us") for p in load_openalpr_endtoend(region=r)]
    with tempfile.TemporaryDirectory() as folder:
        export_plates(plates, os.path.join(folder, "crops"))
        tuned_weights, held = finetune_recognizers(args.recognizer, os.path.join(folder, "crops"), os.path.join(folder, "run"),
                                                   epochs=args.epochs, verbose=0)
        tuned = load_recognizer(tuned_weights, "bfloat16" if args.precision == "bfloat16" else "float32")
    held = set(held)
    names = [f"{p.region}_{i:05d}_{pathlib.Path(p.source).stem}.png" for i, p in enumerate(plates)]
    seen = {pathlib.Path(p.source).stem for p, name in zip(plates, names) if name not in held}
    print(f"\nphotos none of whose plates were fine-tuned on (synthetic-only vs fine-tuned recogniser, every member of "
          f"{args.recognizer} tuned {args.epochs} epochs; the reader's options as above):")
    print("| region | model | photos | top-1 | O/0 I/1 merged | top-5 |")
    print("|---|---|---:|---:|---:|---:|")
    for photo_set in photo_sets:
        keep = [i for i, n in enumerate(photo_set.names) if pathlib.Path(n).stem not in seen]
        subset = evaluation.PhotoSet(photo_set.name, *([getattr(photo_set, f)[i] for i in keep]
                                                       for f in ("images", "boxes", "texts", "names")))
        for label, model in (("synthetic only", recognizer), ("fine-tuned", tuned)):
            scores, _ = evaluation.evaluate_alpr(ALPR(detector, model, region=subset.name, **reader_options), subset)
            print(f"| {subset.name} | {label} | {scores['images']} | {scores['top1']:.1%} | {scores['top1_merged']:.1%} "
                  f"| {scores['topk']:.1%} |", flush=True)
alpr = ALPR(detector, recognizer, **reader_options)
scene = lprlab.make_scene(lprlab.resolve_formats("eu,us,br_old"), np.random.default_rng(0), "cctv")
alpr.read(scene.image)
times = []
for _ in range(5):
    start = time.perf_counter()
    alpr.read(scene.image)
    times.append(time.perf_counter() - start)
print(f"end to end at 1280x720 (cctv scene, {len(scene.plates)} plates): {1000 * np.median(times):.0f} ms, "
      f"{1 / np.median(times):.1f} images/s")
videos = pathlib.Path(args.videos)
if not args.skip_video and (videos / "labels.csv").is_file():
    rows = list(csv.DictReader(open(videos / "labels.csv", encoding="utf-8")))
    video_recognizer = (recognizer if args.video_recognizer == args.recognizer else
                        load_recognizer(args.video_recognizer, "bfloat16" if args.precision == "bfloat16" else "float32"))
    print(f"clips: recogniser {args.video_recognizer}, widths {args.video_widths or 'none'}")
    alpr = ALPR(detector, video_recognizer, region="eu", **(reader_options | {"offsets": tuple(args.video_offsets),
                                                                             "widths": args.video_widths}))
    read, frames, seconds = 0, 0, 0.0
    for row in rows:
        start = time.perf_counter()
        tracks = read_video(videos / row["video"], alpr, progress=False)
        seconds += time.perf_counter() - start
        frames += max((t.last_frame for t in tracks), default=0) + 1
        wanted = [normalise(p) for p in row["plates"].split(";")]
        texts = {t.text for t in tracks}
        ok = all(w in texts for w in wanted)
        read += ok
        best = ", ".join(f"{t.text}({t.frames})" for t in sorted(tracks, key=lambda t: -t.frames)[:3])
        print(f"{'ok ' if ok else 'MISS'} {row['video']:16s} truth {'; '.join(wanted):20s} tracks {best}", flush=True)
    print(f"clips with all plates read: {read}/{len(rows)} = {read / len(rows):.0%}; "
          f"{frames / seconds:.1f} frames/s (640x480, read every frame, no video written)")
