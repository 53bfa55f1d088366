"""Training the plate verifier, the detector's second stage (`lprlab train verifier`).

Its data is what the detector really proposes: the trained detector searches fresh synthetic
scenes (and, when given, bare background photos), and each box it keeps after NMS becomes a
sample, a plate when it overlaps a true plate (IoU >= 0.5), not a plate when it overlaps none
(IoU < 0.25); boxes in between are left out. Every true plate also gives a positive with its box
jittered as the detector's boxes are, so plates the detector finds poorly are still learnt.
Samples are written in shards of `SHARD` images (a cut run resumes at the next shard); training
uses the shared callbacks of `lprlab.train` (checkpoint every epoch, BackupAndRestore, logs).
"""
from __future__ import annotations

import csv
import dataclasses
import json
import os
import pathlib

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from lprlab.models.verifier import VerifierConfig, build_verifier, crop_candidates, load_verifier, save_verifier
from lprlab.train import make_strategy, training_callbacks

SHARD = 250  # images per shard file
POSITIVE_IOU, NEGATIVE_IOU = 0.5, 0.25
SAMPLES_VERSION = "v4"  # v1: plates only on the scenes' cars (the verifier learnt photo texture = no plate);
# v2: + plates pasted on photos; v3: + distractors (time stamps, emblems, words); v4: + plates in frames;
# with `camera` > 0 (0.25.0) that share of the images also carries a camera's OSD and glowing tail lamps (tag -camera<x>)
# with `soft` > 0 (0.26.0) that share of the pasted plates is seen at a lower resolution than its size (tag -soft<x>)
WIDE_SPREAD = 2.0  # how much more widely `wide_positives` jitters than `_jitter`
FRAME_SHARE = 0.4  # of the plates pasted on photos, the share set in a licence-plate frame
# Soft plates (0.26.0, tag -soft<x>): on the real US CCTV stills the shipped verifier v10c rejects
# plates whose pixels are fewer than their size (`AYE132`, `TRZ951`, `FK4W3L`, `CLT0108`: 0.001-0.24,
# defocused, moving or upscaled), where the pasted plates were all drawn sharp at their size. A
# soft plate is seen at this share of its pasted height (Real-ESRGAN's degradation model) and
# scaled back up.
SOFT_RESOLUTION = (0.25, 0.7)
SOFT_MIN_PX = 5.0
# Soft images (0.28.0, tag -softimg<x>): soft pasted plates alone (v11a) made the verifier stricter,
# not softer, perhaps because only the plate was soft on a sharp photo. A soft image is the whole
# scene or photo, plates and cars and clutter alike, seen by a camera with fewer pixels: degraded to
# this share of its size (Real-ESRGAN's model) and scaled back up, as security-camera stills are.
SOFT_IMAGE_RESOLUTION = (0.35, 0.8)
# Per-crop photometric augmentation (0.23.0): on the real US photos the shipped verifier rejects clear
# plates that are dark, dull or washed out (`AYX8803`, `FK4W3L`, `CJ8P4V`: 0.01-0.05 on well-fitted
# boxes), where the whole-image `scene` augmentation never makes one plate darker than its car.
PHOTOMETRIC_BRIGHTNESS = (0.25, 1.3)  # multiplies the crop
PHOTOMETRIC_CONTRAST = (0.3, 1.0)  # scales the crop's deviation from its mean
PHOTOMETRIC_GAMMA = 0.6  # gamma drawn log-uniform in [exp(-x), exp(x)]
DEALER_WORDS = ("MOTORS", "AUTO", "AUTO SALES", "TOYOTA", "HONDA", "FORD", "NISSAN", "CHEVROLET", "OF SAN JOSE",
                "AUTO GROUP", "CARS", "AUTOMOVEIS", "VEICULOS", "AUTOHAUS", "DEALER", "UNIVERSITY", "ALUMNI")


def frame_plate(plate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Sets a flat plate in a licence-plate frame, as most US and many other cars carry one: a black,
    chrome or coloured surround with a dealer's name, phone number or web address in a band above
    and below, the bands covering the plate's top or bottom edge on a third of the frames. The v3
    verifier rejected clear real plates in such frames (it was taught that free-standing dealer
    names are not plates).

    Args:
        plate: (h, w, 3) uint8 RGB flat plate.
        rng: The only source of randomness.

    Returns:
        ((H, W, 3) uint8 framed plate, (x, y, w, h) px of the plate inside it).
    """
    import cv2  # noqa: PLC0415

    from lprlab.backgrounds import CAR_BADGES  # noqa: PLC0415

    h, w = plate.shape[:2]
    side, top, bottom = (round(h * rng.uniform(*r)) for r in ((0.03, 0.08), (0.05, 0.3), (0.1, 0.38)))
    colour = ((20, 20, 22), (20, 20, 22), (190, 192, 198), (120, 120, 125), tuple(int(v) for v in rng.integers(0, 256, 3)))
    frame_colour = colour[rng.integers(len(colour))]
    framed = np.empty((h + top + bottom, w + 2 * side, 3), np.uint8)
    framed[:] = frame_colour
    framed[top:top + h, side:side + w] = plate
    cover = round(h * rng.uniform(0.0, 0.12)) if rng.random() < 0.33 else 0
    if cover:  # the frame's bands hide the state name or slogan
        framed[top:top + cover, side:side + w] = frame_colour
        framed[top + h - cover:top + h, side:side + w] = frame_colour
    ink = (235, 235, 235) if sum(frame_colour) < 380 else (25, 25, 30)
    for band_top, band_h, chance in ((0, top + cover, 0.5), (top + h - cover, bottom + cover, 0.85)):
        if band_h < 0.1 * h or rng.random() >= chance:
            continue
        kind = rng.integers(3)
        if kind == 0:
            text = f"{CAR_BADGES[rng.integers(len(CAR_BADGES))]} {DEALER_WORDS[rng.integers(len(DEALER_WORDS))]}"
        elif kind == 1:
            digits = rng.integers(0, 10, 10)
            text = f"({''.join(map(str, digits[:3]))}) {''.join(map(str, digits[3:6]))}-{''.join(map(str, digits[6:]))}"
        else:
            text = f"WWW.{DEALER_WORDS[rng.integers(len(DEALER_WORDS))].replace(' ', '')}.COM"
        font = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX)[rng.integers(3)]
        (tw, th), _ = cv2.getTextSize(text, font, 1.0, 2)
        scale = min(0.7 * band_h / th, 0.9 * framed.shape[1] / tw)
        thick = max(1, round(scale * 1.5))
        (tw, th), _ = cv2.getTextSize(text, font, scale, thick)
        origin = (round((framed.shape[1] - tw) / 2), round(band_top + (band_h + th) / 2))
        cv2.putText(framed, text, origin, font, scale, ink, thick, cv2.LINE_AA)
    return framed, (side, top, w, h)


def soften_plate(plate: np.ndarray, target_height_px: float, rng: np.random.Generator) -> np.ndarray:
    """`plate` ((H, W, 3) uint8 RGB, to be pasted `target_height_px` pixels high) as a camera with
    fewer pixels on it sees it: degraded to `SOFT_RESOLUTION` of that height (at least
    `SOFT_MIN_PX`; blur, downscale, noise and JPEG after Real-ESRGAN, `lprlab.augment.low_resolution`)
    and scaled back up bilinearly to its own size. A plate already at or under the lowest
    resolution is returned unchanged."""
    import cv2  # noqa: PLC0415

    from lprlab.augment import low_resolution  # noqa: PLC0415

    low = max(SOFT_MIN_PX, target_height_px * rng.uniform(*SOFT_RESOLUTION))
    scale = plate.shape[0] / low
    if scale <= 1:
        return plate
    small = low_resolution(plate, rng, scale=scale)
    return cv2.resize(small, (plate.shape[1], plate.shape[0]), interpolation=cv2.INTER_LINEAR)


def soften_image(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`image` ((H, W, 3) uint8 RGB) as a camera with fewer pixels sees it: degraded to a share of
    its size drawn from `SOFT_IMAGE_RESOLUTION` (blur, downscale, noise and JPEG after Real-ESRGAN,
    `lprlab.augment.low_resolution`) and scaled back up to (H, W), bilinear or bicubic. Boxes keep
    their pixel coordinates."""
    import cv2  # noqa: PLC0415

    from lprlab.augment import low_resolution  # noqa: PLC0415

    small = low_resolution(image, rng, scale=1.0 / rng.uniform(*SOFT_IMAGE_RESOLUTION))
    interpolation = cv2.INTER_LINEAR if rng.random() < 0.5 else cv2.INTER_CUBIC
    return cv2.resize(small, (image.shape[1], image.shape[0]), interpolation=interpolation)


def paste_plates(image: np.ndarray, formats, rng: np.random.Generator, count: int,
                 height_px: tuple[float, float] = (14.0, 64.0), avoid=None, frame_share: float = 0.0,
                 soft: float = 0.0, soft_rng: np.random.Generator | None = None) -> np.ndarray:
    """Pastes `count` random plates of `formats` onto `image` ((H, W, 3) uint8 RGB, in place), each
    `height_px` high (uniform), posed as recogniser crops are, anywhere in the image. Plates on
    real photos teach the verifier that a photo's texture around a box is no sign of a false one
    (the scenes' plates all sit on procedural cars). A plate that would overlap a box of `avoid`
    ((k, 4) px) is drawn again elsewhere (up to 10 tries, then left out). A `frame_share` of the
    plates sit in a licence-plate frame (`frame_plate`; the box is the plate's, not the frame's).
    A `soft` share of them is seen at a lower resolution than its size (`soften_plate`); those
    draws come from `soft_rng` (required when `soft` > 0), so that the other draws stay those of
    `soft` = 0.

    Raises:
        ValueError: `soft` > 0 without a `soft_rng`.

    Returns:
        (count, 4) float32 boxes (x, y, w, h) px of the pasted plates.
    """
    import cv2  # noqa: PLC0415

    from lprlab.crops import CROP_POSE  # noqa: PLC0415
    from lprlab.render import random_plate  # noqa: PLC0415
    from lprlab.scene import paste_plate, project_plate  # noqa: PLC0415

    if soft > 0 and soft_rng is None:
        raise ValueError("paste_plates with soft > 0 needs a soft_rng")
    height, width = image.shape[:2]
    boxes = []
    avoid = np.reshape(avoid if avoid is not None else [], (-1, 4)).astype(np.float32)
    for _ in range(count):
        fmt = formats[rng.integers(len(formats))]
        plate = random_plate(fmt, rng, 64).image
        inner = (0, 0, plate.shape[1], plate.shape[0])
        if frame_share > 0 and rng.random() < frame_share:
            plate, inner = frame_plate(plate, rng)
        target = rng.uniform(*height_px)
        if soft > 0 and soft_rng.random() < soft:
            plate = soften_plate(plate, target * plate.shape[0] / inner[3], soft_rng)
        scale = target / inner[3]
        small = cv2.resize(plate, (max(2, round(plate.shape[1] * scale * 1.2)), max(2, round(plate.shape[0] * scale * 1.2))),
                           interpolation=cv2.INTER_AREA)
        corners = project_plate(small.shape[:2], rng.uniform(*CROP_POSE.yaw_deg), rng.uniform(*CROP_POSE.pitch_deg),
                                rng.uniform(*CROP_POSE.roll_deg)) / 1.2
        x, y, w, h = inner
        full_h, full_w = plate.shape[:2]
        homography = cv2.getPerspectiveTransform(np.float32([[0, 0], [full_w, 0], [full_w, full_h], [0, full_h]]),
                                                 corners.astype(np.float32))
        plate_corners = cv2.perspectiveTransform(np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]]),
                                                 homography)[0]
        low, high = corners.min(axis=0), corners.max(axis=0)
        span = high - low
        for _ in range(10):
            origin = np.array([rng.uniform(0, max(1.0, width - span[0])), rng.uniform(0, max(1.0, height - span[1]))])
            if _clear_of(np.float32([[*origin, *span]]), avoid)[0]:
                break
        else:
            continue
        corners = (corners - low + origin).astype(np.float32)
        plate_corners = plate_corners - low + origin
        paste_plate(image, small, corners, gain=rng.uniform(0.7, 1.1))
        boxes.append((*plate_corners.min(axis=0), *(plate_corners.max(axis=0) - plate_corners.min(axis=0))))
    return np.float32(boxes).reshape(-1, 4)


def paste_distractors(image: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """Draws `count` plate-like things that are not plates onto `image` ((H, W, 3) uint8 RGB, in
    place): camera time stamps (``2014-04-28 06:45:51``), makers' oval emblems with a word inside,
    and free-standing model or dealer names, 10-60 px high. They are what the v2 verifier still
    took for plates on the real dev photos.

    Returns:
        (count, 4) float32 boxes (x, y, w, h) px of what was drawn.
    """
    import cv2  # noqa: PLC0415

    from lprlab.backgrounds import CAR_BADGES  # noqa: PLC0415

    height, width = image.shape[:2]
    fonts = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_TRIPLEX)
    boxes = []
    for _ in range(count):
        kind = rng.choice(("stamp", "emblem", "word"))
        font = int(fonts[rng.integers(len(fonts))])
        if kind == "stamp":
            date = f"{rng.integers(2005, 2027)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
            time = f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d}"
            text = (f"{date} {time}", time, f"{date[5:]} {time}", date)[rng.integers(4)]
            colour = ((255, 255, 255), (255, 255, 0), (220, 220, 220), (0, 255, 0))[rng.integers(4)]
        else:
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            text = (CAR_BADGES[rng.integers(len(CAR_BADGES))] if rng.random() < 0.5 else
                    "".join(letters[i] for i in rng.integers(0, 26, int(rng.integers(3, 9)))))
            if rng.random() < 0.4:
                text = text.capitalize()
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        text_h = rng.uniform(10, 36) if kind != "emblem" else rng.uniform(8, 24)
        scale = text_h / 22.0
        thick = max(1, int(round(scale * rng.uniform(1.0, 2.5))))
        (tw, th), _ = cv2.getTextSize(text, font, scale, thick)
        pad_x, pad_y = (0.35 * tw, 0.9 * th) if kind == "emblem" else (2, 2)
        w, h = tw + 2 * pad_x, th + 2 * pad_y
        x = rng.uniform(0, max(1.0, width - w))
        y = rng.uniform(0, max(1.0, height - h))
        if kind == "emblem":
            centre, axes = (int(x + w / 2), int(y + h / 2)), (int(w / 2), int(h / 2))
            fill = ((180, 20, 30), (20, 50, 140), (20, 20, 20), (170, 170, 175))[rng.integers(4)]
            cv2.ellipse(image, centre, axes, 0, 0, 360, fill, -1, cv2.LINE_AA)
            cv2.ellipse(image, centre, axes, 0, 0, 360, (200, 200, 205), max(1, int(h / 10)), cv2.LINE_AA)
            colour = (235, 235, 235)
        origin = (int(x + pad_x), int(y + pad_y + th))
        if kind == "stamp" or rng.random() < 0.5:  # an outline or shadow, as overlays and chrome have
            cv2.putText(image, text, (origin[0] + 1, origin[1] + 1), font, scale, (0, 0, 0), thick + 1, cv2.LINE_AA)
        cv2.putText(image, text, origin, font, scale, colour, thick, cv2.LINE_AA)
        boxes.append((x, y, w, h))
    return np.float32(boxes).reshape(-1, 4)


def plate_shaped_parts(rows: np.ndarray, rng: np.random.Generator, per_row: int = 2) -> np.ndarray:
    """Plate-shaped boxes on text rows (an OSD's, see `lprlab.scene.draw_osd`), as the detector
    proposes them on a time stamp: a window 1.2-2.5 times a row's height and 2-4.5 times as wide as
    high, anywhere along the row, `per_row` per row; with two or more rows also their union, which
    looks like a two-row plate.

    Args:
        rows: (k, 4) float32 row boxes (x, y, w, h) px.

    Returns:
        (m, 4) float32 boxes (x, y, w, h) px.
    """
    rows = np.asarray(rows, np.float32).reshape(-1, 4)
    boxes = []
    for x, y, w, h in rows:
        for _ in range(per_row):
            box_h = h * rng.uniform(1.2, 2.5)
            box_w = min(box_h * rng.uniform(2.0, 4.5), w * 1.2)
            left = x + rng.uniform(min(0.0, w - box_w), max(0.0, w - box_w))
            boxes.append((left, y + h / 2 - box_h / 2, box_w, box_h))
    if len(rows) > 1:
        low, high = rows[:, :2].min(axis=0), (rows[:, :2] + rows[:, 2:]).max(axis=0)
        boxes.append((*low, *(high - low)))
    return np.float32(boxes).reshape(-1, 4)


def paint_lamps(image: np.ndarray, rng: np.random.Generator, left_edges, y: float, w: float, h: float) -> None:
    """Paints lit tail or brake lamps (`draw_tail_lamps`'s look: a red ribbed lens, a blown-out
    core, bloom) onto `image` ((H, W, 3) uint8 RGB, in place), one lens `w` x `h` px at each left
    edge of `left_edges` (px), top `y` px."""
    import cv2  # noqa: PLC0415

    height, width = image.shape[:2]
    red = np.float32((rng.uniform(170, 255), rng.uniform(0, 50), rng.uniform(0, 50)))
    layer = np.zeros((height, width, 3), np.float32)
    core = np.zeros((height, width), np.float32)
    for left in left_edges:
        top_left, bottom_right = (int(left), int(y)), (int(left + w), int(y + h))
        cv2.rectangle(layer, top_left, bottom_right, tuple(float(c) for c in red), -1)
        lens_part = layer[max(0, top_left[1]):bottom_right[1] + 1, max(0, top_left[0]):bottom_right[0] + 1]
        lens_part *= np.linspace(rng.uniform(0.45, 1.0), rng.uniform(0.45, 1.0), lens_part.shape[1],
                                 dtype=np.float32)[None, :, None]  # lit unevenly across its width
        for k in range(int(rng.integers(0, 5))):  # ribs of the lens
            rib = int(y + h * (k + 1) / 6)
            cv2.line(layer, (int(left), rib), (int(left + w), rib), tuple(float(c) * 0.55 for c in red), 1)
        centre = (int(left + w * rng.uniform(0.3, 0.7)), int(y + h * rng.uniform(0.3, 0.7)))
        cv2.ellipse(core, centre, (max(1, int(w * rng.uniform(0.1, 0.35))), max(1, int(h * rng.uniform(0.1, 0.35)))),
                    0, 0, 360, 1.0, -1)
    bloom = cv2.GaussianBlur(layer, (0, 0), max(0.5, h * rng.uniform(0.05, 0.2)))
    lens = np.maximum(layer, bloom)
    core = cv2.GaussianBlur(core, (0, 0), max(0.5, h * 0.08))[..., None]
    lens = lens + (np.float32((255, 245, 235)) - lens) * core
    mask = np.clip(lens.max(axis=2, keepdims=True) / 60.0, 0, 1)
    region = image.astype(np.float32)
    image[:] = np.clip(region + (lens - region) * mask, 0, 255).astype(np.uint8)


def draw_tail_lamps(image: np.ndarray, rng: np.random.Generator, count: int, avoid=None) -> np.ndarray:
    """Draws `count` lit tail or brake lamps onto `image` ((H, W, 3) uint8 RGB, in place): a red
    lens 8-40 px high and 1.3-4 times as wide, with horizontal ribs, a blown-out white core and a
    red bloom around it, alone or as a pair, clear of the boxes of `avoid` ((k, 4) px; up to 10
    tries, then left out). On the real US dev photos lit lamps are about a sixth of the detector's
    false boxes; the procedural cars' lamps (`lprlab.backgrounds.draw_car`) are flat and unlit.

    Returns:
        (m, 4) float32 boxes (x, y, w, h) px of the lamps (and of each pair).
    """
    height, width = image.shape[:2]
    avoid = np.reshape(avoid if avoid is not None else [], (-1, 4)).astype(np.float32)
    boxes = []
    for _ in range(count):
        h = rng.uniform(8, 40)
        w = h * rng.uniform(1.3, 4.0)
        pair = rng.random() < 0.5
        gap = w * rng.uniform(0.2, 1.5) if pair else 0.0
        span_w = 2 * w + gap if pair else w
        for _ in range(10):
            x, y = rng.uniform(0, max(1.0, width - span_w - 4)), rng.uniform(0, max(1.0, height - h - 4))
            if _clear_of(np.float32([[x - 0.3 * h, y - 0.3 * h, span_w + 0.6 * h, 1.6 * h]]), avoid)[0]:
                break
        else:
            continue
        left_edges = (x, x + w + gap) if pair else (x,)
        paint_lamps(image, rng, left_edges, y, w, h)
        for left in left_edges:
            boxes.append((left, y, w, h))
        if pair:
            boxes.append((x, y, span_w, h))
    return np.float32(boxes).reshape(-1, 4)


def camera_clutter(image: np.ndarray, rng: np.random.Generator, truths: np.ndarray) -> np.ndarray:
    """Adds what a security camera's still shows besides plates, in place: an on-screen display
    (`lprlab.scene.draw_osd`, left out when it would cover a plate of `truths`, (n, 4) px) and 0-2
    lit tail lamps (`draw_tail_lamps`) clear of the plates.

    Returns:
        (m, 4) float32 negative boxes (x, y, w, h) px: plate-shaped parts of the OSD's rows
        (`plate_shaped_parts`) and the lamps.
    """
    from lprlab.scene import draw_osd  # noqa: PLC0415

    truths = np.asarray(truths, np.float32).reshape(-1, 4)
    drawn = image.copy()
    rows = draw_osd(drawn, rng)
    decoys = [np.zeros((0, 4), np.float32)]
    if len(rows) and _clear_of(rows, truths).all():
        image[:] = drawn
        decoys.append(plate_shaped_parts(rows, rng))
    decoys.append(draw_tail_lamps(image, rng, int(rng.integers(0, 3)), avoid=truths))
    return np.concatenate(decoys)


def _clear_of(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(n,) bool: which `boxes` overlap none of `others` (both (k, 4) x, y, w, h px)."""
    boxes, others = np.reshape(boxes, (-1, 4)), np.reshape(others, (-1, 4))
    if not len(others):
        return np.ones(len(boxes), bool)
    apart_x = (boxes[:, None, 0] + boxes[:, None, 2] <= others[None, :, 0]) | \
        (others[None, :, 0] + others[None, :, 2] <= boxes[:, None, 0])
    apart_y = (boxes[:, None, 1] + boxes[:, None, 3] <= others[None, :, 1]) | \
        (others[None, :, 1] + others[None, :, 3] <= boxes[:, None, 1])
    return (apart_x | apart_y).all(axis=1)


def _jitter(box, rng: np.random.Generator, spread: float = 1.0) -> tuple[float, float, float, float]:
    """A true box moved and resized as the detector's boxes are (about ±8% of its size, times `spread`)."""
    x, y, w, h = box
    nw, nh = w * np.exp(rng.normal(0, 0.08 * spread)), h * np.exp(rng.normal(0, 0.1 * spread))
    return (x + w / 2 - nw / 2 + rng.normal(0, 0.05 * spread) * w,
            y + h / 2 - nh / 2 + rng.normal(0, 0.08 * spread) * h, nw, nh)


def wide_positives(truths: np.ndarray, rng: np.random.Generator, count: int,
                   spread: float = WIDE_SPREAD, tries: int = 20, min_iou: float = POSITIVE_IOU) -> np.ndarray:
    """`count` boxes per true box jittered `spread` times as widely as `_jitter`'s, each kept only
    when its IoU with the truth is at least `min_iou` (redrawn up to `tries` times, else left
    out), so the verifier learns plates on boxes as loose as the real detector's.

    Args:
        truths: (n, 4) true plate boxes (x, y, w, h) px.

    Returns:
        (m, 4) float32 boxes, m <= n * count.
    """
    from lprlab.metrics import iou_matrix  # noqa: PLC0415

    boxes = []
    for truth in np.asarray(truths, np.float32).reshape(-1, 4):
        for _ in range(count):
            for _ in range(tries):
                box = np.float32([_jitter(truth, rng, spread)])
                if iou_matrix(box, truth[None])[0, 0] >= min_iou:
                    boxes.append(box[0])
                    break
    return np.float32(boxes).reshape(-1, 4)


def verifier_samples(detector, image: np.ndarray, truths: np.ndarray, config: VerifierConfig,
                     rng: np.random.Generator, threshold: float = 0.3, distractors=None,
                     wide: int = 0, wide_min_iou: float = POSITIVE_IOU) -> tuple[np.ndarray, np.ndarray]:
    """The verifier's samples from one image: the detector's boxes (after NMS, presence >=
    `threshold`) labelled by their IoU with `truths` ((n, 4) true plate boxes (x, y, w, h) px),
    one jittered positive per true plate, one jittered negative per box of `distractors`
    ((k, 4) px, see `paste_distractors`) and, with `wide` > 0, `wide` more positives per true plate
    jittered more widely (`wide_positives`, IoU >= `wide_min_iou` with it). The random draws for `wide` come last, so `wide=0`
    gives the samples of earlier versions.

    Returns:
        ((m, height, width, 3) uint8 crops, (m,) float32 labels, 1 for a plate).
    """
    from lprlab.metrics import iou_matrix  # noqa: PLC0415

    found = np.float32([d.box for d in detector.detect(image, threshold=threshold)]).reshape(-1, 4)
    truths = np.asarray(truths, np.float32).reshape(-1, 4)
    labels = np.zeros(len(found), np.float32)
    keep = np.ones(len(found), bool)
    if len(found) and len(truths):
        best = iou_matrix(found, truths).max(axis=1)
        labels = (best >= POSITIVE_IOU).astype(np.float32)
        keep = (best >= POSITIVE_IOU) | (best < NEGATIVE_IOU)
    jittered = np.float32([_jitter(t, rng) for t in truths]).reshape(-1, 4)
    decoys = np.float32([_jitter(d, rng) for d in np.reshape(distractors if distractors is not None else [], (-1, 4))])
    decoys = decoys.reshape(-1, 4)
    loose = wide_positives(truths, rng, wide, min_iou=wide_min_iou) if wide else np.zeros((0, 4), np.float32)
    boxes = np.concatenate([found[keep], jittered, decoys, loose])
    labels = np.concatenate([labels[keep], np.ones(len(jittered), np.float32), np.zeros(len(decoys), np.float32),
                             np.ones(len(loose), np.float32)])
    return crop_candidates(image, boxes, config), labels


def make_verifier_set(detector, config: VerifierConfig, images: int, seed: int, folder: str | os.PathLike,
                      backgrounds: str | None = None, progress: bool = True,
                      wide: int = 0, wide_min_iou: float = POSITIVE_IOU,
                      camera: float = 0.0, soft: float = 0.0, soft_images: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Generates (or completes) the verifier's samples from `images` images and loads them.

    Image i comes from ``default_rng([seed, i])``: a `cctv` or `parking` scene, or (40% of the
    images) a bare photo at 1280x720 (procedural without `backgrounds`) with 1-3 plates pasted on it
    (`paste_plates`, `FRAME_SHARE` of them in frames); with up to 3 distractors (`paste_distractors`: time stamps, emblems, words)
    drawn clear of the plates; with `camera` > 0 that share of the images also gets a camera's
    on-screen display and lit tail lamps (`camera_clutter`, drawn from ``default_rng([seed, i, 7])``
    so the other draws stay those of `camera` = 0); with `soft` > 0 that share of the pasted plates
    is seen at a lower resolution than its size (`soften_plate`, drawn from
    ``default_rng([seed, i, 11])``); with `soft_images` > 0 that share of the images is seen whole at
    a lower resolution (`soften_image`, drawn from ``default_rng([seed, i, 13])``); then the
    ``scene`` augmentation; `wide` more
    widely jittered positives per plate (see `verifier_samples`).
    Shard k (images k*SHARD to (k+1)*SHARD - 1) is ``folder/shard-<k>.npz``, written atomically.

    Returns:
        ((n, height, width, 3) uint8 crops, (n,) float32 labels).
    """
    from lprlab.augment import augment, make_pipeline  # noqa: PLC0415
    from lprlab.backgrounds import PhotoBackgrounds  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415
    from lprlab.backgrounds import background  # noqa: PLC0415
    from lprlab.scene import make_scene  # noqa: PLC0415

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    formats = resolve_formats(list(detector.config.formats))
    photos = PhotoBackgrounds(backgrounds) if backgrounds else None
    pipeline = make_pipeline("scene", 720)
    shards = int(np.ceil(images / SHARD))
    with tqdm(total=images, desc="verifier samples", unit="image", disable=not progress) as bar:
        for shard in range(shards):
            path = folder / f"shard-{shard:05d}.npz"
            indices = range(shard * SHARD, min(images, (shard + 1) * SHARD))
            if path.is_file():
                bar.update(len(indices))
                continue
            crops, labels = [], []
            for i in indices:
                rng = np.random.default_rng([seed, i])
                if rng.random() < 0.4:
                    image = background(rng, (720, 1280), photos, photo_fraction=1.0).copy()
                    decoys = paste_distractors(image, rng, int(rng.integers(0, 4)))
                    truths = paste_plates(image, formats, rng, int(rng.integers(1, 4)), avoid=decoys,
                                          frame_share=FRAME_SHARE, soft=soft,
                                          soft_rng=np.random.default_rng([seed, i, 11]) if soft > 0 else None)
                else:
                    scene = make_scene(formats, rng, "cctv" if rng.random() < 0.6 else "parking", photos)
                    image, truths = scene.image, np.float32([p.box for p in scene.plates]).reshape(-1, 4)
                    decoys = paste_distractors(image, rng, int(rng.integers(0, 3)))
                    decoys = decoys[_clear_of(decoys, truths)]
                if camera > 0:
                    clutter_rng = np.random.default_rng([seed, i, 7])
                    if clutter_rng.random() < camera:
                        decoys = np.concatenate([decoys, camera_clutter(image, clutter_rng, truths)])
                if soft_images > 0:
                    soft_rng = np.random.default_rng([seed, i, 13])
                    if soft_rng.random() < soft_images:
                        image = soften_image(image, soft_rng)
                image = augment(image, pipeline, rng)
                part, part_labels = verifier_samples(detector, image, truths, config, rng, distractors=decoys,
                                                     wide=wide, wide_min_iou=wide_min_iou)
                crops.append(part)
                labels.append(part_labels)
                bar.update(1)
            temporary = folder / f".shard-{shard:05d}.tmp.npz"
            np.savez(temporary, crops=np.concatenate(crops), labels=np.concatenate(labels))
            os.replace(temporary, path)
    return load_verifier_set(folder, config)


def load_verifier_set(folder: str | os.PathLike, config: VerifierConfig) -> tuple[np.ndarray, np.ndarray]:
    """All shards of a verifier sample folder.

    Raises:
        FileNotFoundError: no shard in `folder`.
        ValueError: crops of another size than the config's input.
    """
    paths = sorted(pathlib.Path(folder).glob("shard-*.npz"))
    if not paths:
        raise FileNotFoundError(f"no verifier shards (shard-*.npz) in {str(folder)!r}")
    crops, labels = [], []
    for path in paths:
        with np.load(path) as data:
            if data["crops"].shape[1:3] != tuple(config.image_size):
                raise ValueError(f"{str(path)!r} holds {data['crops'].shape[1:3]} crops, expected {config.image_size}")
            crops.append(data["crops"])
            labels.append(data["labels"])
    return np.concatenate(crops), np.concatenate(labels)


def photometric_jitter(x: tf.Tensor, share: float, seed: int) -> tf.Tensor:
    """Darkens, dulls or brightens each crop of a batch on its own, as real plates are lit unlike
    their car and the rest of the photo.

    Args:
        x: (batch, height, width, 3) float32 in [0, 1].
        share: Probability that a crop is changed (0: `x` unchanged).
        seed: TensorFlow op seed.

    Returns:
        (batch, height, width, 3) float32 in [0, 1]: for a changed crop,
        ``clip((mean + contrast * (x - mean)) * brightness, 0, 1) ** gamma`` with brightness, contrast
        and gamma drawn from `PHOTOMETRIC_BRIGHTNESS`, `PHOTOMETRIC_CONTRAST`, `PHOTOMETRIC_GAMMA`.
    """
    if share <= 0:
        return x
    n = tf.shape(x)[0]
    draw = lambda low, high, k: tf.random.uniform((n, 1, 1, 1), low, high, seed=seed + k)  # noqa: E731
    brightness = draw(*PHOTOMETRIC_BRIGHTNESS, 1)
    contrast = draw(*PHOTOMETRIC_CONTRAST, 2)
    gamma = tf.exp(draw(-PHOTOMETRIC_GAMMA, PHOTOMETRIC_GAMMA, 3))
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    changed = tf.clip_by_value((mean + contrast * (x - mean)) * brightness, 1e-6, 1.0) ** gamma
    return tf.where(draw(0.0, 1.0, 4) < share, changed, x)


def train_verifier(config: VerifierConfig, run_dir: str | os.PathLike, train: tuple[np.ndarray, np.ndarray],
                   validation: tuple[np.ndarray, np.ndarray], epochs: int = 8, batch_size: int = 128,
                   verbose: int | str = "auto", boxes: str = "searched",
                   photometric: float = 0.0) -> keras.callbacks.History:
    """Trains the verifier; resumes from ``run_dir/backup`` when a previous run was cut.

    Args:
        config: The model; its `learning_rate` and `seed` are used.
        run_dir: Run folder (created); the result is ``run_dir/model.keras`` + ``model.json``.
        train: (crops (n, height, width, 3) uint8, labels (n,) float32) from `make_verifier_set`.
        validation: The same, for validation.
        epochs: Epochs; cosine learning-rate decay to 1% over them. Horizontal flips of the
            training crops (a mirrored plate is still a plate) double the data.
        batch_size: Crops per step.
        verbose: Keras verbosity.
        boxes: ``searched`` or ``fitted``: the detector boxes the samples were mined from, kept
            in the metadata (`Detector.detect` fits boxes before a ``fitted`` verifier sees them).
        photometric: Share of the training crops (positives and negatives alike) darkened, dulled
            or brightened on their own (`photometric_jitter`); kept in the metadata.

    Returns:
        The Keras `History` (loss, accuracy, recall and precision at 0.5).
    """
    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=1))
    keras.utils.set_random_seed(config.seed)

    def dataset(crops, labels, shuffle):
        data = tf.data.Dataset.from_tensor_slices((crops, labels[:, None]))
        if shuffle:
            data = data.shuffle(min(len(crops), 50_000), seed=config.seed, reshuffle_each_iteration=True)
        data = data.batch(batch_size)

        def prepare(x, y):
            x = tf.cast(x, tf.float32) / 255.0
            if shuffle:
                flip = tf.random.uniform((tf.shape(x)[0], 1, 1, 1), seed=config.seed) < 0.5
                x = tf.where(flip, tf.reverse(x, axis=[2]), x)
                x = photometric_jitter(x, photometric, config.seed)
            return x, y

        return data.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    steps = epochs * int(np.ceil(len(train[0]) / batch_size))
    with make_strategy().scope():
        model = build_verifier(config)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.01)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                      metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy"),
                               keras.metrics.Recall(thresholds=0.0, name="recall"),
                               keras.metrics.Precision(thresholds=0.0, name="precision")])
    history = model.fit(dataset(*train, True), validation_data=dataset(*validation, False), epochs=epochs,
                        callbacks=training_callbacks(run_dir), shuffle=False, verbose=verbose)
    save_verifier(model, config, run_dir / "model", {
        "training": {"samples": len(train[0]), "positives": int(train[1].sum()), "epochs": epochs,
                     "batch_size": batch_size, "steps": steps, "photometric": photometric},
        "boxes": boxes,
    })
    return history


def train_verifier_synthetic(config: VerifierConfig, run_dir: str | os.PathLike, detector_path=None,
                             images: int = 4000, val_images: int = 400, epochs: int = 8,
                             data_dir: str | os.PathLike = "data/synth", backgrounds: str | None = None,
                             verbose: int | str = "auto", wide: int = 0,
                             wide_min_iou: float = POSITIVE_IOU, photometric: float = 0.0,
                             camera: float = 0.0, soft: float = 0.0,
                             soft_images: float = 0.0) -> keras.callbacks.History:
    """Mines (or reuses) the samples of `images` training and `val_images` validation images with
    the detector `detector_path` (the shipped one by default), then trains. The sets live in
    ``data_dir/verifier-<samples version>-<detector date>-context<x>x<y>[-fitted][-photos][-wide<n>[-iou<x>]][-camera<x>][-soft<x>][-softimg<x>]-<images>-s<seed>``
    (``-fitted``: the detector's boxes are fitted by the shipped box regressor, as `Detector.detect`
    with ``fit_first`` shows them to a verifier);
    validation uses seed ``config.seed + 1``; `wide`: more widely jittered positives per plate
    (`verifier_samples`); `camera`: share of images with a camera's OSD and lit tail lamps
    (`make_verifier_set`); `soft`: share of pasted plates seen at a lower resolution than their size
    (`soften_plate`); `soft_images`: share of images seen whole at a lower resolution
    (`soften_image`); `photometric`: see `train_verifier`."""
    from lprlab.detection import load_detector  # noqa: PLC0415

    detector = load_detector(detector_path, "float32", verify=False, searcher=False)
    context = "x".join(f"{c:g}" for c in config.context)
    tag = (f"{SAMPLES_VERSION}-{detector.info.get('saved', '')[:19].replace(':', '')}-context{context}"
           f"{'-fitted' if detector.box_regressor is not None else ''}"
           f"{'-photos' if backgrounds else ''}{f'-wide{wide}' if wide else ''}"
           f"{f'-iou{wide_min_iou:g}' if wide and wide_min_iou != POSITIVE_IOU else ''}"
           f"{f'-camera{camera:g}' if camera else ''}{f'-soft{soft:g}' if soft else ''}"
           f"{f'-softimg{soft_images:g}' if soft_images else ''}")
    data_dir = pathlib.Path(data_dir)
    train = make_verifier_set(detector, config, images, config.seed,
                              data_dir / f"verifier-{tag}-{images}-s{config.seed}", backgrounds, progress=verbose != 0,
                              wide=wide, wide_min_iou=wide_min_iou, camera=camera, soft=soft, soft_images=soft_images)
    validation = make_verifier_set(detector, config, val_images, config.seed + 1,
                                   data_dir / f"verifier-{tag}-{val_images}-s{config.seed + 1}", backgrounds,
                                   progress=verbose != 0, wide=wide, wide_min_iou=wide_min_iou, camera=camera,
                                   soft=soft, soft_images=soft_images)
    return train_verifier(config, run_dir, train, validation, epochs, verbose=verbose,
                          boxes="fitted" if detector.box_regressor is not None else "searched", photometric=photometric)


def export_verifier(run_dir: str | os.PathLike, destination: str | os.PathLike, figures: dict | None = None,
                    data: str = "", boxes: str | None = None) -> pathlib.Path:
    """Copies ``run_dir/model`` to ``<destination>.keras`` + ``.json``, adding the per-epoch
    training log, a description of the training `data` and measured `figures`; `boxes`
    (``searched`` or ``fitted``, see `train_verifier`) when given replaces the run's own."""
    run_dir = pathlib.Path(run_dir)
    verifier = load_verifier(run_dir / "model")
    with open(run_dir / "log.csv", newline="") as handle:
        history = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    info = {k: v for k, v in verifier.info.items() if k not in ("model", "config", "saved")}
    if boxes is not None:
        info["boxes"] = boxes
    return save_verifier(verifier.model, verifier.config, destination,
                         {**info, "history": history, "data": data, "figures": figures or {}})
