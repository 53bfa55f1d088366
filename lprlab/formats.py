"""Plate formats: what a plate is (alphabet, text patterns, rows, size, colours, decorations, fonts).

A `PlateFormat` groups one or more `PlateVariant`s (national or state designs). A variant's
*display patterns* are written in a small language, one character per token:

==========  ==================================================================================
token       meaning
==========  ==================================================================================
``L``       a letter from the variant's ``letters``
``D``       a digit 0-9
``N``       a non-zero digit 1-9
``A``       a letter or a digit
``K``       one character of the variant's ``specials`` (hiragana, hangul, province, ...)
``W``       one whole word of the variant's ``words`` (a region name such as ``品川``)
``X{m,n}``  the class X repeated m to n times (for L, D, N, A)
`` `` ``-`` separators drawn on the plate but not part of the text: gap, dash
``·``       a dot drawn between characters (Japanese serials, Chinese plates)
``o``       the German registration stickers (two stacked seals)
``c``       the Croatian coat of arms (red and white chequered shield)
``s``       the Slovak coat of arms (white double cross on red, blue hills)
``a``       an Austrian state's arms (a small shield in the state's colours)
``e``       an emblem between groups, as on many US plates (fruit, flag, heart, star, outline)
``p``       a picture as tall as the characters between groups (Wyoming's horse, South Carolina's
            palmetto, Mississippi's lighthouse): a dark pictogram a reader must not read
``z``       New Mexico's zia: a sun, a disc with four groups of four rays, between groups
``t``       Missouri's registration tabs: one or two small stacked stickers between groups
``|``       start of the next row (two-row plates)
==========  ==================================================================================

A plate *text* is what is written on it with separators removed: ``ABC1234``, ``品川500さ1234``.

This module holds data and text logic only; drawing lives in `lprlab.render`. It imports no
TensorFlow, so generator worker processes start fast.
"""
from __future__ import annotations

import dataclasses
import functools
import re

import numpy as np

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SEPARATORS = " -·ocseapzt"
# Plate forms of letters that no shipped font draws, built by `lprlab.render` from a font's own
# glyphs, for use as `PlateVariant.glyph_aliases` targets: the US dies' I with slab serifs, the
# narrow W whose middle vertex stops short of the top (US dies, Brazil's grey plates, Germany's
# FE-Schrift), the O of Brazil's grey plates, a rounded rectangle with straight sides, and the
# straight-sided W of Texas and California dies (upright outer stems, middle vertex at the top), the
# grey plates' D, the same rounded rectangle with square left corners, and the W of Texas, Colorado
# and Vermont dies: upright outer stems and a middle vertex that stops short of the top.
SLAB_I, SHORT_VERTEX_W, ROUNDED_O, STRAIGHT_W, ROUNDED_D = "\ue001", "\ue002", "\ue003", "\ue004", "\ue005"
STRAIGHT_SHORT_W = "\ue006"
_QUANTIFIED = re.compile(r"([LDNA])\{(\d+),(\d+)\}")

from lprlab.plate_parts import (  # noqa: E402,F401 (re-exported: the catalogue imports them from here)
    RGB, Band, Bolts, Border, Box, Caption, ColourScheme, Decoration, EUStars, Flag, Row, Scenery, Seal, SideMark,
    Slots,
)


@dataclasses.dataclass(frozen=True)
class PlateVariant:
    """One design of a format: patterns, alphabet, look.

    Attributes:
        name: Short name, e.g. ``de`` or ``california``.
        size_mm: Physical (width, height) of the plate in millimetres.
        patterns: Display patterns in the token language of this module.
        rows: One `Row` per ``|``-separated part of the patterns.
        schemes: Colour schemes; one is drawn per plate.
        fonts: Font file names in ``fonts/``; one is drawn per plate.
        decorations: Drawn under the characters, in order.
        letters: Letters allowed for ``L`` (and for ``A`` when `vanity_letters` is empty).
        vanity_letters: Letters allowed for ``A`` (letter-or-digit positions, as on vanity
            plates) and in free texts, where they differ from a serial's `letters`: US states leave
            I, O and Q out of their serials but not out of vanity plates. Empty means `letters`.
        specials: Characters allowed for ``K``.
        words: Words allowed for ``W``.
        max_chars: Upper bound on the text length (resampled above it); 0 means none.
        glyph_aliases: Pairs of characters ``"O0"``: on about half the plates (`render.ALIAS_SHARE`)
            the first is drawn with the second's glyph, as on fonts where two characters share one
            shape (Brazil's grey plates draw the letter O as the digit 0's stadium), or a plate form
            no font draws (`SLAB_I`, `SHORT_VERTEX_W`, `ROUNDED_O`, `STRAIGHT_W`, `ROUNDED_D`,
            `STRAIGHT_SHORT_W`). A character with several pairs is drawn with one of them, chosen
            per plate.
    """

    name: str
    size_mm: tuple[float, float]
    patterns: tuple[str, ...]
    rows: tuple[Row, ...]
    schemes: tuple[ColourScheme, ...]
    fonts: tuple[str, ...]
    decorations: tuple[Decoration, ...] = ()
    letters: str = LETTERS
    vanity_letters: str = ""
    specials: str = ""
    words: tuple[str, ...] = ()
    max_chars: int = 0
    glyph_aliases: str = ""

    def __post_init__(self):
        if len(self.glyph_aliases) % 2:
            raise ValueError(f"variant {self.name!r}: glyph_aliases must hold pairs, got {self.glyph_aliases!r}")
        for pattern in self.patterns:
            if pattern.count("|") + 1 != len(self.rows):
                raise ValueError(f"variant {self.name!r}: pattern {pattern!r} needs {len(self.rows)} rows")
            if "K" in pattern and not self.specials:
                raise ValueError(f"variant {self.name!r}: pattern {pattern!r} uses K but specials is empty")
            if "W" in pattern and not self.words:
                raise ValueError(f"variant {self.name!r}: pattern {pattern!r} uses W but words is empty")

    @property
    def mixed_letters(self) -> str:
        """The letters of ``A`` positions and free texts: `vanity_letters`, else `letters`."""
        return self.vanity_letters or self.letters

    @functools.cached_property
    def alphabet(self) -> str:
        """Every character a text of this variant may contain, sorted."""
        chars = set()
        for pattern in self.patterns:
            for kind, _, _ in parse_pattern(pattern):
                chars |= set(_class_chars(self, kind))
        return "".join(sorted(chars))


@dataclasses.dataclass(frozen=True)
class PlateFormat:
    """A plate format: a country's (or region's) family of plate designs.

    Attributes:
        name: Registry name such as ``br_mercosur``.
        description: One line for people.
        variants: The designs; a random plate draws one uniformly.
    """

    name: str
    description: str
    variants: tuple[PlateVariant, ...]

    @functools.cached_property
    def alphabet(self) -> str:
        """Every character a text of this format may contain, sorted."""
        return "".join(sorted(set("".join(v.alphabet for v in self.variants))))

    def variant(self, name: str) -> PlateVariant:
        """The variant called `name`. Raises KeyError naming the known variants."""
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(f"format {self.name!r} has no variant {name!r}; known: {[v.name for v in self.variants]}")


def parse_pattern(pattern: str) -> list[tuple[str, int, int]]:
    """Splits a display pattern into tokens ``(kind, min_count, max_count)``.

    Separators and ``|`` come back as ``(char, 0, 0)``. Raises ValueError on an unknown token.
    """
    tokens: list[tuple[str, int, int]] = []
    position = 0
    while position < len(pattern):
        quantified = _QUANTIFIED.match(pattern, position)
        if quantified:
            low, high = int(quantified.group(2)), int(quantified.group(3))
            tokens.append((quantified.group(1), low, high))
            position = quantified.end()
            continue
        char = pattern[position]
        if char in "LDNAKW":
            tokens.append((char, 1, 1))
        elif char in SEPARATORS or char == "|":
            tokens.append((char, 0, 0))
        else:
            raise ValueError(f"unknown token {char!r} in plate pattern {pattern!r}")
        position += 1
    return tokens


def _class_chars(variant: PlateVariant, kind: str) -> str:
    """Characters a token kind may produce in `variant` (empty for separators)."""
    table = {
        "L": variant.letters, "D": DIGITS, "N": DIGITS[1:], "A": variant.mixed_letters + DIGITS,
        "K": variant.specials, "W": "".join(variant.words),
    }
    return table.get(kind, "")


def _token_regex(variant: PlateVariant, kind: str, low: int, high: int) -> str:
    if kind == "W":
        words = sorted(variant.words, key=len, reverse=True)
        return "(" + "|".join(re.escape(w) for w in words) + ")"
    return "([" + re.escape(_class_chars(variant, kind)) + "]{%d,%d})" % (low, high)


@functools.lru_cache(maxsize=None)
def pattern_regex(variant: PlateVariant, pattern: str) -> re.Pattern:
    """A compiled regex matching texts of `pattern`, one group per character token."""
    parts = [_token_regex(variant, k, lo, hi) for k, lo, hi in parse_pattern(pattern) if k in "LDNAKW"]
    return re.compile("".join(parts))


def match_text(fmt: PlateFormat, text: str) -> list[tuple[PlateVariant, str]]:
    """All (variant, pattern) pairs of `fmt` whose pattern matches `text` exactly."""
    found = []
    for variant in fmt.variants:
        if variant.max_chars and len(text) > variant.max_chars:
            continue
        for pattern in variant.patterns:
            if pattern_regex(variant, pattern).fullmatch(text):
                found.append((variant, pattern))
    return found


def validate_text(fmt: PlateFormat, text: str) -> None:
    """Checks that `text` can be written on a plate of `fmt`.

    Raises:
        ValueError: naming the characters outside the format's alphabet, or the patterns when the
            characters are allowed but their order is not.
    """
    if not text:
        raise ValueError(f"empty plate text for format {fmt.name!r}")
    outside = sorted(set(text) - set(fmt.alphabet))
    if outside:
        raise ValueError(f"characters {''.join(outside)!r} of {text!r} are outside the alphabet of format "
                         f"{fmt.name!r}: {fmt.alphabet!r}")
    if not match_text(fmt, text):
        patterns = sorted({p for v in fmt.variants for p in v.patterns})
        raise ValueError(f"text {text!r} matches no pattern of format {fmt.name!r}: {patterns}")


DIGIT_SHARE = 0.5  # chance that a letter-or-digit position holds a digit (generator 0.7.0)


def mixed_chars(letters: str, count: int, rng: np.random.Generator) -> str:
    """`count` characters for letter-or-digit positions: each a digit with probability
    `DIGIT_SHARE`, else one of `letters`, uniformly within its class.

    Drawing from letters and digits pooled (36 symbols, 26 letters) made 72% of such characters
    letters, and a reader trained so leans to the letter of every look-alike pair (0/O, 1/I, 7/T,
    2/Z, 8/B), the errors that dominated the real US crops with lprlab 0.6.
    """
    digits = rng.random(count) < DIGIT_SHARE
    picks = rng.integers(0, 1 << 30, size=count)
    return "".join(DIGITS[k % 10] if d else letters[k % len(letters)] for d, k in zip(digits, picks))


def random_text(fmt: PlateFormat, rng: np.random.Generator, variant: PlateVariant | None = None) -> str:
    """A random valid text of `fmt` (of `variant` when given), drawn only from `rng`."""
    variant = variant or fmt.variants[rng.integers(len(fmt.variants))]
    for _ in range(100):
        pattern = variant.patterns[rng.integers(len(variant.patterns))]
        parts = []
        for kind, low, high in parse_pattern(pattern):
            if kind == "W":
                parts.append(variant.words[rng.integers(len(variant.words))])
            elif kind == "A":
                parts.append(mixed_chars(variant.mixed_letters, int(rng.integers(low, high + 1)), rng))
            elif kind in "LDNK":
                chars = _class_chars(variant, kind)
                count = int(rng.integers(low, high + 1))
                parts.append("".join(chars[i] for i in rng.integers(len(chars), size=count)))
        text = "".join(parts)
        if not variant.max_chars or len(text) <= variant.max_chars:
            return text
    raise ValueError(f"variant {variant.name!r} of {fmt.name!r} yields no text within {variant.max_chars} chars")


def get_format(name: str) -> PlateFormat:
    """The registered format called `name`.

    Raises:
        KeyError: naming the unknown format and listing the known names.
    """
    from lprlab.plate_catalog import FORMATS

    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown plate format {name!r}; known formats: {', '.join(FORMATS)}") from None


def format_names() -> tuple[str, ...]:
    """Names of all registered formats, in catalogue order."""
    from lprlab.plate_catalog import FORMATS

    return tuple(FORMATS)


def resolve_formats(spec: str | list[str] | tuple[str, ...]) -> tuple[PlateFormat, ...]:
    """Formats from ``"all"``, a comma-separated string or a list of names. Raises KeyError."""
    if isinstance(spec, str):
        spec = format_names() if spec == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    if not spec:
        raise KeyError("no plate format given; known formats: " + ", ".join(format_names()))
    return tuple(get_format(name) for name in spec)


def max_text_length(fmt: PlateFormat) -> int:
    """The longest text any pattern of `fmt` can produce (bounded by each variant's `max_chars`)."""
    longest = 0
    for variant in fmt.variants:
        for pattern in variant.patterns:
            length = sum(max(len(w) for w in variant.words) if kind == "W" else high
                         for kind, _, high in parse_pattern(pattern) if kind in "LDNAKW")
            longest = max(longest, min(length, variant.max_chars) if variant.max_chars else length)
    return longest
