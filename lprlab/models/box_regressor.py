"""The plate box regressor: a detection's box moved and resized to fit the plate (0.18.0).

The sliding-window detector regresses a box inside its (32, 64) window, at the pyramid level
where the plate is 0.5-0.75 of the window's width: a wide EU plate is then a few pixels high, and
its box often stops short of the plate's first or last character (on the real dev photos a
quarter of the EU boxes end 11% or more of the plate's width before its right edge; the dev clips'
`05-GH-JS` was read `05GHJ` and `I 7859 AM` `7859AM`). This second look is R-CNN's bounding-box
regression (Girshick et al. 2014) on a crop of its own: the detection's box with generous
surroundings (`BoxRegressorConfig.context`) at a fixed size, in which a small CNN gives the
plate's four edges.

Coordinates: a box is (x, y, w, h) px; the regressor's targets are the plate box's left, top,
right and bottom edges as fractions of the context crop's width and height (0 at its left or top
edge, 1 at its right or bottom), which may lie outside [0, 1] when the plate does.
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
class BoxRegressorConfig:
    """Box regressor hyper-parameters; saved in the weights' JSON metadata.

    Attributes:
        image_size: (height, width) px of the input crop.
        context: (x, y) margin added on each side of the box, as a fraction of its width and
            height, before resizing: (0.5, 0.6) sees a plate whose box covers only 60% of it
            and is off-centre by 10% of its width.
        filters: Filters of each stage (`convs` 3x3 convolutions, batch normalisation, ReLU, 2x2
            max-pool).
        convs: Convolutions per stage.
        dense_units: Width of the dense layer on the flattened last feature map (flattened, not
            pooled: where the edges are is the answer).
        dropout: Dropout before the output.
        learning_rate: Adam learning rate (cosine decay over the run).
        huber_delta: Huber loss threshold, in fractions of the crop.
        seed: Training seed.
    """

    image_size: tuple[int, int] = (40, 128)
    context: tuple[float, float] = (0.5, 0.6)
    filters: tuple[int, ...] = (16, 32, 64, 96)
    convs: tuple[int, ...] = (1, 1, 2, 1)
    dense_units: int = 128
    dropout: float = 0.1
    learning_rate: float = 2e-3
    huber_delta: float = 0.05
    seed: int = 0


def build_box_regressor(config: BoxRegressorConfig = BoxRegressorConfig()) -> keras.Model:
    """The box regressor network.

    Input: (batch, height, width, 3) float32 RGB in [0, 1] (`config.image_size`). Output: (batch, 4)
    float32 plate edges (left, top, right, bottom) as fractions of the crop's width and height.
    """
    inputs = keras.Input((*config.image_size, 3), name="box_image")
    x = layers.Rescaling(2.0, offset=-1.0, name="box_scale")(inputs)
    for stage, (filters, convs) in enumerate(zip(config.filters, config.convs)):
        for conv in range(convs):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"box_conv{stage}_{conv}")(x)
            x = layers.BatchNormalization(momentum=0.9, name=f"box_bn{stage}_{conv}")(x)
            x = layers.ReLU(name=f"box_relu{stage}_{conv}")(x)
        x = layers.MaxPooling2D(2, name=f"box_pool{stage}")(x)
    x = layers.Flatten(name="box_flatten")(x)
    x = layers.Dense(config.dense_units, activation="relu", name="box_dense")(x)
    x = layers.Dropout(config.dropout, name="box_dropout")(x)
    # starts at "the plate is the box": the crop's box lies at the context margins
    left, top = config.context[0] / (1 + 2 * config.context[0]), config.context[1] / (1 + 2 * config.context[1])
    outputs = layers.Dense(4, dtype="float32", name="box_edges", kernel_initializer="zeros",
                           bias_initializer=keras.initializers.Constant([left, top, 1 - left, 1 - top]))(x)
    return keras.Model(inputs, outputs, name="box_regressor")


def context_windows(boxes, config: BoxRegressorConfig) -> np.ndarray:
    """The pixel window each box's crop is cut from.

    Args:
        boxes: (n, 4) (x, y, w, h) px.
        config: Gives the context margins.

    Returns:
        (n, 4) int64 (x0, y0, x1, y1) px, x1 > x0 and y1 > y0; may reach past the image.
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    w, h = np.maximum(boxes[:, 2], 1.0), np.maximum(boxes[:, 3], 1.0)
    x0 = np.floor(boxes[:, 0] - config.context[0] * w)
    y0 = np.floor(boxes[:, 1] - config.context[1] * h)
    x1 = np.maximum(x0 + 2, np.ceil(boxes[:, 0] + w + config.context[0] * w))
    y1 = np.maximum(y0 + 2, np.ceil(boxes[:, 1] + h + config.context[1] * h))
    return np.stack([x0, y0, x1, y1], axis=1).astype(np.int64)


def crop_windows(image: np.ndarray, windows: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Crops of `image` ((H, W, 3) uint8 RGB) over `windows` ((n, 4) x0, y0, x1, y1 px, from
    `context_windows`), resized to `size` (height, width); parts past the image repeat its edge
    pixels. Returns (n, height, width, 3) uint8."""
    height, width = size
    out = np.zeros((len(windows), height, width, 3), np.uint8)
    image_h, image_w = image.shape[:2]
    for i, (x0, y0, x1, y1) in enumerate(np.asarray(windows).reshape(-1, 4)):
        part = image[max(y0, 0):min(y1, image_h), max(x0, 0):min(x1, image_w)]
        if part.size == 0:  # wholly outside the image
            continue
        part = cv2.copyMakeBorder(part, int(max(0, -y0)), int(max(0, y1 - image_h)), int(max(0, -x0)),
                                  int(max(0, x1 - image_w)), cv2.BORDER_REPLICATE)
        shrinking = part.shape[1] > width or part.shape[0] > height
        out[i] = cv2.resize(part, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return out


def edges_to_targets(plates, windows) -> np.ndarray:
    """Plate boxes ((n, 4) x, y, w, h px) as the regressor's targets in their crops' `windows`:
    (n, 4) float32 (left, top, right, bottom) fractions of each window's width and height."""
    plates = np.asarray(plates, np.float64).reshape(-1, 4)
    windows = np.asarray(windows, np.float64).reshape(-1, 4)
    span = np.concatenate([windows[:, 2:] - windows[:, :2]] * 2, axis=1)
    edges = np.concatenate([plates[:, :2], plates[:, :2] + plates[:, 2:]], axis=1)
    return ((edges - np.concatenate([windows[:, :2]] * 2, axis=1)) / span).astype(np.float32)


def targets_to_boxes(targets, windows) -> np.ndarray:
    """The inverse of `edges_to_targets`: (n, 4) float32 boxes (x, y, w, h) px; an edge pair
    predicted in the wrong order gives a box of width or height 0 at their middle."""
    targets = np.asarray(targets, np.float64).reshape(-1, 4)
    windows = np.asarray(windows, np.float64).reshape(-1, 4)
    span = np.concatenate([windows[:, 2:] - windows[:, :2]] * 2, axis=1)
    edges = targets * span + np.concatenate([windows[:, :2]] * 2, axis=1)
    low = np.minimum(edges[:, :2], edges[:, 2:])
    high = np.maximum(edges[:, :2], edges[:, 2:])
    crossed = edges[:, 2:] < edges[:, :2]
    low = np.where(crossed, (edges[:, :2] + edges[:, 2:]) / 2, low)
    high = np.where(crossed, low, high)
    return np.concatenate([low, high - low], axis=1).astype(np.float32)


class BoxRegressor:
    """Loaded box regressor weights.

    Args:
        model: The Keras model of `build_box_regressor`.
        config: Its `BoxRegressorConfig`.
        info: The weights' JSON metadata.
    """

    def __init__(self, model: keras.Model, config: BoxRegressorConfig, info: dict | None = None):
        import tensorflow as tf  # noqa: PLC0415

        self.model, self.config, self.info = model, config, info or {}
        self._forward = tf.function(lambda x: model(tf.cast(x, tf.float32) / 255.0, training=False),
                                    reduce_retracing=True,
                                    input_signature=[tf.TensorSpec((None, *config.image_size, 3), tf.uint8)])

    def fit(self, image: np.ndarray, boxes, iterations: int = 1) -> np.ndarray:
        """The plate boxes that `boxes` were meant to find.

        Args:
            image: (H, W, 3) uint8 RGB.
            boxes: (n, 4) (x, y, w, h) px, detections of plates in `image`.
            iterations: Times the regressor looks again at its own box (a second look sees the
                plate centred, as in iterative bounding-box regression).

        Returns:
            (n, 4) float32 boxes (x, y, w, h) px; they may reach past the image (clip them where
            it matters).

        Raises:
            ValueError: `image` is not (H, W, 3) uint8, or `iterations` < 1.
        """
        image = np.asarray(image)
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"image must be (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
        if iterations < 1:
            raise ValueError(f"iterations must be >= 1, got {iterations}")
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        for _ in range(iterations):
            if not len(boxes):
                break
            windows = context_windows(boxes, self.config)
            crops = crop_windows(image, windows, self.config.image_size)
            boxes = targets_to_boxes(np.asarray(self._forward(crops)), windows)
        return boxes


def save_box_regressor(model: keras.Model, config: BoxRegressorConfig, path: str | os.PathLike,
                       metadata: dict | None = None) -> pathlib.Path:
    """Saves ``<path>.keras`` and ``<path>.json`` (config, date, `metadata`), atomically; returns
    the ``.keras`` path."""
    return save_with_metadata(model, "box_regressor", config, path, metadata)


def load_box_regressor(path: str | os.PathLike) -> BoxRegressor:
    """Loads box regressor weights and checks them against their metadata.

    Raises:
        FileNotFoundError: ``<path>.keras`` or ``<path>.json`` is missing.
        ValueError: the metadata does not describe a box regressor, or the model's input or output
            does not fit it.
    """
    model, info, keras_path = load_with_metadata(path, "box_regressor", "box regressor weights")
    config = config_from_dict(BoxRegressorConfig, info["config"])
    if tuple(model.input_shape[1:]) != (*config.image_size, 3) or tuple(model.output_shape[1:]) != (4,):
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: input {model.input_shape}, output "
                         f"{model.output_shape}, expected (None, {config.image_size[0]}, {config.image_size[1]}, 3) "
                         "and (None, 4)")
    return BoxRegressor(model, config, info)
