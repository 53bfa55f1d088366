"""Prints generator throughput on this machine (the README's results table): `make bench`.

    .venv/bin/python benchmarks/bench_generator.py [--count-scale 1.0] [--backgrounds DIR]
"""
import argparse
import os
import platform

from lprlab import throughput

parser = argparse.ArgumentParser()
parser.add_argument("--count-scale", type=float, default=1.0, help="multiply the sample counts")
parser.add_argument("--backgrounds", help="folder of background photos for scenes (default: procedural)")
args = parser.parse_args()
scale = args.count_scale
print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; all formats; samples/s")
print("| what | where | 1 worker | 2 workers |")
print("|---|---|---:|---:|")
rows = [("plate", "memory", 6000), ("crop", "memory", 4000), ("crop+full", "memory", 3000), ("scene", "memory", 400),
        ("crop", "disk", 4000), ("crop+full", "disk", 3000), ("scene", "disk", 400)]
for what, where, count in rows:
    measure = throughput.in_memory if where == "memory" else throughput.to_disk
    figures = [measure(what, int(count * scale), workers, backgrounds=args.backgrounds) for workers in (1, 2)]
    print(f"| {what} | {where} | {figures[0]:,.0f} | {figures[1]:,.0f} |", flush=True)
