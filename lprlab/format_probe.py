"""Which plate format a crop shows, read off the recogniser's own features: a linear probe.

Some formats' patterns overlap where look-alike characters sit: Brazil's grey `ABC1234` and
Mercosur's `ABC1D23` differ only in the fifth position, so a grey plate whose `1` was read as `I`
fits Mercosur with no swap at all. The plate itself says which it is (grey or white with a blue
band, the layout), and the recogniser's column features carry that. The probe is a softmax
regression (scikit-learn's `LogisticRegression`) from the column features averaged over the
columns (the input of the slot-attention head, `FEATURE_LAYER`) to the recogniser's formats, fitted
on synthetic crops after the recogniser is trained, the network itself unchanged (Alain & Bengio
2016, "Understanding intermediate layers using linear classifier probes"). It is stored in the
weights' JSON metadata (``format_probe``); `lprlab.recognition.Recognizer` then gives each
`Reading` its format probabilities, and `lprlab.postprocess.postprocess` weighs a reading's fit to
each format by them.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib

import numpy as np

FEATURE_LAYER = "rec_slot_queries"  # its input: (batch, columns, units) column features


def feature_model(model):
    """A Keras model: crop batch -> [slot probabilities (batch, max_chars, classes), column features
    averaged over the columns (batch, units) float32].

    Raises:
        ValueError: `model` has no slot-attention head (the dense head has no column features).
    """
    import keras  # noqa: PLC0415

    try:
        columns = model.get_layer(FEATURE_LAYER).input
    except ValueError:
        raise ValueError("a format probe needs a recogniser with the slot-attention head "
                         f"(layer {FEATURE_LAYER!r})") from None
    if isinstance(columns, (list, tuple)):
        columns = columns[0]
    pooled = keras.layers.GlobalAveragePooling1D(dtype="float32", name="rec_format_features")(columns)
    return keras.Model(model.input, [model.outputs[0], pooled], name="recognizer_with_features")


class FormatProbe:
    """A fitted probe: `formats` (k names), `coef` (units, k) float32 and `intercept` (k,) float32.

    Args:
        info: The ``format_probe`` entry of the weights' metadata (see `fit_format_probe`).
    """

    def __init__(self, info: dict):
        self.formats = tuple(info["formats"])
        self.coef = np.asarray(info["coef"], np.float32).T
        self.intercept = np.asarray(info["intercept"], np.float32)
        if self.coef.shape[1] != len(self.formats) or self.intercept.shape != (len(self.formats),):
            raise ValueError(f"format probe of {len(self.formats)} formats has coefficients {self.coef.shape} "
                             f"and intercept {self.intercept.shape}")

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(batch, units) features -> (batch, k) float32 format probabilities (rows sum to 1).

        Raises:
            ValueError: the features' width is not the probe's.
        """
        features = np.asarray(features, np.float32)
        if features.ndim != 2 or features.shape[1] != self.coef.shape[0]:
            raise ValueError(f"features of shape {features.shape} do not fit a probe over {self.coef.shape[0]} units")
        logits = features @ self.coef + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def synthetic_format_set(formats, count: int, seed: int, image_size=(64, 128), augment: str = "full"):
    """`count` synthetic crops with their format: ((count, h, w, 3) uint8, list of format names);
    sample i from ``default_rng([seed, i])``, formats drawn uniformly."""
    from lprlab.augment import make_pipeline  # noqa: PLC0415
    from lprlab.crops import make_plate_crop  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415

    fmts, pipeline = resolve_formats(list(formats)), make_pipeline(augment, image_size[0])
    crops = [make_plate_crop(fmts, np.random.default_rng([seed, i]), image_size, pipeline) for i in range(count)]
    return np.stack([c.image for c in crops]), [c.format for c in crops]


def _features(model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    net = feature_model(model)
    parts = [net(images[i:i + batch_size].astype(np.float32) / 255.0, training=False)[1]
             for i in range(0, len(images), batch_size)]
    return np.concatenate([np.asarray(p) for p in parts])


def fit_format_probe(weights: str | os.PathLike, count: int = 6000, test_count: int = 1500, seed: int = 11,
                     write: bool = True) -> dict:
    """Fits the format probe of recogniser `weights` and (with `write`) stores it in their metadata.

    Args:
        weights: Recogniser weights path (``<path>.keras`` + ``<path>.json``).
        count: Synthetic training crops (`full` augmentation, the recogniser's formats).
        test_count: Synthetic crops of another seed, for the probe's reported accuracy.
        seed: Seed of the training crops (the test crops use ``seed + 1``).
        write: Rewrite ``<path>.json`` (atomically) with the ``format_probe`` entry.

    Returns:
        The ``format_probe`` entry: formats, coef, intercept, synthetic test accuracy and its
        confusion matrix (rows: true format, columns: predicted).

    Raises:
        FileNotFoundError, ValueError: from loading the weights; ValueError when the recogniser
            reads a single format (nothing to tell apart).
    """
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.metrics import confusion_matrix  # noqa: PLC0415

    from lprlab.models.recognizer import load_recognizer  # noqa: PLC0415

    model, config, info = load_recognizer(weights)
    formats = tuple(config.formats)
    if len(formats) < 2:
        raise ValueError(f"recogniser weights {str(weights)!r} read one format ({formats}); a probe needs two or more")
    images, labels = synthetic_format_set(formats, count, seed, config.image_size)
    test_images, test_labels = synthetic_format_set(formats, test_count, seed + 1, config.image_size)
    classifier = LogisticRegression(max_iter=2000, C=1.0)
    classifier.fit(_features(model, images), labels)
    predicted = classifier.predict(_features(model, test_images))
    order = [str(name) for name in classifier.classes_]
    probe = {"formats": order, "coef": np.round(classifier.coef_, 6).tolist(),
             "intercept": np.round(classifier.intercept_, 6).tolist(),
             "layer": FEATURE_LAYER, "train_crops": count, "seed": seed,
             "test_accuracy": float(np.mean(predicted == np.asarray(test_labels))),
             "test_confusion": confusion_matrix(test_labels, predicted, labels=order).tolist(),
             "fitted": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    if len(order) == 2:  # binary LogisticRegression keeps one row: make it a two-class softmax
        coef, intercept = np.asarray(probe["coef"])[0], probe["intercept"][0]
        probe["coef"] = [(-coef / 2).tolist(), (coef / 2).tolist()]
        probe["intercept"] = [-intercept / 2, intercept / 2]
    if write:
        json_path = pathlib.Path(weights).with_suffix("").with_suffix(".json")
        info["format_probe"] = probe
        temporary = json_path.with_name(f".{json_path.name}.tmp")
        temporary.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, json_path)
    return probe
