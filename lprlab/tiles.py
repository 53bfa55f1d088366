"""Training tiles for the sliding-window detector, and the presence rule they are labelled with.

The detector is a window classifier (deep-anpr, seed 003) run fully-convolutionally: on an image
it gives one output per window position, windows of ``window`` pixels every ``stride`` pixels, on
each level of an image pyramid. A training *tile* is a crop of a synthetic scene resized to one
pyramid scale: (tile_h, tile_w) pixels holding a grid of windows, each labelled by the presence
rule below. Training on tiles and running on whole images is the same computation, because the
network has only valid convolutions (no padding).

Presence rule. deep-anpr calls a plate present when it lies wholly inside the window and is
60-80% of the window's width (or 60-87.5% of its height). Run over a pyramid with sqrt(2) steps
that band (a factor 1.33) leaves gaps: a plate 81% of the window at one level is 57% at the next,
present at neither. lprlab keeps the idea and sizes the band to the search: the plate's *relative
size* ``max(w / window_w, h / window_h)`` must lie in PRESENCE_RANGE = [0.5, 0.75] (a factor 1.5 >
sqrt(2)), and the plate must lie wholly inside the window; with the 0.25 margin a plate as tall as
the band allows still fits some window of a stride-8 grid. Windows near the rule's edges (size
within 15% outside the band, or the plate cut by under 10% of its size) are labelled -1 and left
out of the loss: neither answer is wrong there.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from lprlab.backgrounds import PhotoBackgrounds
from lprlab.formats import PlateFormat
from lprlab.scene import PlateInScene, make_scene

PRESENCE_RANGE = (0.5, 0.75)
SIZE_TOLERANCE = 1.15  # relative sizes within this factor outside PRESENCE_RANGE are ignored
CUT_TOLERANCE = 0.1  # plates cut by less than this share of their size are ignored
WINDOW = (32, 64)
STRIDE = 8
TILE = (96, 160)


def relative_size(box: tuple[float, float, float, float], window: tuple[int, int] = WINDOW) -> float:
    """``max(w / window_w, h / window_h)`` of a plate `box` (x, y, w, h px) in a (height, width) window."""
    return max(box[2] / window[1], box[3] / window[0])


def presence_label(box: tuple[float, float, float, float], window: tuple[int, int] = WINDOW) -> int:
    """1 when the plate `box` (x, y, w, h px, window coordinates) is present in the window, 0 when it
    is not, -1 when it is too near the rule's edge to say (see the module docstring)."""
    return int(presence_grid(np.asarray([box], np.float32), (1, 1), window, STRIDE)[0, 0, 0])


def presence_grid(boxes: np.ndarray, grid: tuple[int, int], window: tuple[int, int] = WINDOW,
                  stride: int = STRIDE, valid: tuple[int, int] | None = None) -> np.ndarray:
    """Labels and box targets of every window of a grid.

    Window (i, j) covers pixels ``[i * stride, i * stride + window_h)`` by
    ``[j * stride, j * stride + window_w)``.

    Args:
        boxes: (n, 4) float32 plate boxes (x, y, w, h) in pixels of the tile; n may be 0.
        grid: (rows, cols) of windows.
        window: (height, width) px.
        stride: Pixels between windows.
        valid: (height, width) px of the part of the tile that holds image; windows reaching past
            it are labelled -1 (at run time no window reaches past the image). None: all valid.

    Returns:
        (rows, cols, 5) float32: label (1 present, 0 absent, -1 ignore) and the present plate's box
        relative to the window (x / window_w, y / window_h, w / window_w, h / window_h); zeros
        where no plate is present. Where two plates are present the larger one is the target.
    """
    rows, cols = grid
    wh, ww = window
    out = np.zeros((rows, cols, 5), np.float32)
    oy = (np.arange(rows, dtype=np.float32) * stride)[:, None]
    ox = (np.arange(cols, dtype=np.float32) * stride)[None, :]
    best = np.zeros((rows, cols), np.float32)
    ignore = np.zeros((rows, cols), bool)
    low, high = PRESENCE_RANGE
    for x, y, w, h in np.asarray(boxes, np.float32).reshape(-1, 4):
        size = max(w / ww, h / wh)
        rx, ry = x - ox, y - oy  # plate origin in each window
        inside = (rx >= 0) & (ry >= 0) & (rx + w <= ww) & (ry + h <= wh)
        cut_x, cut_y = CUT_TOLERANCE * w, CUT_TOLERANCE * h
        nearly = (rx >= -cut_x) & (ry >= -cut_y) & (rx + w <= ww + cut_x) & (ry + h <= wh + cut_y)
        if low <= size <= high:
            present = inside
            ignore |= nearly & ~inside
        else:
            present = np.zeros((rows, cols), bool)
            if low / SIZE_TOLERANCE <= size <= high * SIZE_TOLERANCE:
                ignore |= nearly
        take = present & (size > best)
        best = np.where(take, size, best)
        out[..., 1] = np.where(take, rx / ww, out[..., 1])
        out[..., 2] = np.where(take, ry / wh, out[..., 2])
        out[..., 3] = np.where(take, w / ww, out[..., 3])
        out[..., 4] = np.where(take, h / wh, out[..., 4])
    out[..., 0] = np.where(best > 0, 1.0, np.where(ignore, -1.0, 0.0))
    if valid is not None:
        outside = (oy + wh > valid[0] + 1e-3) | (ox + ww > valid[1] + 1e-3)
        out[..., 0] = np.where(outside, -1.0, out[..., 0])
    return out


def grid_shape(image_size: tuple[int, int], window: tuple[int, int] = WINDOW, stride: int = STRIDE) -> tuple[int, int]:
    """(rows, cols) of whole windows in an image of (height, width) px."""
    return ((image_size[0] - window[0]) // stride + 1, (image_size[1] - window[1]) // stride + 1)


def resize_level(image: np.ndarray, scale: float) -> np.ndarray:
    """`image` resized by `scale` for one pyramid level: (round(h * scale), round(w * scale)) px,
    area interpolation when shrinking (no aliasing), linear when enlarging. Used both to make
    training tiles and to run the detector, so the two see the same pixels."""
    height, width = image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size == (width, height):
        return image
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


@dataclasses.dataclass(frozen=True)
class Tile:
    """A detector training tile.

    Attributes:
        image: (tile_h, tile_w, 3) uint8 RGB; zeros past `valid`.
        plates: Plates at least partly in the tile, boxes and corners in tile pixels.
        valid: (height, width) px of the tile that holds image.
        scale: The pyramid scale the scene was resized by.
    """

    image: np.ndarray
    plates: tuple[PlateInScene, ...]
    valid: tuple[int, int]
    scale: float


def make_tile(formats: tuple[PlateFormat, ...], rng: np.random.Generator, tile: tuple[int, int] = TILE,
              window: tuple[int, int] = WINDOW, photos: PhotoBackgrounds | None = None) -> Tile:
    """A training tile cut from a fresh `cctv` or `parking` scene at a pyramid scale.

    Half the tiles put a plate at a size inside PRESENCE_RANGE (positives, wherever the grid lets
    it be wholly inside a window), a quarter at a wrong size (0.25-0.45 or 0.85-1.6 of the window),
    a quarter are cut at a random scale (0.13-1.3) and place: mostly background, cars and clutter.

    Args:
        formats: Plate formats to draw from.
        rng: The only source of randomness.
        tile: (height, width) px; a multiple of the stride past the window gives whole windows.
        window: (height, width) px of the detector's window.
        photos: Real photo backgrounds, or None for procedural ones.

    Returns:
        A `Tile`.
    """
    scene = make_scene(formats, rng, "cctv" if rng.random() < 0.6 else "parking", photos)
    height, width = scene.image.shape[:2]
    mode = rng.choice(("positive", "wrong", "random"), p=(0.5, 0.25, 0.25)) if scene.plates else "random"
    target = None
    if mode == "random":
        scale = float(np.exp(rng.uniform(np.log(0.13), np.log(1.3))))
    else:
        target = scene.plates[rng.integers(len(scene.plates))]
        if mode == "positive":
            size = rng.uniform(*PRESENCE_RANGE)
        else:
            size = rng.uniform(0.25, 0.45) if rng.random() < 0.5 else rng.uniform(0.85, 1.6)
        scale = float(size / relative_size(target.box, window))
    return cut_tile(scene.image, scene.plates, scale, target.box if target is not None else None, tile, rng)


def cut_tile(image: np.ndarray, plates, scale: float, keep_inside=None, tile: tuple[int, int] = TILE,
             rng: np.random.Generator | None = None, origin: tuple[int, int] | None = None) -> Tile:
    """The tile of `image` resized by `scale` (`resize_level`), with its plates in tile pixels.

    Args:
        image: (H, W, 3) uint8 RGB scene.
        plates: `PlateInScene`s of the scene (image pixels).
        scale: Pyramid scale.
        keep_inside: A box (x, y, w, h, image pixels) the tile is placed around, at a random place
            (needs `rng`); or None.
        tile: (height, width) px.
        rng: Randomness of the placement; without `keep_inside` and `origin`, a random origin.
        origin: (x, y) of the tile's top-left corner in the resized image, instead.

    Returns:
        A `Tile` (zeros past the resized image's edge, recorded in `valid`).
    """
    height, width = image.shape[:2]
    level = resize_level(image, scale)
    sy, sx = level.shape[0] / height, level.shape[1] / width
    lh, lw = level.shape[:2]
    if origin is not None:
        ox, oy = int(origin[0]), int(origin[1])
    elif keep_inside is None:
        oy, ox = int(rng.integers(0, max(1, lh - tile[0] + 1))), int(rng.integers(0, max(1, lw - tile[1] + 1)))
    else:
        x, y, w, h = keep_inside[0] * sx, keep_inside[1] * sy, keep_inside[2] * sx, keep_inside[3] * sy
        ox = int(np.clip(x - rng.uniform(0, max(0.0, tile[1] - w)), 0, max(0, lw - tile[1])))
        oy = int(np.clip(y - rng.uniform(0, max(0.0, tile[0] - h)), 0, max(0, lh - tile[0])))
    ox, oy = int(np.clip(ox, 0, max(0, lw - 1))), int(np.clip(oy, 0, max(0, lh - 1)))
    crop = level[oy:oy + tile[0], ox:ox + tile[1]]
    out = np.zeros((*tile, 3), np.uint8)
    out[:crop.shape[0], :crop.shape[1]] = crop
    placed = []
    for plate in plates:
        corners = (plate.corners * np.float32([sx, sy]) - np.float32([ox, oy])).astype(np.float32)
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        if x1 <= 0 or y1 <= 0 or x0 >= tile[1] or y0 >= tile[0]:
            continue
        placed.append(dataclasses.replace(plate, box=(float(x0), float(y0), float(x1 - x0), float(y1 - y0)),
                                          corners=corners))
    return Tile(out, tuple(placed), (crop.shape[0], crop.shape[1]), scale)
