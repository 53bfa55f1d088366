"""Weights on disk: ``<name>.keras`` beside ``<name>.json`` (the model kind, its config, training
data and steps, measured figures, date), written atomically and checked on loading."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import pathlib

import keras


def save_with_metadata(model: keras.Model, kind: str, config, path: str | os.PathLike,
                       metadata: dict | None = None) -> pathlib.Path:
    """Saves ``<path>.keras`` and ``<path>.json`` (kind, config dataclass, date, `metadata`), each
    written to a temporary file and renamed, so a crash never leaves half a file.

    Returns:
        The path of the ``.keras`` file.
    """
    path = pathlib.Path(path).with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    keras_path, json_path = path.with_suffix(".keras"), path.with_suffix(".json")
    temporary = path.with_name(f".{path.name}.tmp.keras")
    model.save(temporary)
    os.replace(temporary, keras_path)
    info = {"model": kind, "config": dataclasses.asdict(config),
            "saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **(metadata or {})}
    temporary_json = path.with_name(f".{path.name}.tmp.json")
    temporary_json.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary_json, json_path)
    return keras_path


def config_from_dict(cls, values: dict):
    """A config dataclass `cls` from its saved dict (JSON lists back to tuples, unknown keys dropped)."""
    fields = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in fields})


def load_with_metadata(path: str | os.PathLike, kind: str, label: str) -> tuple[keras.Model, dict, pathlib.Path]:
    """Loads ``<path>.keras`` and its ``<path>.json``.

    Args:
        path: Weights path, with or without suffix.
        kind: The ``model`` field the JSON must hold (``recognizer``, ``detector``, ``enhancer``).
        label: How errors name the weights (``recogniser weights``).

    Returns:
        (model, metadata, path of the .keras file).

    Raises:
        FileNotFoundError: either file is missing.
        ValueError: the JSON is unreadable or describes another kind of model.
    """
    path = pathlib.Path(path).with_suffix("")
    keras_path, json_path = path.with_suffix(".keras"), path.with_suffix(".json")
    for required in (keras_path, json_path):
        if not required.is_file():
            raise FileNotFoundError(f"{label} need {str(required)!r}, which is missing")
    try:
        info = json.loads(json_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{str(json_path)!r} is not valid JSON metadata: {error}") from None
    if not isinstance(info, dict) or info.get("model") != kind or "config" not in info:
        raise ValueError(f"{str(json_path)!r} does not describe {label}")
    return keras.saving.load_model(keras_path, compile=False), info, keras_path
