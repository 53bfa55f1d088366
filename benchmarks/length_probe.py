"""Top-1 by text length: how well readers read short plates.

Real part (`--per-crop`): per-crop CSVs of `eval_recognizer.py --per-plate` (the real crops read
with region patterns), tabulated by the length of the truth, one column per CSV. Synthetic part
(`--weights`): clean flat US plates with random texts of 3-7 characters (letters and digits mixed,
or digits only), every US design whose patterns allow the text, read by each recogniser (one
column each): a reader that doubles or drops characters on short texts shows it here in-domain.

    .venv/bin/python benchmarks/length_probe.py --per-crop A.csv [B.csv ...] [--region crops/us]
    .venv/bin/python benchmarks/length_probe.py --weights W [W2 or A,B ...] [--count 150] [--seed 5]
"""
import argparse
import collections
import csv
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--per-crop", nargs="+", default=[], help="per-crop CSVs (eval_recognizer.py --per-plate)")
parser.add_argument("--region", default="crops/us", help="region of the per-crop rows tabulated ('' for all)")
parser.add_argument("--weights", nargs="+", default=[], help="recogniser weights (A,B: an ensemble) for the synthetic probe")
parser.add_argument("--count", type=int, default=150, help="synthetic plates per length")
parser.add_argument("--seed", type=int, default=5)
parser.add_argument("--height", type=int, default=48, help="synthetic plate height in pixels")
args = parser.parse_args()
if not args.per_crop and not args.weights:
    parser.error("give --per-crop CSVs, --weights, or both")


def bucket(length: int) -> str:
    return "≤ 3" if length <= 3 else "≥ 8" if length >= 8 else str(length)


ORDER = ["≤ 3", "4", "5", "6", "7", "≥ 8"]

if args.per_crop:
    tables = []
    for path in args.per_crop:
        counts = collections.defaultdict(lambda: [0, 0])
        for row in csv.DictReader(open(path, encoding="utf-8")):
            if args.region and row["region"] != args.region:
                continue
            cell = counts[bucket(len(row["truth"]))]
            cell[0] += row["read"] == "True"
            cell[1] += 1
        tables.append(counts)
    print(f"real crops ({args.region or 'all regions'}) read with patterns, by truth length")
    print("| characters | crops | " + " | ".join(args.per_crop) + " |")
    print("|---|---:|" + "---:|" * len(args.per_crop))
    for key in ORDER + ["all"]:
        cells = [(sum(v[0] for v in t.values()), sum(v[1] for v in t.values())) if key == "all" else tuple(t.get(key, (0, 0)))
                 for t in tables]
        if cells[0][1]:
            print(f"| {key} | {cells[0][1]} | " + " | ".join(f"{r} ({100 * r / n:.0f}%)" for r, n in cells) + " |")

if args.weights:
    from lprlab.formats import get_format, match_text, mixed_chars  # noqa: E402
    from lprlab.recognition import load_recognizer  # noqa: E402
    from lprlab.render import render_plate  # noqa: E402

    fmt = get_format("us")
    rng = np.random.default_rng(args.seed)
    images, texts = [], []
    for length in (3, 4, 5, 6, 7):
        for _ in range(args.count):
            while True:
                text = (mixed_chars(fmt.variants[0].letters, length, rng) if rng.random() < 0.7
                        else "".join(str(d) for d in rng.integers(10, size=length)))
                if match_text(fmt, text):
                    break
            images.append(render_plate(text, fmt, rng, args.height).image)
            texts.append(text)
    print(f"\nsynthetic US plates, {args.count} per length, clean, {args.height} px high (seed {args.seed})")
    print("| characters | " + " | ".join(args.weights) + " |")
    print("|---|" + "---:|" * len(args.weights))
    columns = []
    for weights in args.weights:
        readings = load_recognizer(weights).read(images)
        hits = collections.defaultdict(list)
        for reading, text in zip(readings, texts):
            hits[len(text)].append(reading.text == text)
        columns.append(hits)
    for length in (3, 4, 5, 6, 7):
        print(f"| {length} | " + " | ".join(f"{100 * np.mean(c[length]):.1f}%" for c in columns) + " |")
    print("| all | " + " | ".join(f"{100 * np.mean([v for h in c.values() for v in h]):.1f}%" for c in columns) + " |")
