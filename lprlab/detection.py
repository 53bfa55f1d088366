"""Finding plates in photos with trained detector weights: `load_detector()` and `detect_files`."""
from __future__ import annotations

import os
import pathlib

from lprlab.images import read_image
from lprlab.models.detector import Detection, Detector, load_detector_weights

WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "detector"


def load_detector(path: str | os.PathLike | None = None, precision: str = "float32") -> Detector:
    """Loads detector weights (``<path>.keras`` + ``<path>.json``); the shipped ``weights/detector``
    by default. ``precision="bfloat16"`` runs the search in bfloat16 (see `Detector`).

    Raises:
        FileNotFoundError: the weights are missing.
        ValueError: the weights disagree with their metadata, or an unknown precision.
    """
    return load_detector_weights(path or DEFAULT_WEIGHTS, precision)


def detect_files(detector: Detector, paths, **options) -> list[list[Detection]]:
    """Detections for each image file (PNG/JPEG), in order; `options` go to `Detector.detect`.
    Every file is read first, so a missing, empty or undecodable one raises FileNotFoundError or
    ValueError (naming it) before any work is done."""
    images = [read_image(p) for p in paths]
    return [detector.detect(image, **options) for image in images]
