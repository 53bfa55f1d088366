"""Reading plate crops with trained recogniser weights: `load_recognizer()`, `Recognizer`,
`Ensemble` (several recognisers whose slot probabilities are averaged) and `ViewAverage` (each
crop read in several cuts, their slot probabilities averaged: test-time augmentation)."""
from __future__ import annotations

import os
import pathlib

import numpy as np

from lprlab.images import read_image, resize_batch
from lprlab.models.recognizer import Reading, combine_slot_probabilities, decode, load_recognizer as _load

WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"
#: The shipped Latin reader (0.25.0; both networks continued in 0.27.0): two two-alignment
#: recognisers (32x128 and 64x128, left- and right-aligned slots decoded together), averaged
#: (`Ensemble`). On the 599 real dev crops the pair of 0.27.0 reads 513, its 32x128 member alone
#: 481 and 0.15 (``weights/recognizer_latin``) 447 (README, "Recogniser results").
DEFAULT_WEIGHTS = (WEIGHTS_DIR / "recognizer_latin_both", WEIGHTS_DIR / "recognizer_latin_h64_both")
#: What `lprlab video` reads with by default (since 0.28.0): the pair's 32x128 member alone. A video
#: reads every frame and votes each track's text over its frames, which does for a clip what
#: averaging two networks does for one photo; the pair reads the same 16 of the 17 dev clips at 9
#: frames/s instead of 13 at 640x480. Until 0.27.0 it was 0.15 (``weights/recognizer_latin``): the
#: same 16 clips at the same speed, but 34 fewer of the 599 real crops (README, "End-to-end results").
VIDEO_WEIGHTS = WEIGHTS_DIR / "recognizer_latin_both"


class Recognizer:
    """A loaded recogniser.

    Args:
        model: The Keras model (see `lprlab.models.recognizer.build_recognizer`).
        config: Its `RecognizerConfig`.
        info: The weights' JSON metadata.
        precision: ``float32``, or ``bfloat16`` to read with a copy of the network under Keras's
            ``mixed_bfloat16`` policy (weights kept in float32, computation in bfloat16; the
            softmaxes stay float32). On CPUs with AVX512-BF16 or AMX it reads about 1.4x more
            plates per second; on the real dev crops it gave the same top-1 as float32.

    Raises:
        ValueError: an unknown `precision`.
    """

    PRECISIONS = ("float32", "bfloat16")
    #: How a two-alignment network's slots are decoded (`decode`'s `alignment`): None reads both
    #: together; ``"left"`` or ``"right"`` one of them (for comparisons).
    alignment: str | None = None

    def __init__(self, model, config, info: dict, precision: str = "float32"):
        if precision not in self.PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; known: {', '.join(self.PRECISIONS)}")
        self.model, self.config, self.info, self.precision = model, config, info, precision
        self._net = model if precision == "float32" else _bfloat16_copy(model, config)
        import tensorflow as tf  # noqa: PLC0415

        # One traced graph for every batch size: a single plate costs a graph call, not the
        # per-call set-up of `predict_on_batch`.
        self._forward = tf.function(lambda x: self._net(x, training=False), reduce_retracing=True,
                                    input_signature=[tf.TensorSpec((None, *config.image_size, 3), tf.float32)])

    def read(self, images, batch_size: int = 256, top_n: int = 1) -> list[Reading]:
        """Reads plate crops.

        Args:
            images: A sequence of (H, W, 3) uint8 RGB crops of any size (resized to the input).
            batch_size: Crops per forward pass.
            top_n: Alternatives kept per reading.

        Returns:
            One `Reading` per image, in order.

        Raises:
            ValueError: an image is not (H, W, 3) with H, W >= 2.
        """
        readings = []
        for start in range(0, len(images), batch_size):
            readings.extend(decode(self.probabilities(images[start:start + batch_size], batch_size), self.config,
                                   top_n, self.alignment))
        return readings

    def probabilities(self, images, batch_size: int = 256) -> np.ndarray:
        """The network's slot probabilities for plate crops, before decoding.

        Args:
            images: A sequence of (H, W, 3) uint8 RGB crops of any size (resized to the input), or
                an (n, H, W, 3) uint8 array.
            batch_size: Crops per forward pass.

        Returns:
            (n, slots, num_classes) float32, each slot's distribution summing to 1 (`slots` is
            max_chars, or twice that for a two-alignment network; the pad class last).

        Raises:
            ValueError: an image is not (H, W, 3) with H, W >= 2.
        """
        out = [self._forward(resize_batch(images[start:start + batch_size], self.config.image_size)).numpy()
               for start in range(0, len(images), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.config.slots, self.config.num_classes), np.float32)

    def read_files(self, paths, top_n: int = 1) -> list[Reading]:
        """Reads image files (PNG/JPEG plate crops). Raises FileNotFoundError or ValueError naming a
        missing, empty or undecodable file."""
        return self.read([read_image(p) for p in paths], top_n=top_n)


def _bfloat16_copy(model, config):
    """The recogniser rebuilt under the ``mixed_bfloat16`` policy with `model`'s weights."""
    import keras  # noqa: PLC0415

    from lprlab.models.recognizer import build_recognizer  # noqa: PLC0415

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        copy = build_recognizer(config)
    finally:
        keras.config.set_dtype_policy(previous)
    copy.set_weights(model.get_weights())
    return copy


class Ensemble:
    """Several recognisers read as one: their slot probabilities (batch, max_chars, classes) are
    averaged before decoding (right-aligned slots over the members that read them too,
    `combine_slot_probabilities`) (an ensemble of independently trained networks; Dietterich,
    "Ensemble methods in machine learning", MCS 2000). Members trained on different generator
    versions make different mistakes on real plates: recogniser 0.8 with the one trained on
    generator 0.9.2 read 14 more of the 599 real dev crops than 0.8 alone, but its softer
    probabilities fall under the reader's confidence thresholds more often, and end to end it read
    7 fewer of the 225 photos' plates. The shipped reader (`DEFAULT_WEIGHTS`) is an ensemble of
    0.15 and its 64x128 growth, which see the crops at two resolutions (README, "Recogniser
    results").

    Args:
        members: `Recognizer`s with the same alphabet and max_chars; their input sizes may differ
            (each reads the crops resized to its own input, e.g. a 32x128 and a 64x128 model).

    Raises:
        ValueError: no members, or members that do not read the same way.
    """

    def __init__(self, members):
        self.members = list(members)
        if not self.members:
            raise ValueError("an ensemble needs at least one recogniser")
        first = self.members[0].config
        for member in self.members[1:]:
            c = member.config
            if (c.alphabet, c.max_chars) != (first.alphabet, first.max_chars):
                raise ValueError("ensemble members must share alphabet and max_chars; got "
                                 f"{first.alphabet!r}/{first.max_chars} and {c.alphabet!r}/{c.max_chars}")
        self.config, self.info = first, {"ensemble": [m.info for m in self.members]}
        self.precision = self.members[0].precision
        self.alignment: str | None = None  # as `Recognizer.alignment`

    def _forward(self, batch) -> np.ndarray:
        """Mean slot probabilities of the members for a batch resized to the first member's input
        ((batch, height, width, 3) float32 in [0, 1]); members with another input size get it
        resized again (area-averaged or bilinear; `read` resizes the original crops instead)."""
        import tensorflow as tf  # noqa: PLC0415

        outputs = []
        for member in self.members:
            size = tuple(member.config.image_size)
            resized = batch if size == tuple(self.config.image_size) else tf.image.resize(batch, size, antialias=True)
            outputs.append(member._forward(resized).numpy())
        return combine_slot_probabilities(outputs, self.config.max_chars)

    def read(self, images, batch_size: int = 256, top_n: int = 1) -> list[Reading]:
        """As `Recognizer.read`, from the members' mean slot probabilities; each member reads the
        crops resized to its own input."""
        readings = []
        for start in range(0, len(images), batch_size):
            readings.extend(decode(self.probabilities(images[start:start + batch_size], batch_size), self.config,
                                   top_n, self.alignment))
        return readings

    def probabilities(self, images, batch_size: int = 256) -> np.ndarray:
        """The members' mean slot probabilities (`combine_slot_probabilities`) for plate crops, each
        member reading them resized to its own input: (n, slots, num_classes) float32, as
        `Recognizer.probabilities` (two-alignment slots when any member has them)."""
        out = []
        for start in range(0, len(images), batch_size):
            chunk, batches, outputs = images[start:start + batch_size], {}, []
            for member in self.members:
                size = tuple(member.config.image_size)
                if size not in batches:
                    batches[size] = resize_batch(chunk, size)
                outputs.append(member._forward(batches[size]).numpy())
            out.append(combine_slot_probabilities(outputs, self.config.max_chars).astype(np.float32))
        if out:
            return np.concatenate(out)
        slots = max(m.config.slots for m in self.members)
        return np.zeros((0, slots, self.config.num_classes), np.float32)

    def read_files(self, paths, top_n: int = 1) -> list[Reading]:
        """As `Recognizer.read_files`."""
        return self.read([read_image(p) for p in paths], top_n=top_n)


#: The cuts `ViewAverage` reads each crop in by default (0.33.0): (left, top, right, bottom) shares
#: of the crop's width and height cut from each side, negative ones padded by repeating the edge.
#: The crop as given, 4-8% wider or 3-6% narrower, 8-16% taller or 5-10% shorter.
TTA_VIEWS = ((0.0, 0.0, 0.0, 0.0), (-0.04, 0.0, -0.04, 0.0), (0.03, 0.0, 0.03, 0.0), (0.0, -0.08, 0.0, -0.08),
             (0.0, 0.05, 0.0, 0.05), (-0.08, 0.0, -0.08, 0.0), (0.06, 0.0, 0.06, 0.0), (0.0, -0.16, 0.0, -0.16),
             (0.0, 0.1, 0.0, 0.1))


def cut_view(image: np.ndarray, view) -> np.ndarray:
    """`image` (H, W, 3) uint8 cut by `view` = (left, top, right, bottom) shares of its width and
    height per side; a negative share pads that side by repeating the edge pixels (OpenCV
    ``BORDER_REPLICATE``). Returns an (H', W', 3) uint8 array, at least 2x2.

    Raises:
        ValueError: a share of 0.5 or more (nothing would be left) or a malformed view.
    """
    import cv2  # noqa: PLC0415

    if len(view) != 4 or any(v >= 0.5 for v in view):
        raise ValueError(f"view must be (left, top, right, bottom) shares below 0.5, got {view}")
    left, top, right, bottom = view
    h, w = image.shape[:2]
    pads = [max(0, -round(v * s)) for v, s in ((top, h), (bottom, h), (left, w), (right, w))]
    if any(pads):
        image = cv2.copyMakeBorder(image, *pads, cv2.BORDER_REPLICATE)
    y0, y1 = pads[0] + round(top * h), image.shape[0] - pads[1] - round(bottom * h)  # pads cancel negative shares
    x0, x1 = pads[2] + round(left * w), image.shape[1] - pads[3] - round(right * w)
    if y1 - y0 < 2 or x1 - x0 < 2:
        return image
    return image[y0:y1, x0:x1]


class ViewAverage:
    """A recogniser (or `Ensemble`) that reads each crop in several cuts (`views`, see
    `cut_view`) and averages their slot probabilities before decoding: test-time augmentation
    (Krizhevsky et al. 2012 averaged ten crops of each test image). A crop cut a little too
    loose or too tight by a detector or an annotator is then read as much from the cuts that
    fit the plate. Reading costs `len(views)` times the wrapped reader's.

    On the 599 real dev crops the shipped pair with the nine `TTA_VIEWS` reads 537 against 525
    (README, "Recogniser results").

    Args:
        recognizer: A `Recognizer` or `Ensemble`.
        views: (left, top, right, bottom) share tuples; the first is usually the crop as given.

    Raises:
        ValueError: no views, or a malformed one.
    """

    def __init__(self, recognizer, views=TTA_VIEWS):
        self.recognizer, self.views = recognizer, tuple(tuple(float(v) for v in view) for view in views)
        if not self.views:
            raise ValueError("ViewAverage needs at least one view")
        for view in self.views:
            if len(view) != 4 or any(v >= 0.5 for v in view):
                raise ValueError(f"view must be (left, top, right, bottom) shares below 0.5, got {view}")
        self.config, self.info = recognizer.config, {"views": self.views, "reader": recognizer.info}
        self.precision = getattr(recognizer, "precision", "float32")
        self.alignment: str | None = None  # as `Recognizer.alignment`

    def read(self, images, batch_size: int = 256, top_n: int = 1) -> list[Reading]:
        """As `Recognizer.read`, from the views' mean slot probabilities."""
        readings = []
        for start in range(0, len(images), batch_size):
            readings.extend(decode(self.probabilities(images[start:start + batch_size], batch_size), self.config,
                                   top_n, self.alignment))
        return readings

    def probabilities(self, images, batch_size: int = 256) -> np.ndarray:
        """The mean over `views` of the wrapped reader's slot probabilities: (n, slots,
        num_classes) float32, as `Recognizer.probabilities`.

        Raises:
            ValueError: an image is not (H, W, 3) with H, W >= 2.
        """
        for i, image in enumerate(images):
            if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 2 or image.shape[1] < 2:
                raise ValueError(f"image {i} must be (H, W, 3) with H, W >= 2, got {image.shape}")
        total = None
        for view in self.views:
            cut = [image if not any(view) else cut_view(image, view) for image in images]
            p = self.recognizer.probabilities(cut, batch_size).astype(np.float64)
            total = p if total is None else total + p
        return (total / len(self.views)).astype(np.float32)

    def read_files(self, paths, top_n: int = 1) -> list[Reading]:
        """As `Recognizer.read_files`."""
        return self.read([read_image(p) for p in paths], top_n=top_n)

    def _forward(self, batch) -> np.ndarray:
        """Slot probabilities for a batch of already-sized crops ((batch, height, width, 3) float32
        in [0, 1], as `Ensemble._forward`): each crop back to uint8, cut and read in every view."""
        images = np.clip(np.rint(np.asarray(batch) * 255.0), 0, 255).astype(np.uint8)
        return self.probabilities(list(images), len(images))


def load_recognizer(path=None, precision: str = "float32") -> Recognizer | Ensemble:
    """Loads recogniser weights (``<path>.keras`` + ``<path>.json``); by default the shipped Latin
    reader, an `Ensemble` of `DEFAULT_WEIGHTS` (pass ``"weights/recognizer_latin_both"`` for its
    faster 32x128 member alone, `VIDEO_WEIGHTS`); `precision` as `Recognizer`. A sequence of paths, or one string of
    comma-separated paths (``lprlab read|alpr --weights A,B``), loads an `Ensemble`.

    Raises:
        FileNotFoundError: the weights are missing.
        ValueError: the weights disagree with their metadata, members that do not fit together,
            or an unknown precision.
    """
    if path is None:
        path = DEFAULT_WEIGHTS
    if isinstance(path, str) and "," in path:
        path = [p.strip() for p in path.split(",") if p.strip()]
    if isinstance(path, (list, tuple)):
        return Ensemble([Recognizer(*_load(p), precision=precision) for p in path])
    return Recognizer(*_load(path), precision=precision)
