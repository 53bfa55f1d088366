"""Format-aware post-processing of readings: a region's text patterns decide look-alike swaps.

A recogniser confuses characters that look alike (0/O, 1/I, 8/B, 5/S, 2/Z, 6/G). Where a plate
pattern demands a letter at a position and a digit was read (or the reverse), the look-alike is
swapped in; nowhere else. Among a reading's top-N alternatives the most probable one that fits a
pattern (after the fewest swaps) wins; failing that, one with an extra character at either end
dropped (a border, band or bolt read as a character) that then fits as it is (`TRIM_MAX_SWAPS`); a
reading that fits none is kept as it was, with no format.

Where a region has Mercosur and older plates (Brazil, Argentina), the two patterns overlap after
look-alike swaps (``ABC1234`` and ``ABC1B34``). The plate's colours tell them apart: a Mercosur
plate has a blue band across its top (`mercosur_band`), a grey Brazilian or black Argentine plate
has none, so `colour_preferred_formats` tries the older formats first on a colour crop without one.

A region's plates also use some characters less often than the synthetic training plates do: most
US states leave the letters O and I out of their serials (they read as 0 and 1). `reweight` scales
each alternative's probability by the ratio of the region's prior to the training prior for each of
its characters (`REGION_CHARACTER_WEIGHTS`), the label-shift correction of Saerens, Latinne and
Decaestecker, "Adjusting the outputs of a classifier to new a priori probabilities", Neural
Computation 14(1), 2002.

The same correction applies to a region's *layouts*: a US plate fits nearly any 2-8 characters
(vanity plates), so no pattern ever demands a swap there, but most plates on the road carry a
state's serial (`ABC1234`, `1ABC234`, Missouri's `AB1C2D`). `prefer_serials` scales each
alternative that fits no serial layout (a pattern without vanity ``A`` tokens) by
`REGION_SERIAL_WEIGHTS`, then renormalises over the alternatives, so a reading whose alternatives
are all vanity keeps its probability.
"""
from __future__ import annotations

import dataclasses
import functools
import itertools

import cv2
import numpy as np

from lprlab.formats import PlateFormat, _class_chars, parse_pattern, resolve_formats

DIGIT_TO_LETTER = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
LETTER_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "J": "1", "Z": "2", "A": "4",
                   "S": "5", "G": "6", "T": "7", "B": "8"}
REGIONS = {
    "br": ("br_old", "br_mercosur"), "ar": ("ar_old", "ar_mercosur"), "eu": ("eu",), "us": ("us",),
    "mercosur": ("ar_mercosur", "br_mercosur"), "jp": ("jp",), "kr": ("kr",), "cn": ("cn",),
}

# Ratio of a region's character prior to the generator's (uniform letters), for characters a
# region's plates use less: most US states issue no O and I in serials (0 and 1 instead).
REGION_CHARACTER_WEIGHTS = {"us": {"O": 0.2, "I": 0.5}}

# Ratio, for a text that fits none of the region's serial layouts, of the region's prior on the
# road to the generator's (the label-shift correction above, for layouts): (1 - q) / (1 - g) over
# q / g. US generator 0.35.0 draws a text that fits a serial layout (as it is) for g = 68% of its
# US plates (the rest vanity and free texts; `random_plate(us, rng, free_text=0.25)`, 3,000
# plates). On the road q is lower than the share of non-vanity plates, since the catalogue lacks
# many states' layouts: 87% of the US dev photos' plates fit (99 of 114, Missouri's included),
# 60% of the curated US crops (vanity-rich). q = 0.8 gives (0.2 / 0.32) / (0.8 / 0.68) = 0.53.
# Measured with 0.5 (session 35): 530 of the 599 real crops against 525 (p = 0.18), end to end 188
# of 225 against 186 with 4 more US false boxes; not significant, so off by default (an empty
# dict); `ALPR(serial_weight=0.5)`, `lprlab alpr --serial-weight 0.5`, `evaluate(serial_weights=)`.
SERIAL_WEIGHT_US = 0.5
REGION_SERIAL_WEIGHTS: dict[str, float] = {}

# Look-alike swaps allowed in a reading after an edge character is dropped (0.30.0; unbounded
# before). Two corrections at once rewrote correct readings of plates that fit no pattern: the
# German show plates `M5XSX` and `BIMMIAN`, read right by the pair, were reported as `MSX5` (last
# character dropped, then 5→S and S→5) and `BIMMI4` (N dropped, A→4). On the 599 real crops the
# step fired on those two alone.
TRIM_MAX_SWAPS = 0


def region_formats(region: str | None, available: tuple[str, ...] | None = None) -> tuple[PlateFormat, ...]:
    """The formats post-processing uses for `region` (``br``, ``eu``, ``us``, ``ar``, ``mercosur``,
    ``jp``, ``kr``, ``cn``), or all `available` formats (all formats when None) for None.

    Raises:
        KeyError: naming the unknown region and the known ones.
    """
    if region is None:
        return resolve_formats(list(available) if available else "all")
    if region not in REGIONS:
        raise KeyError(f"unknown region {region!r}; known regions: {', '.join(REGIONS)}")
    return resolve_formats(list(REGIONS[region]))


@functools.lru_cache(maxsize=None)
def _expansions(variant, pattern: str, length: int) -> tuple[tuple[str, ...], ...]:
    """Every sequence of per-position allowed-character strings of `pattern` that is `length` long.

    A whole-word token (W, such as a Slovak district) stands for each of its words in turn, one
    character allowed per position.
    """
    options = []
    for kind, low, high in parse_pattern(pattern):
        if kind == "W":
            options.append([tuple(word) for word in dict.fromkeys(variant.words)])
        elif kind in "LDNAK":
            allowed = _class_chars(variant, kind)
            options.append([(allowed,) * n for n in range(low, high + 1)])
    return tuple(sum(choice, ()) for choice in itertools.product(*options) if sum(map(len, choice)) == length)


def _swap(char: str, allowed: str) -> str | None:
    if char in allowed:
        return char
    other = DIGIT_TO_LETTER.get(char) or LETTER_TO_DIGIT.get(char)
    return other if other and other in allowed else None


@dataclasses.dataclass(frozen=True)
class Fitted:
    """A text fitted to a format: the `text` after swaps, the `format` and `variant` names, and
    the number of look-alike `swaps` made."""

    text: str
    format: str
    variant: str
    swaps: int


def fit_text(text: str, formats: tuple[PlateFormat, ...]) -> Fitted | None:
    """`text` made to fit one of `formats`' patterns with the fewest look-alike swaps.

    Returns:
        The best `Fitted` (fewest swaps, then catalogue order), or None when no pattern fits even
        after swapping look-alikes where the pattern demands the other kind of character.
    """
    best = None
    for fmt in formats:
        for variant in fmt.variants:
            if variant.max_chars and len(text) > variant.max_chars:
                continue
            for pattern in variant.patterns:
                for classes in _expansions(variant, pattern, len(text)):
                    chars = [_swap(c, allowed) for c, allowed in zip(text, classes)]
                    if None in chars:
                        continue
                    swaps = sum(a != b for a, b in zip(text, chars))
                    if best is None or swaps < best.swaps:
                        best = Fitted("".join(chars), fmt.name, variant.name, swaps)
                        if swaps == 0:
                            return best
    return best


BLUE_HUE = (95, 130)  # OpenCV hue (0-180) of the Mercosur band's blue, with margin
MIN_SATURATION = 90  # of a band pixel (0-255)
MIN_COLOURFUL = 30  # 95th percentile of the crop's saturation under which it counts as grey-scale
NO_BAND_MAX = 0.2  # band share under which a colour crop is not a Mercosur plate
SOUTH_AMERICAN = ("ar_mercosur", "ar_old", "br_mercosur", "br_old")


def mercosur_band(image: np.ndarray) -> float | None:
    """How much of a blue band runs across the top half of a plate crop.

    Args:
        image: (H, W, 3) uint8 RGB plate crop (a margin around the plate is fine).

    Returns:
        The mean share of blue pixels (hue `BLUE_HUE`, saturation >= `MIN_SATURATION`) in the
        bluest 8% of the rows of the top half, over the middle 60% of the columns: about 0.6-1
        for Mercosur plates, under 0.35 for grey Brazilian plates in the real dev photos. None
        when the crop is grey-scale (an infrared camera), which says nothing about colours.

    Raises:
        ValueError: `image` is not (H, W, 3) uint8 with H, W >= 2.
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 or min(image.shape[:2]) < 2:
        raise ValueError(f"image must be (H, W, 3) uint8 with H, W >= 2, got {image.shape} {image.dtype}")
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    if np.percentile(hsv[..., 1], 95) < MIN_COLOURFUL:
        return None
    height, width = image.shape[:2]
    top = hsv[:max(1, height // 2), int(0.2 * width):max(int(0.2 * width) + 1, int(0.8 * width))].astype(np.int32)
    blue = (top[..., 0] >= BLUE_HUE[0]) & (top[..., 0] <= BLUE_HUE[1]) & (top[..., 1] >= MIN_SATURATION) \
        & (top[..., 2] >= 40)
    rows = np.sort(blue.mean(axis=1))
    return float(rows[-max(1, round(0.08 * height)):].mean())


def colour_preferred_formats(image: np.ndarray, formats: tuple[PlateFormat, ...]) -> tuple[PlateFormat, ...]:
    """The `formats` a plate crop's colours favour, to be tried first by `postprocess`.

    Only for South American formats (Mercosur beside the older national ones), and only one way:
    a colour crop without a blue band (`mercosur_band` < `NO_BAND_MAX`) favours the older formats.
    Blue is not taken as evidence for Mercosur, since sky or a blue car above a grey plate looks
    like a band (on synthetic crops that rule cost 3 points of grey-plate accuracy).

    Returns:
        The older formats, or empty (no preference: other formats, grey-scale crops, a band).

    Raises:
        ValueError: `image` is not (H, W, 3) uint8.
    """
    names = {f.name for f in formats}
    if not names <= set(SOUTH_AMERICAN) or not any("mercosur" in n for n in names) \
            or all("mercosur" in n for n in names):
        return ()
    band = mercosur_band(image)
    if band is None or band >= NO_BAND_MAX:
        return ()
    return tuple(f for f in formats if "mercosur" not in f.name)


def reweight(alternatives, weights: dict[str, float] | None):
    """`alternatives` with each probability scaled by the `weights` of its characters, most
    probable first (see `REGION_CHARACTER_WEIGHTS`); unchanged when `weights` is empty or None.

    Args:
        alternatives: (text, probability) pairs (`Reading.alternatives`).
        weights: character → prior ratio (> 0); characters not named weigh 1.

    Returns:
        A tuple of (text, probability) pairs, sorted by the new probability (stable for ties).

    Raises:
        ValueError: a weight is not positive.
    """
    if not weights:
        return tuple(alternatives)
    if any(w <= 0 for w in weights.values()):
        raise ValueError(f"character weights must be positive, got {weights}")
    scaled = [(text, float(p) * float(np.prod([weights.get(c, 1.0) for c in text])))
              for text, p in alternatives]
    return tuple(sorted(scaled, key=lambda a: -a[1]))


@functools.lru_cache(maxsize=None)
def _serial_formats(formats: tuple[PlateFormat, ...]) -> tuple[PlateFormat, ...]:
    """`formats` with only their serial layouts: the patterns without vanity ``A`` tokens."""
    serial = []
    for fmt in formats:
        variants = []
        for variant in fmt.variants:
            patterns = tuple(p for p in variant.patterns if all(kind != "A" for kind, _, _ in parse_pattern(p)))
            if patterns:
                variants.append(dataclasses.replace(variant, patterns=patterns))
        if variants:
            serial.append(dataclasses.replace(fmt, variants=tuple(variants)))
    return tuple(serial)


def fits_serial(text: str, formats: tuple[PlateFormat, ...]) -> bool:
    """Whether `text` fits one of `formats`' serial layouts (patterns without ``A`` tokens) as it
    is, with no look-alike swap."""
    fitted = fit_text(text, _serial_formats(tuple(formats))) if text else None
    return fitted is not None and fitted.swaps == 0


def prefer_serials(alternatives, formats: tuple[PlateFormat, ...], weight: float | None):
    """`alternatives` with the probability of each that fits no serial layout of `formats` scaled by
    `weight`, renormalised so that their sum is unchanged, most probable first (see
    `REGION_SERIAL_WEIGHTS`); unchanged when `weight` is None or 1, or when all or none fit.

    Args:
        alternatives: (text, probability) pairs (`Reading.alternatives`).
        formats: The region's formats (see `region_formats`).
        weight: Prior ratio (> 0) of a text that fits no serial layout.

    Returns:
        A tuple of (text, probability) pairs, sorted by the new probability (stable for ties).

    Raises:
        ValueError: `weight` is not positive.
    """
    if weight is None or weight == 1:
        return tuple(alternatives)
    if weight <= 0:
        raise ValueError(f"the serial weight must be positive, got {weight}")
    fits = [fits_serial(text, formats) for text, _ in alternatives]
    if all(fits) or not any(fits):
        return tuple(alternatives)
    scaled = [(text, float(p) * (1.0 if fit else weight)) for (text, p), fit in zip(alternatives, fits)]
    total, new_total = sum(float(p) for _, p in alternatives), sum(p for _, p in scaled)
    norm = total / new_total if new_total > 0 else 1.0
    return tuple(sorted(((text, p * norm) for text, p in scaled), key=lambda a: -a[1]))


def postprocess(alternatives, formats: tuple[PlateFormat, ...],
                preferred: tuple[PlateFormat, ...] = ()) -> tuple[str, float, str | None]:
    """The text to report from a reading's alternatives.

    Args:
        alternatives: (text, probability) pairs, most probable first (`Reading.alternatives`).
        formats: The formats allowed (see `region_formats`).
        preferred: Formats tried first (see `colour_preferred_formats`): the most probable
            alternative that fits one of them wins before the others are tried.

    Returns:
        (text, probability, format name or None): the most probable alternative that fits a
        pattern of `preferred`, else of `formats`, after look-alike swaps; else the most probable
        one that fits after dropping its first or last character and at most `TRIM_MAX_SWAPS`
        swaps; else the first alternative unchanged, with None.

    Raises:
        ValueError: `alternatives` is empty.
    """
    if not alternatives:
        raise ValueError("a reading needs at least one alternative")
    for text, probability in alternatives if preferred else ():
        fitted = fit_text(text, preferred) if text else None
        if fitted is not None:
            return fitted.text, float(probability), fitted.format
    for text, probability in alternatives:
        fitted = fit_text(text, formats) if text else None
        if fitted is not None:
            return fitted.text, float(probability), fitted.format
    # Edge artefacts: a plate's border, band or bolt read as an extra first or last character.
    for text, probability in alternatives:
        trims = [fit_text(trimmed, formats) for trimmed in (text[1:], text[:-1]) if len(trimmed) >= 2]
        trims = [t for t in trims if t is not None and t.swaps <= TRIM_MAX_SWAPS]
        if trims:
            best = min(trims, key=lambda t: t.swaps)
            return best.text, float(probability), best.format
    text, probability = alternatives[0]
    return text, float(probability), None
