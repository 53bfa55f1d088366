"""The plate verifier: the second stage of a detection cascade (Viola & Jones 2001).

The sliding-window presence network is small so that it can run over every window of a pyramid;
it fires on plate-like textures (model badges, lamp ribs, text strips). The verifier looks once
at each distinct candidate box, with the box's surroundings and more capacity, and keeps it only
if it is a plate: about 30 M multiply-adds per box, one small batch per image.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib

import cv2
import keras
import numpy as np
from keras import layers

from lprlab.models.io import config_from_dict, load_with_metadata, save_with_metadata


@dataclasses.dataclass(frozen=True)
class VerifierConfig:
    """Verifier hyper-parameters; saved in the weights' JSON metadata.

    Attributes:
        image_size: (height, width) px of the input: the candidate box with its `context`.
        context: (x, y) margin added on each side of the box, as a fraction of its width and
            height, before resizing (0.1 and 0.25: the plate fills the middle 83% x 67%). Little
            context: what lies around a synthetic plate (a procedural car) is the least real part
            of a synthetic scene.
        filters: Filters of each stage (`convs` 3x3 convolutions and a 2x2 max-pool).
        convs: Convolutions per stage.
        dense_units: Width of the dense layer after global pooling.
        dropout: Dropout before the output.
        learning_rate: Adam learning rate.
        seed: Training seed.
    """

    image_size: tuple[int, int] = (32, 96)
    context: tuple[float, float] = (0.1, 0.25)
    filters: tuple[int, ...] = (16, 32, 64, 96)
    convs: tuple[int, ...] = (1, 2, 2, 2)
    dense_units: int = 96
    dropout: float = 0.2
    learning_rate: float = 1e-3
    seed: int = 0


def build_verifier(config: VerifierConfig = VerifierConfig()) -> keras.Model:
    """The verifier network. Input: (batch, height, width, 3) float32 RGB in [0, 1]. Output:
    (batch, 1) float32 plate logit (sigmoid gives the probability that the box holds a plate)."""
    inputs = keras.Input((*config.image_size, 3), name="ver_image")
    x = layers.Rescaling(2.0, offset=-1.0, name="ver_scale")(inputs)
    for stage, (filters, convs) in enumerate(zip(config.filters, config.convs)):
        for conv in range(convs):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"ver_conv{stage}_{conv}")(x)
            x = layers.BatchNormalization(momentum=0.9, name=f"ver_bn{stage}_{conv}")(x)
            x = layers.ReLU(name=f"ver_relu{stage}_{conv}")(x)
        x = layers.MaxPooling2D(2, name=f"ver_pool{stage}")(x)
    x = layers.GlobalAveragePooling2D(name="ver_gap")(x)
    x = layers.Dense(config.dense_units, activation="relu", name="ver_dense")(x)
    x = layers.Dropout(config.dropout, name="ver_dropout")(x)
    outputs = layers.Dense(1, dtype="float32", name="ver_logit")(x)
    return keras.Model(inputs, outputs, name="verifier")


def crop_candidates(image: np.ndarray, boxes, config: VerifierConfig) -> np.ndarray:
    """The verifier's inputs for `boxes` of `image`.

    Args:
        image: (H, W, 3) uint8 RGB.
        boxes: (n, 4) (x, y, w, h) px; boxes near the border are padded by replicating its pixels.
        config: Gives the input size and the context margin.

    Returns:
        (n, height, width, 3) uint8.
    """
    height, width = config.image_size
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    out = np.zeros((len(boxes), height, width, 3), np.uint8)
    image_h, image_w = image.shape[:2]
    for i, (x, y, w, h) in enumerate(boxes):
        mx, my = config.context[0] * max(w, 1.0), config.context[1] * max(h, 1.0)
        x0, y0 = int(np.floor(x - mx)), int(np.floor(y - my))
        x1, y1 = max(x0 + 2, int(np.ceil(x + w + mx))), max(y0 + 2, int(np.ceil(y + h + my)))
        part = image[max(y0, 0):min(y1, image_h), max(x0, 0):min(x1, image_w)]
        if part.size == 0:  # wholly outside the image: nothing to look at
            continue
        part = cv2.copyMakeBorder(part, max(0, -y0), max(0, y1 - image_h), max(0, -x0), max(0, x1 - image_w),
                                  cv2.BORDER_REPLICATE)
        shrinking = part.shape[1] > width or part.shape[0] > height
        out[i] = cv2.resize(part, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return out


class Verifier:
    """A loaded plate verifier.

    Args:
        model: The Keras model of `build_verifier`.
        config: Its `VerifierConfig`.
        info: The weights' JSON metadata.
    """

    def __init__(self, model: keras.Model, config: VerifierConfig, info: dict | None = None):
        import tensorflow as tf  # noqa: PLC0415

        self.model, self.config, self.info = model, config, info or {}
        self._forward = tf.function(lambda x: model(x, training=False), reduce_retracing=True,
                                    input_signature=[tf.TensorSpec((None, *config.image_size, 3), tf.float32)])

    def scores(self, image: np.ndarray, boxes) -> np.ndarray:
        """Plate probabilities, (n,) float32 in [0, 1], of `boxes` ((n, 4) (x, y, w, h) px) of
        `image` ((H, W, 3) uint8 RGB)."""
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        if not len(boxes):
            return np.zeros((0,), np.float32)
        crops = crop_candidates(image, boxes, self.config).astype(np.float32) / 255.0
        logits = np.asarray(self._forward(crops))[:, 0].astype(np.float64)
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def save_verifier(model: keras.Model, config: VerifierConfig, path: str | os.PathLike,
                  metadata: dict | None = None) -> pathlib.Path:
    """Saves ``<path>.keras`` and ``<path>.json`` (config, date, `metadata`), atomically; returns
    the ``.keras`` path."""
    return save_with_metadata(model, "verifier", config, path, metadata)


class VerifierEnsemble:
    """Several verifiers judging the same boxes; a box's plate probability is the mean of theirs.

    Verifiers trained with different seeds or recipes reject different real plates and accept
    different clutter; their mean is the usual variance-reducing ensemble (Dietterich 2000).

    Args:
        members: Two or more `Verifier`s.
        combine: ``"mean"`` averages the probabilities; ``"logit"`` averages the logits (the
            geometric mean of the odds: a box any member is sure is clutter stays out).

    Raises:
        ValueError: fewer than two members, or an unknown `combine`.
    """

    def __init__(self, members, combine: str = "mean"):
        self.members = tuple(members)
        if len(self.members) < 2:
            raise ValueError(f"a verifier ensemble needs at least two members, got {len(self.members)}")
        if combine not in ("mean", "logit"):
            raise ValueError(f"combine must be 'mean' or 'logit', got {combine!r}")
        self.combine = combine
        boxes = {member.info.get("boxes") for member in self.members}
        # The detector fits boxes first only when every member learnt fitted boxes.
        self.info = {"boxes": boxes.pop() if len(boxes) == 1 else None, "members": [m.info for m in self.members]}
        self.config = self.members[0].config

    def scores(self, image: np.ndarray, boxes) -> np.ndarray:
        """Plate probabilities, (n,) float32 in [0, 1], of `boxes` ((n, 4) (x, y, w, h) px) of
        `image` ((H, W, 3) uint8 RGB): the members' combined."""
        every = np.stack([member.scores(image, boxes).astype(np.float64) for member in self.members])
        if self.combine == "mean":
            return every.mean(axis=0).astype(np.float32)
        clipped = np.clip(every, 1e-7, 1 - 1e-7)
        logit = np.log(clipped / (1 - clipped)).mean(axis=0)
        return (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)


def load_verifier(path) -> Verifier | VerifierEnsemble:
    """Loads verifier weights and checks them against their metadata. A list of paths, or one
    string of comma-separated paths, loads a `VerifierEnsemble` (mean probability) of them.

    Raises:
        FileNotFoundError: ``<path>.keras`` or ``<path>.json`` is missing.
        ValueError: the metadata does not describe a verifier, or the model's input or output does
            not fit it.
    """
    if isinstance(path, (list, tuple)) or (isinstance(path, str) and "," in path):
        paths = [p.strip() for p in path.split(",")] if isinstance(path, str) else list(path)
        return VerifierEnsemble([load_verifier(p) for p in paths if str(p).strip()])
    model, info, keras_path = load_with_metadata(path, "verifier", "verifier weights")
    config = config_from_dict(VerifierConfig, info["config"])
    if tuple(model.input_shape[1:3]) != tuple(config.image_size) or tuple(model.output_shape[1:]) != (1,):
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: input {model.input_shape}, "
                         f"output {model.output_shape}, metadata image_size {config.image_size}")
    return Verifier(model, config, info)
