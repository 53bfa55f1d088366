"""Enhancing low-resolution plate crops with trained enhancer weights: `load_enhancer()` and `Enhancer`."""
from __future__ import annotations

import os
import pathlib

import cv2
import numpy as np

from lprlab.images import read_image
from lprlab.models.enhancer import load_enhancer as _load

WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"
MIN_SIDE_PX = 4
MAX_INPUT_PIXELS = 256 * 1024  # a plate crop, not a photo: 512x512 input becomes 2048x2048 at x4
ENHANCE_MODES = ("fixed", "native", "at_least_lr")  # see `Enhancer.enhance`


def weights_path(scale: int = 4) -> pathlib.Path:
    """The shipped enhancer weights for a scale factor (``weights/enhancer_x<scale>``)."""
    return WEIGHTS_DIR / f"enhancer_x{scale}"


class Enhancer:
    """A loaded enhancer (the SRGAN generator).

    Args:
        model: The generator (see `lprlab.models.enhancer.build_generator`).
        config: Its `EnhancerConfig`.
        info: The weights' JSON metadata.
    """

    def __init__(self, model, config, info: dict):
        self.model, self.config, self.info = model, config, info

    @property
    def scale(self) -> int:
        """The scale factor."""
        return self.config.scale

    def enhance(self, images, mode: str = "fixed", batch_size: int = 128) -> list[np.ndarray]:
        """Super-resolves plate crops.

        Args:
            images: A sequence of (H, W, 3) uint8 RGB crops, each at least 4x4 px.
            mode: How each crop meets the network, which is fully convolutional:
                ``fixed`` (the default): every crop is first resized (bicubic) to the LR size the
                enhancer was trained on, ``config.lr_size``, and every output is ``config.hr_size``;
                a crop larger than that is shrunk first, so this suits plates up to about the
                trained LR plate height.
                ``native``: each crop at its own size; output = input x scale.
                ``at_least_lr``: each crop at its own size, except that one lower than the trained LR
                height is first enlarged (bicubic, aspect kept) to that height; output =
                max(H, lr_height) x scale high. At LR plate heights of 20-32 px the network adds
                sharpness at its own size where ``fixed`` throws pixels away (README, enhancer).
            batch_size: Crops per forward pass (in the native modes, crops of one size are batched
                together, up to the pixels of `batch_size` crops of ``config.lr_size``).

        Returns:
            One (h, w, 3) uint8 RGB image per input, in order.

        Raises:
            ValueError: an unknown `mode`; an image is not (H, W, 3) uint8, is smaller than 4x4 px,
                or (native modes) has more than 262,144 pixels.
        """
        if mode not in ENHANCE_MODES:
            raise ValueError(f"unknown enhance mode {mode!r}; known: {', '.join(ENHANCE_MODES)}")
        for i, image in enumerate(images):
            _check(image, f"image {i}", mode != "fixed")
        lr_h, lr_w = self.config.lr_size
        if mode == "fixed":
            out = []
            for start in range(0, len(images), batch_size):
                batch = np.stack([cv2.resize(image, (lr_w, lr_h), interpolation=cv2.INTER_CUBIC)
                                  for image in images[start:start + batch_size]]).astype(np.float32) / 255.0
                out.extend(_to_uint8(sr) for sr in np.asarray(self.model.predict_on_batch(batch)))
            return out
        inputs = [image if mode == "native" or image.shape[0] >= lr_h else
                  cv2.resize(image, (max(1, round(image.shape[1] * lr_h / image.shape[0])), lr_h),
                             interpolation=cv2.INTER_CUBIC) for image in images]
        by_size: dict[tuple, list[int]] = {}
        for i, image in enumerate(inputs):
            by_size.setdefault(image.shape, []).append(i)
        out = [None] * len(inputs)
        for (height, width, _), indices in by_size.items():
            # eager calls: a traced function would see unknown sizes, which the bicubic skip's
            # resize cannot take; the pixel budget bounds the HR feature maps' memory
            per_pass = max(1, (batch_size * lr_h * lr_w) // (height * width))
            for start in range(0, len(indices), per_pass):
                chunk = indices[start:start + per_pass]
                batch = np.stack([inputs[i] for i in chunk]).astype(np.float32) / 255.0
                for i, sr in zip(chunk, np.asarray(self.model(batch, training=False))):
                    out[i] = _to_uint8(sr)
        return out

    def enhance_files(self, paths, mode: str = "native") -> list[np.ndarray]:
        """Enhances image files (PNG/JPEG), each at its own size by default (`enhance`'s `mode`).
        Raises FileNotFoundError or ValueError naming a missing, empty, undecodable, too small or too
        large file, or an unknown `mode`."""
        if mode not in ENHANCE_MODES:
            raise ValueError(f"unknown enhance mode {mode!r}; known: {', '.join(ENHANCE_MODES)}")
        images = []
        for path in paths:
            image = read_image(path)
            _check(image, f"image {os.fspath(path)!r}", mode != "fixed")
            images.append(image)
        return self.enhance(images, mode=mode)


def _check(image, name: str, native: bool) -> None:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"{name} must be an (H, W, 3) uint8 RGB array, got {getattr(image, 'shape', type(image))}")
    if min(image.shape[:2]) < MIN_SIDE_PX:
        raise ValueError(f"{name} is {image.shape[1]}x{image.shape[0]} px; the enhancer needs at least "
                         f"{MIN_SIDE_PX}x{MIN_SIDE_PX} px")
    if native and image.shape[0] * image.shape[1] > MAX_INPUT_PIXELS:
        raise ValueError(f"{name} is {image.shape[1]}x{image.shape[0]} px; the enhancer takes plate crops of at "
                         f"most {MAX_INPUT_PIXELS:,} px (crop the plate first, or use `lprlab alpr`)")


def _to_uint8(image) -> np.ndarray:
    return (np.clip(np.asarray(image), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def load_enhancer(path: str | os.PathLike | None = None, scale: int = 4) -> Enhancer:
    """Loads enhancer weights (``<path>.keras`` + ``<path>.json``); the shipped ``weights/enhancer_x<scale>``
    by default.

    Raises:
        FileNotFoundError: the weights are missing (for a scale factor with no shipped weights, the
            message says which exist).
        ValueError: the weights disagree with their metadata, or their scale factor is not `scale`.
    """
    if path is None:
        path = weights_path(scale)
        if not path.with_suffix(".keras").is_file():
            shipped = sorted(p.stem for p in WEIGHTS_DIR.glob("enhancer_x*.keras"))
            raise FileNotFoundError(f"no shipped enhancer weights for scale {scale} ({path.name}); shipped: "
                                    f"{', '.join(shipped) or 'none'}")
    enhancer = Enhancer(*_load(path))
    if enhancer.scale != scale:
        raise ValueError(f"enhancer weights {os.fspath(path)!r} are for scale {enhancer.scale}, not {scale}")
    return enhancer


def enhance_to_folder(enhancer: Enhancer, paths, out_dir: str | os.PathLike,
                      mode: str = "native") -> list[pathlib.Path]:
    """Enhances image files, each at its own size by default (`Enhancer.enhance`'s `mode`), and
    writes ``<out_dir>/<stem>_x<scale>.png`` for each, atomically. Every input is read and checked
    before anything is written.

    Returns:
        The output paths, in the order of `paths`.

    Raises:
        FileNotFoundError, ValueError: as `Enhancer.enhance_files`; NotADirectoryError: `out_dir` is a file.
    """
    from lprlab.datasets import atomic_write, encode_image  # noqa: PLC0415

    outputs = enhancer.enhance_files(paths, mode=mode)
    out_dir = pathlib.Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"--out {str(out_dir)!r} is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, image in zip(paths, outputs):
        target = out_dir / f"{pathlib.Path(path).stem}_x{enhancer.scale}.png"
        atomic_write(target, encode_image(image, ".png"))
        written.append(target)
    return written
