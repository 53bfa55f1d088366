"""Named augmentation pipelines on albumentations: geometry, photometric, degradation, full.

All pipelines take and return (H, W, 3) uint8 RGB images of unchanged shape. Randomness comes only
from the `rng` given to `augment`, which reseeds every transform of the pipeline from one shared
stream (albumentations' own `set_random_seed` gives every child the same seed, which makes their
coin flips fire together).

Units: shifts are fractions of the image size, angles degrees, blur sigmas pixels, noise standard
deviations fractions of the full intensity range, JPEG quality 1-100, plate heights pixels.
"""
from __future__ import annotations

import os
import random

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # no network check at import

import albumentations as A  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

PIPELINE_NAMES = ("none", "geometry", "photometric", "degradation", "full", "scene")


class PlateDownscale(A.ImageOnlyTransform):
    """Downscales so the plate is `height_range` pixels high, then upscales back to the input size.

    This is the low-resolution (LR) camera: the unit is the plate's height in pixels, the unit of
    the zoom-and-enhance study. Inputs already smaller than the target are left alone.

    Security cameras add two marks of their own (0.27.0): many stills are their small frames
    pixel-doubled (nearest-neighbour upscaling: the blocks of the real `wts-lg-*` US photos, 86 of
    the 114 US dev photos) and JPEG-compressed at the frame's own resolution, so the blocks and the
    8x8 JPEG grid are the LR pixels', not the crop's.

    Args:
        height_range: (min, max) LR plate height in pixels.
        plate_fraction: Share of the image height the plate takes (1.0 for a tight crop).
        nearest: Probability that the LR image is upscaled nearest-neighbour (blocks) instead of
            bilinear or bicubic.
        lr_jpeg: Probability of JPEG compression at the LR size, quality in `lr_jpeg_quality`.
        lr_jpeg_quality: (min, max) JPEG quality, 1-100.
        p: Probability of applying.

    Raises:
        ValueError: a height range that is not 0 < min <= max, or a probability outside [0, 1].
    """

    def __init__(self, height_range: tuple[float, float] = (10.0, 32.0), plate_fraction: float = 0.8,
                 nearest: float = 0.0, lr_jpeg: float = 0.0, lr_jpeg_quality: tuple[int, int] = (30, 80),
                 p: float = 0.5):
        super().__init__(p=p)
        if not 0 < height_range[0] <= height_range[1]:
            raise ValueError(f"height_range must be 0 < min <= max, got {height_range}")
        if not (0 <= nearest <= 1 and 0 <= lr_jpeg <= 1):
            raise ValueError(f"nearest and lr_jpeg are probabilities in [0, 1], got {nearest} and {lr_jpeg}")
        self.height_range, self.plate_fraction = tuple(height_range), plate_fraction
        self.nearest, self.lr_jpeg, self.lr_jpeg_quality = nearest, lr_jpeg, tuple(lr_jpeg_quality)

    def get_params(self) -> dict:
        params = {"plate_height": self.py_random.uniform(*self.height_range),
                  "down": self.py_random.choice((cv2.INTER_AREA, cv2.INTER_LINEAR, cv2.INTER_CUBIC)),
                  "up": self.py_random.choice((cv2.INTER_LINEAR, cv2.INTER_CUBIC)), "quality": 0}
        # drawn only when asked for, so a transform without them draws what it drew before 0.27.0
        if self.nearest > 0 and self.py_random.random() < self.nearest:
            params["up"] = cv2.INTER_NEAREST
        if self.lr_jpeg > 0 and self.py_random.random() < self.lr_jpeg:
            params["quality"] = self.py_random.randint(*self.lr_jpeg_quality)
        return params

    def apply(self, img: np.ndarray, plate_height: float = 16.0, down: int = cv2.INTER_AREA,
              up: int = cv2.INTER_LINEAR, quality: int = 0, **params) -> np.ndarray:
        height, width = img.shape[:2]
        scale = plate_height / (self.plate_fraction * height)
        if scale >= 1.0:
            return img
        small = cv2.resize(img, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=down)
        if quality:
            ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
                                       [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
            small = cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return cv2.resize(small, (width, height), interpolation=up)

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("height_range", "plate_fraction", "nearest", "lr_jpeg", "lr_jpeg_quality")


def geometry(shift: float = 0.03, rotate_deg: float = 3.0, perspective: float = 0.03,
             scale: tuple[float, float] = (0.85, 1.0), p: float = 0.9) -> A.Compose:
    """Shift (fraction of size), rotation (degrees), perspective (corner jitter, fraction of size),
    scale (zoom factor). The defaults only zoom out and move a little, so a tight plate crop keeps
    all its characters in the frame (a cut-off character would make its label a lie)."""
    return A.Compose([
        A.Affine(translate_percent={"x": (-shift, shift), "y": (-shift, shift)}, rotate=(-rotate_deg, rotate_deg),
                 scale=scale, border_mode=cv2.BORDER_REPLICATE, p=p),
        A.Perspective(scale=(0.0, perspective), border_mode=cv2.BORDER_REPLICATE, p=p / 2),
    ])


def photometric(brightness: float = 0.3, contrast: float = 0.3, hue: float = 0.05, saturation: float = 0.4,
                shadow_p: float = 0.25) -> A.Compose:
    """Brightness and contrast (fractions), colour (hue as a fraction of the circle, saturation
    factor range), cast shadows (probability)."""
    return A.Compose([
        A.RandomBrightnessContrast(brightness_limit=brightness, contrast_limit=contrast, p=0.8),
        A.ColorJitter(brightness=0, contrast=0, saturation=(1 - saturation, 1 + saturation), hue=(-hue, hue), p=0.5),
        A.RandomShadow(shadow_roi=(0, 0, 1, 1), num_shadows_limit=(1, 2), shadow_intensity_range=(0.2, 0.6),
                       p=shadow_p),
        A.ToGray(p=0.1),
    ])


def degradation(plate_height_px: tuple[float, float] = (10.0, 40.0), blur_sigma: tuple[float, float] = (0.3, 1.5),
                motion_px: int = 7, noise_std: tuple[float, float] = (0.01, 0.06),
                jpeg_quality: tuple[int, int] = (25, 95), plate_fraction: float = 0.8,
                nearest: float = 0.3, lr_jpeg: float = 0.5) -> A.Compose:
    """Gaussian blur (sigma px), motion blur (kernel px), sensor noise (std, fraction of range),
    downscale to an LR plate height (px; upscaled back nearest-neighbour with probability
    `nearest`, JPEG-compressed at the LR size with probability `lr_jpeg`: see `PlateDownscale`),
    JPEG (quality)."""
    return A.Compose([
        A.OneOf([A.GaussianBlur(blur_limit=0, sigma_limit=blur_sigma),
                 A.MotionBlur(blur_limit=(3, motion_px))], p=0.5),
        PlateDownscale(height_range=plate_height_px, plate_fraction=plate_fraction, nearest=nearest, lr_jpeg=lr_jpeg,
                       p=0.5),
        A.OneOf([A.GaussNoise(std_range=noise_std), A.ISONoise(color_shift=(0.01, 0.04), intensity=(0.1, 0.4))],
                p=0.5),
        A.ImageCompression(quality_range=jpeg_quality, p=0.5),
    ])


def scene_degradation(blur_sigma: tuple[float, float] = (0.3, 1.2), noise_std: tuple[float, float] = (0.01, 0.05),
                      jpeg_quality: tuple[int, int] = (30, 95)) -> A.Compose:
    """Camera degradation of a whole scene or detector tile, leaving its geometry and scale alone:
    Gaussian or motion blur (sigma px), sensor noise (std, fraction of range), JPEG (quality)."""
    return A.Compose([
        A.OneOf([A.GaussianBlur(blur_limit=0, sigma_limit=blur_sigma), A.MotionBlur(blur_limit=(3, 5))], p=0.4),
        A.OneOf([A.GaussNoise(std_range=noise_std), A.ISONoise(color_shift=(0.01, 0.04), intensity=(0.1, 0.4))],
                p=0.4),
        A.ImageCompression(quality_range=jpeg_quality, p=0.5),
    ])


REFERENCE_HEIGHT_PX = 64  # the pipelines' pixel parameters are for crops this high


def make_pipeline(name: str, image_height: int = REFERENCE_HEIGHT_PX) -> A.Compose:
    """The named pipeline with its default parameters, blur sizes scaled to `image_height`.

    Args:
        name: One of ``none``, ``geometry``, ``photometric``, ``degradation``, ``full`` (all three,
            in that order), ``scene`` (photometric and scene degradation, no geometry: for detector
            tiles, whose boxes must stay true).
        image_height: Height in pixels of the images it will see; blur sigmas and the motion-blur
            kernel are defined for 64-px crops and scale with it, so a 32-px crop is not blurred
            twice as hard (relative to its characters) as a 64-px one.

    Raises:
        KeyError: naming the unknown pipeline and the known ones.
    """
    scale = image_height / REFERENCE_HEIGHT_PX
    blur = dict(blur_sigma=(0.3 * scale, 1.5 * scale), motion_px=max(3, 2 * round(3.5 * scale) + 1))
    if name == "none":
        return A.Compose([])
    if name == "geometry":
        return geometry()
    if name == "photometric":
        return photometric()
    if name == "degradation":
        return degradation(**blur)
    if name == "full":
        return A.Compose([geometry(), photometric(), degradation(**blur)])
    if name == "scene":
        return A.Compose([photometric(), scene_degradation()])
    raise KeyError(f"unknown augmentation pipeline {name!r}; known: {', '.join(PIPELINE_NAMES)}")


def _all_transforms(transform) -> list:
    """`transform` and, for a compose, all its descendants."""
    found = [transform]
    if isinstance(transform, A.BaseCompose):
        for child in transform.transforms:
            found.extend(_all_transforms(child))
    return found


def _reseed(pipeline, seed: int) -> None:
    """Points every transform of `pipeline` at one Python and one NumPy generator seeded with `seed`.

    Equivalent to albumentations' `set_random_seed` (which sets exactly these two attributes) but
    with one stream shared in order, so the transforms' draws are independent of each other.
    """
    python_random, numpy_random = random.Random(seed), np.random.default_rng(seed)
    for transform in _all_transforms(pipeline):
        transform.py_random, transform.random_generator = python_random, numpy_random


def augment(image: np.ndarray, pipeline: A.BaseCompose, rng: np.random.Generator) -> np.ndarray:
    """Applies `pipeline` to `image`, seeded from `rng` only.

    Args:
        image: (H, W, 3) uint8 RGB.
        pipeline: An albumentations pipeline, e.g. from `make_pipeline`.
        rng: Source of the seed; the same state gives the same output, byte for byte.

    Returns:
        (H, W, 3) uint8 RGB.

    Raises:
        ValueError: `image` is not a non-empty (H, W, 3) uint8 array.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 \
            or image.size == 0:
        raise ValueError(f"image must be a non-empty (H, W, 3) uint8 array, got "
                         f"{getattr(image, 'shape', None)} {getattr(image, 'dtype', type(image).__name__)}")
    _reseed(pipeline, int(rng.integers(2**63)))
    return pipeline(image=image)["image"]


def single_transforms() -> dict[str, A.BasicTransform]:
    """One transform per effect, always applied (p=1), for showing what each augmentation does."""
    return {
        "shift": A.Affine(translate_percent={"x": (0.06, 0.08), "y": (0.05, 0.06)}, border_mode=cv2.BORDER_REPLICATE,
                          p=1),
        "rotation 6 deg": A.Affine(rotate=(6, 6), border_mode=cv2.BORDER_REPLICATE, p=1),
        "perspective": A.Perspective(scale=(0.06, 0.08), border_mode=cv2.BORDER_REPLICATE, p=1),
        "brightness/contrast": A.RandomBrightnessContrast(brightness_limit=(-0.3, -0.25),
                                                          contrast_limit=(0.3, 0.3), p=1),
        "colour": A.ColorJitter(brightness=0, contrast=0, saturation=(0.5, 1.5), hue=(0.05, 0.05), p=1),
        "shadow": A.RandomShadow(shadow_roi=(0, 0, 1, 1), shadow_intensity_range=(0.5, 0.6), p=1),
        "gaussian blur 1.5 px": A.GaussianBlur(blur_limit=0, sigma_limit=(1.5, 1.5), p=1),
        "motion blur 7 px": A.MotionBlur(blur_limit=(7, 7), p=1),
        "sensor noise": A.GaussNoise(std_range=(0.06, 0.06), p=1),
        "JPEG q=15": A.ImageCompression(quality_range=(15, 15), p=1),
        "plate height 12 px": PlateDownscale(height_range=(12, 12), plate_fraction=0.8, p=1),
    }


LR_INTERPOLATIONS = {"area": cv2.INTER_AREA, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC}


def low_resolution_model(scale: float, noise_std: tuple[float, float] = (0.0, 0.04),
                         jpeg_quality: tuple[int, int] = (40, 95)) -> tuple[A.Compose, A.Compose]:
    """The first-order degradation model of Real-ESRGAN (Wang et al. 2021, "Real-ESRGAN: Training
    Real-World Blind Super-Resolution with Pure Synthetic Data", section 3.1), as two pipelines.

    HR → blur (anisotropic generalised Gaussian, sigma 0.2-0.6 x `scale` HR pixels: the camera's
    optics and anti-aliasing) → downscale by `scale` (done by `low_resolution`, random area,
    bilinear or bicubic) → sensor noise (Gaussian, std a fraction of the range, or Poisson shot
    noise) → JPEG (quality).

    Args:
        scale: Downscale factor (HR size / LR size), >= 1.
        noise_std: (min, max) Gaussian noise std, fraction of the intensity range.
        jpeg_quality: (min, max) JPEG quality, 1-100.

    Returns:
        (before, after): the pipelines applied before and after the downscale.

    Raises:
        ValueError: `scale` < 1.
    """
    if scale < 1:
        raise ValueError(f"scale must be >= 1 (HR size / LR size), got {scale}")
    sigma = (0.2 * max(scale, 1.0) ** 0.5, 0.6 * scale)
    kernel = 2 * int(np.ceil(2.5 * sigma[1])) + 1
    before = A.Compose([A.AdvancedBlur(blur_limit=(3, max(3, kernel)), sigma_x_limit=sigma, sigma_y_limit=sigma,
                                       rotate_limit=(-90, 90), beta_limit=(0.5, 4.0), noise_limit=(1.0, 1.0),
                                       p=0.9)])
    after = A.Compose([
        A.OneOf([A.GaussNoise(std_range=noise_std), A.ShotNoise(scale_range=(0.01, 0.1))], p=0.6),
        A.ImageCompression(quality_range=jpeg_quality, p=0.7),
    ])
    return before, after


def low_resolution(image: np.ndarray, rng: np.random.Generator, *, scale: float | None = None,
                   plate_height_px: float | None = None, hr_plate_height_px: float | None = None,
                   size: tuple[int, int] | None = None, degrade: bool = True,
                   interpolation: str | None = None) -> np.ndarray:
    """A low-resolution (LR) version of a high-resolution (HR) plate image.

    The size is set either by a scale factor or by the unit of the zoom-and-enhance study, the LR
    plate height: ``scale = hr_plate_height_px / plate_height_px``. See `low_resolution_model` for
    the degradations; with ``degrade=False`` it is a plain resize (the textbook bicubic LR).

    Args:
        image: (H, W, 3) uint8 RGB, the HR image.
        rng: The only source of randomness.
        scale: HR size / LR size, >= 1.
        plate_height_px: LR plate height in pixels (with `hr_plate_height_px`, instead of `scale`).
        hr_plate_height_px: The plate's height in `image`, pixels.
        size: (height, width) of the LR output; default HR size / scale, rounded.
        degrade: Blur, noise and JPEG as well as resizing.
        interpolation: ``area``, ``bilinear`` or ``bicubic``; random when None (and bicubic when
            `degrade` is False).

    Returns:
        (h, w, 3) uint8 RGB, the LR image.

    Raises:
        ValueError: neither or both of `scale` and `plate_height_px`, a scale below 1, an image
            that is not (H, W, 3) uint8, or an unknown interpolation.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 \
            or image.size == 0:
        raise ValueError(f"image must be a non-empty (H, W, 3) uint8 array, got {getattr(image, 'shape', None)}")
    if (scale is None) == (plate_height_px is None):
        raise ValueError("give exactly one of scale or plate_height_px")
    if plate_height_px is not None:
        if not hr_plate_height_px or plate_height_px <= 0:
            raise ValueError("plate_height_px needs a positive hr_plate_height_px (the plate height in the HR image)")
        scale = hr_plate_height_px / plate_height_px
    if scale < 1:
        raise ValueError(f"scale must be >= 1 (the LR image is smaller), got {scale:.3f}")
    height, width = image.shape[:2]
    out_h, out_w = size or (max(1, round(height / scale)), max(1, round(width / scale)))
    if interpolation is None:
        interpolation = ("area", "bilinear", "bicubic")[rng.integers(3)] if degrade else "bicubic"
    if interpolation not in LR_INTERPOLATIONS:
        raise ValueError(f"unknown interpolation {interpolation!r}; known: {', '.join(LR_INTERPOLATIONS)}")
    before, after = low_resolution_model(scale) if degrade else (None, None)
    if before is not None:
        image = augment(image, before, rng)
    small = cv2.resize(image, (out_w, out_h), interpolation=LR_INTERPOLATIONS[interpolation])
    return augment(small, after, rng) if after is not None else small
