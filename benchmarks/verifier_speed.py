"""The shipped detector's whole search (cascade, verifier, NMS) with each of several verifiers, rounds
interleaved so the machine's drift falls on all alike: milliseconds per image at 1280x720 and
1920x1080 (`evaluation.measure_detector_speed`, median of 5 each round).

    .venv/bin/python benchmarks/verifier_speed.py [weights/candidates/verifier_v8f weights/verifier] [--rounds 2]
"""
import argparse

from lprlab import evaluation
from lprlab.detection import load_detector

parser = argparse.ArgumentParser()
parser.add_argument("verifiers", nargs="*", default=["weights/candidates/verifier_v8f", "weights/verifier"])
parser.add_argument("--rounds", type=int, default=2)
args = parser.parse_args()
detectors = {v: load_detector(verify=v) for v in args.verifiers}
print("| round | verifier | ms at 1280x720 | images/s | ms at 1920x1080 |")
print("|---:|---|---:|---:|---:|")
for round_ in range(1, args.rounds + 1):
    for name, detector in detectors.items():
        ms = evaluation.measure_detector_speed(detector)
        print(f"| {round_} | {name} | {ms['ms_1280x720']:.0f} | {1000 / ms['ms_1280x720']:.1f} | {ms['ms_1920x1080']:.0f} |")
