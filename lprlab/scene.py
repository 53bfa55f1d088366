"""Scenes: flat plates warped by a 3-D pose (yaw, pitch, roll), scale and shift onto backgrounds.

The pose follows deep-anpr (seed 003, after Earl 2016): the plate is a rectangle in 3-D, rotated,
placed in front of a pinhole camera and projected; the homography from the flat plate to the four
projected corners warps it into the image. Presets: ``cctv`` (wide views, small plates, several
cars) and ``parking`` (one large plate). `make_window` makes the presence windows of deep-anpr:
a plate is *present* in a window when it lies wholly inside, is at most 80% of the window's width
and 87.5% of its height, and at least 60% of its width or height.
"""
from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from lprlab.backgrounds import PhotoBackgrounds, background, draw_car, procedural_background
from lprlab.formats import PlateFormat
from lprlab.render import Plate, random_plate

CAR_WIDTH_MM = 1750.0


@dataclasses.dataclass(frozen=True)
class ScenePreset:
    """How scenes look.

    Attributes:
        name: Preset name.
        image_size: (height, width) of the scene in pixels.
        plate_height_px: (min, max) plate height before the pose, in pixels.
        yaw_deg, pitch_deg, roll_deg: (min, max) rotations in degrees (yaw: about the vertical
            axis; pitch: about the horizontal axis, positive when the camera looks down; roll: in
            the image plane).
        plates: (min, max) plates per scene.
        negative_fraction: Share of scenes with cars but no plate.
    """

    name: str
    image_size: tuple[int, int] = (720, 1280)
    plate_height_px: tuple[float, float] = (12.0, 30.0)
    yaw_deg: tuple[float, float] = (-35.0, 35.0)
    pitch_deg: tuple[float, float] = (-5.0, 30.0)
    roll_deg: tuple[float, float] = (-10.0, 10.0)
    plates: tuple[int, int] = (1, 3)
    negative_fraction: float = 0.1


PRESETS = {
    "cctv": ScenePreset("cctv"),
    "parking": ScenePreset("parking", plate_height_px=(40.0, 110.0), yaw_deg=(-25.0, 25.0), pitch_deg=(-5.0, 15.0),
                           roll_deg=(-6.0, 6.0), plates=(1, 1), negative_fraction=0.05),
}


def get_preset(name: str) -> ScenePreset:
    """The scene preset called `name`. Raises KeyError listing the known presets."""
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown scene preset {name!r}; known presets: {', '.join(PRESETS)}") from None


@dataclasses.dataclass(frozen=True)
class PlateInScene:
    """A plate placed in an image.

    Attributes:
        text, format, variant: What the plate says and its design.
        box: (x, y, w, h) float pixels, the axis-aligned box around `corners`.
        corners: (4, 2) float32 pixels, top-left, top-right, bottom-right, bottom-left of the plate.
    """

    text: str
    format: str
    variant: str
    box: tuple[float, float, float, float]
    corners: np.ndarray


@dataclasses.dataclass(frozen=True)
class Scene:
    """An image with the plates in it: `image` is (height, width, 3) uint8 RGB."""

    image: np.ndarray
    plates: tuple[PlateInScene, ...]


def project_plate(size: tuple[float, float], yaw_deg: float, pitch_deg: float, roll_deg: float,
                  distance: float = 3.0) -> np.ndarray:
    """Corners of a (height, width) px plate after the 3-D rotation and a pinhole projection.

    The camera sits `distance` plate widths away with a focal length equal to that distance, so a
    plate facing the camera keeps its size. Returns (4, 2) float32, centred on (0, 0), in the order
    top-left, top-right, bottom-right, bottom-left.
    """
    height, width = size
    yaw, pitch, roll = (math.radians(a) for a in (yaw_deg, pitch_deg, roll_deg))
    rot_y = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]])
    rot_x = np.array([[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]])
    rot_z = np.array([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0], [0, 0, 1]])
    flat = np.array([[-width / 2, -height / 2, 0], [width / 2, -height / 2, 0], [width / 2, height / 2, 0],
                     [-width / 2, height / 2, 0]])
    points = flat @ (rot_z @ rot_x @ rot_y).T
    focal = distance * width
    depth = points[:, 2] + focal
    return (points[:, :2] * (focal / depth)[:, None]).astype(np.float32)


def paste_plate(image: np.ndarray, plate_image: np.ndarray, corners: np.ndarray, gain: float = 1.0) -> None:
    """Warps `plate_image` so its corners land on `corners` and blends it into `image` in place.

    Args:
        image: (H, W, 3) uint8 RGB.
        plate_image: (h, w, 3) uint8 RGB flat plate.
        corners: (4, 2) float32 destination pixels (TL, TR, BR, BL); may extend past the image.
        gain: Brightness factor applied to the plate (exposure differs from the scene).
    """
    h, w = plate_image.shape[:2]
    x0, y0 = np.floor(corners.min(axis=0)).astype(int)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 1
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, image.shape[1]), min(y1, image.shape[0])
    if cx1 <= cx0 or cy1 <= cy0:
        return
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    homography = cv2.getPerspectiveTransform(source, (corners - [cx0, cy0]).astype(np.float32))
    size = (cx1 - cx0, cy1 - cy0)
    warped = cv2.warpPerspective(plate_image, homography, size, flags=cv2.INTER_LINEAR).astype(np.float32)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), homography, size, flags=cv2.INTER_LINEAR)[..., None]
    region = image[cy0:cy1, cx0:cx1].astype(np.float32)
    image[cy0:cy1, cx0:cx1] = np.clip(region + (warped * gain - region) * mask, 0, 255).astype(np.uint8)


def _render_height(target_px: float) -> int:
    """Flat-plate render height for a plate shown `target_px` high (multiples of 8, cache-friendly)."""
    return int(min(160, max(16, 8 * math.ceil(target_px * 1.25 / 8))))


def _posed_corners(plate: Plate, target_h: float, preset: ScenePreset, rng: np.random.Generator) -> np.ndarray:
    h, w = plate.image.shape[:2]
    size = (target_h, target_h * w / h)
    return project_plate(size, rng.uniform(*preset.yaw_deg), rng.uniform(*preset.pitch_deg), rng.uniform(*preset.roll_deg))


def _box(corners: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def _overlaps(box, others) -> bool:
    return any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in others)


def make_scene(formats: tuple[PlateFormat, ...], rng: np.random.Generator, preset: ScenePreset | str = "cctv",
               photos: PhotoBackgrounds | None = None) -> Scene:
    """A scene with cars and their plates.

    Args:
        formats: Plate formats to draw from (uniformly, per plate).
        rng: The only source of randomness.
        preset: A `ScenePreset` or its name.
        photos: Real photo backgrounds; procedural backgrounds only when None.

    Returns:
        A `Scene`; every plate's corners lie inside the image.

    Raises:
        KeyError: unknown preset name.
    """
    preset = get_preset(preset) if isinstance(preset, str) else preset
    height, width = preset.image_size
    image = background(rng, preset.image_size, photos).copy()
    negative = rng.random() < preset.negative_fraction
    count = int(rng.integers(preset.plates[0], preset.plates[1] + 1))
    placed, cars = [], []
    for _ in range(count * 10):
        if len(cars) == count:
            break
        fmt = formats[rng.integers(len(formats))]
        target_h = rng.uniform(*preset.plate_height_px)
        plate = random_plate(fmt, rng, _render_height(target_h))
        corners = _posed_corners(plate, target_h, preset, rng)
        span = corners.max(axis=0) - corners.min(axis=0)
        if np.any(span + 4 >= [width, height]):
            continue
        centre = rng.uniform(-corners.min(axis=0) + 2, [width, height] - corners.max(axis=0) - 2)
        car_width = target_h * CAR_WIDTH_MM / fmt.variant(plate.variant).size_mm[1] * rng.uniform(0.9, 1.1)
        car_box = (centre[0] - car_width / 2, centre[1] - 0.6 * car_width, centre[0] + car_width / 2,
                   centre[1] + 0.3 * car_width)
        if _overlaps(car_box, cars):
            continue
        cars.append(car_box)
        draw_car(image, tuple(centre), car_width, rng)
        if negative:
            continue
        corners = corners + centre.astype(np.float32)
        paste_plate(image, plate.image, corners, gain=rng.uniform(0.65, 1.1))
        placed.append(PlateInScene(plate.text, plate.format, plate.variant, _box(corners), corners))
    return Scene(image, tuple(placed))


def is_present(box: tuple[float, float, float, float], window_size: tuple[int, int]) -> bool:
    """Deep-anpr's presence rule for a plate `box` (x, y, w, h px) in a window (height, width) px."""
    x, y, w, h = box
    height, width = window_size
    inside = x >= 0 and y >= 0 and x + w <= width and y + h <= height
    return inside and w <= 0.8 * width and h <= 0.875 * height and (w >= 0.6 * width or h >= 0.6 * height)


@dataclasses.dataclass(frozen=True)
class Window:
    """A presence-training window: `image` (height, width, 3) uint8 RGB; `plate` is the plate drawn
    in it (None when there is none), `present` deep-anpr's label for it."""

    image: np.ndarray
    present: bool
    plate: PlateInScene | None


WINDOW_POSE = ScenePreset("window", yaw_deg=(-30.0, 30.0), pitch_deg=(-20.0, 20.0), roll_deg=(-8.0, 8.0))


def make_window(formats: tuple[PlateFormat, ...], rng: np.random.Generator, present: bool,
                window_size: tuple[int, int] = (64, 128), photos: PhotoBackgrounds | None = None) -> Window:
    """A window for the presence classifier, positive or negative as asked.

    Negatives are, in equal shares: no plate, a plate too small, a plate too large, a plate cut off
    by the window's edge. The label is checked against `is_present` on the drawn box, so it is
    always right.

    Args:
        formats: Plate formats to draw from.
        rng: The only source of randomness.
        present: Whether the window must hold a present plate.
        window_size: (height, width) px.
        photos: Real photo backgrounds, or None for procedural ones.

    Returns:
        A `Window` with ``window.present == present``.
    """
    height, width = window_size
    for _ in range(50):
        image = background(rng, window_size, photos) if photos else procedural_background(rng, window_size, 3)
        image = image.copy()
        kind = "present" if present else ("none", "small", "large", "cut")[rng.integers(4)]
        if kind == "none":
            return Window(image, False, None)
        fmt = formats[rng.integers(len(formats))]
        plate = random_plate(fmt, rng, 64)
        corners = _posed_corners(plate, 64.0, WINDOW_POSE, rng)
        span = corners.max(axis=0) - corners.min(axis=0)
        fit = min(width / span[0], height / span[1])
        relative = {"present": rng.uniform(0.62, 0.79), "small": rng.uniform(0.2, 0.5),
                    "large": rng.uniform(0.95, 1.8), "cut": rng.uniform(0.62, 0.79)}[kind]
        corners = corners * (relative * fit)
        low, high = -corners.min(axis=0), [width, height] - corners.max(axis=0)
        centre = rng.uniform(np.minimum(low, high), np.maximum(low, high))
        if kind == "cut":
            span = corners.max(axis=0) - corners.min(axis=0)
            centre += rng.choice([-1, 1], size=2) * span * rng.uniform(0.25, 0.6, size=2)
        corners = (corners + centre).astype(np.float32)
        box = _box(corners)
        if is_present(box, window_size) != present:
            continue
        paste_plate(image, plate.image, corners, gain=rng.uniform(0.7, 1.1))
        return Window(image, present, PlateInScene(plate.text, plate.format, plate.variant, box, corners))
    raise RuntimeError("could not place a window plate in 50 tries; check window_size")


OSD_CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
OSD_CORNER_SHARES = (0.45, 0.15, 0.25, 0.15)
OSD_LABELS = ("CAM 01", "CAM 02", "CH01", "CH03", "IPC", "ENTRANCE", "GATE 1", "LANE 2", "PARKING", "Camera 1")
OSD_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def draw_osd(image: np.ndarray, rng: np.random.Generator, char_height_px: tuple[float, float] = (5.0, 14.0)
             ) -> np.ndarray:
    """Draws a security camera's on-screen display (OSD) onto `image` in place: the date and time,
    on one row (``2014-04-28 11:08:05``, ``04/28/2014 11:08:05 MON``, ...) or two (date above
    time), sometimes with a camera name, in a corner of the frame, as a camera burns it in: small
    (`char_height_px`), an aliased or pixel-doubled bitmap-like font, white, yellow or grey, with a
    black outline, a drop shadow or a dark band behind it. On the real US dev photos (CCTV stills
    of 1024x640) such stamps are 5-8 px high and were about a third of the detector's false boxes
    (README, "The verifier"); the verifier's earlier distractors (`train_verifier.paste_distractors`)
    were 10-36 px high antialiased text anywhere in the frame.

    Args:
        image: (H, W, 3) uint8 RGB, drawn on in place.
        rng: The only source of randomness.
        char_height_px: (min, max) height of a digit in pixels.

    Returns:
        (rows, 4) float32 boxes (x, y, w, h) px, one per text row drawn (clipped to the image).
    """
    height, width = image.shape[:2]
    year, month, day = int(rng.integers(2005, 2027)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    clock = f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d}"
    date = (f"{year}-{month:02d}-{day:02d}", f"{month:02d}/{day:02d}/{year}", f"{day:02d}-{month:02d}-{year}",
            f"{year}/{month:02d}/{day:02d}")[rng.integers(4)]
    if rng.random() < 0.2:
        clock += f" {OSD_WEEKDAYS[rng.integers(7)]}"
    rows = [date, clock] if rng.random() < 0.3 else [f"{date} {clock}"]
    if rng.random() < 0.25:
        rows.append(OSD_LABELS[rng.integers(len(OSD_LABELS))])
    char_h = rng.uniform(*char_height_px)
    pixel = int(rng.integers(1, 3)) if char_h >= 9 else 1  # 2: each font pixel drawn 2x2, as a bitmap OSD font
    font = (cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX)[rng.integers(3)]
    scale = char_h / pixel / cv2.getTextSize("0", font, 1.0, 1)[0][1]
    thick = 1 if rng.random() < 0.7 else 2
    sizes = [cv2.getTextSize(text, font, scale, thick) for text in rows]
    line_h = max(s[0][1] + s[1] for s in sizes) + 2
    canvas_w = max(s[0][0] for s in sizes) + 4
    canvas_h = line_h * len(rows) + 2
    right_aligned = rng.random() < 0.5
    mask = np.zeros((canvas_h, canvas_w), np.uint8)
    for k, ((tw, th), _) in enumerate(sizes):
        x = canvas_w - 2 - tw if right_aligned else 2
        cv2.putText(mask, rows[k], (x, 1 + k * line_h + th), font, scale, 255, thick,
                    cv2.LINE_8 if rng.random() < 0.6 else cv2.LINE_AA)
    if pixel > 1:
        mask = cv2.resize(mask, (canvas_w * pixel, canvas_h * pixel), interpolation=cv2.INTER_NEAREST)
    box_h, box_w = mask.shape
    if box_w + 4 > width or box_h + 4 > height:
        return np.zeros((0, 4), np.float32)
    corner = OSD_CORNERS[rng.choice(len(OSD_CORNERS), p=OSD_CORNER_SHARES)]
    margin_x, margin_y = (int(rng.uniform(0, 0.03) * width) for _ in range(2))
    x0 = margin_x if corner.endswith("left") else width - box_w - margin_x
    y0 = margin_y if corner.startswith("top") else height - box_h - margin_y
    region = image[y0:y0 + box_h, x0:x0 + box_w].astype(np.float32)
    ink = np.float32(((255, 255, 255), (255, 255, 255), (250, 240, 60), (215, 215, 215), (60, 240, 60))[rng.integers(5)])
    style = rng.choice(("outline", "shadow", "band", "plain"), p=(0.35, 0.2, 0.2, 0.25))
    alpha = mask.astype(np.float32)[..., None] / 255.0
    if style == "band":  # a dark translucent strip behind the text
        region *= rng.uniform(0.2, 0.6)
    elif style == "outline":
        edge = cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(np.float32)[..., None] / 255.0
        region *= 1.0 - edge
    elif style == "shadow":
        shifted = np.zeros_like(mask)
        shifted[pixel:, pixel:] = mask[:-pixel, :-pixel]
        region *= 1.0 - 0.8 * shifted.astype(np.float32)[..., None] / 255.0
    region = region + (ink - region) * alpha
    image[y0:y0 + box_h, x0:x0 + box_w] = np.clip(region, 0, 255).astype(np.uint8)
    row_h = line_h * pixel
    boxes = []
    for k, ((tw, th), base) in enumerate(sizes):
        left = (canvas_w - 2 - tw if right_aligned else 2) * pixel
        boxes.append((x0 + left, y0 + k * row_h, tw * pixel, (th + base + 2) * pixel))
    return np.float32(boxes).reshape(-1, 4)
