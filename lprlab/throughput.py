"""Generator throughput, in memory and to disk, with a given number of worker processes.

Used by ``benchmarks/bench_generator.py`` (the README's figures) and notebook 01.
"""
from __future__ import annotations

import concurrent.futures
import shutil
import tempfile
import time

import numpy as np

from lprlab.datasets import DatasetSpec, generate_dataset, make_sample
from lprlab.formats import resolve_formats
from lprlab.render import random_plate

WHAT = ("plate", "crop", "crop+full", "scene")


def _spec(what: str, formats: tuple[str, ...], count: int, backgrounds: str | None) -> DatasetSpec:
    if what == "scene":
        return DatasetSpec("scene", formats, count, 0, preset="cctv", backgrounds=backgrounds)
    return DatasetSpec("plate", formats, count, 0, (64, 128), augment="full" if what == "crop+full" else "none")


def _produce(what: str, formats: tuple[str, ...], start: int, count: int, backgrounds: str | None) -> int:
    """Makes `count` samples in memory (nothing written); returns `count`."""
    if what == "plate":
        fmts = resolve_formats(list(formats))
        for i in range(start, start + count):
            rng = np.random.default_rng([0, i])
            random_plate(fmts[i % len(fmts)], rng, 64)
        return count
    spec = _spec(what, formats, start + count, backgrounds)
    for i in range(start, start + count):
        make_sample(spec, i)
    return count


def in_memory(what: str, count: int, workers: int = 1, formats: tuple[str, ...] = ("all",),
              backgrounds: str | None = None) -> float:
    """Samples per second made in memory: `what` is ``plate`` (flat 64-px plates), ``crop``
    (64x128 recogniser crops), ``crop+full`` (crops with the full augmentation pipeline) or
    ``scene`` (1280x720 CCTV scenes). Pool start-up and warm-up are not timed."""
    formats = tuple(f.name for f in resolve_formats(formats[0] if formats == ("all",) else list(formats)))
    if workers <= 1:
        _produce(what, formats, 10**6, max(4, count // 20), backgrounds)  # warm caches
        start = time.perf_counter()
        _produce(what, formats, 0, count, backgrounds)
        return count / (time.perf_counter() - start)
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        list(pool.map(_produce, [what] * workers, [formats] * workers, [10**6 + 1000 * k for k in range(workers)],
                      [max(4, count // 20)] * workers, [backgrounds] * workers))
        share = count // workers
        start = time.perf_counter()
        done = sum(pool.map(_produce, [what] * workers, [formats] * workers, [k * share for k in range(workers)],
                            [share] * workers, [backgrounds] * workers))
        return done / (time.perf_counter() - start)


def to_disk(what: str, count: int, workers: int = 1, formats: tuple[str, ...] = ("all",),
            backgrounds: str | None = None) -> float:
    """Samples per second written by `generate_dataset` (PNG crops, JPEG scenes) to a temporary
    folder, pool start-up included; `what` is ``crop``, ``crop+full`` or ``scene``."""
    names = tuple(f.name for f in resolve_formats(formats[0] if formats == ("all",) else list(formats)))
    folder = tempfile.mkdtemp(prefix="lprlab-bench-")
    try:
        start = time.perf_counter()
        generate_dataset(folder, _spec(what, names, count, backgrounds), workers=workers, show_progress=False)
        return count / (time.perf_counter() - start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
