"""Reading plate crops with trained recogniser weights: `load_recognizer()` and `Recognizer`."""
from __future__ import annotations

import os
import pathlib

import numpy as np

from lprlab.images import read_image, resize_batch
from lprlab.models.recognizer import Reading, decode, load_recognizer as _load

WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "recognizer_latin"


class Recognizer:
    """A loaded recogniser.

    Args:
        model: The Keras model (see `lprlab.models.recognizer.build_recognizer`).
        config: Its `RecognizerConfig`.
        info: The weights' JSON metadata.
        precision: ``float32``, or ``bfloat16`` to read with a copy of the network under Keras's
            ``mixed_bfloat16`` policy (weights kept in float32, computation in bfloat16; the
            softmaxes stay float32). On CPUs with AVX512-BF16 or AMX it reads about 1.4x more
            plates per second; on the real dev crops it gave the same top-1 as float32.

    Raises:
        ValueError: an unknown `precision`.
    """

    PRECISIONS = ("float32", "bfloat16")

    def __init__(self, model, config, info: dict, precision: str = "float32"):
        if precision not in self.PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; known: {', '.join(self.PRECISIONS)}")
        self.model, self.config, self.info, self.precision = model, config, info, precision
        self._net = model if precision == "float32" else _bfloat16_copy(model, config)
        import tensorflow as tf  # noqa: PLC0415

        # One traced graph for every batch size: a single plate costs a graph call, not the
        # per-call set-up of `predict_on_batch`.
        self._forward = tf.function(lambda x: self._net(x, training=False), reduce_retracing=True,
                                    input_signature=[tf.TensorSpec((None, *config.image_size, 3), tf.float32)])

    def read(self, images, batch_size: int = 256, top_n: int = 1) -> list[Reading]:
        """Reads plate crops.

        Args:
            images: A sequence of (H, W, 3) uint8 RGB crops of any size (resized to the input).
            batch_size: Crops per forward pass.
            top_n: Alternatives kept per reading.

        Returns:
            One `Reading` per image, in order.

        Raises:
            ValueError: an image is not (H, W, 3) with H, W >= 2.
        """
        readings = []
        for start in range(0, len(images), batch_size):
            batch = resize_batch(images[start:start + batch_size], self.config.image_size)
            probabilities = self._forward(batch).numpy()
            readings.extend(decode(probabilities, self.config, top_n))
        return readings

    def read_files(self, paths, top_n: int = 1) -> list[Reading]:
        """Reads image files (PNG/JPEG plate crops). Raises FileNotFoundError or ValueError naming a
        missing, empty or undecodable file."""
        return self.read([read_image(p) for p in paths], top_n=top_n)


def _bfloat16_copy(model, config):
    """The recogniser rebuilt under the ``mixed_bfloat16`` policy with `model`'s weights."""
    import keras  # noqa: PLC0415

    from lprlab.models.recognizer import build_recognizer  # noqa: PLC0415

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        copy = build_recognizer(config)
    finally:
        keras.config.set_dtype_policy(previous)
    copy.set_weights(model.get_weights())
    return copy


def load_recognizer(path: str | os.PathLike | None = None, precision: str = "float32") -> Recognizer:
    """Loads recogniser weights (``<path>.keras`` + ``<path>.json``); the shipped Latin model by
    default; `precision` as `Recognizer`.

    Raises:
        FileNotFoundError: the weights are missing.
        ValueError: the weights disagree with their metadata, or an unknown precision.
    """
    return Recognizer(*_load(path or DEFAULT_WEIGHTS), precision=precision)
