"""The end-to-end reader's time per 1280x720 image, with and without the box regressor, at the plain
search and at the half-stride search, interleaved over rounds (this machine's speed drifts by
20-30% within a session, so only figures from one run compare).

    .venv/bin/python benchmarks/reader_speed.py [--rounds 2] [--repeats 9] [--verifier W] [--only-defaults]
        [--thresholds 0.5 0.2] [--recognizer weights/recognizer_latin] [--widths 1.15,1.35 0.7,0.85,1.15,1.35]
        [--rescue-floors 0.05] [--photos N]

The image is `eval_alpr.py`'s: a seeded `cctv` scene with 2 plates (eu, us, br_old); with
`--photos N`, also the first N real dev photos of each region (br, eu, us; `../shared`), each
setting timed once per photo per round (the median over photos).
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import lprlab  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.pipeline import READER_DETECTOR_PRECISION  # noqa: E402
from lprlab.pipeline import ALPR  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--repeats", type=int, default=9, help="timed reads per setting and round (median)")
parser.add_argument("--verifier", help="also time the reader with these verifier weights, boxes fitted first")
parser.add_argument("--only-defaults", action="store_true", help="leave out the half-stride and unfitted readers")
parser.add_argument("--thresholds", type=float, nargs="+", default=[],
                    help="also time the default reader at these presence thresholds")
parser.add_argument("--recognizer", nargs="+", default=[],
                    help="also time the default reader with these recogniser weights (A,B: an ensemble)")
parser.add_argument("--widths", nargs="+", default=[],
                    help="also time the default reader with these box width factors (comma-separated; '' for none)")
parser.add_argument("--rescue-floors", type=float, nargs="+", default=[],
                    help="also time the default reader at these rescue floors (see ALPR)")
parser.add_argument("--photos", type=int, default=0, help="also time on the first N real dev photos of each region")
parser.add_argument("--precision", default=READER_DETECTOR_PRECISION, choices=("float32", "bfloat16", "auto"),
                    help="the detector's arithmetic (default: the reader's, auto)")
parser.add_argument("--float32-too", action="store_true", help="also time the default reader with a float32 detector")
args = parser.parse_args()
detector, recognizer = load_detector(precision=args.precision), load_recognizer()
scene = lprlab.make_scene(lprlab.resolve_formats("eu,us,br_old"), np.random.default_rng(0), "cctv")
settings = {"offsets 0 4, fit 0": dict(offsets=(0, 4), fit=0), "offsets 0 4, fit 1": dict(offsets=(0, 4), fit=1),
            "offsets 0, fit 0": dict(offsets=(0,), fit=0), "offsets 0, fit 1 (the default)": dict(offsets=(0,), fit=1)}
if args.only_defaults:
    settings = {"offsets 0, fit 1 (the default)": settings["offsets 0, fit 1 (the default)"]}
for threshold in args.thresholds:
    settings[f"the default at presence threshold {threshold:g}"] = dict(offsets=(0,), fit=1, threshold=threshold)
settings = {name: (detector, options) for name, options in settings.items()}
readers = {name: recognizer for name in settings}
for weights in args.recognizer:
    name = f"the default with recogniser {weights}"
    settings[name], readers[name] = (detector, dict(offsets=(0,), fit=1)), load_recognizer(weights)
for widths in args.widths:
    factors = tuple(float(f) for f in widths.split(",") if f)
    settings[f"the default with widths {widths or 'none'}"] = (detector, dict(offsets=(0,), fit=1, widths=factors))
for floor in args.rescue_floors:
    settings[f"the default at rescue floor {floor:g}"] = (detector, dict(offsets=(0,), fit=1, rescue_floor=floor))
if args.float32_too and detector.precision != "float32":
    settings["the default, detector in float32"] = (load_detector(precision="float32"), dict(offsets=(0,), fit=1))
if args.verifier:
    settings[f"offsets 0, fit 1 first, verifier {args.verifier}"] = (load_detector(verify=args.verifier),
                                                                      dict(offsets=(0,), fit=1, fit_first=True))
print("| round | reader | ms per image | images/s |\n|---:|---|---:|---:|")
for round_ in range(args.rounds):
    for name, (searcher, options) in settings.items():
        reader = ALPR(searcher, readers.get(name, recognizer), **options)
        reader.read(scene.image)
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            reader.read(scene.image)
            times.append(time.perf_counter() - start)
        print(f"| {round_ + 1} | {name} | {1000 * np.median(times):.0f} | {1 / np.median(times):.1f} |", flush=True)
if args.photos:
    from lprlab.real import load_openalpr_photos  # noqa: E402

    photos = [p.image for region in ("br", "eu", "us") for p in load_openalpr_photos(region=region)[:args.photos]]
    print(f"\nreal dev photos ({len(photos)}, as they are)\n\n| round | reader | median ms per photo | mean ms per photo |\n|---:|---|---:|---:|")
    for round_ in range(args.rounds):
        for name, (searcher, options) in settings.items():
            reader = ALPR(searcher, readers.get(name, recognizer), **options)
            reader.read(photos[0])
            times = []
            for image in photos:
                start = time.perf_counter()
                reader.read(image)
                times.append(time.perf_counter() - start)
            print(f"| {round_ + 1} | {name} | {1000 * np.median(times):.0f} | {1000 * np.mean(times):.0f} |", flush=True)
