"""Where the detector's time goes at 1280x720, and what the packed pyramid saves, back to back.

    .venv/bin/python benchmarks/detector_speed.py [--weights weights/detector] [--searcher W] [--rounds 2] [--repeats 7]

For each precision (float32, bfloat16), `rounds` times: the pyramid search (`Detector.candidates`,
padded as `detect` pads) with the smaller levels packed onto one canvas and with every level run
alone, then the whole `detect` (search, verifier, NMS); then, once, its parts: resizing the levels
from the image, the first level's pass and the canvas's pass. Median milliseconds of `repeats` on
the procedural 1280x720 scene of `evaluation.measure_detector_speed`. With `--searcher` the
search is the cascade (the parts below are then the plain search's). Timings on a shared machine
vary by tens of percent from day to day: compare rows of one run, not across runs.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from lprlab.backgrounds import procedural_background  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.models.detector import BORDER_PAD, _resize_pool, pack_levels, pyramid_scales  # noqa: E402
from lprlab.tiles import resize_level  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default=None, help="detector weights (default: weights/detector)")
parser.add_argument("--searcher", help="the cascade's first stage (default: weights/detector_search with the shipped "
                                       "detector)")
parser.add_argument("--no-search", action="store_true", help="search with the detector alone")
parser.add_argument("--search-threshold", type=float, default=0.05)
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT")
args = parser.parse_args()
width, height = (int(v) for v in args.size.split("x"))
image = procedural_background(np.random.default_rng(0), (height, width))


def median_ms(run) -> float:
    run()
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


searcher = "none" if args.no_search else args.searcher or "the default (weights/detector_search with weights/detector)"
print(f"{args.weights or 'weights/detector'}, searcher {searcher} ({args.search_threshold}), {args.size}, "
      f"pad {BORDER_PAD}, median of {args.repeats}, ms")
for precision in ("float32", "bfloat16"):
    detector = load_detector(args.weights, precision, searcher=False if args.no_search else args.searcher or True,
                         search_threshold=args.search_threshold)
    for round_ in range(args.rounds):
        packed = median_ms(lambda: detector.candidates(image, pad=BORDER_PAD))
        alone = median_ms(lambda: detector.candidates(image, pad=BORDER_PAD, pack=False))
        whole = median_ms(lambda: detector.detect(image))
        print(f"{precision} round {round_ + 1}: search packed {packed:.1f}, every level alone {alone:.1f}; "
              f"detect (packed, verifier, NMS) {whole:.1f} ({1000 / whole:.1f} images/s)", flush=True)
    window = detector.config.window
    pad_y, pad_x = round(BORDER_PAD * window[0]), round(BORDER_PAD * window[1])
    scales = pyramid_scales((height, width), (round(window[0] * (1 - BORDER_PAD)), round(window[1] * (1 - BORDER_PAD))))
    levels = [cv2.copyMakeBorder(resize_level(image, s), pad_y, pad_y, pad_x, pad_x, cv2.BORDER_REPLICATE)
              for s in scales]
    offsets, canvas_size = pack_levels([level.shape[:2] for level in levels[1:]], detector.config.stride)
    canvas = np.zeros((*canvas_size, 3), np.uint8)
    resizes = median_ms(lambda: [resize_level(image, s) for s in scales])
    threaded = median_ms(lambda: list(_resize_pool().map(lambda s: resize_level(image, s), scales)))
    first = median_ms(lambda: detector.presence_grid(levels[0]))
    packed_pass = median_ms(lambda: detector.presence_grid(canvas))
    pixels = sum(level.shape[0] * level.shape[1] for level in levels[1:])
    print(f"{precision} parts: {len(scales)} levels resized {resizes:.1f} (on two threads, as the search does since "
          f"0.38.0: {threaded:.1f}); first level {levels[0].shape[1]}x"
          f"{levels[0].shape[0]} {first:.1f}; canvas {canvas_size[1]}x{canvas_size[0]} of {len(levels) - 1} levels "
          f"({canvas_size[0] * canvas_size[1] / pixels:.2f}x their pixels) {packed_pass:.1f}", flush=True)
