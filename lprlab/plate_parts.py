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
class Slots:
    """Oblong mounting slots punched through the plate at the given (x, y) centre fractions,
    `size` = (width, height) as fractions of the plate's width and height. Brazil's grey plates
    carry two just under the characters (at about 0.3 and 0.7 of the width): on the real dev
    photos a slot under a round O looks like a Q's tail (0.25.0's reader read `OKL1235` as
    `QKL1235`)."""

    positions: tuple[tuple[float, float], ...]
    size: tuple[float, float] = (0.035, 0.05)


@dataclasses.dataclass(frozen=True)
class Seal:
    """The red plastic seal (Brazil's *lacre*) over a rear plate's left bolt, at the (x, y) centre
    fraction; `radius` is a fraction of plate height."""

    position: tuple[float, float]
    radius: float = 0.06


@dataclasses.dataclass(frozen=True)
class Border:
    """A frame inset by `inset` drawn `width` thick (fractions of plate height); scheme colour."""

    width: float = 0.025
    inset: float = 0.02


@dataclasses.dataclass(frozen=True)
class SideMark:
    """Marks beside the registration that are not part of it, placed against the characters
    themselves (not at a fixed place on the plate), as on real US plates: on `share` of the plates
    one of `kinds` is drawn, and the row gives up the room it takes on that side.

    Kinds: ``stacked``, two letters (or digits) one above the other, each about half the
    character height, in the plate's font (a specialty plate's type: Massachusetts ``BR``, New
    Hampshire ``CH``, Wyoming's right-hand ``BH``); ``county``, a county number as tall as the
    characters, then a picture, then the registration (Wyoming's ``22 [horse] 248``); ``seal``, a
    round emblem about as tall as the characters (club, college and veterans' seals). Drawn by
    `lprlab.render`.
    """

    kinds: tuple[str, ...] = ("stacked", "county", "seal")
    share: float = 0.3

    def __post_init__(self):
        unknown = set(self.kinds) - {"stacked", "county", "seal"}
        if unknown or not self.kinds:
            raise ValueError(f"SideMark kinds must be among stacked, county, seal; got {self.kinds!r}")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"SideMark share must be in [0, 1], got {self.share}")


Decoration = Band | Caption | Scenery | EUStars | Flag | Bolts | Slots | Seal | Border | SideMark
