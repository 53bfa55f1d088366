"""lprlab: a research workbench for reading licence plates, learnt from synthetic plates.

Names are imported lazily, so ``import lprlab`` stays light: TensorFlow is loaded only by what
needs it (`seed_everything`, `lprlab.data`, `lprlab.models`).
"""
from __future__ import annotations

import importlib

__version__ = "0.38.0"

_EXPORTS = {
    "get_format": "formats", "format_names": "formats", "resolve_formats": "formats", "random_text": "formats",
    "validate_text": "formats", "PlateFormat": "formats",
    "render_plate": "render", "random_plate": "render", "Plate": "render",
    "make_scene": "scene", "make_window": "scene", "PRESETS": "scene",
    "make_plate_crop": "crops",
    "make_pipeline": "augment", "augment": "augment",
    "PhotoBackgrounds": "backgrounds",
    "DatasetSpec": "datasets", "generate_dataset": "datasets", "read_labels": "datasets",
    "seed_everything": "seeding",
    "load_recognizer": "recognition",
    "load_detector": "detection",
    "load_enhancer": "enhancement",
    "ALPR": "pipeline",
    "Watchlist": "watchlist",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"lprlab.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'lprlab' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])
