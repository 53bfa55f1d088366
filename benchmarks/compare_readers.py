"""Two readers on the same real plates, plate by plate (end to end on the photos, or recognisers on
the real crops): how many plates each reads that the other does not, and whether the difference is more than chance (exact McNemar test,
`lprlab.metrics.mcnemar`). With 50-114 plates a region, a few plates either way is noise: a
p-value under 0.05 is the bar for calling one reader better.

    .venv/bin/python benchmarks/eval_alpr.py --skip-video --per-plate a.csv [--recognizer A]
    .venv/bin/python benchmarks/eval_alpr.py --skip-video --per-plate b.csv --recognizer B
    .venv/bin/python benchmarks/compare_readers.py a.csv b.csv [--list]
    (or two `benchmarks/eval_recognizer.py --per-plate` files: the real crops read with patterns)
"""
import argparse
import csv

from lprlab.metrics import mcnemar

parser = argparse.ArgumentParser()
parser.add_argument("a", help="per-plate CSV of reader A (eval_alpr.py --per-plate)")
parser.add_argument("b", help="per-plate CSV of reader B")
parser.add_argument("--list", action="store_true", help="also list the plates only one reader reads")
args = parser.parse_args()
rows_a, rows_b = (list(csv.DictReader(open(path, encoding="utf-8"))) for path in (args.a, args.b))
keys_a, keys_b = ([(r["region"], r["photo"], r["truth"]) for r in rows] for rows in (rows_a, rows_b))
if keys_a != keys_b:
    raise SystemExit(f"{args.a} and {args.b} do not hold the same plates in the same order")
print(f"A = {args.a}, B = {args.b}")
print("| region | plates | read by A | read by B | both | only A | only B | neither | McNemar p |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
regions = sorted({r["region"] for r in rows_a})
for region in [*regions, "all"]:
    index = [i for i, r in enumerate(rows_a) if region in ("all", r["region"])]
    a = [rows_a[i]["read"] == "True" for i in index]
    b = [rows_b[i]["read"] == "True" for i in index]
    test = mcnemar(a, b)
    print(f"| {region} | {test['items']} | {sum(a)} | {sum(b)} | {test['both']} | {test['only_a']} | {test['only_b']} "
          f"| {test['neither']} | {test['p_value']:.3f} |")
if args.list:
    for row_a, row_b in zip(rows_a, rows_b):
        if row_a["read"] != row_b["read"]:
            print(f"{row_a['region']} {row_a['photo']:28s} truth {row_a['truth']:9s} A {row_a['text'] or '-':9s} "
                  f"B {row_b['text'] or '-':9s} only {'A' if row_a['read'] == 'True' else 'B'}")
