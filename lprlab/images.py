"""Reading images from disk with clear errors (the I/O edge: uint8 RGB)."""
from __future__ import annotations

import os

import cv2
import numpy as np


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Reads a PNG/JPEG (any format OpenCV decodes) as RGB.

    Returns:
        (H, W, 3) uint8 RGB in [0, 255].

    Raises:
        FileNotFoundError: `path` does not exist or is not a file.
        ValueError: the file is empty or its content is not a decodable image.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"image {path!r} does not exist or is not a file")
    data = np.fromfile(path, dtype=np.uint8)
    if data.size == 0:
        raise ValueError(f"image {path!r} is an empty file")
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ValueError(f"{path!r} is not a readable image (corrupt, or not PNG/JPEG)")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def resize_batch(images, image_size: tuple[int, int]) -> np.ndarray:
    """Resizes RGB uint8 images to `image_size` = (height, width) px with area interpolation.

    Returns:
        (batch, height, width, 3) float32 in [0, 1].
    """
    height, width = image_size
    out = np.empty((len(images), height, width, 3), np.float32)
    for i, image in enumerate(images):
        if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 2 or image.shape[1] < 2:
            raise ValueError(f"image {i} must be (H, W, 3) with H, W >= 2, got {image.shape}")
        out[i] = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA) / 255.0
    return out
