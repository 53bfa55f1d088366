"""Two detectors' false boxes on the same real photos, photo by photo (per-photo CSVs of
`benchmarks/false_boxes.py --per-photo`): per region, the totals, the photos with fewer and with
more false boxes under B, and a two-sided sign test on those photos (scipy's exact binomial test;
photos with as many under both are left out).

    .venv/bin/python benchmarks/compare_false_boxes.py A.csv B.csv
"""
import argparse
import collections
import csv

from scipy.stats import binomtest

parser = argparse.ArgumentParser()
parser.add_argument("a")
parser.add_argument("b")
args = parser.parse_args()


def load(path):
    return {(r["region"], r["photo"]): int(r["false_boxes"]) for r in csv.DictReader(open(path, encoding="utf-8"))}


a, b = load(args.a), load(args.b)
if set(a) != set(b):
    raise SystemExit(f"the two files list different photos ({len(set(a) ^ set(b))} differ)")
print(f"A = {args.a}, B = {args.b}")
print("| region | photos | false boxes A | false boxes B | photos fewer under B | more under B | sign test p |")
print("|---|---:|---:|---:|---:|---:|---:|")
groups = collections.defaultdict(list)
for key in sorted(a):
    groups[key[0]].append(key)
    groups["all"].append(key)
for region, keys in groups.items():
    fewer = sum(b[k] < a[k] for k in keys)
    more = sum(b[k] > a[k] for k in keys)
    p = binomtest(fewer, fewer + more).pvalue if fewer + more else 1.0
    print(f"| {region} | {len(keys)} | {sum(a[k] for k in keys)} | {sum(b[k] for k in keys)} | {fewer} | {more} "
          f"| {p:.3f} |")
