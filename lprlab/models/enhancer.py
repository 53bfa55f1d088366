"""The plate enhancer: an SRGAN (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution
Using a Generative Adversarial Network") made small enough for a CPU and taught to keep characters.

- Generator: residual blocks at the low resolution (LR), then sub-pixel upsampling (a convolution
  and depth-to-space, Shi et al. 2016): by 2 per stage (``progressive``, as SRGAN), or in one step
  from the LR features (``direct``, as ESPCN and the light SR networks after it: IMDN, RFDN), which
  costs a fraction and leaves the budget to the LR body. Scale factor 2, 4 or 8. Its output
  is added to a bicubic upscale of the input, so it learns only what bicubic misses. No batch
  normalisation in the generator (as in EDSR, Lim et al. 2017), which also keeps it fully
  convolutional at any input size.
- Discriminator: strided convolutions with leaky ReLU, global pooling and one logit.
- Losses: pixel L1 + text-aware perceptual loss + adversarial. VGG weights cannot be downloaded
  here, so the perceptual loss uses our own frozen recogniser: the distance between its feature
  maps on SR and on HR, and the cross-entropy of its character predictions on SR against the true
  text (a text-aware loss, as in Nascimento et al. 2023 and LPSR-LACD 2024). Its gradients reach
  the generator (`tests/test_enhancer.py` checks it).
- Training: `SRGAN`, a `keras.Model` with a custom `train_step`: with ``adversarial=0`` it is the
  SRResNet pretraining on content losses only; then adversarial training from that generator.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib

import keras
import numpy as np
from keras import layers, ops

from lprlab.models.io import config_from_dict, load_with_metadata, save_with_metadata

SCALES = (2, 4, 8)
UPSAMPLERS = ("progressive", "direct")


@dataclasses.dataclass(frozen=True)
class EnhancerConfig:
    """Enhancer hyper-parameters; saved in the weights' JSON metadata.

    Attributes:
        scale: Scale factor, 2, 4 or 8 (HR size / LR size).
        lr_size: (height, width) in pixels of the LR crop the enhancer is trained on; the pipeline
            resizes small plate crops to it. The HR crop is `scale` times larger.
        filters: Feature maps of the residual blocks.
        blocks: Residual blocks (two 3x3 convolutions each) at the LR.
        upsample_filters: Feature maps after each x2 sub-pixel stage (one entry per stage; unused by
            the ``direct`` upsampler).
        upsampler: ``progressive`` (x2 sub-pixel stages with their own convolutions at the higher
            resolutions, SRGAN) or ``direct`` (one convolution at the LR to ``3 * scale**2`` maps and
            one depth-to-space by the scale factor, ESPCN; about half the time of the progressive
            one for 32 filters).
        learning_rate: Adam learning rate of the generator (the discriminator uses the same).
        pixel_weight, feature_weight, text_weight, adversarial_weight: Loss weights: L1 on pixels,
            squared distance of recogniser features, recogniser cross-entropy on the true text,
            adversarial (0 during pretraining).
        exact_share: Share of training pairs whose LR is exactly HR / scale; the others have a
            smaller plate, resized up to `lr_size` (see `lprlab.train_enhancer.make_lr`).
        recognizer: The recogniser weights the text-aware loss used.
        feature_layer: The recogniser layer whose features the perceptual loss compares (a mid-level
            ReLU: strokes and character parts, before the head).
        seed: Training seed.
    """

    scale: int = 4
    lr_size: tuple[int, int] = (16, 64)
    filters: int = 32
    blocks: int = 6
    upsample_filters: tuple[int, ...] = (32, 16)
    upsampler: str = "progressive"
    learning_rate: float = 5e-4
    pixel_weight: float = 1.0
    feature_weight: float = 0.05
    text_weight: float = 0.02
    adversarial_weight: float = 0.0
    exact_share: float = 0.5
    recognizer: str = "recognizer_latin"
    feature_layer: str = "rec_relu1_1"
    seed: int = 0

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, got {self.scale}")
        stages = int(np.log2(self.scale))
        if len(self.upsample_filters) != stages:
            raise ValueError(f"upsample_filters {self.upsample_filters} needs one entry per x2 stage "
                             f"({stages} for scale {self.scale})")
        if self.upsampler not in UPSAMPLERS:
            raise ValueError(f"upsampler must be one of {UPSAMPLERS}, got {self.upsampler!r}")
        if self.blocks < 0 or self.filters < 1:
            raise ValueError(f"blocks must be >= 0 and filters >= 1, got {self.blocks}, {self.filters}")

    @property
    def hr_size(self) -> tuple[int, int]:
        """(height, width) in pixels of the HR crop."""
        return self.lr_size[0] * self.scale, self.lr_size[1] * self.scale


def default_upsample_filters(scale: int, filters: int = 32) -> tuple[int, ...]:
    """Feature maps per x2 stage: `filters`, then halving (the finest stages are the costly ones)."""
    stages = int(np.log2(scale))
    return tuple(max(8, filters // 2 ** i) for i in range(stages))


@keras.saving.register_keras_serializable(package="lprlab")
class PixelShuffle(layers.Layer):
    """Depth-to-space (sub-pixel convolution, Shi et al. 2016): (batch, h, w, c * r * r) →
    (batch, h * r, w * r, c)."""

    def __init__(self, factor: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return ops.depth_to_space(x, self.factor)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        scale = lambda v: None if v is None else v * self.factor  # noqa: E731
        return batch, scale(height), scale(width), channels // self.factor ** 2

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def build_generator(config: EnhancerConfig) -> keras.Model:
    """The SR generator, fully convolutional.

    Input: (batch, h, w, 3) float32 RGB in [0, 1], any h, w >= 1 (trained on `config.lr_size`).
    Output: (batch, h * scale, w * scale, 3) float32, roughly in [0, 1] (clip it for display).
    """
    inputs = keras.Input((None, None, 3), name="lr_image")
    x = layers.Rescaling(2.0, offset=-1.0, name="enh_scale")(inputs)
    x = layers.Conv2D(config.filters, 3, padding="same", name="enh_head")(x)
    head = x = layers.PReLU(shared_axes=[1, 2], name="enh_head_prelu")(x)
    for block in range(config.blocks):
        y = layers.Conv2D(config.filters, 3, padding="same", name=f"enh_block{block}_conv0")(x)
        y = layers.PReLU(shared_axes=[1, 2], name=f"enh_block{block}_prelu")(y)
        y = layers.Conv2D(config.filters, 3, padding="same", name=f"enh_block{block}_conv1")(y)
        x = layers.Add(name=f"enh_block{block}_add")([x, y])
    x = layers.Conv2D(config.filters, 3, padding="same", name="enh_body_out")(x)
    x = layers.Add(name="enh_body_add")([head, x])
    if config.upsampler == "direct":
        residual = layers.Conv2D(3 * config.scale ** 2, 3, padding="same", kernel_initializer="zeros",
                                 name="enh_out")(x)  # starts as bicubic
        residual = PixelShuffle(config.scale, name="enh_out_shuffle")(residual)
    else:
        for stage, filters in enumerate(config.upsample_filters):
            x = layers.Conv2D(filters * 4, 3, padding="same", name=f"enh_up{stage}_conv")(x)
            x = PixelShuffle(2, name=f"enh_up{stage}_shuffle")(x)
            x = layers.PReLU(shared_axes=[1, 2], name=f"enh_up{stage}_prelu")(x)
        residual = layers.Conv2D(3, 3, padding="same", kernel_initializer="zeros", name="enh_out")(x)  # starts as bicubic
    bicubic = layers.UpSampling2D(config.scale, interpolation="bicubic", name="enh_bicubic")(inputs)
    outputs = layers.Add(name="enh_sr", dtype="float32")([bicubic, layers.Rescaling(0.5, name="enh_out_scale")(residual)])
    return keras.Model(inputs, outputs, name="enhancer")


def build_discriminator(config: EnhancerConfig) -> keras.Model:
    """The SRGAN discriminator (smaller than Ledig et al.'s, same shape of idea).

    Input: (batch, H, W, 3) float32 RGB in [0, 1] at the HR size. Output: (batch, 1) float32 logit,
    high for real HR.
    """
    inputs = keras.Input((*config.hr_size, 3), name="hr_image")
    x = layers.Rescaling(2.0, offset=-1.0, name="dis_scale")(inputs)
    for i, (filters, stride) in enumerate(((32, 1), (32, 2), (64, 1), (64, 2), (128, 1), (128, 2))):
        x = layers.Conv2D(filters, 3, strides=stride, padding="same", name=f"dis_conv{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"dis_lrelu{i}")(x)
    x = layers.GlobalAveragePooling2D(name="dis_pool")(x)
    x = layers.Dense(64, name="dis_dense")(x)
    x = layers.LeakyReLU(0.2, name="dis_dense_lrelu")(x)
    outputs = layers.Dense(1, dtype="float32", name="dis_logit")(x)
    return keras.Model(inputs, outputs, name="discriminator")


def recognizer_probe(recognizer: keras.Model, feature_layer: str = "rec_relu1_1") -> keras.Model:
    """The frozen recogniser as a two-output model for the text-aware loss.

    Input: (batch, rec_h, rec_w, 3) float32 in [0, 1]. Outputs: (features of `feature_layer`,
    slot probabilities (batch, max_chars, classes)).

    Raises:
        ValueError: `feature_layer` is not a layer of the recogniser.
    """
    names = [layer.name for layer in recognizer.layers]
    if feature_layer not in names:
        raise ValueError(f"recogniser has no layer {feature_layer!r}; its layers: {', '.join(names)}")
    probe = keras.Model(recognizer.inputs, [recognizer.get_layer(feature_layer).output, recognizer.output],
                        name="recognizer_probe")
    probe.trainable = False
    return probe


def psnr(hr, sr, max_val: float = 1.0):
    """Peak signal-to-noise ratio per image in dB, as `tf.image.psnr` computes it, in `keras.ops`
    (any backend).

    Args:
        hr, sr: (batch, H, W, C) float32 in [0, `max_val`].

    Returns:
        (batch,) float32 dB.
    """
    mse = ops.mean(ops.square(hr - sr), axis=(1, 2, 3))
    return 20.0 * np.log10(max_val) - 10.0 * ops.log(mse) / np.log(10.0)


class SRResNetTrainer(keras.Model):
    """The generator trained on content losses alone (the SRResNet phase, Ledig et al. 2017): pixel
    L1, recogniser features and recogniser cross-entropy on the true text. It uses Keras' own
    `train_step` with `compute_loss` overridden, so it trains on any Keras backend (TensorFlow on
    this machine; JAX on a GPU machine without TensorFlow; PyTorch untested).

    Data: ``(lr, (hr, labels))`` batches: lr (batch, *lr_size, 3) float32 in [0, 1], hr (batch,
    *hr_size, 3) float32 in [0, 1], labels (batch, max_chars) int32 slot labels of the true texts
    (see `lprlab.models.recognizer.encode_texts`).

    Args:
        generator: From `build_generator`.
        probe: From `recognizer_probe`, or None for pixel loss only.
        config: The `EnhancerConfig` whose loss weights apply.
    """

    TRACKED = ("loss", "pixel", "feature", "text", "psnr")

    def __init__(self, generator: keras.Model, probe: keras.Model | None, config: EnhancerConfig, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.probe, self.config = generator, probe, config
        self.rec_size = tuple(probe.input_shape[1:3]) if probe is not None else None
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.TRACKED}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, lr, training=False):
        return self.generator(lr, training=training)

    def content_losses(self, hr, sr, labels) -> dict:
        """Pixel, feature and text losses of SR against HR (scalars). Differentiable in `sr`."""
        losses = {"pixel": ops.mean(ops.abs(hr - sr))}
        if self.probe is None:
            zero = ops.zeros(())
            return {**losses, "feature": zero, "text": zero}
        features_sr, probabilities = self.probe(self._to_recognizer(sr), training=False)
        features_hr, _ = self.probe(self._to_recognizer(hr), training=False)
        losses["feature"] = ops.mean(ops.square(features_sr - ops.stop_gradient(features_hr)))
        losses["text"] = ops.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))
        return losses

    def content_loss(self, parts: dict):
        """The weighted sum of the content losses."""
        c = self.config
        return c.pixel_weight * parts["pixel"] + c.feature_weight * parts["feature"] + c.text_weight * parts["text"]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        hr, labels = y
        parts = self.content_losses(hr, y_pred, labels)
        loss = self.content_loss(parts)
        self._record(loss, parts, hr, y_pred)
        return loss

    def _to_recognizer(self, image):
        """Resizes to the recogniser's input as `lprlab.images.resize_batch` does (area), with a
        gradient: average pooling for an integer ratio, antialiased bilinear otherwise."""
        height, width = image.shape[1], image.shape[2]
        rec_h, rec_w = self.rec_size
        if height == rec_h and width == rec_w:
            return image
        if height % rec_h == 0 and width % rec_w == 0 and height // rec_h == width // rec_w:
            return ops.average_pool(image, height // rec_h, height // rec_h, padding="valid")
        return ops.image.resize(image, self.rec_size, interpolation="bilinear", antialias=True)

    def _record(self, loss, parts, hr, sr) -> dict:
        self.trackers["loss"].update_state(loss)
        for name, value in parts.items():
            if name in self.trackers:
                self.trackers[name].update_state(value)
        self.trackers["psnr"].update_state(ops.mean(psnr(hr, ops.clip(sr, 0.0, 1.0))))
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class SRGAN(SRResNetTrainer):
    """Generator and discriminator trained together (the adversarial phase, Ledig et al. 2017) with
    a custom `train_step`: content losses plus the adversarial loss for the generator, binary
    cross-entropy on real HR and SR for the discriminator. Validation scores the content loss.
    The `train_step` uses `tf.GradientTape`: this phase needs the TensorFlow backend.

    Data: as `SRResNetTrainer`.

    Args:
        generator, discriminator: From `build_generator`, `build_discriminator`.
        probe: From `recognizer_probe`, or None for pixel loss only.
        config: The `EnhancerConfig` whose loss weights apply.

    Raises:
        RuntimeError: the Keras backend is not TensorFlow.
    """

    TRACKED = ("loss", "pixel", "feature", "text", "adversarial", "discriminator", "psnr")

    def __init__(self, generator: keras.Model, discriminator: keras.Model, probe: keras.Model | None,
                 config: EnhancerConfig, **kwargs):
        if keras.backend.backend() != "tensorflow":
            raise RuntimeError(f"the adversarial phase needs the TensorFlow backend, not {keras.backend.backend()!r}; "
                               "train the SRResNet phase alone (adversarial weight 0) on other backends")
        super().__init__(generator, probe, config, **kwargs)
        self.discriminator = discriminator

    def compile(self, generator_optimizer=None, discriminator_optimizer=None):
        super().compile()
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(self.config.learning_rate, 0.9)
        self.discriminator_optimizer = discriminator_optimizer or keras.optimizers.Adam(self.config.learning_rate, 0.9)

    def train_step(self, data):
        import tensorflow as tf  # noqa: PLC0415 (this phase is TensorFlow-only)

        lr, (hr, labels) = data
        c = self.config
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            sr = self.generator(lr, training=True)
            parts = self.content_losses(hr, sr, labels)
            fake = self.discriminator(sr, training=True)
            real = self.discriminator(hr, training=True)
            bce = lambda target, logits: ops.mean(keras.losses.binary_crossentropy(  # noqa: E731
                target, logits, from_logits=True))
            parts["adversarial"] = bce(ops.ones_like(fake), fake)
            parts["discriminator"] = bce(ops.ones_like(real), real) + bce(ops.zeros_like(fake), fake)
            loss = self.content_loss(parts) + c.adversarial_weight * parts["adversarial"]
        weights = self.generator.trainable_weights
        self.generator_optimizer.apply_gradients(zip(generator_tape.gradient(loss, weights), weights))
        weights = self.discriminator.trainable_weights
        self.discriminator_optimizer.apply_gradients(
            zip(discriminator_tape.gradient(parts["discriminator"], weights), weights))
        return self._record(loss, parts, hr, sr)


def save_enhancer(generator: keras.Model, config: EnhancerConfig, path: str | os.PathLike,
                  metadata: dict | None = None) -> pathlib.Path:
    """Saves the generator as ``<path>.keras`` and ``<path>.json``, atomically. Returns the .keras path."""
    return save_with_metadata(generator, "enhancer", config, path, metadata)


def load_enhancer(path: str | os.PathLike) -> tuple[keras.Model, EnhancerConfig, dict]:
    """Loads generator weights with their metadata and checks they agree.

    Returns:
        (generator, config, metadata).

    Raises:
        FileNotFoundError: either file is missing.
        ValueError: the metadata does not describe an enhancer, or the generator's scale factor
            disagrees with the metadata's.
    """
    model, info, keras_path = load_with_metadata(path, "enhancer", "enhancer weights")
    config = config_from_dict(EnhancerConfig, info["config"])
    probe = np.zeros((1, *config.lr_size, 3), np.float32)
    out_shape = tuple(model.predict_on_batch(probe).shape)
    if out_shape != (1, *config.hr_size, 3):
        raise ValueError(f"weights {str(keras_path)!r} do not fit their metadata: the generator maps "
                         f"{probe.shape[1:3]} to {out_shape[1:3]}, metadata says scale {config.scale}")
    return model, config, info
