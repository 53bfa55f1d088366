"""The end-to-end reader: detect (boxes fitted to their plates by the detector's box regressor) →
crop with a margin → enhance small plates → read → fit to the region's formats → check the
watch-list.

    alpr = lprlab.ALPR(region="br")
    for plate in alpr.read(image):
        print(plate.box, plate.text, plate.confidence)
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np

from lprlab.images import read_image
from lprlab.postprocess import (REGION_CHARACTER_WEIGHTS, REGION_SERIAL_WEIGHTS, colour_preferred_formats,
                               postprocess, prefer_serials, region_formats, reweight)

# Box width factors the reader also reads each box at (0.23.0): narrower views for fitted boxes that
# reach past the plate, wider ones for boxes that stop short of its first or last character.
READ_WIDTHS = (0.7, 0.85, 1.15, 1.35)
# The shipped detector's arithmetic in the reader (0.37.0): ``auto`` searches in bfloat16 where the
# CPU computes it natively (AVX512-BF16, AMX) and in float32 elsewhere. On the real dev photos it read
# 188 plates against float32's 186 (2 gained, none lost) at the same false boxes, 1.1-1.4x faster
# (README, "End-to-end results"). `lprlab detect` and `load_detector()` stay float32: at their own
# threshold of 0.5 bfloat16 finds 2 of the 50 EU plates fewer.
READER_DETECTOR_PRECISION = "auto"
# Box width factors `lprlab video` reads besides the box itself (0.37.0): none. A track votes over
# its frames, so the extra views that rescue a badly cut box in one photo buy nothing on the dev
# clips (the same 16 of 17 with and without them) and cost a fifth of the frame rate (11.7 frames/s
# at 640x480 without them against 9.4-9.5 with them, back to back; README, "End-to-end results").
VIDEO_WIDTHS: tuple[float, ...] = ()


@dataclasses.dataclass(frozen=True)
class PlateResult:
    """One plate found and read in an image.

    Attributes:
        box: (x, y, w, h) float pixels of the input image.
        text: The reported text (after format-aware look-alike swaps).
        confidence: Probability of `text` under the recogniser (slot probabilities multiplied).
        detection_score: The detector's presence probability.
        format: The plate format `text` fits, or None when it fits none of the region's.
        raw_text: The recogniser's top-1 text before post-processing.
        alternatives: Up to top-N (text, probability) pairs, most probable first.
        enhanced: Whether the crop went through the enhancer.
        watchlist: The watch-list hit (`lprlab.watchlist.Match.as_json`), or None.
    """

    box: tuple[float, float, float, float]
    text: str
    confidence: float
    detection_score: float
    format: str | None
    raw_text: str
    alternatives: tuple[tuple[str, float], ...]
    enhanced: bool = False
    watchlist: dict | None = None

    def as_json(self, alternatives: bool = False) -> dict:
        """The plate object of the JSON contract: ``{"box", "text", "confidence"}`` plus the
        detection score, format, the watch-list hit (when any) and, if asked, the alternatives."""
        out = {"box": [round(v, 1) for v in self.box], "text": self.text, "confidence": round(self.confidence, 4),
               "detection_score": round(self.detection_score, 4), "format": self.format}
        if self.watchlist is not None:
            out["watchlist"] = self.watchlist
        if alternatives:
            out["alternatives"] = [{"text": t, "confidence": round(p, 4)} for t, p in self.alternatives]
        return out


def crop_box(image: np.ndarray, box, margin: float = 0.08) -> np.ndarray:
    """The part of `image` (H, W, 3) inside `box` (x, y, w, h px) widened by `margin` of the box's
    width and height on each side, clipped to the image; at least 2x2 pixels."""
    x, y, w, h = box
    dx, dy = margin * w, margin * h
    height, width = image.shape[:2]
    x0, y0 = int(max(0, np.floor(x - dx))), int(max(0, np.floor(y - dy)))
    x1, y1 = int(min(width, np.ceil(x + w + dx))), int(min(height, np.ceil(y + h + dy)))
    x1, y1 = max(x1, min(width, x0 + 2)), max(y1, min(height, y0 + 2))
    return image[y0:y1, x0:x1]


def _scale_height(box, factor: float, width_factor: float = 1.0, shift: float = 0.0) -> tuple[float, float, float, float]:
    """`box` (x, y, w, h px) with its height times `factor` and its width times `width_factor`,
    around the same centre moved right by `shift` of the box's width (left when negative)."""
    x, y, w, h = box
    return (x + w * (1 - width_factor) / 2 + shift * w, y + h * (1 - factor) / 2, w * width_factor, h * factor)


class ALPR:
    """Automatic licence-plate reading on photos.

    Args:
        detector: A `lprlab.models.detector.Detector`; when None, the shipped weights with
            `READER_DETECTOR_PRECISION` (bfloat16 where the CPU computes it natively).
        recognizer: A `lprlab.recognition.Recognizer`; the shipped Latin weights when None.
        enhancer: Anything with ``enhance(list of uint8 RGB crops, mode=enhance_mode) -> list of
            crops`` (the SRGAN enhancer, `lprlab.enhancement.Enhancer`), used for plates under
            `enhance_below_px` pixels high and accepted by the detector's verifier (a doubted box
            is read as it is: on the real US dev photos, enhanced, the time stamps of security-camera
            stills read as plates, 0.08 → 0.22 false boxes per photo); None to never enhance.
        region: Post-processing region (``br``, ``eu``, ``us``, ...; see `lprlab.postprocess.REGIONS`),
            or None for every format the recogniser was trained on.
        watchlist: A `lprlab.watchlist.Watchlist` to check each text against, or None.
        threshold: Detector presence probability a box must reach. The reader's 0.2 is lower than
            `lprlab detect`'s 0.5: the verifier and the reading (`min_confidence`, the rescue rule)
            drop what the lower threshold adds. On the real dev photos 0.2 reads 4 more of the 225
            plates than 0.5 and loses none, for 3 more false boxes (README, "End-to-end results").
        margin: Crop margin around a box, as a share of its size (the recogniser was trained on
            crops with -2 to 12% margins); a tuple reads each box at every margin and keeps the
            reading that fits a format with the highest probability (test-time augmentation; the
            default since 0.8: with recogniser 0.8 it read 118 of the 225 real dev plates, 0.08
            alone 106).
        heights: More crops of each box with its height scaled by these factors around its centre
            (at the middle margin), read the same way: the detector's boxes on the real dev photos
            are 0.86-1.31 times the true plate's height (10th-90th percentile), and a crop cut too
            short or too tall misreads. () turns this off. The default (0.85, 1.2) read 7 more of
            the 225 real dev plates with recogniser 0.8 (README, end-to-end results).
        widths: Box width factors also read, at the middle margin, around the same centre: the
            detector's box often stops short of a plate's first or last character (`JST2699` read
            `STT2699`, `OZL2318` read `OZL2311`, `RK300AS` read `RK3004`), or reaches past them
            (a fitted box of twice the plate's width: `WXW835` read `MXM833`). () reads none.
            (1.15, 1.35) read 147 of the 225 real dev plates with recogniser 0.15 against 141
            without; the default `READ_WIDTHS` (0.7, 0.85, 1.15, 1.35) reads 183 against 176 with
            the shipped pair and verifier of 0.23.0 (README, end-to-end results).
        top_n: Alternatives kept per plate (post-processing chooses among them).
        enhance_below_px: Plate height in pixels under which the enhancer is used.
        enhance_mode: How crops meet the enhancer (`Enhancer.enhance`'s `mode`). ``at_least_lr``
            (since 0.38.0) keeps each crop at its own size, enlarging only crops lower than the
            enhancer's LR size; until 0.37.0 every crop was resized to that size (``fixed``),
            which shrank crops taller than it (README, enhancer results). None calls
            ``enhance(crops)`` without a mode, for enhancers that take none.
        max_distance: Watch-list lookup bound (`lprlab.watchlist.Watchlist.lookup`).
        min_confidence: A box whose reading's probability (after post-processing) is below this is
            dropped as not a plate (badges, lamps, signs, the time stamps cameras print on photos);
            0 keeps every box. Until 0.9.2 only readings that fit no format were held to it (at
            0.02), but US vanity plates fit nearly any 5-8 characters; 0.1 for every box dropped
            half the false boxes on the real dev photos and no plate read right (README,
            end-to-end results).
        base_scale: The detector's first pyramid scale (`Detector.detect`).
        verify_threshold: The detector's verifier probability a box must reach, when the detector
            has a verifier (`Detector.detect`); 0 keeps every box.
        rescue_confidence: When > 0, a box the verifier doubts (probability between
            `rescue_floor` and `verify_threshold`) is kept if its reading fits one of the region's
            formats with at least this probability: the reader as a third stage of the cascade,
            for real plates the verifier rejects (dark, low-contrast); 0 turns this off. The
            default 0.5 read 3 more of the 225 real dev plates than 0 with no more false boxes
            (README, end-to-end results).
        rescue_floor: The verifier probability under which no reading rescues a box. The default
            0.001 (0.05 until 0.34.0) lets the reading judge nearly every box the verifier doubts:
            with the shipped weights it read 186 of the 225 real dev plates against 182 (4 gained,
            none lost: `WSQ3021`, `AYX8803`, `1268205`, `8D79882`, which the verifier gives
            0.005-0.03) at the same false boxes per photo (br / eu / us 0.18 / 0.02 / 0.08 against
            0.18 / 0.04 / 0.07), and the same 16 of 17 dev clips (README, end-to-end results).
        offsets: Pixel offsets at which the detector searches its pyramid levels
            (`Detector.detect`'s `offsets`). (0, 4) adds windows at half the stride on all levels
            but the first, for plates the stride-8 grid misses: the default of 0.17.0 (155 of the
            225 real dev plates against 147 with (0,), at 5.0 images/s against 5.6). With the box
            regressor the plain search (0,), the default again, reads 162 against 165 (p = 0.51)
            at 6.2-6.5 images/s against 4.4-5.0 (README, end-to-end results).
        refine: The detector's box refinement (`Detector.detect`'s `refine`; 0, the default, off):
            boxes the verifier doubts moved to their best-verified neighbour before reading.
        fit: Iterations of the detector's box regressor on each box before it is read
            (`Detector.detect`'s `fit`; nothing without a box regressor); 0 reads the boxes as
            searched.
        read_searched: When a box was fitted, also read the views of the box the search gave
            (the reading that fits a format best wins among all of them, as among the margins).
            Off by default: with the shipped weights and the half-stride search the real dev
            photos read 164 of 225 plates with it and 165 without, and it reads twice the crops
            (README, end-to-end results).
        verify_fitted: The detector's second look at the fitted box of a box its verifier doubts
            (`Detector.detect`'s `verify_fitted`): 163 of the 225 real dev plates against 162, with
            false boxes br / eu / us 0.31 / 0.02 / 0.21 against 0.26 / 0.02 / 0.11 (README); off
            by default.
        fit_first: The detector fits every box before its verifier judges it (`Detector.detect`'s
            `fit_first`); None (the default) does so when the verifier learnt fitted boxes.
        shifts: A second look at boxes read weakly: (width factor, shift) pairs, each a view of
            the box at that width with its centre moved right by `shift` of the box's width (left
            when negative), at the middle margin. Read only for boxes whose best reading fits no
            format or has a probability under `shift_below`, and kept only when it reads better
            and is not shorter than a fitting first reading (a view that cuts characters off
            reads a shorter text that may fit a pattern too). For fitted boxes that sit off their
            plate to one side (a lit lamp or recess beside it taken in). () (the default) reads
            none: ((0.85, ±0.1), (0.7, ±0.15)) read 183 of the 225 real dev plates against 182
            (p = 1.0; README, end-to-end results).
        shift_below: The reading probability under which a box gets the shifted views.
        character_weights: Character → prior ratio applied to the alternatives before
            post-processing (`lprlab.postprocess.reweight`); None for the region's
            (`lprlab.postprocess.REGION_CHARACTER_WEIGHTS`: the US's rare O and I), {} for none.
        serial_weight: Prior ratio of a reading that fits none of the region's serial layouts
            (`lprlab.postprocess.prefer_serials`); None for the region's
            (`lprlab.postprocess.REGION_SERIAL_WEIGHTS`: none by default). 0.5 for the US, where
            vanity texts fit any reading and no pattern would otherwise demand a swap, read 188
            of the 225 real dev plates against 186 with 4 more false boxes (README, end-to-end
            results).

    Raises:
        KeyError: unknown region.
        ValueError: a height, width or shift width factor, character or serial weight that is not positive, no
            offsets or a negative one, a negative `fit`.
    """

    def __init__(self, detector=None, recognizer=None, enhancer=None, region: str | None = None, watchlist=None,
                 threshold: float = 0.2, margin: float | tuple[float, ...] = (0.04, 0.08, 0.12), top_n: int = 5,
                 heights: tuple[float, ...] = (0.85, 1.2),
                 enhance_below_px: float = 16.0, enhance_mode: str | None = "at_least_lr",
                 max_distance: float = 1.0, min_confidence: float = 0.1, base_scale: float = 1.0,
                 verify_threshold: float = 0.5, rescue_confidence: float = 0.5, rescue_floor: float = 0.001,
                 character_weights: dict[str, float] | None = None, refine: float = 0.0,
                 widths: tuple[float, ...] = READ_WIDTHS, offsets: tuple[int, ...] = (0,), fit: int = 1,
                 read_searched: bool = False, verify_fitted: bool = False, fit_first: bool | None = None,
                 shifts: tuple[tuple[float, float], ...] = (), shift_below: float = 0.5,
                 serial_weight: float | None = None):
        if detector is None:
            from lprlab.detection import load_detector  # noqa: PLC0415

            detector = load_detector(precision=READER_DETECTOR_PRECISION)
        if recognizer is None:
            from lprlab.recognition import load_recognizer  # noqa: PLC0415

            recognizer = load_recognizer()
        self.detector, self.recognizer, self.enhancer, self.watchlist = detector, recognizer, enhancer, watchlist
        self.formats = region_formats(region, tuple(recognizer.config.formats))
        self.region, self.threshold, self.margin, self.top_n = region, threshold, margin, top_n
        self.heights = tuple(float(f) for f in heights)
        if any(f <= 0 for f in self.heights):
            raise ValueError(f"heights must be positive factors, got {heights!r}")
        self.widths = tuple(float(f) for f in widths)
        if any(f <= 0 for f in self.widths):
            raise ValueError(f"widths must be positive factors, got {widths!r}")
        self.shifts = tuple((float(g), float(s)) for g, s in shifts)
        if any(g <= 0 for g, _ in self.shifts):
            raise ValueError(f"shifts must be (positive width factor, shift) pairs, got {shifts!r}")
        self.shift_below = float(shift_below)
        self.enhance_below_px, self.enhance_mode, self.max_distance = enhance_below_px, enhance_mode, max_distance
        self.min_confidence, self.base_scale, self.verify_threshold = min_confidence, base_scale, verify_threshold
        self.rescue_confidence, self.rescue_floor, self.refine = rescue_confidence, rescue_floor, refine
        self.offsets = tuple(int(o) for o in offsets)
        if fit < 0:
            raise ValueError(f"fit must be >= 0 iterations, got {fit!r}")
        self.fit, self.read_searched, self.verify_fitted = int(fit), bool(read_searched), bool(verify_fitted)
        self.fit_first = fit_first if fit_first is None else bool(fit_first)
        if not self.offsets or any(o < 0 for o in self.offsets):
            raise ValueError(f"offsets must be one or more pixel offsets >= 0, got {offsets!r}")
        self.character_weights = dict(REGION_CHARACTER_WEIGHTS.get(region, {}) if character_weights is None
                                      else character_weights)
        if any(w <= 0 for w in self.character_weights.values()):
            raise ValueError(f"character_weights must be positive, got {character_weights!r}")
        self.serial_weight = REGION_SERIAL_WEIGHTS.get(region) if serial_weight is None else float(serial_weight)
        if self.serial_weight is not None and self.serial_weight <= 0:
            raise ValueError(f"serial_weight must be positive, got {serial_weight!r}")

    def read(self, image: np.ndarray) -> list[PlateResult]:
        """Finds and reads the plates of one photo.

        Args:
            image: (H, W, 3) uint8 RGB.

        Returns:
            One `PlateResult` per plate, best detection first (boxes whose reading is not
            plausible are dropped: see `min_confidence`).

        Raises:
            ValueError: `image` is not (H, W, 3) uint8.
        """
        rescue = self.rescue_confidence > 0 and 0 < self.rescue_floor < self.verify_threshold
        refinement = {"refine": self.refine, "refine_below": self.verify_threshold} if self.refine > 0 else {}
        detections = self.detector.detect(image, threshold=self.threshold, base_scale=self.base_scale,
                                          verify_threshold=self.rescue_floor if rescue else self.verify_threshold,
                                          offsets=self.offsets, fit=self.fit, fit_first=self.fit_first, **refinement,
                                          **({"verify_fitted": True, "fitted_below": self.verify_threshold}
                                             if self.verify_fitted else {}))
        if not detections:
            return []
        margins = self.margin if isinstance(self.margin, (tuple, list)) else (self.margin,)
        middle = margins[len(margins) // 2]
        views = ([(1.0, 1.0, m, 0.0) for m in margins] + [(f, 1.0, middle, 0.0) for f in self.heights if f != 1.0]
                 + [(1.0, f, middle, 0.0) for f in self.widths if f != 1.0])
        boxes = [(d.box,) + ((d.searched_box,) if self.read_searched and getattr(d, "searched_box", None) else ())
                 for d in detections]
        # a box the verifier doubts is read as it is: the enhancer sharpens anything into characters
        # (a camera's time stamp reads as a plate), so its reading would be no evidence for the rescue
        enhanced = [self.enhancer is not None and d.box[3] < self.enhance_below_px
                    and not (rescue and d.verification is not None and d.verification < self.verify_threshold)
                    for d in detections]
        candidates = self._candidates(image, boxes, views, enhanced)
        if self.shifts:
            # the second look: shifted views of the boxes whose best reading fits no format or is weak
            shifted = [(1.0, g, middle, s) for g, s in self.shifts]
            weak = [i for i, c in enumerate(candidates) if not (c[0] and c[1] >= self.shift_below)]
            more = self._candidates(image, [boxes[i] for i in weak], shifted, [enhanced[i] for i in weak])
            for i, extra in zip(weak, more):
                # a shifted view that cuts characters off reads a shorter text: never preferred to a fitting one
                shorter = candidates[i][0] and len(extra[2][0]) < len(candidates[i][2][0])
                if not shorter and (extra[0], extra[1]) > (candidates[i][0], candidates[i][1]):
                    candidates[i] = extra
        results = []
        for detection, was_enhanced, best in zip(detections, enhanced, candidates):
            _, _, (text, probability, fmt), reading = best
            if probability < self.min_confidence:
                continue
            doubted = rescue and detection.verification is not None and detection.verification < self.verify_threshold
            if doubted and (fmt is None or probability < self.rescue_confidence):
                continue
            hit = self.watchlist.lookup(text, self.max_distance) if self.watchlist is not None and text else None
            results.append(PlateResult(detection.box, text, probability, detection.score, fmt, reading.text,
                                       tuple(reading.alternatives), was_enhanced, hit.as_json() if hit else None))
        return results

    def _candidates(self, image, boxes, views, enhanced):
        """For each detection's boxes, every view cut, enhanced when asked, read and fitted to the
        region's formats: the best (fits, probability, (text, probability, format), reading) per
        detection, fitting readings first."""
        spans = np.cumsum([0] + [len(b) * len(views) for b in boxes])
        crops = [crop_box(image, _scale_height(box, f, g, s), m) for b in boxes for box in b for f, g, m, s in views]
        if not crops:
            return []
        if any(enhanced):
            owner = np.repeat(np.arange(len(boxes)), np.diff(spans))
            small = [c for i, c in enumerate(crops) if enhanced[owner[i]]]
            better = iter(self.enhancer.enhance(small) if self.enhance_mode is None
                          else self.enhancer.enhance(small, mode=self.enhance_mode))
            crops = [next(better) if enhanced[owner[i]] else c for i, c in enumerate(crops)]
        all_readings = self.recognizer.read(crops, top_n=self.top_n)
        best = []
        for index in range(len(boxes)):
            candidates = []
            first, last = spans[index], spans[index + 1]
            for crop, reading in zip(crops[first:last], all_readings[first:last]):
                alternatives = prefer_serials(reweight(reading.alternatives or ((reading.text, reading.confidence),),
                                                       self.character_weights), self.formats, self.serial_weight)
                fitted = postprocess(alternatives, self.formats, colour_preferred_formats(crop, self.formats))
                candidates.append((fitted[2] is not None, fitted[1], fitted, reading))
            best.append(max(candidates, key=lambda c: (c[0], c[1])))
        return best

    def read_files(self, paths) -> list[list[PlateResult]]:
        """`read` on image files, in order. Every file is decoded first: a missing, empty or
        corrupt one raises FileNotFoundError or ValueError naming it before any work."""
        images = [read_image(os.fspath(p)) for p in paths]
        return [self.read(image) for image in images]


def annotate(image: np.ndarray, results, colour=(40, 220, 40), alert=(230, 30, 30)) -> np.ndarray:
    """A copy of `image` (H, W, 3) uint8 RGB with each plate's box and text drawn (OpenCV, Latin
    text); watch-list hits in `alert` colour with their label."""
    import cv2  # noqa: PLC0415

    out = np.ascontiguousarray(image).copy()
    scale = max(0.5, min(out.shape[:2]) / 900)
    for result in results:
        x, y, w, h = (int(round(v)) for v in result.box)
        tone = alert if result.watchlist else colour
        cv2.rectangle(out, (x, y), (x + w, y + h), tone, max(1, int(2 * scale)))
        label = f"{result.text} {result.confidence:.2f}"
        if result.watchlist:
            label += f" WATCH {result.watchlist['plate']} {result.watchlist['label']}".rstrip()
        (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, max(1, int(scale * 1.5)))
        top = y - th - base - 4 if y - th - base - 4 >= 0 else y + h + 2
        cv2.rectangle(out, (x, top), (x + tw + 4, top + th + base + 4), tone, -1)
        cv2.putText(out, label, (x + 2, top + th + 2), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, (0, 0, 0),
                    max(1, int(scale * 1.5)), cv2.LINE_AA)
    return out
