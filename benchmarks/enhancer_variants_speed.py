"""Inference speed of enhancer generator variants (untrained, same shapes as trained ones): plates/s
in batches of 128 at the x4 LR size 16x64, for the upsampler and width/depth choices.

    .venv/bin/python benchmarks/enhancer_variants_speed.py [--seconds 6]
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab.models.enhancer import EnhancerConfig, build_generator  # noqa: E402

VARIANTS = {  # name: (filters, blocks, upsampler)
    "progressive 32x6 (shipped)": (32, 6, "progressive"),
    "direct 32x6": (32, 6, "direct"),
    "direct 48x6": (48, 6, "direct"),
    "direct 48x7": (48, 7, "direct"),
    "direct 48x8": (48, 8, "direct"),
    "direct 64x6": (64, 6, "direct"),
    "progressive 48x6": (48, 6, "progressive"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="timing per variant")
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    batch = np.random.default_rng(0).random((args.batch, 16, 64, 3)).astype(np.float32)
    print("| generator | parameters | plates/s |")
    print("|---|---:|---:|")
    for name, (filters, blocks, upsampler) in VARIANTS.items():
        model = build_generator(EnhancerConfig(filters=filters, blocks=blocks, upsampler=upsampler,
                                               upsample_filters=(filters, 16)))
        for _ in range(2):
            model.predict_on_batch(batch)
        start, done = time.perf_counter(), 0
        while time.perf_counter() - start < args.seconds:
            model.predict_on_batch(batch)
            done += args.batch
        print(f"| {name} | {model.count_params():,} | {done / (time.perf_counter() - start):.0f} |", flush=True)


if __name__ == "__main__":
    main()
