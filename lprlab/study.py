"""The zoom-and-enhance study: how few pixels a plate can have and still be read.

Top-1 plate accuracy against the LR plate height (pixels), on a fixed synthetic test set, for
(a) the recogniser on bicubic-upscaled LR, (b) a recogniser trained on LR plates of that height
(seed 000's approach: here the shipped recogniser fine-tuned on them), (c) the enhancer then the
recogniser, (d) a generic pretrained SR model (Real-ESRGAN x4plus, `lprlab.generic_sr`) then the
recogniser. PSNR and SSIM (`tf.image`) of bicubic and SR against HR are measured on the same crops.

The LR of a test crop at height h is `lprlab.augment.low_resolution` with ``plate_height_px=h``
(the degradation model, seeded per crop and height); the plate's HR height comes from its corners.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from lprlab.augment import low_resolution

HEIGHTS = (6, 8, 10, 12, 16, 24, 32)
STUDY_SEED = 20_000


@dataclasses.dataclass
class StudyRow:
    """One LR plate height of the study (accuracies are fractions in [0, 1]; PSNR in dB)."""

    height: float
    bicubic: float
    lr_trained: float | None
    enhanced: float | None
    psnr_bicubic: float
    psnr_enhanced: float | None
    ssim_bicubic: float
    ssim_enhanced: float | None
    generic: float | None = None
    psnr_generic: float | None = None
    ssim_generic: float | None = None


def degrade_set(hr_images: np.ndarray, plate_heights: np.ndarray, height: float, seed: int = STUDY_SEED,
                degrade: bool = True) -> list[np.ndarray]:
    """LR versions of HR crops with the plate `height` pixels high (never upscaled: a plate already
    smaller is only degraded at its own size). Sample i uses ``default_rng([seed, round(10 * height), i])``."""
    out = []
    for i, (image, plate_h) in enumerate(zip(hr_images, plate_heights)):
        rng = np.random.default_rng([seed, int(round(10 * height)), i])
        target = min(float(height), float(plate_h))
        out.append(low_resolution(image, rng, plate_height_px=target, hr_plate_height_px=float(plate_h),
                                  degrade=degrade))
    return out


def bicubic_up(images, size: tuple[int, int]) -> list[np.ndarray]:
    """Each image resized (bicubic) to `size` = (height, width) pixels."""
    return [cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_CUBIC) for image in images]


def to_size(images, size: tuple[int, int]) -> list[np.ndarray]:
    """Each image resized to `size` = (height, width) px: area-averaged when it shrinks, bicubic
    when it grows (a super-resolved crop to the HR crop's size)."""
    return [image if image.shape[:2] == tuple(size) else
            cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_AREA if image.shape[0] > size[0]
                       else cv2.INTER_CUBIC) for image in images]


def image_quality(hr_images: np.ndarray, images) -> tuple[float, float]:
    """Mean PSNR (dB) and SSIM of `images` against `hr_images`, both (n, H, W, 3) uint8, with
    `tf.image.psnr` and `tf.image.ssim` (max value 255)."""
    import tensorflow as tf  # noqa: PLC0415

    a = tf.constant(np.asarray(hr_images), tf.float32)
    b = tf.constant(np.stack(images), tf.float32)
    return float(tf.reduce_mean(tf.image.psnr(a, b, 255.0))), float(tf.reduce_mean(tf.image.ssim(a, b, 255.0)))


def accuracy(recognizer, images, texts) -> float:
    """Top-1 plate accuracy (exact match) of `recognizer` on `images`."""
    readings = recognizer.read(images)
    return float(np.mean([r.text == t for r, t in zip(readings, texts)]))


def train_lr_recognizer(recognizer, hr_images: np.ndarray, plate_heights: np.ndarray, texts, height: float,
                        run_dir, epochs: int = 2, seed: int = 0, learning_rate: float = 3e-4, verbose=0):
    """A recogniser for plates `height` pixels high: the given one fine-tuned on training crops
    degraded to that height (bicubic-upscaled back, as the test LR is). Returns a `Recognizer`.

    Seed 000 trains from scratch on tiny plates; fine-tuning the synthetic recogniser is the same
    idea at a fraction of the CPU time.

    Raises:
        TypeError: `recognizer` is an `Ensemble` (one network is fine-tuned; load one, e.g.
            ``load_recognizer("weights/recognizer_latin")``).
    """
    import keras  # noqa: PLC0415

    if not hasattr(recognizer, "model"):
        raise TypeError(f"train_lr_recognizer fine-tunes one network, got a {type(recognizer).__name__}; "
                        "load one with load_recognizer('weights/recognizer_latin')")

    from lprlab.recognition import Recognizer  # noqa: PLC0415
    from lprlab.train import train_recognizer  # noqa: PLC0415

    config = dataclasses.replace(recognizer.config, learning_rate=learning_rate, seed=seed)
    size = config.image_size
    lr = degrade_set(hr_images, plate_heights, height, seed=seed + 1)
    train = np.stack([cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_AREA)
                      for image in bicubic_up(lr, hr_images.shape[1:3])])
    cut = max(1, len(train) // 20)
    model = keras.models.clone_model(recognizer.model)
    model.set_weights(recognizer.model.get_weights())
    train_recognizer(config, run_dir, (train[cut:], list(texts[cut:])), (train[:cut], list(texts[:cut])), epochs,
                     initial_model=model, verbose=verbose)
    return Recognizer(model, config, {})


def run_study(recognizer, hr_images: np.ndarray, plate_heights: np.ndarray, texts, enhancer=None,
              lr_recognizers: dict | None = None, heights=HEIGHTS, progress: bool = True,
              generic=None, enhance_mode: str = "at_least_lr") -> list[StudyRow]:
    """The study's table: one `StudyRow` per height, plus one for the full-size HR (``inf``).

    Args:
        recognizer: The recogniser (`lprlab.recognition.Recognizer`).
        hr_images: (n, H, W, 3) uint8 HR test crops.
        plate_heights: (n,) their plates' heights in pixels.
        texts: Their true texts.
        enhancer: An `lprlab.enhancement.Enhancer`, or None to skip (c).
        enhance_mode: How (c) feeds the enhancer (`Enhancer.enhance`'s `mode`): ``at_least_lr``
            (since 0.38.0) enhances an LR crop at its own size, enlarging only crops lower than the
            enhancer's LR size; ``fixed`` (until 0.37.0) resized every crop to that size, which
            shrank plates over about 13 px (README, enhancer results).
        lr_recognizers: {height: Recognizer} for (b), or None to skip it.
        heights: LR plate heights, pixels.
        progress: Show a tqdm bar.
        generic: A generic SR model for (d) (`lprlab.generic_sr.GenericSR`: each LR crop
            super-resolved at its own size, then resized to the HR size), or None to skip it.
    """
    from tqdm import tqdm  # noqa: PLC0415

    size = hr_images.shape[1:3]
    rows = []
    for height in tqdm(heights, desc="LR plate heights", disable=not progress):
        lr = degrade_set(hr_images, plate_heights, height)
        bicubic = bicubic_up(lr, size)
        psnr_b, ssim_b = image_quality(hr_images, bicubic)
        row = StudyRow(float(height), accuracy(recognizer, bicubic, texts), None, None, psnr_b, None, ssim_b, None)
        if lr_recognizers and height in lr_recognizers:
            row.lr_trained = accuracy(lr_recognizers[height], bicubic, texts)
        if enhancer is not None:
            sr = to_size(enhancer.enhance(lr, mode=enhance_mode), size)
            row.enhanced = accuracy(recognizer, sr, texts)
            row.psnr_enhanced, row.ssim_enhanced = image_quality(hr_images, sr)
        if generic is not None:
            sr = to_size(generic.enhance(lr), size)
            row.generic = accuracy(recognizer, sr, texts)
            row.psnr_generic, row.ssim_generic = image_quality(hr_images, sr)
        rows.append(row)
    full = accuracy(recognizer, list(hr_images), texts)
    rows.append(StudyRow(float("inf"), full, full, full, float("inf"), None, 1.0, None,
                         full if generic is not None else None))
    return rows


def height_for(rows: list[StudyRow], field: str, target: float) -> float | None:
    """The smallest LR plate height (pixels, linear between measured heights) at which `field`
    (``bicubic``, ``lr_trained``, ``enhanced`` or ``generic``) reaches `target` accuracy; None if it never does."""
    points = [(r.height, getattr(r, field)) for r in rows if np.isfinite(r.height) and getattr(r, field) is not None]
    previous = None
    for height, value in points:
        if value >= target:
            if previous is None or previous[1] >= target:
                return height
            (h0, v0), (h1, v1) = previous, (height, value)
            return float(h0 + (target - v0) * (h1 - h0) / (v1 - v0))
        previous = (height, value)
    return None


def exact_pairs(hr_images: np.ndarray, scale: int, seed: int = STUDY_SEED + 1) -> list[np.ndarray]:
    """LR crops of exactly HR size / `scale` (the degradation model), for the x-scale PSNR check."""
    return [low_resolution(image, np.random.default_rng([seed, i]), scale=scale) for i, image in enumerate(hr_images)]


def scale_check(recognizer, enhancer, hr_images: np.ndarray, texts) -> dict:
    """The issue's x-scale figures on exact pairs (LR = HR / scale): PSNR and SSIM of bicubic and SR
    against HR, and recogniser accuracy on LR-bicubic, SR and HR (and SR as a share of HR)."""
    size = hr_images.shape[1:3]
    lr = exact_pairs(hr_images, enhancer.scale)
    bicubic = bicubic_up(lr, size)
    sr = enhancer.enhance(lr)
    psnr_b, ssim_b = image_quality(hr_images, bicubic)
    psnr_s, ssim_s = image_quality(hr_images, sr)
    acc_hr = accuracy(recognizer, list(hr_images), texts)
    acc_sr = accuracy(recognizer, sr, texts)
    return {"scale": enhancer.scale, "lr_size": list(lr[0].shape[:2]), "psnr_bicubic": psnr_b, "psnr_sr": psnr_s,
            "psnr_gain": psnr_s - psnr_b, "ssim_bicubic": ssim_b, "ssim_sr": ssim_s,
            "accuracy_bicubic": accuracy(recognizer, bicubic, texts), "accuracy_sr": acc_sr, "accuracy_hr": acc_hr,
            "sr_share_of_hr": acc_sr / acc_hr if acc_hr else float("nan")}
