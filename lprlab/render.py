"""Renders flat plates: a text in a format becomes an RGB image with one box per character.

The characters are scaled glyph bitmaps (rendered once per font and character at a reference size,
resized to the row's character height, and cached), laid out along each row with the separators of
the variant's pattern, condensed horizontally when the row would overflow, and composited over
the cached template (see `lprlab.decorations`). A plate therefore costs a few small NumPy blends.
"""
from __future__ import annotations

import dataclasses
import functools

import cv2
import numpy as np
from PIL import Image, ImageDraw

from lprlab.decorations import caption_stamp, load_font, plate_size_px, plate_template
from lprlab.formats import (
    DIGITS, LETTERS, ROUNDED_D, ROUNDED_O, SHORT_VERTEX_W, SLAB_I, STRAIGHT_SHORT_W, STRAIGHT_W, Caption, PlateFormat, PlateVariant, SideMark, match_text,
    mixed_chars, parse_pattern, pattern_regex, random_text, validate_text,
)
from lprlab.plate_catalog import FONT_POOL

REFERENCE_SIZE_PX = 128
GLYPH_GAP = 0.12  # space between characters, fraction of character height
SEPARATOR_WIDTH = {" ": 0.4, "-": 0.55, "·": 0.5, "o": 0.6, "c": 0.62, "s": 0.6, "a": 0.6, "e": 0.85, "p": 1.3, "z": 1.0, "t": 0.6}  # fraction of char height
MAX_OVERFLOW = 1.15  # a glyph is at most this many cells wide
STICKER_COLOURS = ((230, 120, 40), (60, 120, 200), (90, 170, 80), (220, 200, 60), (200, 80, 150))
CANONICAL_LAYOUT_FORMATS = ("jp", "kr", "cn")  # formats always set in their canonical layout
STYLE_JITTER = 0.7  # share of plates whose glyph width, spacing and height are varied (see `LayoutStyle`)
STYLE_MAX_HEIGHT = 1.06  # largest character height factor of a varied `LayoutStyle`
# Formats whose real dies set taller characters than the catalogue's row: real Illinois, Idaho,
# North Carolina and Montana characters span about 0.6 of the plate's height, the US row 0.53 (0.15.0).
TALL_HEIGHT = {"us": 1.22}
# A side mark (`SideMark`) is drawn only where it condenses the registration's characters to no less
# than this share of their width without it (else the plate has none).
MARK_SQUEEZE = 0.7
MIN_MARK_SCALE = 0.5  # a mark that fits only smaller than this share of the characters' height is left out
FONT_POOL_SHARE = 0.35  # share of Latin plates set in a font of `plate_catalog.FONT_POOL` instead of the variant's
ALIAS_SHARE = 0.5  # share of plates of a variant with `glyph_aliases` drawn with the aliases
PICTURE_FONT = "DejaVuSansCondensed-Bold.ttf"
# Pictograms standing for the pictures between character groups of US plates ("p" separator).
PICTOGRAMS = "♞♘♜☘⚓✈♣♠♥★❀⚜♿⚑☀☂⚘❦✿❄♛♚♝♔♕♖♗♙⌂⚒⚔⚖⚛☸☮☯♻⚐"
ZIA_RED = (200, 35, 45)  # New Mexico's zia ("z" separator)
PICTURE_COLOURS = ((70, 45, 30), (30, 30, 35), (110, 60, 120), (40, 90, 50), (150, 40, 40), (60, 80, 150))
STROKE_WEIGHTS = (-3, 0, 0, 3, 6)  # stroke weight changes, hundredths of the glyph height (radius of the dilation)
# `SLAB_I` and `SHORT_VERTEX_W` (see `lprlab.formats`) are built from a font's own glyphs: without
# them the recogniser read the real US slab-serif I as T and the narrow W as H, N or M.
SLAB_WIDTH = 0.42  # serif width of SLAB_I, fraction of the glyph height
W_VERTEX = 0.4  # how far from the top SHORT_VERTEX_W's middle vertex stops, fraction of the height
W_WIDTH = 1.3  # SHORT_VERTEX_W's width, in widths of the font's V
W_DIAGONAL = 1.15  # STRAIGHT_SHORT_W's diagonals' horizontal thickness, in widths of the M's stem
O_RADIUS = 0.3  # ROUNDED_O's outer corner radius, fraction of its width


@dataclasses.dataclass(frozen=True)
class LayoutStyle:
    """How one plate's characters are set, relative to its variant's canonical layout.

    Real plates of one design differ from our fonts in how condensed the glyphs are and how far
    apart they stand (Brazil's tall narrow grey-plate font, widely spaced US vanity plates), so
    most synthetic plates draw these from ranges (domain randomisation).

    Attributes:
        condense: Glyph and cell width factor (< 1 narrower).
        gap: Factor on the space between characters (`GLYPH_GAP`).
        height: Factor on the character height (a fraction of the row height).
        weight: Stroke weight change in glyph-height hundredths (see `STROKE_WEIGHTS`): positive
            thickens the strokes (dilation), negative thins them (erosion), inside the same box;
            embossed dies and worn paint are bolder or lighter than any one font.
        overflow: How many cells a wide glyph (M, W) may take (`MAX_OVERFLOW` by default); many
            US dies squeeze W and M into one cell, where they look like H and N to a reader that
            never saw them so.
    """

    condense: float = 1.0
    gap: float = 1.0
    height: float = 1.0
    weight: int = 0
    overflow: float = MAX_OVERFLOW


def draw_style(rng: np.random.Generator, jitter: float = STYLE_JITTER,
               max_height: float = STYLE_MAX_HEIGHT) -> LayoutStyle:
    """A random `LayoutStyle`: canonical with probability 1 - `jitter`, else condense 0.7-1.1,
    gap 0.6-2.6, height 0.85-`max_height` (a factor on the row height), a stroke weight among
    `STROKE_WEIGHTS` and a wide-glyph overflow of 0.95-1.15 cells."""
    if rng.random() >= jitter:
        return LayoutStyle()
    return LayoutStyle(float(rng.uniform(0.7, 1.1)), float(rng.uniform(0.6, 2.6)), float(rng.uniform(0.85, max_height)),
                       int(STROKE_WEIGHTS[rng.integers(len(STROKE_WEIGHTS))]), float(rng.uniform(0.95, MAX_OVERFLOW)))


@dataclasses.dataclass(frozen=True)
class Plate:
    """A rendered flat plate.

    Attributes:
        image: (height, width, 3) uint8 RGB in [0, 255].
        text: The plate text (no separators).
        format: Format name.
        variant: Variant name.
        char_boxes: (len(text), 4) float32 boxes ``(x, y, w, h)`` in pixels of `image`, one per
            character of `text`, in reading order (row by row, left to right).
    """

    image: np.ndarray
    text: str
    format: str
    variant: str
    char_boxes: np.ndarray


def _slab_i(font_name: str) -> np.ndarray:
    """The font's I with slab serifs as wide as `SLAB_WIDTH` of its height, as thick as the stem."""
    stem = _glyph_ink(font_name, "I")
    height, stem_w = stem.shape
    if stem_w > 0.25 * height:  # the font's I has serifs already
        return stem
    width = max(stem_w + 2, round(SLAB_WIDTH * height))
    ink = np.zeros((height, width), np.uint8)
    left = (width - stem_w) // 2
    ink[:, left:left + stem_w] = stem
    bar = max(2, round(0.8 * stem_w))
    ink[:bar], ink[-bar:] = 255, 255
    return ink


def _short_vertex_w(font_name: str) -> np.ndarray:
    """A narrow W from two of the font's V overlapping so that their inner strokes cross
    `W_VERTEX` of the height below the top; above the crossing only the outer strokes are kept,
    so the middle vertex stops short of the top. Squeezed to `W_WIDTH` V widths."""
    vee = _glyph_ink(font_name, "V")
    height, vee_w = vee.shape
    stroke = float((vee[height // 2] > 127).sum()) / 2  # one stroke's width at mid-height
    slope = vee_w / 2 - stroke / 2  # horizontal travel of a stroke's centre line, top to bottom
    offset = max(1, round(vee_w - stroke - 2 * slope * W_VERTEX))
    ink = np.zeros((height, offset + vee_w), np.uint8)
    ink[:, :vee_w] = vee
    ink[:, offset:] = np.maximum(ink[:, offset:], vee)
    for y in range(round(W_VERTEX * height)):
        runs = np.flatnonzero(np.diff(np.concatenate(([0], (ink[y] > 40).astype(np.int8), [0]))))
        if len(runs) > 4:  # keep the first and last runs of ink: the outer strokes
            ink[y, runs[1]:runs[-2]] = 0
    return cv2.resize(ink, (max(1, round(W_WIDTH * vee_w)), height), interpolation=cv2.INTER_AREA)


def _rounded_box_ring(height: int, width: int, stroke: float, left_radius: float, right_radius: float) -> np.ndarray:
    """(height, width) uint8 coverage of a ring: a rounded rectangle of the given outer corner radii
    (pixels; the left corners' and the right corners'), `stroke` pixels thick, with a concentric
    counter. Drawn 4x larger from its signed distance (Quilez's rounded box) and area-resized, so
    its edges are antialiased like a rasterised glyph."""
    upsample = 4
    ys, xs = np.mgrid[0:height * upsample, 0:width * upsample].astype(np.float32)
    sx = (xs + 0.5) / upsample - width / 2
    px = np.abs(sx)
    py = np.abs((ys + 0.5) / upsample - height / 2)
    corner = np.where(sx < 0, left_radius, right_radius).astype(np.float32)

    def inside(half_w: float, half_h: float, radius: np.ndarray) -> np.ndarray:
        qx, qy = px - (half_w - radius), py - (half_h - radius)
        outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0)) + np.minimum(np.maximum(qx, qy), 0) - radius
        return outside <= 0

    ring = inside(width / 2, height / 2, corner) & ~inside(width / 2 - stroke, height / 2 - stroke,
                                                           np.maximum(corner - stroke, 0.5))
    return cv2.resize(ring.astype(np.uint8) * 255, (width, height), interpolation=cv2.INTER_AREA)


def _grey_plate_box(font_name: str) -> tuple[int, int, float]:
    """(height, width, stroke) in pixels of the grey-plate O and D drawn for a font: the ink box of
    the font's O and its stroke width at mid-height."""
    o_ink = _glyph_ink(font_name, "O")
    height, width = o_ink.shape
    runs = np.flatnonzero(np.diff(np.concatenate(([0], (o_ink[height // 2] > 127).astype(np.int8), [0]))))
    return height, width, float(runs[1] - runs[0]) if len(runs) >= 2 else 0.15 * width


def _rounded_o(font_name: str) -> np.ndarray:
    """The font's O redrawn as Brazil's grey-plate O: a rounded rectangle with straight sides in
    the font's O box (`_grey_plate_box`), all four outer corners of radius `O_RADIUS` of the width."""
    height, width, stroke = _grey_plate_box(font_name)
    return _rounded_box_ring(height, width, stroke, O_RADIUS * width, O_RADIUS * width)


def _rounded_d(font_name: str) -> np.ndarray:
    """The grey-plate O's box (`_grey_plate_box`) with square left corners: Brazil's grey-plate D,
    told from their O by the left corners alone. No variant draws it: generator 0.19.0 drew it on
    the grey plates with a narrower O, and the recogniser trained on it read the real O as D more
    (README, "Plate formats"); kept for `benchmarks/form_probe.py`."""
    height, width, stroke = _grey_plate_box(font_name)
    return _rounded_box_ring(height, width, stroke, 0.0, O_RADIUS * width)


def _straight_w(font_name: str) -> np.ndarray:
    """The font's M turned upside down: a W with the M's upright outer stems and its middle vertex
    at the top, as Texas and California dies draw it (recogniser 0.14 read those W as H, N or M:
    every font's W has slanted outer strokes). Same ink box as the M."""
    return np.ascontiguousarray(_glyph_ink(font_name, "M")[::-1])


def _straight_short_w(font_name: str) -> np.ndarray:
    """A W in the font's M box with the M's upright outer stems (as thick as the M's stem at
    mid-height) and two straight diagonals rising from the stems' feet to a flat middle vertex
    `W_VERTEX` of the height below the top, as Texas, Colorado and Vermont dies draw it (recogniser
    0.15 read those W as H or M; `STRAIGHT_W`'s vertex reaches the top in most fonts). Drawn 4x larger
    and area-resized, so its edges are antialiased like a rasterised glyph."""
    m_ink = _glyph_ink(font_name, "M")
    height, width = m_ink.shape
    runs = np.flatnonzero(np.diff(np.concatenate(([0], (m_ink[height // 2] > 127).astype(np.int8), [0]))))
    stem = float(runs[1] - runs[0]) if len(runs) >= 2 else 0.15 * width
    upsample = 4
    big_h, big_w, big_stem = height * upsample, width * upsample, max(1, round(stem * upsample))
    ink = np.zeros((big_h, big_w), np.uint8)
    ink[:, :big_stem], ink[:, big_w - big_stem:] = 255, 255
    thick = W_DIAGONAL * big_stem  # horizontal thickness of a diagonal
    top = W_VERTEX * big_h
    left = np.array([(0, big_h), (thick, big_h), (big_w / 2 + thick / 2, top), (big_w / 2 - thick / 2, top)])
    right = np.column_stack((big_w - left[:, 0], left[:, 1]))
    for diagonal in (left, right):  # one call each: fillPoly leaves the overlap of two polygons empty
        cv2.fillConvexPoly(ink, np.round(diagonal).astype(np.int32), 255)
    return cv2.resize(ink, (width, height), interpolation=cv2.INTER_AREA)


PLATE_FORMS = {SLAB_I: _slab_i, SHORT_VERTEX_W: _short_vertex_w, ROUNDED_O: _rounded_o, STRAIGHT_W: _straight_w,
               ROUNDED_D: _rounded_d, STRAIGHT_SHORT_W: _straight_short_w}


@functools.lru_cache(maxsize=4096)
def _glyph_ink(font_name: str, char: str) -> np.ndarray:
    """(h, w) uint8 coverage of `char` at the reference size, cropped to its ink (a `PLATE_FORMS`
    character built from the font's own glyphs)."""
    if char in PLATE_FORMS:
        return PLATE_FORMS[char](font_name)
    font = load_font(font_name, REFERENCE_SIZE_PX)
    left, top, right, bottom = font.getbbox(char)
    image = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(image).text((2 - left, 2 - top), char, font=font, fill=255)
    ink = np.asarray(image)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 40), np.flatnonzero(ink.max(axis=0) > 40)
    if rows.size == 0:
        raise ValueError(f"font {font_name!r} draws nothing for character {char!r}")
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


@functools.lru_cache(maxsize=4096)
def _weighted_ink(font_name: str, char: str, weight: int) -> np.ndarray:
    """`_glyph_ink` with strokes thickened (`weight` > 0) or thinned (< 0) by a disc of radius
    |weight| hundredths of the ink height, resized back to the ink's own box."""
    ink = _glyph_ink(font_name, char)
    radius = round(abs(weight) * ink.shape[0] / 100)
    if radius == 0:
        return ink
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    if weight > 0:
        padded = cv2.copyMakeBorder(ink, radius, radius, radius, radius, cv2.BORDER_CONSTANT, value=0)
        return cv2.resize(cv2.dilate(padded, kernel), (ink.shape[1], ink.shape[0]), interpolation=cv2.INTER_AREA)
    thinned = cv2.erode(ink, kernel)
    return thinned if thinned.max() > 40 else ink  # a hairline glyph keeps its strokes


@functools.lru_cache(maxsize=16384)
def _glyph(font_name: str, char: str, height: int, width: int, weight: int = 0) -> np.ndarray:
    """(height, width) float32 coverage in [0, 1] of `char` resized to the given size in pixels,
    with stroke `weight` (see `LayoutStyle`)."""
    ink = _weighted_ink(font_name, char, weight)
    resized = cv2.resize(ink, (max(1, width), max(1, height)), interpolation=cv2.INTER_AREA)
    return resized.astype(np.float32) / 255.0


def _natural_size(font_name: str, char: str, height: float, square: bool) -> tuple[float, float]:
    """(height, width) of a glyph scaled to `height`; CJK-like glyphs (`square`) fit a square box."""
    ink_h, ink_w = _glyph_ink(font_name, char).shape
    scale = height / ink_h
    if square and ink_w * scale > height:
        scale = height / ink_w
    return ink_h * scale, ink_w * scale


def _is_square(char: str) -> bool:
    return ord(char) > 0x2E80 and char not in PLATE_FORMS  # CJK, kana, hangul


@functools.lru_cache(maxsize=1024)
def _cell_aspect(font_name: str, chars: str) -> float:
    """Cell width over height for a class: the median glyph width among `chars`. Plates set their
    characters at a fixed pitch, with wide letters (M, W) condensed to fit (see `MAX_OVERFLOW`)."""
    return float(np.median([_natural_size(font_name, c, 1.0, _is_square(c))[1] for c in chars]))


def _class_chars(variant: PlateVariant, kind: str) -> str:
    """The characters sharing a pitch with token class `kind` in `variant`."""
    return {"L": variant.letters, "D": DIGITS, "N": DIGITS, "A": variant.mixed_letters + DIGITS, "K": variant.specials,
            "W": "".join(sorted(set("".join(variant.words))))}[kind]


def _row_items(pattern_row: str, groups: list[str]) -> list[tuple[str, str]]:
    """Row items ``(kind, char)``: kind is the token class for characters, or the separator itself."""
    items = []
    for kind, _, _ in parse_pattern(pattern_row):
        if kind in "LDNAKW":
            items.extend((kind, char) for char in groups.pop(0))
        else:
            items.append((kind, kind))
    return items


def _layout_row(items, row, plate_h: int, plate_w: int, font_name: str, variant: PlateVariant,
                style: LayoutStyle = LayoutStyle()):
    """Places one row: returns [(kind, char, x, y, w, h)] in pixels (floats).

    Each character sits centred in a cell of its class's typical width (wider glyphs condensed to
    `MAX_OVERFLOW` cells), so the positions do not depend on which characters are drawn; the row is condensed when it would
    overflow [row.left, row.right] and then centred (or aligned) in it.
    """
    cap = (row.bottom - row.top) * plate_h * style.height
    cells, glyphs = [], []
    for kind, char in items:
        if kind in SEPARATOR_WIDTH:
            cells.append(SEPARATOR_WIDTH[kind] * cap)
            glyphs.append((cap, cells[-1]))
            continue
        height = cap * (row.special_scale if kind == "K" else 1.0)
        cells.append(height * _cell_aspect(font_name, _class_chars(variant, kind)) * style.condense)
        glyph_h, glyph_w = _natural_size(font_name, char, height, _is_square(char))
        glyphs.append((glyph_h, min(glyph_w * style.condense, style.overflow * cells[-1])))
    gap = GLYPH_GAP * cap * style.gap
    natural = sum(cells) + gap * (len(cells) - 1)
    available = (row.right - row.left) * plate_w
    squeeze = min(1.0, available / natural)
    total = natural * squeeze
    x = row.left * plate_w + {"left": 0.0, "right": available - total}.get(row.align, (available - total) / 2)
    middle = (row.top + row.bottom) / 2 * plate_h
    placed = []
    for (kind, char), cell, (h, w) in zip(items, cells, glyphs):
        placed.append((kind, char, x + (cell - w) * squeeze / 2, middle - h / 2, w * squeeze, h))
        x += (cell + gap) * squeeze
    return placed


def _blend(canvas: np.ndarray, alpha: np.ndarray, x: int, y: int, colour: np.ndarray, opacity: float = 1.0):
    """Blends `colour` into float32 `canvas` with coverage `alpha` at integer (x, y), clipped."""
    h, w = alpha.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None] * opacity
    region = canvas[y0:y1, x0:x1]
    region += (colour - region) * a


def _draw_separator(canvas, kind, x, y, w, h, colour, rng) -> None:
    """Draws a separator (dash, dot, stickers, shield) inside the box (x, y, w, h) px."""
    cx, cy = x + w / 2, y + h / 2
    colour_tuple = tuple(float(c) for c in colour)
    if kind == "-":
        cv2.rectangle(canvas, (round(cx - 0.3 * w), round(cy - 0.06 * h)), (round(cx + 0.3 * w), round(cy + 0.06 * h)),
                      colour_tuple, -1, cv2.LINE_AA)
    elif kind == "·":
        cv2.circle(canvas, (round(cx), round(cy)), max(1, round(0.09 * h)), colour_tuple, -1, cv2.LINE_AA)
    elif kind == "o":
        radius = max(1, round(0.2 * h))
        upper = STICKER_COLOURS[rng.integers(len(STICKER_COLOURS))]
        cv2.circle(canvas, (round(cx), round(cy - 0.24 * h)), radius, tuple(float(c) for c in upper), -1, cv2.LINE_AA)
        cv2.circle(canvas, (round(cx), round(cy + 0.24 * h)), radius, (205.0, 205.0, 200.0), -1, cv2.LINE_AA)
    elif kind == "s":
        _slovak_shield(canvas, cx, cy, 0.5 * h)
    elif kind == "a":
        _austrian_arms(canvas, cx, cy, 0.55 * h, rng)
    elif kind == "e":
        _emblem(canvas, cx, cy, min(w, h) * rng.uniform(0.55, 0.95), rng)
    elif kind == "p":
        _picture(canvas, cx, cy, w, h, colour, rng)
    elif kind == "z":
        _zia(canvas, cx, cy, min(w, h) * rng.uniform(0.8, 1.0), ZIA_RED)
    elif kind == "t":
        _tabs(canvas, cx, cy, h, rng)
    elif kind == "c":
        cells, side = 5, 0.5 * h
        cell = side / cells
        for i in range(cells):
            for j in range(cells):
                fill = (200.0, 30.0, 40.0) if (i + j) % 2 == 0 else (250.0, 250.0, 250.0)
                top_left = (round(cx - side / 2 + j * cell), round(cy - side / 2 + i * cell))
                cv2.rectangle(canvas, top_left, (round(top_left[0] + cell), round(top_left[1] + cell)), fill, -1)


def _emblem(canvas, cx: float, cy: float, size: float, rng: np.random.Generator) -> None:
    """A picture between character groups, as on many US plates (an orange, a flag, a heart, a
    star, a state outline), `size` px across, centred on (cx, cy), in random colours."""
    colour = tuple(float(c) for c in STICKER_COLOURS[rng.integers(len(STICKER_COLOURS))])
    half = size / 2
    shape = rng.integers(5)
    if shape == 0:  # a fruit with a leaf
        cv2.circle(canvas, (round(cx), round(cy + 0.1 * size)), max(1, round(0.4 * size)), colour, -1, cv2.LINE_AA)
        cv2.ellipse(canvas, (round(cx + 0.15 * size), round(cy - 0.35 * size)),
                    (max(1, round(0.2 * size)), max(1, round(0.08 * size))), -30, 0, 360, (40.0, 130.0, 60.0), -1,
                    cv2.LINE_AA)
    elif shape == 1:  # a flag: bars and stars
        for k in range(2):
            top = cy - half * 0.6 + k * half * 0.8
            cv2.rectangle(canvas, (round(cx - half), round(top)), (round(cx + half), round(top + half * 0.3)),
                          (200.0, 30.0, 40.0), -1, cv2.LINE_AA)
        for k in range(3):
            cv2.circle(canvas, (round(cx - half * 0.6 + k * half * 0.6), round(cy - half * 0.95)),
                       max(1, round(0.07 * size)), (200.0, 30.0, 40.0), -1, cv2.LINE_AA)
    else:
        if shape == 2:  # a heart
            t = np.linspace(0, 2 * np.pi, 24)
            points = np.stack([16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t))], 1) / 34
        elif shape == 3:  # a five-pointed star
            angles = np.pi / 2 + np.arange(10) * np.pi / 5
            radii = np.where(np.arange(10) % 2 == 0, 0.5, 0.2)
            points = np.stack([radii * np.cos(angles), -radii * np.sin(angles)], 1)
        else:  # a state-like outline
            angles = np.sort(rng.uniform(0, 2 * np.pi, 9))
            points = np.stack([np.cos(angles), np.sin(angles)], 1) * rng.uniform(0.3, 0.5, (9, 1))
        polygon = (points * size + (cx, cy)).round().astype(np.int32)
        cv2.fillPoly(canvas, [polygon], colour, cv2.LINE_AA)


def _tabs(canvas, cx: float, cy: float, height: float, rng: np.random.Generator) -> None:
    """Missouri's registration tabs between the character groups: one or two stacked stickers
    (month over year), each about 0.3 x 0.4 of the characters' `height` px, in a bright colour with a
    thin dark number-like mark, centred on (cx, cy); sometimes faded to white."""
    count = int(rng.integers(1, 3))
    tab_w, tab_h = height * rng.uniform(0.25, 0.38), height * rng.uniform(0.3, 0.45) * (1.0 if count == 1 else 0.8)
    top = cy - count * tab_h / 2
    for k in range(count):
        colour = (245.0, 245.0, 240.0) if rng.random() < 0.15 else \
            tuple(float(c) for c in STICKER_COLOURS[rng.integers(len(STICKER_COLOURS))])
        y0 = top + k * tab_h
        cv2.rectangle(canvas, (round(cx - tab_w / 2), round(y0)), (round(cx + tab_w / 2), round(y0 + tab_h * 0.92)),
                      colour, -1, cv2.LINE_AA)
        mark = max(1, round(0.05 * height))
        cv2.line(canvas, (round(cx - tab_w * 0.25), round(y0 + tab_h * 0.5)),
                 (round(cx + tab_w * 0.25), round(y0 + tab_h * 0.5)), (40.0, 40.0, 40.0), mark, cv2.LINE_AA)


def _zia(canvas, cx: float, cy: float, size: float, colour) -> None:
    """New Mexico's zia sun, `size` px across, centred on (cx, cy): a disc of 0.36 `size` and four
    groups of four parallel rays (the middle two longer) pointing up, down, left and right."""
    colour = tuple(float(c) for c in colour)
    cv2.circle(canvas, (round(cx), round(cy)), max(1, round(0.18 * size)), colour, -1, cv2.LINE_AA)
    thickness = max(1, round(0.055 * size))
    for offset, length in ((-0.15, 0.42), (-0.05, 0.5), (0.05, 0.5), (0.15, 0.42)):
        for sign in (-1, 1):
            # vertical rays (up and down), then horizontal ones (left and right)
            start, end = 0.24 * sign * size, length * sign * size
            across = offset * size
            cv2.line(canvas, (round(cx + across), round(cy + start)), (round(cx + across), round(cy + end)), colour,
                     thickness, cv2.LINE_AA)
            cv2.line(canvas, (round(cx + start), round(cy + across)), (round(cx + end), round(cy + across)), colour,
                     thickness, cv2.LINE_AA)


def _picture(canvas, cx: float, cy: float, w: float, h: float, text_colour, rng: np.random.Generator) -> None:
    """A pictogram (`PICTOGRAMS`) 0.9-1.3 times the character height `h` px, at most 1.2 `w` px
    wide, centred on (cx, cy), in the text colour or a dark picture colour."""
    symbol = PICTOGRAMS[rng.integers(len(PICTOGRAMS))]
    colour = np.asarray(text_colour if rng.random() < 0.4 else PICTURE_COLOURS[rng.integers(len(PICTURE_COLOURS))],
                        np.float32)
    ink_h, ink_w = _glyph_ink(PICTURE_FONT, symbol).shape
    height = h * rng.uniform(0.9, 1.3)
    width = min(ink_w * height / ink_h, 1.2 * w)
    hi, wi = max(1, round(height)), max(1, round(width))
    _blend(canvas, _glyph(PICTURE_FONT, symbol, hi, wi), round(cx - wi / 2), round(cy - hi / 2), colour)


@dataclasses.dataclass(frozen=True)
class _MarkPlan:
    """One plate's `SideMark`, drawn before the layout so the row can give up its room: `chars`
    are the stacked characters or the county number; `gap` and `size` (seal diameter, picture
    width) are in character heights; the whole mark is drawn at `scale` of the characters' height
    (below 1 where the text leaves it less room; see `_render`)."""

    kind: str
    side: str
    chars: str
    gap: float
    size: float
    colour: tuple[float, float, float]
    scale: float = 1.0


def _plan_side_mark(mark: SideMark, rng: np.random.Generator, text_colour) -> _MarkPlan | None:
    """Whether this plate draws `mark` (with probability `mark.share`) and how."""
    if rng.random() >= mark.share:
        return None
    kind = mark.kinds[rng.integers(len(mark.kinds))]
    text_colour = tuple(float(c) for c in text_colour)
    accent = tuple(float(c) for c in PICTURE_COLOURS[rng.integers(len(PICTURE_COLOURS))])
    if kind == "stacked":
        pool = LETTERS if rng.random() < 0.85 else DIGITS
        chars = "".join(pool[i] for i in rng.integers(len(pool), size=2))
        return _MarkPlan(kind, "left" if rng.random() < 0.6 else "right", chars, float(rng.uniform(0.04, 0.3)),
                         float(rng.uniform(0.4, 0.5)), text_colour if rng.random() < 0.7 else accent)
    if kind == "county":
        number = str(int(rng.integers(1, 24)))
        return _MarkPlan(kind, "left", number, float(rng.uniform(0.08, 0.3)), float(rng.uniform(0.5, 0.8)), text_colour)
    colour = tuple(float(c) for c in STICKER_COLOURS[rng.integers(len(STICKER_COLOURS))])
    return _MarkPlan(kind, "left" if rng.random() < 0.85 else "right", "", float(rng.uniform(0.08, 0.35)),
                     float(rng.uniform(0.85, 1.25)), colour if rng.random() < 0.5 else accent)


def _side_mark_width(plan: _MarkPlan, font_name: str, height: float) -> float:
    """Room in px a planned mark takes beside characters `height` px high, its gap included."""
    height *= plan.scale
    if plan.kind == "stacked":
        widths = [_natural_size(font_name, c, plan.size * height, False)[1] for c in plan.chars]
        return max(widths) + plan.gap * height
    if plan.kind == "county":
        digits = sum(_natural_size(font_name, c, height, False)[1] for c in plan.chars)
        return digits + 0.1 * height * (len(plan.chars) - 1) + 0.15 * height + 1.2 * plan.size * height + plan.gap * height
    return (plan.size + plan.gap) * height


def _natural_row_width(items, row, plate_h: int, plate_w: int, font_name: str, variant: PlateVariant,
                       style: LayoutStyle) -> float:
    """Width in px the row's items take unsqueezed (laid out in a row wide enough for any text)."""
    placed = _layout_row(items, dataclasses.replace(row, left=0.0, right=100.0), plate_h, plate_w, font_name, variant,
                         style)
    return placed[-1][2] + placed[-1][4] - placed[0][2] if placed else 0.0


def _draw_side_mark(canvas: np.ndarray, plan: _MarkPlan, font_name: str, weight: int, edge: float, top: float,
                    height: float, rng: np.random.Generator) -> None:
    """Draws `plan` against the registration: `edge` is the x (px) of its first character's left
    side (the mark goes left of it) or its last character's right side; `top` and `height` (px)
    are those of the characters."""
    width = _side_mark_width(plan, font_name, height)
    top, height = top + height * (1 - plan.scale) / 2, height * plan.scale  # the mark's own height, centred
    width -= plan.gap * height
    left = edge - plan.gap * height - width if plan.side == "left" else edge + plan.gap * height
    if plan.kind == "stacked":
        letter_h = plan.size * height
        for k, char in enumerate(plan.chars):
            glyph_w = _natural_size(font_name, char, letter_h, False)[1]
            y = top if k == 0 else top + height - letter_h
            hi, wi = max(1, round(letter_h)), max(1, round(glyph_w))
            _blend(canvas, _glyph(font_name, char, hi, wi, weight), round(left + (width - glyph_w) / 2), round(y),
                   np.asarray(plan.colour, np.float32))
    elif plan.kind == "county":
        x = left
        for char in plan.chars:
            glyph_w = _natural_size(font_name, char, height, False)[1]
            hi, wi = max(1, round(height)), max(1, round(glyph_w))
            _blend(canvas, _glyph(font_name, char, hi, wi, weight), round(x), round(top), np.asarray(plan.colour, np.float32))
            x += glyph_w + 0.1 * height
        picture_w = plan.size * height
        _picture(canvas, x + 0.05 * height + 0.6 * picture_w, top + height / 2, picture_w, height, plan.colour, rng)
    else:  # a seal: a disc, a ring and a figure or a letter inside
        radius = plan.size * height / 2
        centre = (round(left + radius), round(top + height / 2))
        cv2.circle(canvas, centre, max(1, round(radius)), plan.colour, -1, cv2.LINE_AA)
        ring = (250.0, 250.0, 245.0) if sum(plan.colour) < 400 else (30.0, 30.0, 35.0)
        cv2.circle(canvas, centre, max(1, round(radius * 0.8)), ring, max(1, round(radius * 0.08)), cv2.LINE_AA)
        if rng.random() < 0.4:
            char = (LETTERS + DIGITS)[rng.integers(len(LETTERS + DIGITS))]
            inner_h = radius * 1.0
            inner_w = _natural_size(font_name, char, inner_h, False)[1]
            hi, wi = max(1, round(inner_h)), max(1, round(inner_w))
            _blend(canvas, _glyph(font_name, char, hi, wi, weight), round(centre[0] - inner_w / 2),
                   round(centre[1] - inner_h / 2), np.asarray(ring, np.float32))
        else:
            _emblem(canvas, centre[0], centre[1], radius * 1.1, rng)


# Austrian state arms, simplified to a shield's field and its figure: (field, figure) RGB.
AUSTRIAN_ARMS = (((210, 30, 40), (250, 250, 250)), ((250, 250, 250), (210, 30, 40)), ((240, 200, 40), (20, 20, 20)),
                 ((30, 60, 160), (240, 200, 40)), ((30, 120, 60), (250, 250, 250)), ((20, 20, 20), (240, 200, 40)))


def _austrian_arms(canvas, cx: float, cy: float, size: float, rng: np.random.Generator) -> None:
    """An Austrian state's arms `size` px high centred on (cx, cy), simplified: a shield in one of
    `AUSTRIAN_ARMS`' fields with a bar, a stripe pattern or an eagle-like figure, outlined in
    black (Vienna's white cross on red, Tyrol's red eagle on white, ...)."""
    field, figure = (tuple(float(c) for c in colour) for colour in AUSTRIAN_ARMS[rng.integers(len(AUSTRIAN_ARMS))])
    half = size * 0.4
    shield = np.array([(cx - half, cy - size / 2), (cx + half, cy - size / 2), (cx + half, cy + size * 0.1),
                       (cx, cy + size / 2), (cx - half, cy + size * 0.1)], np.int32)
    cv2.fillPoly(canvas, [shield], field, cv2.LINE_AA)
    kind = rng.integers(3)
    if kind == 0:  # a cross or a bar
        bar = max(1, round(size * 0.14))
        cv2.line(canvas, (round(cx - half * 0.8), round(cy - size * 0.08)), (round(cx + half * 0.8), round(cy - size * 0.08)),
                 figure, bar)
        if rng.random() < 0.5:
            cv2.line(canvas, (round(cx), round(cy - size * 0.42)), (round(cx), round(cy + size * 0.35)), figure, bar)
    elif kind == 1:  # stripes
        for k in range(3):
            top = cy - size / 2 + (2 * k + 1) * size * 0.13
            cv2.rectangle(canvas, (round(cx - half), round(top)), (round(cx + half), round(top + size * 0.1)), figure, -1)
    else:  # an eagle-like figure: body and spread wings
        cv2.ellipse(canvas, (round(cx), round(cy)), (max(1, round(half * 0.25)), max(1, round(size * 0.28))), 0, 0, 360,
                    figure, -1, cv2.LINE_AA)
        for side in (-1, 1):
            wing = np.array([(cx, cy - size * 0.1), (cx + side * half * 0.85, cy - size * 0.35),
                             (cx + side * half * 0.75, cy + size * 0.05)], np.int32)
            cv2.fillPoly(canvas, [wing], figure, cv2.LINE_AA)
    cv2.polylines(canvas, [shield], True, (20.0, 20.0, 20.0), max(1, round(size * 0.04)), cv2.LINE_AA)


def _slovak_shield(canvas, cx: float, cy: float, size: float) -> None:
    """A simplified Slovak coat of arms `size` px high centred on (cx, cy): red shield, white
    double cross, blue hills."""
    half = size * 0.42
    shield = np.array([(cx - half, cy - size / 2), (cx + half, cy - size / 2), (cx + half, cy + size * 0.15),
                       (cx, cy + size / 2), (cx - half, cy + size * 0.15)], np.int32)
    cv2.fillPoly(canvas, [shield], (210.0, 30.0, 40.0), cv2.LINE_AA)
    cv2.ellipse(canvas, (round(cx), round(cy + size * 0.3)), (round(half * 0.8), round(size * 0.18)), 0, 180, 360,
                (20.0, 60.0, 160.0), -1, cv2.LINE_AA)
    bar = max(1, round(size * 0.08))
    white = (250.0, 250.0, 250.0)
    cv2.line(canvas, (round(cx), round(cy - size * 0.38)), (round(cx), round(cy + size * 0.12)), white, bar)
    for y, width in ((cy - size * 0.22, half * 0.45), (cy - size * 0.05, half * 0.7)):
        cv2.line(canvas, (round(cx - width), round(y)), (round(cx + width), round(y)), white, bar)


def _choose_look(variant: PlateVariant, rng: np.random.Generator):
    scheme = variant.schemes[rng.integers(len(variant.schemes))]
    font_name = variant.fonts[rng.integers(len(variant.fonts))]
    captions = tuple(d.choices[rng.integers(len(d.choices))] for d in variant.decorations if isinstance(d, Caption))
    return scheme, font_name, captions


def render_plate(text: str, fmt: PlateFormat, rng: np.random.Generator, height_px: int = 64,
                 variant: str | None = None) -> Plate:
    """Renders `text` on a flat plate of `fmt`.

    Args:
        text: Plate text without separators; every character must be in ``fmt.alphabet`` and the
            text must match one of the format's patterns.
        fmt: The plate format.
        rng: The only source of randomness (variant among those matching, colours, font, captions).
        height_px: Plate height in pixels (>= 8); the width follows the variant's real aspect ratio.
        variant: Force this variant (by name) instead of drawing one among those that match.

    Returns:
        A `Plate` with a (height_px, width, 3) uint8 RGB image and one box per character.

    Raises:
        ValueError: `text` is empty, has characters outside the alphabet or matches no pattern;
            `height_px` < 8.
        KeyError: `variant` is not a variant of `fmt`.
    """
    if height_px < 8:
        raise ValueError(f"height_px must be >= 8, got {height_px}")
    validate_text(fmt, text)
    matches = match_text(fmt, text)
    if variant is not None:
        chosen = fmt.variant(variant)
        matches = [m for m in matches if m[0] is chosen]
        if not matches:
            raise ValueError(f"text {text!r} matches no pattern of variant {variant!r} of {fmt.name!r}")
    plate_variant, pattern = matches[rng.integers(len(matches))]
    return _render(text, fmt, plate_variant, pattern, _pattern_groups(plate_variant, pattern, text), rng, height_px)


def _render(text: str, fmt: PlateFormat, plate_variant: PlateVariant, pattern: str, groups: list[str],
            rng: np.random.Generator, height_px: int) -> Plate:
    """Draws `text`, split into the pattern's character groups, on a plate of `plate_variant`."""
    scheme, font_name, captions = _choose_look(plate_variant, rng)
    plate_h, plate_w = plate_size_px(plate_variant, height_px)
    canvas = plate_template(plate_variant, scheme, plate_h).astype(np.float32)
    for caption, caption_text in zip((d for d in plate_variant.decorations if isinstance(d, Caption)), captions):
        if caption_text:
            stamp, coverage, x, y = caption_stamp(caption, caption_text, scheme.text, (plate_h, plate_w))
            region = canvas[y:y + stamp.shape[0], x:x + stamp.shape[1]]
            region += (stamp - region) * coverage[..., None]
    colour = np.asarray(scheme.text, np.float32)
    shadow = colour * 0.45 if rng.random() < 0.5 else None
    # CJK plates keep their canonical layout: no real CJK plates here to justify varying it, and
    # the CJK weights were trained on it.
    style = (LayoutStyle() if fmt.name in CANONICAL_LAYOUT_FORMATS
             else draw_style(rng, max_height=TALL_HEIGHT.get(fmt.name, STYLE_MAX_HEIGHT)))
    if fmt.name not in CANONICAL_LAYOUT_FORMATS and rng.random() < FONT_POOL_SHARE:
        font_name = FONT_POOL[rng.integers(len(FONT_POOL))]
    aliases = plate_variant.glyph_aliases
    drawn_as = {}
    if aliases and rng.random() < ALIAS_SHARE:
        forms: dict[str, list[str]] = {}
        for char, form in zip(aliases[0::2], aliases[1::2]):
            forms.setdefault(char, []).append(form)
        drawn_as = {char: choices[rng.integers(len(choices))] if len(choices) > 1 else choices[0]
                    for char, choices in forms.items()}
    side_mark = next((d for d in plate_variant.decorations if isinstance(d, SideMark)), None)
    plan = (_plan_side_mark(side_mark, rng, scheme.text)
            if side_mark is not None and len(plate_variant.rows) == 1 else None)
    boxes = []
    for pattern_row, row in zip(pattern.split("|"), plate_variant.rows):
        items = [(kind, drawn_as.get(char, char)) for kind, char in _row_items(pattern_row, groups)]
        if plan is not None:  # the row gives up the mark's room on its side, where the text has it to spare
            room = _side_mark_width(plan, font_name, (row.bottom - row.top) * plate_h * style.height) / plate_w
            natural = _natural_row_width(items, row, plate_h, plate_w, font_name, plate_variant, style)
            available = (row.right - row.left) * plate_w
            most = (available - MARK_SQUEEZE * min(natural, available)) / plate_w  # room it may take
            if room > most:  # a smaller mark, or none: no text is squeezed much for one
                plan = dataclasses.replace(plan, scale=most / room) if most >= MIN_MARK_SCALE * room else None
                room = most
            if plan is not None:
                row = dataclasses.replace(row, left=row.left + room) if plan.side == "left" else \
                    dataclasses.replace(row, right=row.right - room)
        placed = _layout_row(items, row, plate_h, plate_w, font_name, plate_variant, style)
        if plan is not None:
            chars = [p for p in placed if p[0] not in SEPARATOR_WIDTH]
            top = min(p[3] for p in chars)
            height = max(p[3] + p[5] for p in chars) - top
            edge = chars[0][2] if plan.side == "left" else chars[-1][2] + chars[-1][4]
            _draw_side_mark(canvas, plan, font_name, style.weight, edge, top, height, rng)
        for kind, char, x, y, w, h in placed:
            if kind in SEPARATOR_WIDTH:
                _draw_separator(canvas, kind, x, y, w, h, colour, rng)
                continue
            xi, yi, wi, hi = round(x), round(y), max(1, round(x + w) - round(x)), max(1, round(y + h) - round(y))
            alpha = _glyph(font_name, char, hi, wi, style.weight)
            if shadow is not None:
                offset = max(1, round(hi / 30))
                _blend(canvas, alpha, xi + offset, yi + offset, shadow, 0.35)
            _blend(canvas, alpha, xi, yi, colour)
            boxes.append((xi, yi, wi, hi))
    image = np.clip(canvas + 0.5, 0, 255).astype(np.uint8)
    return Plate(image, text, fmt.name, plate_variant.name, np.asarray(boxes, np.float32).reshape(-1, 4))


def _pattern_groups(variant: PlateVariant, pattern: str, text: str) -> list[str]:
    """The characters of `text` split by the pattern's character tokens (text must match)."""
    return list(pattern_regex(variant, pattern).fullmatch(text).groups())


def random_plate(fmt: PlateFormat, rng: np.random.Generator, height_px: int = 64, free_text: float = 0.0) -> Plate:
    """A plate of `fmt` with a random valid text; same `rng` state gives the same plate, byte for byte.

    Args:
        fmt: The plate format.
        rng: The only source of randomness.
        height_px: Plate height in pixels.
        free_text: Probability of a *free* text instead: the layout of one of the format's patterns
            (groups, rows, separators, lengths) with any letter or digit of the variant at each
            letter/digit position. It teaches a reader the characters rather than each format's
            positions, for vanity and unknown formats (the text then need not fit a pattern).

    Returns:
        A `Plate` (see `render_plate`).
    """
    variant = fmt.variants[rng.integers(len(fmt.variants))]
    if free_text > 0 and rng.random() < free_text:
        pattern = variant.patterns[rng.integers(len(variant.patterns))]
        groups = free_groups(variant, pattern, rng)
        if not variant.max_chars or sum(map(len, groups)) <= variant.max_chars:
            return _render("".join(groups), fmt, variant, pattern, groups, rng, height_px)
    text = random_text(fmt, rng, variant)
    return render_plate(text, fmt, rng, height_px, variant=variant.name)


def free_groups(variant: PlateVariant, pattern: str, rng: np.random.Generator) -> list[str]:
    """Random character groups for `pattern`'s tokens: letters and digits at any L/D/N/A position
    of a pattern that has letters (digits only in one that has none, such as the CJK serials); K and
    W tokens keep their own characters and words."""
    tokens = parse_pattern(pattern)
    has_letters = any(kind in "LA" for kind, _, _ in tokens)
    groups = []
    for kind, low, high in tokens:
        if kind == "W":
            groups.append(variant.words[rng.integers(len(variant.words))])
        elif kind == "K":
            count = int(rng.integers(low, high + 1))
            groups.append("".join(variant.specials[i] for i in rng.integers(len(variant.specials), size=count)))
        elif kind in "LDNA":
            count = int(rng.integers(low, high + 1))
            groups.append(mixed_chars(variant.mixed_letters, count, rng) if has_letters
                          else "".join(DIGITS[i] for i in rng.integers(10, size=count)))
    return groups
