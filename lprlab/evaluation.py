"""Evaluating a recogniser: a fixed seeded synthetic test set, the real openalpr crops, and speed."""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from lprlab.augment import make_pipeline
from lprlab.crops import make_plate_crop
from lprlab.formats import resolve_formats
from lprlab.metrics import accuracy_by_group
from lprlab.real import load_openalpr_crops, load_openalpr_endtoend

TEST_SEED = 10_000  # the synthetic test set's seed; training uses small seeds


@dataclasses.dataclass
class EvalSet:
    """Images to read: `images` (list of (H, W, 3) uint8 RGB), true `texts`, and a `groups` label
    per image (format or region) for the per-group table."""

    name: str
    images: list
    texts: list
    groups: list


def synthetic_test_set(formats, count: int = 3000, image_size=(64, 128), augment: str = "full") -> EvalSet:
    """The fixed synthetic test set: `count` crops, sample i from ``default_rng([TEST_SEED, i])``."""
    fmts, pipeline = resolve_formats(formats), make_pipeline(augment, image_size[0])
    crops = [make_plate_crop(fmts, np.random.default_rng([TEST_SEED, i]), image_size, pipeline) for i in range(count)]
    return EvalSet("synthetic", [c.image for c in crops], [c.text for c in crops], [c.format for c in crops])


def real_test_sets(root=None) -> list[EvalSet]:
    """The real sets of the issue: US crops, and crops around the ground-truth boxes of the
    end-to-end photos of br, eu and us. Raises FileNotFoundError when the data is absent."""
    sets = []
    crops = load_openalpr_crops(root, "us")
    sets.append(EvalSet("crops/us", [p.image for p in crops], [p.text for p in crops], ["us"] * len(crops)))
    for region in ("br", "eu", "us"):
        plates = load_openalpr_endtoend(root, region)
        sets.append(EvalSet(f"endtoend/{region}", [p.image for p in plates], [p.text for p in plates],
                            [region] * len(plates)))
    return sets


def evaluate(recognizer, eval_set: EvalSet) -> tuple[dict, list]:
    """Reads `eval_set`; returns (per-group accuracy table, readings)."""
    readings = recognizer.read(eval_set.images)
    return accuracy_by_group(eval_set.texts, [r.text for r in readings], eval_set.groups), readings


def failures(eval_set: EvalSet, readings, limit: int = 24) -> tuple[list, list]:
    """Images and titles ``truth → read (confidence)`` of the misread plates, lowest confidence first."""
    wrong = [i for i, r in enumerate(readings) if r.text != eval_set.texts[i]]
    wrong.sort(key=lambda i: readings[i].confidence)
    wrong = wrong[:limit]
    return ([eval_set.images[i] for i in wrong],
            [f"{eval_set.texts[i]} → {readings[i].text} ({readings[i].confidence:.2f})" for i in wrong])


def measure_speed(recognizer, batch_size: int = 256, repeats: int = 5) -> dict[str, float]:
    """Plates/s read in batches of already-sized inputs, and milliseconds for one plate (median)."""
    height, width = recognizer.config.image_size
    batch = np.random.default_rng(0).random((batch_size, height, width, 3)).astype(np.float32)
    model = recognizer.model
    model.predict_on_batch(batch)
    start = time.perf_counter()
    for _ in range(repeats):
        model.predict_on_batch(batch)
    per_second = repeats * batch_size / (time.perf_counter() - start)
    one = np.zeros((height, width, 3), np.uint8)
    recognizer.read([one])
    times = []
    for _ in range(30):
        start = time.perf_counter()
        recognizer.read([one])
        times.append(time.perf_counter() - start)
    return {"plates_per_s": per_second, "ms_per_plate": 1000 * float(np.median(times))}
