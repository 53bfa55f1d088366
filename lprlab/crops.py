"""Plate crops: the recogniser's input, as a detector (or a human box) would cut them from a photo.

A crop is a rendered plate under a small pose, with a random margin of surroundings, resized to a
fixed (height, width); an augmentation pipeline may then degrade it.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from lprlab.augment import augment
from lprlab.backgrounds import procedural_background
from lprlab.formats import PlateFormat
from lprlab.render import random_plate, render_plate
from lprlab.scene import ScenePreset, paste_plate, project_plate

DEFAULT_MARGIN = (-0.02, 0.12)  # per side, share of the plate's size; negative cuts into its border
# Loose crops, as the detector cuts them from real photos (benchmarks/eval_crop_tolerance.py): with the
# reader's 8% margin its boxes leave about 0.1 of the plate's size around it per side, up to 0.4 above
# EU plates, and cut into the border down to the characters. A loose crop draws each side's margin
# from a normal law (mean, sd), clipped to [the character rows + CHARACTER_CLEARANCE, LOOSE_MAX].
LOOSE_MARGIN = (0.1, 0.12)
LOOSE_MAX = 0.45
CHARACTER_CLEARANCE = 0.01
# Tight crops: real US crops are often cut at the plate's edge with the first or last character
# touching it, and the recogniser dropped those characters (0.15.0). A share of the other crops
# draws each horizontal margin uniformly between the character rows (+ CHARACTER_CLEARANCE) and 0.
TIGHT_SHARE = 0.2
CROP_POSE = ScenePreset("crop", yaw_deg=(-20.0, 20.0), pitch_deg=(-12.0, 12.0), roll_deg=(-4.0, 4.0))


@dataclasses.dataclass(frozen=True)
class PlateCrop:
    """A recogniser input.

    Attributes:
        image: (height, width, 3) uint8 RGB.
        text, format, variant: What the plate says and its design.
        corners: (4, 2) float32 pixels of the plate's corners in `image` (TL, TR, BR, BL), before
            any geometric augmentation.
    """

    image: np.ndarray
    text: str
    format: str
    variant: str
    corners: np.ndarray


def make_plate_crop(formats: tuple[PlateFormat, ...], rng: np.random.Generator,
                    image_size: tuple[int, int] = (64, 128), pipeline=None, margin: tuple[float, float] = DEFAULT_MARGIN,
                    pose: ScenePreset = CROP_POSE, text: str | None = None, free_text: float = 0.0,
                    loose: float = 0.0) -> PlateCrop:
    """A plate crop with a random (or given) text.

    Args:
        formats: Formats to draw from, uniformly (the first one when `text` is given).
        rng: The only source of randomness.
        image_size: (height, width) of the output in pixels.
        pipeline: An albumentations pipeline (see `lprlab.augment.make_pipeline`) or None.
        margin: (min, max) margin around the plate on each side, as a fraction of its size; a
            negative margin cuts into the plate's border (as tight real crops and detector boxes
            do: part of an EU band, no bolts), never into a character row of the catalogue.
        pose: Ranges of yaw, pitch and roll (degrees) for the plate.
        text: Render this text instead of a random one.
        free_text: Probability of a free text (any letter or digit at each position of a real
            layout; see `lprlab.render.random_plate`).
        loose: Probability of a loose crop (as the detector cuts real plates, see `LOOSE_MARGIN`);
            of the others, `TIGHT_SHARE` are cut tight, down to the first and last characters.

    Returns:
        A `PlateCrop`.

    Raises:
        ValueError: `text` does not fit the format; `image_size` is smaller than 8x8 px.
    """
    out_h, out_w = image_size
    if out_h < 8 or out_w < 8:
        raise ValueError(f"image_size must be at least 8x8 px, got {image_size}")
    fmt = formats[0] if text is not None else formats[rng.integers(len(formats))]
    render_h = 64 if out_h <= 64 else 96
    plate = render_plate(text, fmt, rng, render_h) if text is not None else random_plate(fmt, rng, render_h, free_text)
    h, w = plate.image.shape[:2]
    corners = project_plate((h, w), rng.uniform(*pose.yaw_deg), rng.uniform(*pose.pitch_deg),
                            rng.uniform(*pose.roll_deg))
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = high - low
    if loose and rng.random() < loose:
        before, after = _loose_margins(plate.char_boxes, (h, w), corners, rng)
    elif rng.random() < TIGHT_SHARE:
        before, after = _tight_margins(plate.char_boxes, (h, w), corners, margin, rng)
    else:
        before = span * rng.uniform(*margin, size=2)
        after = span * rng.uniform(*margin, size=2)
    canvas_w, canvas_h = (span + before + after).round().astype(int) + 1
    scale = np.array([out_w / canvas_w, out_h / canvas_h], np.float32)
    corners = ((corners - low + before) * scale).astype(np.float32)
    image = procedural_background(rng, (out_h, out_w), clutter=int(rng.integers(0, 4)))
    paste_plate(image, _resize_plate(plate.image, scale), corners, gain=rng.uniform(0.7, 1.1))
    if pipeline is not None:
        image = augment(image, pipeline, rng)
    return PlateCrop(image, plate.text, plate.format, plate.variant, corners)


def _ink_floors(char_boxes: np.ndarray, plate_size: tuple[int, int], corners: np.ndarray):
    """The most negative margins (before, after; x, y each, shares of the projected plate's size)
    that keep `CHARACTER_CLEARANCE` between the crop's edges and the projected characters."""
    h, w = plate_size
    homography = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    x, y, bw, bh = (char_boxes[:, i] for i in range(4))
    points = np.stack([np.stack([x, y], 1), np.stack([x + bw, y], 1), np.stack([x + bw, y + bh], 1),
                       np.stack([x, y + bh], 1)]).reshape(-1, 1, 2).astype(np.float32)
    ink = cv2.perspectiveTransform(points, homography).reshape(-1, 2)
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = high - low
    floor_before = -np.maximum((ink.min(axis=0) - low) / span - CHARACTER_CLEARANCE, 0.0)
    floor_after = -np.maximum((high - ink.max(axis=0)) / span - CHARACTER_CLEARANCE, 0.0)
    return floor_before, floor_after


def _loose_margins(char_boxes: np.ndarray, plate_size: tuple[int, int], corners: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) margins in pixels, (x, y) each, of a loose crop around the projected plate
    `corners`: drawn per side from `LOOSE_MARGIN` of the plate's projected size, clipped to
    `LOOSE_MAX` and never closer to the projected characters than `CHARACTER_CLEARANCE`."""
    floor_before, floor_after = _ink_floors(char_boxes, plate_size, corners)
    span = corners.max(axis=0) - corners.min(axis=0)
    draw = rng.normal(*LOOSE_MARGIN, size=4).reshape(2, 2)
    before = np.clip(draw[0], floor_before, LOOSE_MAX) * span
    after = np.clip(draw[1], floor_after, LOOSE_MAX) * span
    return before.astype(np.float32), after.astype(np.float32)


def _tight_margins(char_boxes: np.ndarray, plate_size: tuple[int, int], corners: np.ndarray,
                   margin: tuple[float, float], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) margins in pixels, (x, y) each, of a tight crop: each horizontal margin
    uniform between the characters' floor (see `_ink_floors`) and 0, so the first and last
    characters may touch the crop's edges; the vertical ones drawn from `margin` as usual."""
    floor_before, floor_after = _ink_floors(char_boxes, plate_size, corners)
    span = corners.max(axis=0) - corners.min(axis=0)
    before = np.array([rng.uniform(min(floor_before[0], 0.0), 0.0), rng.uniform(*margin)])
    after = np.array([rng.uniform(min(floor_after[0], 0.0), 0.0), rng.uniform(*margin)])
    return (before * span).astype(np.float32), (after * span).astype(np.float32)


def _resize_plate(image: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Shrinks the flat plate by `scale` (x, y) with area interpolation when it is reduced a lot."""
    sx, sy = float(scale[0]), float(scale[1])
    if min(sx, sy) >= 0.7:
        return image
    height, width = image.shape[:2]
    return cv2.resize(image, (max(2, round(width * sx * 1.2)), max(2, round(height * sy * 1.2))),
                      interpolation=cv2.INTER_AREA)
