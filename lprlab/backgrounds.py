"""Backgrounds for scenes: procedural (gradients, blotches, clutter, car-like shapes) or real photos.

Real photos come from a folder (for example ``../shared/backgrounds``); a random crop at a random
scale is taken for each scene. Decoded photos are cached per process.
"""
from __future__ import annotations

import functools
import pathlib

import cv2
import numpy as np

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
CAR_COLOURS = ((235, 235, 232), (25, 25, 28), (120, 122, 128), (185, 188, 192), (160, 25, 30), (30, 55, 120),
               (35, 80, 50), (205, 190, 160), (90, 60, 40), (230, 200, 40))


def _colour(rng: np.random.Generator) -> tuple[float, float, float]:
    return tuple(float(c) for c in rng.integers(0, 256, size=3))


def procedural_background(rng: np.random.Generator, size: tuple[int, int], clutter: int | None = None) -> np.ndarray:
    """A synthetic background: a gradient, low-frequency blotches and random shapes.

    Args:
        rng: The only source of randomness.
        size: (height, width) in pixels.
        clutter: Number of shapes (lines, rectangles, ellipses, text-like strokes); random when None.

    Returns:
        (height, width, 3) uint8 RGB.
    """
    height, width = size
    small = (max(2, height // 16), max(2, width // 16))
    ramp = np.linspace(0.0, 1.0, small[1], dtype=np.float32)[None, :, None]
    if rng.random() < 0.5:
        ramp = np.linspace(0.0, 1.0, small[0], dtype=np.float32)[:, None, None]
    grey = rng.uniform(30, 220, size=(2, 1))
    start, end = (grey + rng.normal(0, 20, size=(2, 3))).astype(np.float32)  # muted, street-like tones
    blotches = rng.normal(0, 18, size=(*small, 1)) + rng.normal(0, 6, size=(*small, 3))
    base = start + (end - start) * ramp + blotches.astype(np.float32)
    base = np.clip(np.broadcast_to(base, (*small, 3)), 0, 255).astype(np.uint8)
    image = cv2.resize(base, (width, height), interpolation=cv2.INTER_CUBIC)
    count = int(rng.integers(5, 40)) if clutter is None else clutter
    scale = max(height, width)
    for _ in range(count):
        kind = rng.integers(4)
        x, y = int(rng.integers(width)), int(rng.integers(height))
        extent = (int(rng.integers(2, max(3, scale // 4))), int(rng.integers(2, max(3, scale // 4))))
        colour = _colour(rng)
        if kind == 0:
            cv2.line(image, (x, y), (x + extent[0] - scale // 8, y + extent[1] - scale // 8), colour,
                     int(rng.integers(1, max(2, scale // 60))), cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(image, (x, y), (x + extent[0], y + extent[1]), colour, -1 if rng.random() < 0.6 else 2)
        elif kind == 2:
            cv2.ellipse(image, (x, y), extent, float(rng.uniform(0, 180)), 0, 360, colour, -1, cv2.LINE_AA)
        else:  # text-like strokes: the detector must learn plates, not "any text"
            cv2.putText(image, "".join(chr(c) for c in rng.integers(65, 91, size=int(rng.integers(2, 8)))), (x, y),
                        cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.3, 3.0)) * scale / 1000, colour,
                        int(rng.integers(1, 4)), cv2.LINE_AA)
    return image


def draw_car(image: np.ndarray, plate_centre: tuple[float, float], car_width_px: float,
             rng: np.random.Generator) -> tuple[int, int, int, int]:
    """Draws the rear (or front) of a car so that its plate mount is at `plate_centre` (x, y px).

    Args:
        image: (H, W, 3) uint8 RGB, drawn on in place.
        plate_centre: (x, y) pixel position of the plate's centre.
        car_width_px: Width of the car body in pixels.
        rng: Colours and proportions.

    Returns:
        The car's bounding box (x0, y0, x1, y1) in pixels (may extend past the image).
    """
    cx, cy = plate_centre
    width, height = car_width_px, car_width_px * rng.uniform(0.65, 0.85)
    x0, x1 = cx - width / 2, cx + width / 2
    y0, y1 = cy - 0.7 * height, cy + 0.3 * height
    body = tuple(float(c) for c in CAR_COLOURS[rng.integers(len(CAR_COLOURS))])
    dark = tuple(0.55 * c for c in body)
    p = lambda x, y: (int(round(x)), int(round(y)))  # noqa: E731
    cv2.ellipse(image, p(cx, y1), p(width * 0.55, height * 0.06), 0, 0, 360, (20.0, 20.0, 20.0), -1, cv2.LINE_AA)
    for side in (x0 + 0.14 * width, x1 - 0.14 * width):  # tyres
        cv2.rectangle(image, p(side - 0.08 * width, y1 - 0.12 * height), p(side + 0.08 * width, y1), (18.0, 18.0, 18.0), -1)
    cv2.rectangle(image, p(x0, y0 + 0.35 * height), p(x1, y1 - 0.08 * height), body, -1, cv2.LINE_AA)
    roof = np.array([p(x0 + 0.12 * width, y0 + 0.36 * height), p(x0 + 0.22 * width, y0),
                     p(x1 - 0.22 * width, y0), p(x1 - 0.12 * width, y0 + 0.36 * height)], np.int32)
    cv2.fillPoly(image, [roof], body, cv2.LINE_AA)
    glass = np.array([p(x0 + 0.17 * width, y0 + 0.33 * height), p(x0 + 0.25 * width, y0 + 0.05 * height),
                      p(x1 - 0.25 * width, y0 + 0.05 * height), p(x1 - 0.17 * width, y0 + 0.33 * height)], np.int32)
    shade = float(rng.uniform(20, 80))
    cv2.fillPoly(image, [glass], (shade, shade, shade * 1.1), cv2.LINE_AA)
    light = (200.0, 30.0, 30.0) if rng.random() < 0.7 else (235.0, 235.0, 210.0)
    for side in (x0 + 0.02 * width, x1 - 0.16 * width):
        cv2.rectangle(image, p(side, y0 + 0.42 * height), p(side + 0.14 * width, y0 + 0.55 * height), light, -1)
    cv2.rectangle(image, p(x0, cy + 0.1 * height), p(x1, cy + 0.2 * height), dark, -1)  # bumper
    for side in (x0 + 0.02 * width, x1 - 0.16 * width):  # lamp ribs: stripes a detector must not take for text
        for k in range(int(rng.integers(0, 4))):
            rib = y0 + (0.44 + 0.03 * k) * height
            cv2.line(image, p(side, rib), p(side + 0.14 * width, rib), tuple(0.6 * c for c in light), 1, cv2.LINE_AA)
    _draw_badges(image, cx, cy, width, height, body, rng)
    return int(x0), int(y0), int(x1), int(y1)


CAR_BADGES = ("POLO", "GOLF", "FIESTA", "FOCUS", "CIVIC", "COROLLA", "CELTA", "CLIO", "GOL", "FIT", "CRUZE", "ONIX",
              "PALIO", "UNO", "CAMRY", "ACCORD", "SENTRA", "ELANTRA", "ASTRA", "CORSA", "308", "C3", "A4", "320i",
              "TDI", "GTI", "1.6", "16V", "FLEX", "TURBO", "HYBRID", "4MATIC", "xDrive", "AWD", "EX", "LX", "SE")


def _draw_badges(image: np.ndarray, cx: float, cy: float, width: float, height: float, body, rng) -> None:
    """Chrome model names and a round maker's emblem on the car's back: the text-like and
    plate-sized things around a real plate that a detector must learn to leave alone."""
    chrome = tuple(float(v) for v in np.clip(np.array(body) * rng.uniform(0.3, 0.6) + rng.uniform(90, 170), 0, 255))
    edge = tuple(0.4 * c for c in chrome)
    plate_h = 0.07 * width
    if rng.random() < 0.7:  # emblem above the plate
        radius = max(2, int(plate_h * rng.uniform(0.35, 0.8)))
        centre = (int(cx + rng.uniform(-0.05, 0.05) * width), int(cy - rng.uniform(0.12, 0.3) * height))
        axes = (radius, max(2, int(radius * rng.uniform(0.55, 1.0))))
        cv2.ellipse(image, centre, axes, 0, 0, 360, chrome, max(1, radius // 5), cv2.LINE_AA)
        cv2.ellipse(image, centre, (max(1, axes[0] // 2), max(1, axes[1] // 2)), float(rng.uniform(0, 180)), 0, 360,
                    edge, -1, cv2.LINE_AA)
    for _ in range(int(rng.integers(0, 3))):  # model names, trim and engine badges
        word = CAR_BADGES[rng.integers(len(CAR_BADGES))]
        font = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX)[rng.integers(3)]
        if rng.random() < 0.4:
            font |= cv2.FONT_ITALIC
        scale = plate_h * rng.uniform(0.3, 0.65) / 22.0
        thick = max(1, int(round(scale * rng.uniform(1.0, 2.5))))
        (tw, th), _ = cv2.getTextSize(word, font, scale, thick)
        side = -1 if rng.random() < 0.5 else 1
        x = int(cx + side * rng.uniform(0.15, 0.35) * width - tw / 2)
        y = int(cy - rng.uniform(-0.05, 0.25) * height)
        cv2.putText(image, word, (x + 1, y + 1), font, scale, edge, thick, cv2.LINE_AA)
        cv2.putText(image, word, (x, y), font, scale, chrome, thick, cv2.LINE_AA)


class PhotoBackgrounds:
    """Random crops of the photos in a folder.

    Args:
        folder: A directory holding PNG/JPEG photos (searched non-recursively).

    Raises:
        FileNotFoundError: the folder does not exist.
        NotADirectoryError: it is not a directory.
        ValueError: it holds no image file.
    """

    def __init__(self, folder: str | pathlib.Path):
        self.folder = pathlib.Path(folder)
        if not self.folder.exists():
            raise FileNotFoundError(f"background folder {str(self.folder)!r} does not exist")
        if not self.folder.is_dir():
            raise NotADirectoryError(f"background folder {str(self.folder)!r} is not a directory")
        self.paths = tuple(sorted(str(p) for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
        if not self.paths:
            raise ValueError(f"background folder {str(self.folder)!r} holds no image ({', '.join(IMAGE_SUFFIXES)})")

    def sample(self, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
        """A random crop resized to `size` = (height, width) px: (height, width, 3) uint8 RGB.

        Raises:
            ValueError: the drawn photo cannot be decoded (its path is named).
        """
        photo = _load_photo(self.paths[rng.integers(len(self.paths))])
        height, width = size
        ph, pw = photo.shape[:2]
        zoom = max(height / ph, width / pw) * rng.uniform(1.0, 2.0)
        crop_h, crop_w = min(ph, int(np.ceil(height / zoom))), min(pw, int(np.ceil(width / zoom)))
        y, x = int(rng.integers(ph - crop_h + 1)), int(rng.integers(pw - crop_w + 1))
        crop = photo[y:y + crop_h, x:x + crop_w]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        return cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)

    def __reduce__(self):  # pickled by folder only, for worker processes
        return (PhotoBackgrounds, (str(self.folder),))


@functools.lru_cache(maxsize=64)
def _load_photo(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ValueError(f"background photo {path!r} cannot be decoded as an image")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def background(rng: np.random.Generator, size: tuple[int, int], photos: PhotoBackgrounds | None,
               photo_fraction: float = 0.7) -> np.ndarray:
    """A background of `size` = (height, width): a photo crop with probability `photo_fraction`
    when `photos` is given, else procedural. (height, width, 3) uint8 RGB."""
    if photos is not None and rng.random() < photo_fraction:
        return photos.sample(rng, size)
    return procedural_background(rng, size)
