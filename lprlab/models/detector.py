"""The plate detector: a presence classifier slid over an image pyramid, fully convolutionally.

After deep-anpr (seed 003, Earl 2016): a small CNN says whether a window holds a plate (presence),
and regresses the plate's box inside the window. Its dense layers are convolutions and it has no
padding, so the same weights that classify one (32, 64) window give, on a whole image, one answer
per window position every `stride` pixels, in a single pass. The image is searched at pyramid
levels sqrt(2) apart (`pyramid_scales`); windows above a threshold become pixel boxes, merged with
non-maximum suppression (`tf.image.non_max_suppression`). Training tiles and labels:
`lprlab.tiles` (the presence rule, and why its size band is [0.5, 0.75]).

The smaller pyramid levels run as one packed canvas (`pack_levels`), and a cheaper network of the
same window and stride may search first (`Detector(searcher=...)`, a cascade after Viola & Jones
2001): this network then scores only the windows it flags.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import math
import os
import pathlib

import cv2
import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from lprlab.models.io import config_from_dict, load_with_metadata, save_with_metadata
from lprlab.tiles import resize_level


BORDER_PAD = 0.5  # share of the window added around each pyramid level (see `Detector.candidates`)


_RESIZE_POOLS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def _resize_pool() -> concurrent.futures.ThreadPoolExecutor:
    """Two threads for the pyramid's resizes: OpenCV releases the GIL, and two levels at a time take
    13 ms at 1280x720 where one after the other take 19 (the same pixels). One pool per process: a
    forked worker cannot use its parent's threads."""
    pid = os.getpid()
    if pid not in _RESIZE_POOLS:
        _RESIZE_POOLS[pid] = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="lprlab-pyramid")
    return _RESIZE_POOLS[pid]


@dataclasses.dataclass(frozen=True)
class DetectorConfig:
    """Detector hyper-parameters; saved in the weights' JSON metadata.

    Attributes:
        window: (height, width) px of the window the presence classifier sees.
        filters: Filters per stage; a stage is a 3x3 valid convolution and a 2x2 max-pool, so the
            stride between windows is ``2 ** len(filters)`` px.
        head_units: Width of the window's dense layer (a convolution as large as the window's
            feature map).
        dropout: Dropout before the outputs, in training.
        box_weight: Weight of the box-regression loss against the presence loss.
        positive_weight: Weight of present windows in the presence loss (they are ~2% of windows).
        learning_rate: Adam learning rate (cosine decay over the run).
        formats: Plate formats trained on.
        tile: (height, width) px of the training tiles.
        seed: Training seed.
    """

    window: tuple[int, int] = (32, 64)
    filters: tuple[int, ...] = (16, 32, 64)
    head_units: int = 96
    dropout: float = 0.1
    box_weight: float = 5.0
    positive_weight: float = 4.0
    learning_rate: float = 2e-3
    formats: tuple[str, ...] = ("ar_mercosur", "ar_old", "br_mercosur", "br_old", "eu", "us")
    tile: tuple[int, int] = (96, 160)
    seed: int = 0

    @property
    def stride(self) -> int:
        """Pixels between neighbouring windows."""
        return 2 ** len(self.filters)


def build_detector(config: DetectorConfig = DetectorConfig()) -> keras.Model:
    """The fully-convolutional presence network.

    Input: (batch, height, width, 3) float32 RGB in [0, 1], any height >= window height and width >=
    window width. Output: (batch, rows, cols, 5) float32, one vector per window at (row * stride,
    col * stride): a presence logit, then the plate box relative to the window (x / window_w,
    y / window_h, w / window_w, h / window_h). On exactly one window, rows = cols = 1.
    """
    inputs = keras.Input((None, None, 3), name="image")
    x = inputs
    for i, filters in enumerate(config.filters):
        x = layers.Conv2D(filters, 3, activation="relu", name=f"conv{i + 1}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)
    probe = keras.Model(inputs, x)
    kernel = probe.compute_output_shape((1, *config.window, 3))[1:3]
    if min(kernel) < 1:
        raise ValueError(f"window {config.window} is too small for {len(config.filters)} stages")
    x = layers.Conv2D(config.head_units, kernel, activation="relu", name="window_dense")(x)
    x = layers.Dropout(config.dropout)(x)
    outputs = layers.Conv2D(5, 1, name="presence_and_box", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="plate_detector")


def detector_loss(config: DetectorConfig):
    """Loss over a grid of windows: y_true (batch, rows, cols, 5) as made by
    `lprlab.tiles.presence_grid` (label 1/0/-1, box); binary cross-entropy on presence (label -1
    left out, present windows weighted `positive_weight`) plus `box_weight` times the smooth-L1
    box error on present windows."""

    def loss(y_true, y_pred):
        y_pred = ops.cast(y_pred, "float32")
        label = y_true[..., 0]
        known = ops.cast(label >= 0, "float32")
        present = ops.cast(label > 0.5, "float32")
        bce = _bce_logits(present, y_pred[..., 0])
        weight = known * (1.0 + (config.positive_weight - 1.0) * present)
        presence = ops.sum(bce * weight) / ops.maximum(ops.sum(weight), 1.0)
        error = ops.abs(y_true[..., 1:] - y_pred[..., 1:])
        smooth = ops.where(error < 0.05, 0.5 * error ** 2 / 0.05, error - 0.025)
        box = ops.sum(ops.sum(smooth, axis=-1) * present) / ops.maximum(ops.sum(present), 1.0)
        return presence + config.box_weight * box

    return loss


def _bce_logits(labels, logits):
    """Element-wise binary cross-entropy of `logits` against 0/1 `labels` (numerically stable)."""
    return ops.maximum(logits, 0.0) - logits * labels + ops.log1p(ops.exp(-ops.abs(logits)))


@dataclasses.dataclass(frozen=True)
class Detection:
    """A detected plate: `box` (x, y, w, h) float pixels of the input image, `score` presence
    probability in [0, 1], `scale` the pyramid scale it was found at, `verification` the
    verifier's plate probability in [0, 1] (None when no verifier ran), `searched_box` the box
    the search gave when a box regressor fitted `box` to the plate (None when none did)."""

    box: tuple[float, float, float, float]
    score: float
    scale: float
    verification: float | None = None
    searched_box: tuple[float, float, float, float] | None = None


def pyramid_scales(image_size: tuple[int, int], window: tuple[int, int], base_scale: float = 1.0,
                   max_side: int = 4096, min_scale: float = 0.0) -> list[float]:
    """Scales of the image pyramid: ``base_scale / sqrt(2) ** k`` while the resized image still
    holds a window, starting no larger than what keeps the longest side <= `max_side` px.

    Args:
        image_size: (height, width) px.
        window: (height, width) px of the detector's window.
        base_scale: The first scale; above 1 enlarges the image to find plates smaller than the
            window's band (slower).
        max_side: Longest side, in pixels, of the largest level.
        min_scale: Stop before scales below this (skips plates larger than the image needs).

    Returns:
        Scales, largest first; empty when even the first level is smaller than the window.
    """
    height, width = image_size
    scale = min(base_scale, max_side / max(height, width))
    scales = []
    while round(height * scale) >= window[0] and round(width * scale) >= window[1] and scale >= min_scale:
        scales.append(scale)
        scale /= math.sqrt(2.0)
    return scales


def grid_to_boxes(grid: np.ndarray, level_size: tuple[int, int], image_size: tuple[int, int],
                  config: DetectorConfig, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Windows of one pyramid level above `threshold`, as boxes in pixels of the input image.

    Args:
        grid: (rows, cols, 5) raw network output for the level.
        level_size: (height, width) px of the resized level image.
        image_size: (height, width) px of the input image.
        config: The detector's config (window and stride).
        threshold: Presence probability a window must reach.

    Returns:
        ((n, 4) float32 boxes (x, y, w, h) px, (n,) float32 scores).
    """
    scores = 1.0 / (1.0 + np.exp(-grid[..., 0].astype(np.float64)))
    rows, cols = np.nonzero(scores >= threshold)
    wh, ww = config.window
    sy, sx = level_size[0] / image_size[0], level_size[1] / image_size[1]
    rel = grid[rows, cols, 1:]
    boxes = np.stack([(cols * config.stride + rel[:, 0] * ww) / sx, (rows * config.stride + rel[:, 1] * wh) / sy,
                      np.maximum(rel[:, 2], 0.0) * ww / sx, np.maximum(rel[:, 3], 0.0) * wh / sy], axis=1)
    return boxes.astype(np.float32).reshape(-1, 4), scores[rows, cols].astype(np.float32)


def pack_levels(sizes, stride: int) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Places pyramid levels on one canvas, shelf by shelf, so one pass searches them all.

    Args:
        sizes: (height, width) px of each level, largest first.
        stride: Pixels between windows; every offset is a multiple of it, so the windows of a
            level on the canvas are exactly those of the level alone (the network has only valid
            convolutions: a window's output depends on the pixels inside it and nothing else).

    Returns:
        ((y, x) px offset of each level, (height, width) px of the canvas), the canvas as wide as
        the widest level; windows that straddle two levels are simply not read.
    """
    def up(value):
        return -(-value // stride) * stride

    width = max((w for _, w in sizes), default=0)
    offsets, x, y, shelf = [], 0, 0, 0
    for h, w in sizes:
        if x and x + w > width:
            x, y, shelf = 0, y + up(shelf), 0
        offsets.append((y, x))
        x, shelf = x + up(w), max(shelf, h)
    return offsets, (y + shelf, width)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.3,
                        max_detections: int = 50) -> np.ndarray:
    """Indices of the boxes kept by `tf.image.non_max_suppression`, best first.

    Args:
        boxes: (n, 4) float32 (x, y, w, h) px.
        scores: (n,) float32.
        iou_threshold: Boxes overlapping a better one by more than this IoU are dropped.
        max_detections: At most this many are kept.
    """
    if len(boxes) == 0:
        return np.zeros((0,), np.int64)
    corners = np.stack([boxes[:, 1], boxes[:, 0], boxes[:, 1] + boxes[:, 3], boxes[:, 0] + boxes[:, 2]], axis=1)
    keep = tf.image.non_max_suppression(corners, scores, max_detections, iou_threshold=iou_threshold)
    return keep.numpy()


class Detector:
    """A loaded plate detector.

    Args:
        model: The Keras model of `build_detector`.
        config: Its `DetectorConfig`.
        info: The weights' JSON metadata.
        precision: ``float32``; ``bfloat16`` to run the search on a bfloat16 copy of the network
            (CPUs with AVX512-BF16 or AMX run its convolutions 1.3-1.5x faster; the output layer
            stays float32); ``auto``: bfloat16 where the CPU computes it natively
            (`native_bfloat16`), else float32. `precision` holds the one chosen.
        verifier: A `lprlab.models.verifier.Verifier`, the cascade's second stage, or None.
        searcher: A cheaper `Detector` with the same window and stride, or None: when given, it
            searches every level and this network scores only the windows it scores at least
            `search_threshold` (a cascade's first stage; see `candidates`).
        search_threshold: Presence probability in (0, 1) a window needs from the `searcher`.
        box_regressor: A `lprlab.models.box_regressor.BoxRegressor` that fits each kept box to its
            plate (`detect`'s `fit`), or None.

    Raises:
        ValueError: an unknown `precision`.
    """

    PRECISIONS = ("float32", "bfloat16", "auto")

    def __init__(self, model: keras.Model, config: DetectorConfig, info: dict | None = None,
                 precision: str = "float32", verifier=None, searcher=None, search_threshold: float = 0.05,
                 box_regressor=None):
        if precision not in self.PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; known: {', '.join(self.PRECISIONS)}")
        if precision == "auto":
            precision = "bfloat16" if native_bfloat16() else "float32"
        self.model, self.config, self.info, self.precision = model, config, info or {}, precision
        self.verifier, self.box_regressor = verifier, box_regressor
        if searcher is not None and (tuple(searcher.config.window) != tuple(config.window)
                                     or searcher.config.stride != config.stride):
            raise ValueError(f"searcher window {searcher.config.window} / stride {searcher.config.stride} differ from "
                             f"{config.window} / {config.stride}")
        if not 0.0 < search_threshold < 1.0:
            raise ValueError(f"search_threshold must be in (0, 1), got {search_threshold}")
        self.searcher, self.search_threshold = searcher, search_threshold
        net = model if precision == "float32" else _reduced_precision_copy(model, config, precision)
        # uint8 in: the conversion to [0, 1] runs in the graph, not in NumPy
        self._forward = tf.function(lambda x: net(tf.cast(x, tf.float32) / 255.0, training=False),
                                    reduce_retracing=True, input_signature=[tf.TensorSpec((None, None, None, 3), tf.uint8)])

    def presence_grid(self, image: np.ndarray) -> np.ndarray:
        """The raw output on one image level: (H, W, 3) uint8 RGB in, (rows, cols, 5) float32 out
        (presence logit and relative box per window; see `build_detector`)."""
        return self._forward(tf.convert_to_tensor(np.asarray(image, np.uint8)[None]))[0].numpy()

    def candidates(self, image: np.ndarray, threshold: float = 0.5, base_scale: float = 1.0,
                   max_side: int = 4096, pad: float = 0.0,
                   pack: bool = True, offsets: tuple[int, ...] = (0,)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every window above `threshold` on every pyramid level, before NMS.

        `pad` widens every level by that share of the window on each side (edge pixels repeated)
        before the search, so a plate that touches the image's border (a close-up gate camera)
        still fits inside a window, and the pyramid goes on down to levels (1 - `pad`) of a window
        in size (at most half), so a plate that fills the frame is found too; boxes may then reach
        past the image (`detect` clips them).

        The first level runs alone; all the smaller ones are packed into one canvas
        (`pack_levels`) and run in a single pass, which gives exactly the windows each would give
        alone (valid convolutions, offsets on the stride) for one call's overhead instead of ten;
        `pack` False runs every level alone (the same windows, slower).
        `offsets`: the levels are searched once per offset, moved that many pixels down and right
        (edge pixels repeated), so (0, stride // 2) adds windows at half the stride along the
        diagonal: presence is sensitive to where a plate falls on the stride grid (a clear real
        plate scored 0.02 at one alignment, 0.42 two pixels away). Offsets other than 0 skip the
        first level, which costs as much as all the others together: shifting it too read no more
        of the real dev plates end to end (155 of 225 both ways, README, end-to-end results).
        Every level is resized from the image itself (`lprlab.tiles.resize_level`, as the
        training tiles are), two levels at a time on threads: halving the level two above instead
        is faster but moves boxes, the search being sensitive to where a plate falls on the stride
        grid.

        Returns:
            ((n, 4) float32 boxes (x, y, w, h) px of `image`, (n,) float32 scores, (n,) float32 scales).

        Raises:
            ValueError: `image` is not (H, W, 3) uint8 with H, W >= 1.
        """
        image = _check_image(image)
        height, width = image.shape[:2]
        pad_y, pad_x = round(pad * self.config.window[0]), round(pad * self.config.window[1])
        # With padding the pyramid goes on while a level holds (1 - pad) of a window: a plate
        # filling the frame is searched at a level where it is window-sized.
        smallest = (max(1, round(self.config.window[0] * (1 - min(pad, 0.5)))),
                    max(1, round(self.config.window[1] * (1 - min(pad, 0.5)))))
        scales = pyramid_scales((height, width), smallest, base_scale, max_side)
        levels = list(_resize_pool().map(functools.partial(resize_level, image), scales))
        sizes = [level.shape[:2] for level in levels]
        boxes, scores, level_scales = [np.zeros((0, 4), np.float32)], [np.zeros(0, np.float32)], [np.zeros(0, np.float32)]
        for offset in offsets:
            first = 0 if offset == 0 else 1  # the first level, as costly as all others, at offset 0 only
            top, left = pad_y + offset, pad_x + offset
            padded = [cv2.copyMakeBorder(level, top, pad_y, left, pad_x, cv2.BORDER_REPLICATE)
                      if top or left or pad_y or pad_x else level for level in levels[first:]]
            if self.searcher is None:
                grids = self.level_grids(padded, pack)
            else:
                grids = self._cascade_grids(padded, pack)
            for scale, size, grid in zip(scales[first:], sizes[first:], grids):
                level_boxes, level_scores = grid_to_boxes(grid, size, (height, width), self.config, threshold)
                level_boxes[:, 0] -= left * width / size[1]
                level_boxes[:, 1] -= top * height / size[0]
                boxes.append(level_boxes)
                scores.append(level_scores)
                level_scales.append(np.full(len(level_scores), scale, np.float32))
        return np.concatenate(boxes), np.concatenate(scores), np.concatenate(level_scales)

    def level_grids(self, padded: list, pack: bool = True) -> list[np.ndarray]:
        """The raw (rows, cols, 5) output on each of the (already padded) pyramid `levels`: the
        first alone, the others packed onto one canvas (`pack_levels`) unless `pack` is False."""
        grids = [self.presence_grid(padded[0])] if padded else []
        if not pack:
            grids += [self.presence_grid(level) for level in padded[1:]]
        elif len(padded) > 1:
            offsets, canvas_size = pack_levels([p.shape[:2] for p in padded[1:]], self.config.stride)
            canvas = np.zeros((*canvas_size, 3), np.uint8)
            for (y, x), level in zip(offsets, padded[1:]):
                canvas[y:y + level.shape[0], x:x + level.shape[1]] = level
            grid = self.presence_grid(canvas)
            for (y, x), level in zip(offsets, padded[1:]):
                rows, cols = self.grid_size(level.shape[:2])
                row, col = y // self.config.stride, x // self.config.stride
                grids.append(grid[row:row + rows, col:col + cols])
        return grids

    def _cascade_grids(self, padded: list, pack: bool) -> list[np.ndarray]:
        """Grids where only the windows the `searcher` scores >= `search_threshold` are scored by
        this network (on the same pixels, so with the same output as its full pass); the others
        get a logit of -30 (presence ~0)."""
        coarse = self.searcher.level_grids(padded, pack)
        (wh, ww), stride = self.config.window, self.config.stride
        logit = math.log(self.search_threshold / (1.0 - self.search_threshold))
        picked, patches = [], []
        for level, grid in zip(padded, coarse):
            rows, cols = np.nonzero(grid[..., 0] >= logit)
            picked.append((rows, cols))
            patches.extend(level[r * stride:r * stride + wh, c * stride:c * stride + ww] for r, c in zip(rows, cols))
        outputs = None
        if patches:
            # the last row and column of windows may lack the window's last pixels, which no output reads
            batch = np.zeros((len(patches), wh, ww, 3), np.uint8)
            for i, patch in enumerate(patches):
                batch[i, :patch.shape[0], :patch.shape[1]] = patch
            outputs = self._forward(tf.convert_to_tensor(batch))[:, 0, 0].numpy()
        grids, start = [], 0
        for grid, (rows, cols) in zip(coarse, picked):
            fine = np.full(grid.shape, -30.0, np.float32)
            fine[rows, cols] = outputs[start:start + len(rows)] if len(rows) else fine[rows, cols]
            start += len(rows)
            grids.append(fine)
        return grids

    def grid_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """(rows, cols) of windows the network gives on an image of `size` (height, width) px:
        each stage's valid 3x3 convolution and 2x2 pooling, then the window-sized convolution;
        0 where the image holds no window."""
        kernel = list(self.config.window)
        dims = list(size)
        for _ in self.config.filters:
            kernel = [(k - 2) // 2 for k in kernel]
            dims = [(d - 2) // 2 for d in dims]
        return tuple(max(0, d - k + 1) for d, k in zip(dims, kernel))

    def _refine(self, image, boxes, scores, verification, below: float, min_score: float):
        """Boxes the verifier doubts (below `verify_threshold`) but the presence network is sure of
        (score >= `min_score`) are moved to the best-verified of their `JITTERS` when that one
        passes: a box a little off the plate is rejected by a verifier that accepts the plate."""
        doubted = np.flatnonzero((verification < below) & (scores >= min_score))
        if not len(doubted):
            return boxes, verification
        candidates = np.concatenate([_jittered(boxes[i]) for i in doubted])
        tried = self.verifier.scores(image, candidates).reshape(len(doubted), len(JITTERS))
        boxes, verification = boxes.copy(), verification.copy()
        for row, i in enumerate(doubted):
            best = int(np.argmax(tried[row]))
            if tried[row, best] >= max(below, REFINE_THRESHOLD):
                boxes[i], verification[i] = candidates[row * len(JITTERS) + best], tried[row, best]
        return boxes, verification

    def detect(self, image: np.ndarray, threshold: float = 0.5, iou_threshold: float = 0.3,
               base_scale: float = 1.0, max_side: int = 4096, max_detections: int = 50,
               min_support: int = 1, verify_threshold: float = 0.5, max_verified: int = 64,
               pad: float = BORDER_PAD, refine: float = 0.0, refine_below: float | None = None,
               offsets: tuple[int, ...] = (0,), fit: int = 1, verify_fitted: bool = False,
               fitted_below: float | None = None, fit_first: bool | None = None) -> list[Detection]:
        """Finds the plates in a photo.

        Args:
            image: (H, W, 3) uint8 RGB, any size; an image smaller than the window gives [].
            threshold: Presence probability a window must reach.
            iou_threshold: NMS overlap above which the weaker of two boxes is dropped.
            base_scale: First pyramid scale. At 1.0 the smallest plate found is about 32 px wide
                (half the window); above 1 finds smaller ones (slower), below 1 skips them.
            max_side: Longest side of the largest pyramid level, px (bounds time and memory on
                very large images; their smallest plates are then missed).
            max_detections: At most this many boxes.
            min_support: Keep a box only when at least this many windows above `threshold`
                (itself included) agree on it with IoU >= 0.5, as OpenCV's ``groupRectangles``
                asks for neighbours: a real plate fires at several positions and scales, a stray
                texture at one.
            verify_threshold: With a verifier: windows are first merged with a loose NMS (IoU
                0.6), the `max_verified` best are verified, those below this plate probability
                dropped, and the rest merged by NMS at `iou_threshold` (verifying before the final
                NMS keeps a false box from suppressing the true plate it overlaps). 0 keeps all.
            max_verified: At most this many boxes are verified per image.
            pad: Share of the window added around every pyramid level (see `candidates`), so
                plates at the image's border are found; 0 searches the image as it is.
            refine: With a verifier, when > 0: a box the verifier doubts (below `refine_below`)
                whose presence score is at least `refine` is moved to the best-verified of 26
                boxes around it (`JITTERS`: shifted by 12% of its width, 20% of its height, scaled
                0.85-1.2) if that one reaches `REFINE_THRESHOLD`. The verifier accepts most real
                plates whose box is a little off only once the box fits. On the real dev photos
                0.5 raises recall from 82.0 / 94.0 / 85.1% (br / eu / us) to 96.7 / 96.0 / 89.5%
                and false boxes from 0.52 / 0.14 / 0.41 to 0.74 / 0.26 / 0.93 per photo (README,
                detector results); 0 (the default) turns it off.
            refine_below: The verifier probability under which `refine` searches a box
                (`verify_threshold` when None; a reader that keeps doubted boxes passes its own).
            offsets: Pixel offsets at which the levels are searched (`candidates`); (0, 4) adds
                windows at half the stride on every level but the first, for about 1.5 times the
                search time.
            fit: With a box regressor (`box_regressor`): each box that survives NMS is fitted to
                its plate this many times (`BoxRegressor.fit`'s iterations), then NMS runs again at
                `iou_threshold` (two boxes on parts of one plate become one box); 0 keeps the
                boxes of the search.
            verify_fitted: With a verifier and a box regressor: a box the verifier doubts gets a
                second look at its fitted box, which replaces it when it scores higher (the
                verifier learnt boxes around the plate, and rejects a real plate whose box is off).
                On the real dev photos recall at IoU >= 0.4 br / eu / us 82.0 / 96.0 / 85.1% ->
                93.4 / 98.0 / 89.5%, false boxes 0.49 / 0.08 / 0.36 -> 0.64 / 0.16 / 0.65 (README,
                "The box regressor"); off by default.
            fitted_below: The verifier probability under which a box gets that second look
                (`verify_threshold` when None; a reader that keeps doubted boxes passes its own).
            fit_first: With a verifier and a box regressor: the boxes are fitted (`fit` times)
                after the loose NMS, before the verifier sees them, so it judges every box
                fitted, as a verifier trained on fitted boxes expects (False: verified as
                searched, then fitted). None (the default): True when the verifier's metadata
                says it learnt fitted boxes (``"boxes": "fitted"``, the shipped one since 0.18.0).

        Returns:
            Detections, best score first; boxes in pixels of `image`.

        Raises:
            ValueError: `image` is not (H, W, 3) uint8 with H, W >= 1.
        """
        boxes, scores, scales = self.candidates(image, threshold, base_scale, max_side, pad, offsets=offsets)
        if min_support > 1 and len(boxes):
            from lprlab.metrics import iou_matrix  # noqa: PLC0415

            support = (iou_matrix(boxes, boxes) >= 0.5).sum(axis=1)
            keep = support >= min_support
            boxes, scores, scales = boxes[keep], scores[keep], scales[keep]
        verification = searched = None
        if self.verifier is not None and verify_threshold > 0 and len(boxes):
            keep = non_max_suppression(boxes, scores, max(0.6, iou_threshold), max_verified)
            boxes, scores, scales = boxes[keep], scores[keep], scales[keep]
            if fit_first is None:
                fit_first = getattr(self.verifier, "info", {}).get("boxes") == "fitted"
            if fit_first and fit > 0 and self.box_regressor is not None:
                fitted = self.box_regressor.fit(image, boxes, iterations=fit)
                usable = (fitted[:, 2] >= 2) & (fitted[:, 3] >= 2)  # a collapsed fit keeps the search's box
                boxes, searched = np.where(usable[:, None], fitted, boxes), boxes
            verification = self.verifier.scores(image, boxes)
            if refine > 0:
                below = verify_threshold if refine_below is None else refine_below
                boxes, verification = self._refine(image, boxes, scores, verification, below, refine)
            if verify_fitted and self.box_regressor is not None:
                doubted = np.flatnonzero(verification < (verify_threshold if fitted_below is None else fitted_below))
                if len(doubted):
                    fitted = self.box_regressor.fit(image, boxes[doubted])
                    second = self.verifier.scores(image, fitted)
                    better = (second > verification[doubted]) & (fitted[:, 2] >= 2) & (fitted[:, 3] >= 2)
                    boxes, verification = boxes.copy(), verification.copy()
                    boxes[doubted[better]], verification[doubted[better]] = fitted[better], second[better]
            keep = verification >= verify_threshold
            boxes, scores, scales, verification = boxes[keep], scores[keep], scales[keep], verification[keep]
            searched = None if searched is None else searched[keep]
        keep = non_max_suppression(boxes, scores, iou_threshold, max_detections)
        height, width = image.shape[:2]
        if fit > 0 and self.box_regressor is not None and len(keep) and searched is None:
            boxes, scores, scales = boxes[keep], scores[keep], scales[keep]
            verification = None if verification is None else verification[keep]
            fitted = self.box_regressor.fit(image, boxes, iterations=fit)
            usable = (fitted[:, 2] >= 2) & (fitted[:, 3] >= 2)  # a collapsed fit keeps the search's box
            boxes, searched = np.where(usable[:, None], fitted, boxes), boxes
            keep = non_max_suppression(boxes, scores, iou_threshold, max_detections)
        return [Detection(_clip_box(boxes[i], width, height), float(scores[i]), float(scales[i]),
                          None if verification is None else float(verification[i]),
                          None if searched is None else _clip_box(searched[i], width, height)) for i in keep]


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively: the ``avx512_bf16`` or ``amx_bf16`` flag in
    ``/proc/cpuinfo`` (False where that file is absent, as off Linux). Without them TensorFlow
    emulates bfloat16, slower than float32."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


REFINE_THRESHOLD = 0.9  # verifier probability a moved box must reach: of 26 tries one passes more easily
JITTERS = tuple((dx, dy, sw, sh) for dx in (-0.12, 0.0, 0.12) for dy in (-0.2, 0.0, 0.2)
                for sw, sh in ((1.0, 1.0), (0.9, 0.85), (1.1, 1.2)) if (dx, dy, sw, sh) != (0.0, 0.0, 1.0, 1.0))


def _jittered(box, jitters=JITTERS) -> np.ndarray:
    """(len(jitters), 4) boxes around `box` (x, y, w, h): centre moved by (dx, dy) of its size,
    size scaled by (sw, sh)."""
    x, y, w, h = (float(v) for v in box)
    cx, cy = x + w / 2, y + h / 2
    return np.array([(cx + dx * w - sw * w / 2, cy + dy * h - sh * h / 2, sw * w, sh * h)
                     for dx, dy, sw, sh in jitters], np.float32)


def _clip_box(box, width: int, height: int) -> tuple[float, float, float, float]:
    x0, y0 = max(0.0, float(box[0])), max(0.0, float(box[1]))
    x1, y1 = min(float(width), float(box[0] + box[2])), min(float(height), float(box[1] + box[3]))
    return (x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))


def _check_image(image) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"image must be (H, W, 3) RGB with H, W >= 1, got shape {image.shape}")
    if image.dtype != np.uint8:
        raise ValueError(f"image must be uint8 RGB in [0, 255], got dtype {image.dtype}")
    return image


def save_detector(model: keras.Model, config: DetectorConfig, path: str | os.PathLike,
                  metadata: dict | None = None) -> pathlib.Path:
    """Saves ``<path>.keras`` and ``<path>.json`` (config, date, `metadata`), atomically.

    Returns:
        The path of the ``.keras`` file.
    """
    return save_with_metadata(model, "detector", config, path, metadata)


def _reduced_precision_copy(model: keras.Model, config: DetectorConfig, dtype: str) -> keras.Model:
    """The detector rebuilt under the `dtype` compute policy with `model`'s weights (cast)."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(dtype)
    try:
        copy = build_detector(config)
    finally:
        keras.config.set_dtype_policy(previous)
    copy.set_weights(model.get_weights())
    return copy


def load_detector_weights(path: str | os.PathLike, precision: str = "float32") -> Detector:
    """Loads detector weights and checks them against their metadata; `precision` as `Detector`.

    Raises:
        FileNotFoundError: ``<path>.keras`` or ``<path>.json`` is missing.
        ValueError: the metadata does not describe a detector, or the model does not map one
            window of the metadata's size to one (1, 1, 5) output.
    """
    model, info, keras_path = load_with_metadata(path, "detector", "detector weights")
    config = config_from_dict(DetectorConfig, info["config"])
    try:
        out = tuple(model.compute_output_shape((1, *config.window, 3)))
    except Exception as error:  # noqa: BLE001 -- any failure here means the two disagree
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: {error}") from None
    if tuple(model.input_shape[1:]) != (None, None, 3) or out != (1, 1, 1, 5):
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: a {config.window} window "
                         f"gives {out}, expected (1, 1, 1, 5)")
    return Detector(model, config, info, precision)
