"""The plate recogniser: a CNN with one softmax per character slot (after Goodfellow et al. 2013,
"Multi-digit Number Recognition from Street View Imagery using Deep Convolutional Neural Networks").

A plate of up to `max_chars` characters is read as `max_chars` slots, each a softmax over the
alphabet plus a pad symbol; the text is left-aligned and padded. Two-row plates are read by the
same net (slots follow the reading order), so the output never depends on the layout. With
``alignment="both"`` (0.25.0) the net also reads the text right-aligned in `max_chars` more slots,
and `decode` takes the text both readings agree on best (after the bidirectional decoders of
ASTER, Shi et al. 2018): a left-aligned reading that loses count of the characters drops or
doubles one and shifts the rest, which a right-aligned reading counts from the other end.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import pathlib

import keras
import numpy as np
from keras import layers, ops

from lprlab.models.io import config_from_dict, load_with_metadata, save_with_metadata

LATIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAD = "_"
CONTEXTS = ("gru", "conv", "attention", "none")
ALIGNMENTS = ("left", "both")


@dataclasses.dataclass(frozen=True)
class RecognizerConfig:
    """Recogniser hyper-parameters; saved in the weights' JSON metadata.

    Attributes:
        image_size: (height, width) of the input crop in pixels.
        alphabet: The characters read; the pad symbol is extra.
        max_chars: Number of character slots.
        stem_filters: Filters of the stem, a 5x5 convolution with stride 2.
        filters: Filters per stage; each stage is `convs[i]` 3x3 convolutions and a 2x2 max-pool.
        convs: Convolutions per stage.
        dense_units: Width of the shared dense layer (dense head), or of the column features and slot
            queries (attention head).
        dropout: Dropout rate before the slot softmaxes.
        slot_attention: Read each slot with a learned query attending over the plate's columns
            (parallel attention decoding, as in ViTSTR/PARSeq) instead of one dense layer over the
            flattened features (Goodfellow et al. 2013). Both end in one softmax per slot.
        context: With `slot_attention`, what the columns learn of each other before the slots
            attend: ``"gru"`` a bidirectional GRU over the columns (as in CRNN, Shi et al. 2017),
            added to them, so a column knows how many characters lie left of it (without it, slot
            queries pick characters by position alone and double or skip some on spaced plates);
            ``"conv"`` three residual 1-D convolutions over the columns, a quarter as wide (kernel 3, dilations 1, 2, 4:
            each column sees 15 columns, all of a 16-column plate, in three parallel ops instead of
            the GRU's 32 sequential steps); ``"attention"`` one transformer encoder layer over the
            columns (Vaswani et al. 2017); ``"none"`` no context (weights saved before 0.5.0).
        learning_rate: Adam learning rate.
        formats: Plate formats the model is trained on.
        seed: Training seed.
        free_text: Share of training plates with free texts (see `lprlab.render.random_plate`).
        loose_crops: Share of training crops cut loosely, as the detector cuts real plates (see
            `lprlab.crops.make_plate_crop`).
        head_rows: With `slot_attention`, the rows of the last feature map the head reads: the last
            stage's max-pool shrinks the height to this many rows. 0 halves it, as in weights saved without this field
            (2 rows at a 32-px input). A taller input with ``head_rows=2`` has the same weight
            shapes as a 32-px model, so `grow_recognizer` can start it from one.
        alignment: ``"left"``: `max_chars` slots, the text left-aligned (weights saved before
            0.25.0). ``"both"``: `max_chars` more slots read the text right-aligned (padded on the
            left); the output has `slots` = 2 * `max_chars` slots, left-aligned ones first, and
            `decode` reads both together. `add_right_slots` starts such a net from a left one.
        grey: Read the crop's luminance only (ITU-R BT.601 weights, `GreyLevels`), the same on all
            three input channels: a member blind to colour, for an ensemble of networks that err
            differently (0.33.0). `make_grey` starts one from colour weights.
    """

    image_size: tuple[int, int] = (32, 128)
    alphabet: str = LATIN_ALPHABET
    max_chars: int = 8
    stem_filters: int = 16
    filters: tuple[int, ...] = (32, 64, 128)
    convs: tuple[int, ...] = (1, 2, 2)
    dense_units: int = 256
    dropout: float = 0.1
    slot_attention: bool = True
    context: str = "gru"
    learning_rate: float = 1e-3
    formats: tuple[str, ...] = ("ar_mercosur", "ar_old", "br_mercosur", "br_old", "eu", "us")
    seed: int = 0
    free_text: float = 0.0
    loose_crops: float = 0.0
    head_rows: int = 0
    alignment: str = "left"
    grey: bool = False

    def __post_init__(self):
        if len(set(self.alphabet)) != len(self.alphabet):
            raise ValueError(f"alphabet has repeated characters: {self.alphabet!r}")
        if PAD in self.alphabet:
            raise ValueError(f"alphabet must not contain the pad symbol {PAD!r}")
        factor = 2 ** (len(self.filters) + 1)
        if self.image_size[0] % factor or self.image_size[1] % factor:
            raise ValueError(f"image_size {self.image_size} not divisible by 2**{len(self.filters) + 1}")
        if len(self.convs) != len(self.filters):
            raise ValueError(f"convs {self.convs} must have one entry per stage of filters {self.filters}")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, got {self.max_chars}")
        rows = self.image_size[0] // 2 ** len(self.filters)
        if self.head_rows < 0 or (self.head_rows and (not self.slot_attention or rows % self.head_rows)):
            raise ValueError(f"head_rows {self.head_rows} must divide the {rows} rows before the last pool of a "
                             f"slot-attention model of input height {self.image_size[0]} (or be 0)")
        if self.context not in CONTEXTS:
            raise ValueError(f"context must be one of {CONTEXTS}, got {self.context!r}")
        if self.alignment not in ALIGNMENTS:
            raise ValueError(f"alignment must be one of {ALIGNMENTS}, got {self.alignment!r}")

    @property
    def slots(self) -> int:
        """Output slots: `max_chars`, twice that with ``alignment="both"``."""
        return self.max_chars * (2 if self.alignment == "both" else 1)

    @property
    def num_classes(self) -> int:
        """Classes per slot: the alphabet plus the pad symbol (the last class)."""
        return len(self.alphabet) + 1


@keras.saving.register_keras_serializable(package="lprlab")
class SlotQueries(layers.Layer):
    """Learned slot queries plus learned column positions for the attention head.

    Call: column features (batch, columns, units) float32 → (queries (batch, slots, units),
    columns with their position embedding added (batch, columns, units)). No training-only
    behaviour.

    Args:
        slots: Number of character slots.
        columns: Number of feature columns (the width of the last feature map).
        units: Feature width.
    """

    def __init__(self, slots: int, columns: int, units: int, **kwargs):
        super().__init__(**kwargs)
        self.slots, self.columns, self.units = slots, columns, units

    def build(self, input_shape):
        self.queries = self.add_weight(name="queries", shape=(self.slots, self.units), initializer="random_normal")
        self.positions = self.add_weight(name="positions", shape=(self.columns, self.units),
                                         initializer="random_normal")

    def call(self, columns):
        batch = ops.shape(columns)[0]
        queries = ops.broadcast_to(ops.expand_dims(self.queries, 0), (batch, self.slots, self.units))
        return queries, columns + ops.cast(self.positions, columns.dtype)

    def get_config(self):
        return {**super().get_config(), "slots": self.slots, "columns": self.columns, "units": self.units}


@keras.saving.register_keras_serializable(package="lprlab")
class GreyLevels(layers.Layer):
    """RGB to grey levels, kept on three channels: (batch, H, W, 3) float in [0, 1] → the same
    shape, each channel 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601 luma). No weights."""

    def call(self, images):
        luma = ops.sum(images * ops.convert_to_tensor([0.299, 0.587, 0.114], images.dtype), axis=-1, keepdims=True)
        return ops.concatenate([luma, luma, luma], axis=-1)


@keras.saving.register_keras_serializable(package="lprlab")
class ColumnPositions(layers.Layer):
    """Adds a learned position embedding to the columns (for the ``"attention"`` context).

    Call: (batch, columns, units) float → the same shape and dtype. No training-only behaviour.
    """

    def __init__(self, columns: int, units: int, **kwargs):
        super().__init__(**kwargs)
        self.columns, self.units = columns, units

    def build(self, input_shape):
        self.positions = self.add_weight(name="positions", shape=(self.columns, self.units),
                                         initializer="random_normal")

    def call(self, columns):
        return columns + ops.cast(self.positions, columns.dtype)

    def get_config(self):
        return {**super().get_config(), "columns": self.columns, "units": self.units}


def build_recognizer(config: RecognizerConfig) -> keras.Model:
    """The recogniser network.

    Input: (batch, height, width, 3) float32 RGB in [0, 1] (with `grey`, turned to grey levels
    first). Output: (batch, slots, num_classes)
    float32 softmax probabilities, one distribution per slot (the pad class last); `slots` is
    `max_chars`, or twice that with ``alignment="both"`` (left-aligned slots first).
    With `slot_attention` the last stage pools only the height, so the head sees width/8 columns.
    """
    inputs = keras.Input((*config.image_size, 3), name="rec_image")
    x = GreyLevels(name="rec_grey")(inputs) if config.grey else inputs
    x = layers.Rescaling(2.0, offset=-1.0, name="rec_scale")(x)
    x = layers.Conv2D(config.stem_filters, 5, strides=2, padding="same", use_bias=False, name="rec_stem")(x)
    x = layers.BatchNormalization(name="rec_stem_bn")(x)
    x = layers.ReLU(name="rec_stem_relu")(x)
    last = len(config.filters) - 1
    for stage, (filters, convs) in enumerate(zip(config.filters, config.convs)):
        for conv in range(convs):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"rec_conv{stage}_{conv}")(x)
            x = layers.BatchNormalization(name=f"rec_bn{stage}_{conv}")(x)
            x = layers.ReLU(name=f"rec_relu{stage}_{conv}")(x)
        pool = 2
        if config.slot_attention and stage == last:
            pool = (x.shape[1] // config.head_rows if config.head_rows else 2, 1)
        x = layers.MaxPooling2D(pool, name=f"rec_pool{stage}")(x)
    x = _attention_head(x, config) if config.slot_attention else _dense_head(x, config)
    outputs = layers.Softmax(axis=-1, dtype="float32", name="rec_softmax")(x)
    return keras.Model(inputs, outputs, name="recognizer")


def grow_recognizer(model: keras.Model, config: RecognizerConfig,
                    image_size: tuple[int, int]) -> tuple[keras.Model, RecognizerConfig]:
    """A slot-attention recogniser for a taller input, starting from `model`'s weights.

    The new network pools its last stage down to the rows `model`'s head reads (`head_rows`), so
    every weight keeps its shape and is copied; the convolutions then see the plate at a finer
    scale and need training (``lprlab train recognizer --init W --size H,W``).

    Args:
        model: A recogniser built from `config`.
        image_size: (height, width) of the new input in pixels; the width must equal the old
            width (the slot queries' column positions depend on it), the height a multiple of 16.

    Returns:
        (the new model, its config: `config` with `image_size` and `head_rows` set).

    Raises:
        ValueError: `config` has no slot attention, the width differs, or the height does not pool
            down to the old head's rows.
    """
    image_size = tuple(int(v) for v in image_size)
    if not config.slot_attention:
        raise ValueError("grow_recognizer needs a slot-attention recogniser (the dense head's weights "
                         "depend on the input size)")
    if image_size[1] != config.image_size[1]:
        raise ValueError(f"image_size {image_size}: the width must stay {config.image_size[1]} px (the slot "
                         "queries' column positions depend on it)")
    rows = config.head_rows or config.image_size[0] // 2 ** (len(config.filters) + 1)
    new_config = dataclasses.replace(config, image_size=image_size, head_rows=rows)
    grown = build_recognizer(new_config)
    for layer in model.layers:
        weights = layer.get_weights()
        if weights:
            grown.get_layer(layer.name).set_weights(weights)
    return grown, new_config


def _dense_head(x, config: RecognizerConfig):
    x = layers.Flatten(name="rec_flatten")(x)
    x = layers.Dense(config.dense_units, activation="relu", name="rec_dense")(x)
    x = layers.Dropout(config.dropout, name="rec_dropout")(x)
    x = layers.Dense(config.slots * config.num_classes, name="rec_slots")(x)
    return layers.Reshape((config.slots, config.num_classes), name="rec_reshape")(x)


def _attention_head(x, config: RecognizerConfig):
    _, height, columns, channels = x.shape
    x = layers.Permute((2, 1, 3), name="rec_columns_first")(x)
    x = layers.Reshape((columns, height * channels), name="rec_columns")(x)
    x = layers.Dense(config.dense_units, activation="relu", name="rec_column_dense")(x)
    if config.context == "gru":
        context = layers.Bidirectional(layers.GRU(config.dense_units // 4, return_sequences=True),
                                       name="rec_context")(x)
        context = layers.Dense(config.dense_units, name="rec_context_dense")(context)
        x = layers.Add(name="rec_context_add")([x, context])
    elif config.context == "conv":
        context = layers.Dense(config.dense_units // 4, activation="relu", name="rec_context_in")(x)
        for i, dilation in enumerate((1, 2, 4)):
            step = layers.Conv1D(config.dense_units // 4, 3, padding="same", dilation_rate=dilation,
                                 activation="relu", name=f"rec_context{i}")(context)
            context = layers.Add(name=f"rec_context_add{i}")([context, step])
        context = layers.Dense(config.dense_units, name="rec_context_dense")(context)
        x = layers.Add(name="rec_context_add")([x, context])
    elif config.context == "attention":
        x = ColumnPositions(columns, config.dense_units, name="rec_column_positions")(x)
        attended = layers.MultiHeadAttention(4, config.dense_units // 4, name="rec_context")(x, x)
        x = layers.LayerNormalization(name="rec_context_norm")(x + attended)
        hidden = layers.Dense(config.dense_units, activation="relu", name="rec_context_ffn")(x)
        x = layers.LayerNormalization(name="rec_context_norm2")(x + hidden)
    queries, keys = SlotQueries(config.slots, columns, config.dense_units, name="rec_slot_queries")(x)
    attended = layers.MultiHeadAttention(4, config.dense_units // 4, name="rec_attention")(queries, keys)
    x = layers.LayerNormalization(name="rec_norm")(queries + attended)
    x = layers.Dense(config.dense_units, activation="relu", name="rec_slot_dense")(x)
    x = layers.Dropout(config.dropout, name="rec_dropout")(x)
    return layers.Dense(config.num_classes, name="rec_slots")(x)


def encode_texts(texts, config: RecognizerConfig) -> np.ndarray:
    """Texts to slot labels: (batch, slots) int32, left-aligned, padded with the pad class; with
    ``alignment="both"`` followed by the same text right-aligned (padded on the left).

    Raises:
        ValueError: a text is longer than `max_chars` or has a character outside the alphabet.
    """
    index = {c: i for i, c in enumerate(config.alphabet)}
    labels = np.full((len(texts), config.max_chars), len(config.alphabet), np.int32)
    for row, text in enumerate(texts):
        if len(text) > config.max_chars:
            raise ValueError(f"text {text!r} has {len(text)} characters; the model reads at most {config.max_chars}")
        outside = sorted(set(text) - set(index))
        if outside:
            raise ValueError(f"characters {''.join(outside)!r} of {text!r} are outside the alphabet "
                             f"{config.alphabet!r}")
        labels[row, :len(text)] = [index[c] for c in text]
    if config.alignment == "both":
        right = np.full_like(labels, len(config.alphabet))
        for row, text in enumerate(texts):
            if text:
                right[row, config.max_chars - len(text):] = [index[c] for c in text]
        labels = np.concatenate([labels, right], axis=1)
    return labels


@dataclasses.dataclass(frozen=True)
class Reading:
    """One plate read: `text`, per-character confidences (one per character of `text`), the plate
    confidence (product of every slot's top probability, pads included) and the top-N alternatives
    as (text, probability) pairs."""

    text: str
    char_confidences: tuple[float, ...]
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()


def decode(probabilities: np.ndarray, config: RecognizerConfig, top_n: int = 1,
           alignment: str | None = None) -> list[Reading]:
    """Slot probabilities (batch, slots, num_classes) to `Reading`s.

    Left-aligned slots: the text is the non-pad argmax characters in slot order, the plate
    confidence the product of every slot's top probability (pads included); alternatives come
    from a beam over slots (width `top_n`), with pads removed and equal texts merged.

    With 2 * `max_chars` slots (``alignment="both"``, left-aligned slots first), the two readings
    are decoded together (`_decode_both`): for every text length L, character i is scored by both
    its left-aligned slot i and its right-aligned slot max_chars - L + i, the other slots by
    their pad probability, and the length and text with the highest geometric mean of the two
    readings' probabilities win (a product of experts, Hinton 2002, over ASTER's two directions).

    Args:
        probabilities: (batch, max_chars or 2 * max_chars, num_classes) float softmax outputs.
        config: The recogniser's config (alphabet, max_chars).
        top_n: Alternatives kept per reading.
        alignment: None: as the shape says. ``"left"`` or ``"right"``: decode only that half of
            a two-alignment output (the right one as right-aligned text), for comparisons.

    Raises:
        ValueError: the slots fit neither `max_chars` nor 2 * `max_chars`, or `alignment` is
            unknown or asks for the right half of a left-aligned output.
    """
    probabilities = np.asarray(probabilities, np.float64)
    slots, width = probabilities.shape[1], config.max_chars
    if slots not in (width, 2 * width):
        raise ValueError(f"probabilities have {slots} slots; a recogniser of max_chars {width} gives {width} "
                         f"or {2 * width}")
    if alignment not in (None, "left", "right", "both"):
        raise ValueError(f"alignment must be None, 'left', 'right' or 'both', got {alignment!r}")
    if alignment in ("right", "both") and slots != 2 * width:
        raise ValueError(f"alignment {alignment!r} needs a two-alignment output of {2 * width} slots, got {slots}")
    if alignment == "right":
        probabilities = probabilities[:, width:][:, ::-1]  # right-aligned, read from its end
    elif alignment == "left" or slots == width:
        probabilities = probabilities[:, :width]
    else:
        return [_decode_both(slots_, config, top_n) for slots_ in probabilities]
    pad = len(config.alphabet)
    readings = []
    for slots_ in probabilities:
        best = slots_.argmax(axis=1)
        top = slots_.max(axis=1)
        if alignment == "right":
            best, top = best[::-1], top[::-1]
        text = "".join(config.alphabet[c] for c in best if c != pad)
        chars = tuple(float(p) for c, p in zip(best, top) if c != pad)
        if top_n > 1 and alignment != "right":
            alternatives = _beam(slots_, config, top_n)
        else:
            alternatives = ((text, float(np.prod(top))),)
        readings.append(Reading(text, chars, float(np.prod(top)), alternatives))
    return readings


def _decode_both(slots: np.ndarray, config: RecognizerConfig, top_n: int) -> Reading:
    """One reading from (2 * max_chars, num_classes) left- then right-aligned slot probabilities
    (see `decode`)."""
    width, pad = config.max_chars, len(config.alphabet)
    logs = np.log(np.clip(slots, 1e-12, 1.0))
    left, right = logs[:width], logs[width:]
    candidates = []
    for length in range(width + 1):
        pads = left[length:, pad].sum() + right[:width - length, pad].sum()
        joint = left[:length, :pad] + right[width - length:, :pad]  # (length, alphabet)
        candidates.append((0.5 * (pads + joint.max(axis=1).sum()), length, joint, pads))
    score, length, joint, pads = max(candidates, key=lambda c: c[0])
    best = joint.argmax(axis=1)
    text = "".join(config.alphabet[c] for c in best)
    # per character: the two slots' geometric mean, normalised over every class
    both = 0.5 * (left[:length] + right[width - length:])
    both = np.exp(both - both.max(axis=1, keepdims=True))
    chars = tuple(float(p) for p in (both / both.sum(axis=1, keepdims=True))[np.arange(length), best])
    alternatives = ((text, float(np.exp(score))),)
    if top_n > 1:
        found: dict[str, float] = {}
        for _, size, scores, pad_score in candidates:
            beams = [("", 0.0)]
            for row in scores:
                top = np.argsort(row)[::-1][:top_n]
                beams = sorted(((seq + config.alphabet[c], s + row[c]) for seq, s in beams for c in top),
                               key=lambda b: -b[1])[:top_n]
            for seq, s in beams:
                found[seq] = max(found.get(seq, 0.0), float(np.exp(0.5 * (pad_score + s))))
        alternatives = tuple(sorted(found.items(), key=lambda kv: -kv[1])[:top_n])
    return Reading(text, chars, float(np.exp(score)), alternatives)


def combine_slot_probabilities(outputs, max_chars: int) -> np.ndarray:
    """The mean of several recognisers' slot probabilities (an `Ensemble`'s): the left-aligned
    slots averaged over every member, the right-aligned ones over the members that have them
    (``alignment="both"``), appended when any does.

    Args:
        outputs: (batch, max_chars or 2 * max_chars, num_classes) float arrays, one per member.

    Returns:
        (batch, max_chars or 2 * max_chars, num_classes) float array.
    """
    left = np.mean([o[:, :max_chars] for o in outputs], axis=0)
    right = [o[:, max_chars:] for o in outputs if o.shape[1] == 2 * max_chars]
    return np.concatenate([left, np.mean(right, axis=0)], axis=1) if right else left


def add_right_slots(model: keras.Model, config: RecognizerConfig) -> tuple[keras.Model, RecognizerConfig]:
    """A two-alignment recogniser (``alignment="both"``) started from a left-aligned
    slot-attention one: every weight is copied, and the right-aligned slots' queries start as the
    left ones (training then teaches them to count from the text's end).

    Returns:
        (the new model, its config).

    Raises:
        ValueError: `config` has no slot attention or already reads both alignments.
    """
    if not config.slot_attention:
        raise ValueError("add_right_slots needs a slot-attention recogniser (the dense head's slots are one layer)")
    if config.alignment != "left":
        raise ValueError(f"the recogniser already reads alignment {config.alignment!r}")
    new_config = dataclasses.replace(config, alignment="both")
    grown = build_recognizer(new_config)
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        if layer.name == "rec_slot_queries":
            queries, positions = weights
            weights = [np.concatenate([queries, queries]), positions]
        grown.get_layer(layer.name).set_weights(weights)
    return grown, new_config


def make_grey(model: keras.Model, config: RecognizerConfig) -> tuple[keras.Model, RecognizerConfig]:
    """A colour-blind recogniser (``grey=True``) started from `model`: every weight is copied; the
    network then sees each crop's grey levels on its three channels (``lprlab train recognizer
    --init W --grey`` teaches it to read them).

    Returns:
        (the new model, its config).

    Raises:
        ValueError: `config` is already grey.
    """
    if config.grey:
        raise ValueError("the recogniser already reads grey levels")
    new_config = dataclasses.replace(config, grey=True)
    grey = build_recognizer(new_config)
    for layer in model.layers:
        weights = layer.get_weights()
        if weights:
            grey.get_layer(layer.name).set_weights(weights)
    return grey, new_config


def _beam(slots: np.ndarray, config: RecognizerConfig, width: int) -> tuple[tuple[str, float], ...]:
    """Top-`width` slot sequences by probability, as merged texts."""
    beams = [("", 1.0)]
    for probs in slots:
        candidates = np.argsort(probs)[::-1][:width]
        beams = sorted(((seq + (config.alphabet[c] if c < len(config.alphabet) else ""), p * probs[c])
                        for seq, p in beams for c in candidates), key=lambda b: -b[1])[:width]
    merged: dict[str, float] = {}
    for text, p in beams:
        merged[text] = merged.get(text, 0.0) + float(p)
    return tuple(sorted(merged.items(), key=lambda kv: -kv[1]))


def save_recognizer(model: keras.Model, config: RecognizerConfig, path: str | os.PathLike,
                    metadata: dict | None = None) -> pathlib.Path:
    """Saves ``<path>.keras`` and ``<path>.json`` (config, date, and `metadata`), atomically.

    Returns:
        The path of the ``.keras`` file.
    """
    return save_with_metadata(model, "recognizer", config, path, metadata)


def load_config(info: dict) -> RecognizerConfig:
    """A `RecognizerConfig` from its saved dict (JSON lists back to tuples); metadata saved before
    the `context` option describes a model without one."""
    return config_from_dict(RecognizerConfig, {"context": "none", **info})


def load_recognizer(path: str | os.PathLike) -> tuple[keras.Model, RecognizerConfig, dict]:
    """Loads ``<path>.keras`` with its ``<path>.json`` metadata and checks they agree.

    Returns:
        (model, config, metadata).

    Raises:
        FileNotFoundError: either file is missing.
        ValueError: the metadata does not describe a recogniser, or the model's input or output
            shape disagrees with the metadata's image size, max_chars or alphabet.
    """
    model, info, keras_path = load_with_metadata(path, "recognizer", "recogniser weights")
    config = load_config(info["config"])
    expected_in = (None, *config.image_size, 3)
    expected_out = (None, config.slots, config.num_classes)
    if tuple(model.input_shape) != expected_in or tuple(model.output_shape) != expected_out:
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: model maps {model.input_shape} "
                         f"to {model.output_shape}, metadata says {expected_in} to {expected_out}")
    return model, config, info
