"""Draws a plate's template: background, bands, flags, captions, bolts and border (no characters).

Templates are drawn with PIL at twice the target size and reduced with area interpolation (cheap
anti-aliasing), then cached: a template depends only on the variant, colour scheme, caption
choices and plate height, so rendering a plate costs only the characters.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import pathlib

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lprlab.formats import PlateVariant
from lprlab.plate_parts import Band, Bolts, Border, Caption, ColourScheme, EUStars, Flag, Scenery, Seal, SideMark, Slots

FONTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "fonts"
SUPERSAMPLE = 2


def font_path(name: str) -> pathlib.Path:
    """Path of a font file shipped in ``fonts/``. Raises FileNotFoundError naming the folder."""
    path = FONTS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"font {name!r} not found in {FONTS_DIR}; rebuild with fonts/make_fonts.py")
    return path


@functools.lru_cache(maxsize=256)
def load_font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A PIL font of `name` at `size_px` pixels per em (cached)."""
    return ImageFont.truetype(str(font_path(name)), max(1, int(size_px)))


def plate_size_px(variant: PlateVariant, height_px: int) -> tuple[int, int]:
    """(height, width) in pixels of a plate of `variant` drawn `height_px` pixels high."""
    width_mm, height_mm = variant.size_mm
    return int(height_px), int(round(height_px * width_mm / height_mm))


@functools.lru_cache(maxsize=512)
def plate_template(variant: PlateVariant, scheme: ColourScheme, height_px: int) -> np.ndarray:
    """The plate without characters or captions (those change per plate; see `caption_stamp`).

    Args:
        variant: The design.
        scheme: Its colour scheme.
        height_px: Plate height in pixels.

    Returns:
        (height_px, width, 3) uint8 RGB; read-only (copy before drawing on it).
    """
    height, width = plate_size_px(variant, height_px)
    size = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    image = Image.new("RGB", size, scheme.background)
    draw = ImageDraw.Draw(image)
    for decoration in variant.decorations:
        if not isinstance(decoration, (Caption, SideMark)):  # those change per plate
            draw_decoration(decoration, draw, size, scheme, None)
    array = cv2.resize(np.asarray(image), (width, height), interpolation=cv2.INTER_AREA)
    array.setflags(write=False)
    return array


@functools.lru_cache(maxsize=4096)
def caption_stamp(caption: Caption, text: str, text_colour: tuple[int, int, int],
                  plate_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """A caption rendered once, to blend onto plates of `plate_size` = (height, width) px.

    Returns:
        (colour (h, w, 3) float32 in [0, 255], coverage (h, w) float32 in [0, 1], x, y): the
        caption's pixels and where their top-left corner goes on the plate.
    """
    height, width = plate_size
    size = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    colour, coverage = Image.new("RGB", size, (0, 0, 0)), Image.new("RGB", size, (0, 0, 0))
    draw_decoration(caption, ImageDraw.Draw(colour), size, ColourScheme(text_colour, text_colour), text)
    white = (255, 255, 255)
    mask_caption = dataclasses.replace(caption, colour=white, background=caption.background and white)
    draw_decoration(mask_caption, ImageDraw.Draw(coverage), size, ColourScheme(white, white), text)
    colour_array = cv2.resize(np.asarray(colour), (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    alpha = cv2.resize(np.asarray(coverage)[..., 0], (width, height), interpolation=cv2.INTER_AREA)
    alpha = alpha.astype(np.float32) / 255
    rows, cols = np.flatnonzero(alpha.max(axis=1) > 0), np.flatnonzero(alpha.max(axis=0) > 0)
    if rows.size == 0:
        return np.zeros((1, 1, 3), np.float32), np.zeros((1, 1), np.float32), 0, 0
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    alpha = alpha[y0:y1, x0:x1]
    colour_array = colour_array[y0:y1, x0:x1] / np.maximum(alpha, 1e-3)[..., None]  # drawn over black
    return np.clip(colour_array, 0, 255), alpha, int(x0), int(y0)


def _pixels(box, size) -> tuple[float, float, float, float]:
    return box[0] * size[0], box[1] * size[1], box[2] * size[0], box[3] * size[1]


@functools.singledispatch
def draw_decoration(decoration, draw: ImageDraw.ImageDraw, size: tuple[int, int], scheme: ColourScheme,
                    text: str | None) -> None:
    """Draws one decoration onto `draw` (a canvas of `size` = (width, height) px)."""
    raise TypeError(f"no drawing for decoration {type(decoration).__name__}")


@draw_decoration.register
def _band(decoration: Band, draw, size, scheme, text) -> None:
    width, height = size
    extent = {"top": (0, 0, width, decoration.size * height),
              "bottom": (0, height * (1 - decoration.size), width, height),
              "left": (0, 0, decoration.size * width, height),
              "right": (width * (1 - decoration.size), 0, width, height)}[decoration.edge]
    draw.rectangle(extent, fill=decoration.colour)


@draw_decoration.register
def _caption(decoration: Caption, draw, size, scheme, text) -> None:
    if not text:
        return
    x0, y0, x1, y1 = _pixels(decoration.box, size)
    font_size = (y1 - y0) * 1.25
    font = load_font(decoration.font, int(font_size))
    while font_size > 4:  # the largest size whose ink fits the box
        left, top, right, bottom = font.getbbox(text)
        if right - left <= x1 - x0 and bottom - top <= y1 - y0:
            break
        font_size *= 0.92
        font = load_font(decoration.font, int(font_size))
    if decoration.background is not None:
        left, top, right, bottom = font.getbbox(text, anchor="mm")
        cx, cy, pad = (x0 + x1) / 2, (y0 + y1) / 2, 0.15 * (y1 - y0)
        draw.rounded_rectangle((cx + left - pad, cy + top - pad, cx + right + pad, cy + bottom + pad),
                               radius=pad, fill=decoration.background)
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=font, anchor="mm",
              fill=decoration.colour or scheme.text)


@draw_decoration.register
def _scenery(decoration: Scenery, draw, size, scheme, text) -> None:
    x0, y0, x1, y1 = _pixels(decoration.box, size)
    steps = max(2, int(y1 - y0))
    for i in range(steps):
        t = i / (steps - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(decoration.sky, decoration.horizon))
        draw.line((x0, y0 + i, x1, y0 + i), fill=colour)
    width, height = x1 - x0, y1 - y0
    ridge = [(x0, y1)] + [(x0 + width * k / 8, y1 - height * (0.25 + 0.2 * ((k * 37) % 5) / 4)) for k in range(9)]
    draw.polygon(ridge + [(x1, y1)], fill=decoration.hills)


def _star(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


@draw_decoration.register
def _eu_stars(decoration: EUStars, draw, size, scheme, text) -> None:
    x0, y0, x1, y1 = _pixels(decoration.box, size)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ring = 0.32 * min(x1 - x0, y1 - y0)
    for i in range(12):
        angle = 2 * math.pi * i / 12
        draw.polygon(_star(cx + ring * math.cos(angle), cy + ring * math.sin(angle), ring * 0.22),
                     fill=(255, 204, 0))


@draw_decoration.register
def _flag(decoration: Flag, draw, size, scheme, text) -> None:
    x0, y0, x1, y1 = _pixels(decoration.box, size)
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if decoration.country == "br":
        draw.rectangle((x0, y0, x1, y1), fill=(0, 151, 57))
        draw.polygon([(cx, y0 + 0.1 * h), (x1 - 0.08 * w, cy), (cx, y1 - 0.1 * h), (x0 + 0.08 * w, cy)],
                     fill=(254, 221, 0))
        r = 0.22 * min(w, h)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(1, 33, 105))
    elif decoration.country == "ar":
        for i, colour in enumerate(((116, 172, 223), (255, 255, 255), (116, 172, 223))):
            draw.rectangle((x0, y0 + i * h / 3, x1, y0 + (i + 1) * h / 3), fill=colour)
        r = h / 9
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(246, 180, 14))
    elif decoration.country == "kr":
        draw.rectangle((x0, y0, x1, y1), fill=(255, 255, 255))
        r = 0.4 * min(w, h)
        draw.pieslice((cx - r, cy - r, cx + r, cy + r), 180, 360, fill=(205, 46, 58))
        draw.pieslice((cx - r, cy - r, cx + r, cy + r), 0, 180, fill=(0, 71, 160))
    else:
        raise ValueError(f"no flag drawing for country {decoration.country!r}; known: br, ar, kr")


@draw_decoration.register
def _bolts(decoration: Bolts, draw, size, scheme, text) -> None:
    width, height = size
    r = decoration.radius * height
    for fx, fy in decoration.positions:
        x, y = fx * width, fy * height
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(168, 170, 172), outline=(90, 90, 92), width=max(1, int(r / 4)))
        draw.line((x - 0.6 * r, y, x + 0.6 * r, y), fill=(70, 70, 72), width=max(1, int(r / 4)))


@draw_decoration.register
def _slots(decoration: Slots, draw, size, scheme, text) -> None:
    width, height = size
    half_w, half_h = decoration.size[0] * width / 2, decoration.size[1] * height / 2
    for fx, fy in decoration.positions:
        x, y = fx * width, fy * height
        # the hole (the car body behind it, dark), its lit lower lip a shade lighter than the plate
        draw.rounded_rectangle((x - half_w, y - half_h, x + half_w, y + half_h), radius=half_h, fill=(38, 38, 40))
        lip = tuple(min(255, c + 25) for c in scheme.background)
        draw.line((x - 0.8 * half_w, y + half_h, x + 0.8 * half_w, y + half_h), fill=lip, width=max(1, int(half_h / 3)))


@draw_decoration.register
def _seal(decoration: Seal, draw, size, scheme, text) -> None:
    width, height = size
    r = decoration.radius * height
    x, y = decoration.position[0] * width, decoration.position[1] * height
    draw.ellipse((x - r, y - r, x + r, y + r), fill=(176, 28, 34), outline=(110, 14, 18), width=max(1, int(r / 5)))
    h = 0.35 * r
    draw.ellipse((x - 0.5 * r - h, y - 0.5 * r - h, x - 0.5 * r + h, y - 0.5 * r + h), fill=(226, 92, 96))
    # the wire that ties the seal to the car
    draw.line((x + 0.7 * r, y + 0.4 * r, x + 2.2 * r, y + 0.9 * r), fill=(120, 120, 124), width=max(1, int(r / 6)))


@draw_decoration.register
def _border(decoration: Border, draw, size, scheme, text) -> None:
    width, height = size
    inset, thickness = decoration.inset * height, max(1, int(round(decoration.width * height)))
    colour = scheme.border or scheme.text
    draw.rounded_rectangle((inset, inset, width - 1 - inset, height - 1 - inset), radius=0.08 * height,
                           outline=colour, width=thickness)
