"""The parts a plate design is made of: colour schemes, character rows and decorations (pure data;
drawn by `lprlab.decorations`)."""
from __future__ import annotations

import dataclasses

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) as fractions of plate width/height


@dataclasses.dataclass(frozen=True)
class ColourScheme:
    """Colours of one plate design, RGB uint8 triples."""

    background: RGB
    text: RGB
    border: RGB | None = None


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of characters; all fields are fractions of the plate height or width.

    Attributes:
        top: Top of the character cap height, fraction of plate height.
        bottom: Baseline, fraction of plate height.
        left: Leftmost x available to characters, fraction of plate width.
        right: Rightmost x available to characters, fraction of plate width.
        special_scale: Height of ``K`` characters relative to the row's cap height.
        align: ``"center"`` or ``"left"``/``"right"`` placement inside [left, right].
    """

    top: float
    bottom: float
    left: float = 0.05
    right: float = 0.95
    special_scale: float = 1.0
    align: str = "center"


# Decorations: pure data, drawn by `lprlab.render` (dispatch on the class).
@dataclasses.dataclass(frozen=True)
class Band:
    """A coloured band along one edge (`edge` is top, bottom, left or right); `size` is its fraction."""

    edge: str
    size: float
    colour: RGB


@dataclasses.dataclass(frozen=True)
class Caption:
    """Small text drawn in `box`; one of `choices` is picked per plate (``""`` draws nothing)."""

    box: Box
    choices: tuple[str, ...]
    colour: RGB | None = None  # None: the scheme's text colour
    font: str = "DejaVuSansCondensed-Bold.ttf"
    background: RGB | None = None  # a filled box behind the text (registration stickers)


@dataclasses.dataclass(frozen=True)
class Scenery:
    """A landscape across `box`: a sky gradient from `sky` to `horizon` and hills in `hills`."""

    box: Box
    sky: RGB
    horizon: RGB
    hills: RGB


@dataclasses.dataclass(frozen=True)
class EUStars:
    """The ring of twelve yellow stars of the EU band, centred in `box`."""

    box: Box


@dataclasses.dataclass(frozen=True)
class Flag:
    """A simplified national flag in `box`: `country` is ``br``, ``ar`` or ``kr``."""

    box: Box
    country: str


@dataclasses.dataclass(frozen=True)
class Bolts:
    """Mounting bolts or holes at the given (x, y) fractions; `radius` is a fraction of plate height."""

    positions: tuple[tuple[float, float], ...]
    radius: float = 0.045


@dataclasses.dataclass(frozen=True)
class Border:
    """A frame inset by `inset` drawn `width` thick (fractions of plate height); scheme colour."""

    width: float = 0.025
    inset: float = 0.02


Decoration = Band | Caption | Scenery | EUStars | Flag | Bolts | Border
