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
    """

    def __init__(self, model, config, info: dict):
        self.model, self.config, self.info = model, config, info

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
            probabilities = self.model.predict_on_batch(batch)
            readings.extend(decode(np.asarray(probabilities), self.config, top_n))
        return readings

    def read_files(self, paths, top_n: int = 1) -> list[Reading]:
        """Reads image files (PNG/JPEG plate crops). Raises FileNotFoundError or ValueError naming a
        missing, empty or undecodable file."""
        return self.read([read_image(p) for p in paths], top_n=top_n)


def load_recognizer(path: str | os.PathLike | None = None) -> Recognizer:
    """Loads recogniser weights (``<path>.keras`` + ``<path>.json``); the shipped Latin model by default.

    Raises:
        FileNotFoundError: the weights are missing.
        ValueError: the weights disagree with their metadata.
    """
    return Recognizer(*_load(path or DEFAULT_WEIGHTS))
