"""Batch-norm statistics re-estimated on unlabelled real crops (AdaBN: Li et al. 2016, "Revisiting
Batch Normalization For Practical Domain Adaptation"), measured by two-fold cross-validation on
the real dev crops: each half is read with statistics taken from the other half's images only (no
labels), so no crop is read with statistics it contributed to.

    .venv/bin/python benchmarks/adabn_probe.py [--weights A,B] [--blend 1,0.5] [--pool all|region]
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.images import resize_batch  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402


def _batch_norm_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]


def batch_norm_state(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """Copies of the (moving_mean, moving_variance) of each BatchNormalization layer, in order."""
    return [batch_norm_state_of(layer) for layer in _batch_norm_layers(model)]


def batch_norm_state_of(layer) -> tuple[np.ndarray, np.ndarray]:
    """(moving_mean, moving_variance) of one BatchNormalization layer, as NumPy arrays."""
    return keras.ops.convert_to_numpy(layer.moving_mean), keras.ops.convert_to_numpy(layer.moving_variance)


def restore_batch_norm(model, state) -> None:
    """Puts back statistics saved by `batch_norm_state`."""
    for layer, (mean, variance) in zip(_batch_norm_layers(model), state, strict=True):
        layer.moving_mean.assign(mean)
        layer.moving_variance.assign(variance)


def adapt_batch_norm(model, images, image_size, blend: float = 1.0, batch_size: int = 256) -> int:
    """Re-estimates every BatchNormalization layer's moving statistics on `images` (AdaBN).

    Layers are adapted in network order, each on the activations the already-adapted layers before
    it produce, so every layer's statistics are those it will normalise at inference.

    Args:
        model: A Keras functional model whose BatchNormalization layers normalise over the
            channels (the recogniser, the verifier).
        images: A sequence of (H, W, 3) uint8 RGB crops (resized to `image_size`), at least 2.
        image_size: (height, width) of the model's input in pixels.
        blend: Share of the new statistics, in (0, 1]: ``1`` replaces them (AdaBN), ``0.5``
            averages them with the trained ones.
        batch_size: Crops per forward pass.

    Returns:
        The number of layers adapted.

    Raises:
        ValueError: fewer than 2 images, or `blend` outside (0, 1].
    """

    if len(images) < 2:
        raise ValueError(f"adapt_batch_norm needs at least 2 images, got {len(images)}")
    if not 0.0 < blend <= 1.0:
        raise ValueError(f"blend must lie in (0, 1], got {blend}")
    batch = resize_batch(images, tuple(image_size))
    layers = _batch_norm_layers(model)
    for layer in layers:
        probe = keras.Model(model.inputs[0], layer.input)
        total, total_sq, count = 0.0, 0.0, 0
        for start in range(0, len(batch), batch_size):
            x = np.asarray(probe(batch[start:start + batch_size], training=False), np.float64)
            x = x.reshape(-1, x.shape[-1])
            total, total_sq, count = total + x.sum(0), total_sq + (x * x).sum(0), count + len(x)
        mean = total / count
        variance = np.maximum(total_sq / count - mean * mean, 0.0)
        old_mean, old_variance = batch_norm_state_of(layer)
        layer.moving_mean.assign((blend * mean + (1 - blend) * old_mean).astype(old_mean.dtype))
        layer.moving_variance.assign((blend * variance + (1 - blend) * old_variance).astype(old_variance.dtype))
    return len(layers)


parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin_both,weights/recognizer_latin_h64_both")
parser.add_argument("--blend", default="1,0.5", help="share of the real statistics (1: AdaBN)")
parser.add_argument("--pool", default="all,region", help="adapt on the other half of all sets, or of the same region's sets")
args = parser.parse_args()

recognizer = load_recognizer(args.weights)
members = getattr(recognizer, "members", [recognizer])
saved = [batch_norm_state(m.model) for m in members]
sets = evaluation.real_test_sets()


def score(subsets):
    """Correct readings with patterns per set name, over the given (set, indices) pairs."""
    out = {}
    for eval_set, idx in subsets:
        part = evaluation.EvalSet(eval_set.name, [eval_set.images[i] for i in idx], [eval_set.texts[i] for i in idx],
                                  [eval_set.groups[i] for i in idx], eval_set.region)
        table, _ = evaluation.evaluate(recognizer, part, patterns=True)
        out[eval_set.name] = round(table["all"]["plate"] * table["all"]["n"])
    return out


def halves(fold):
    return [(s, [i for i in range(len(s.images)) if i % 2 == fold]) for s in sets]


print(f"weights {args.weights}; two folds by crop index parity")
base = {}
for fold in (0, 1):
    for name, n in score(halves(fold)).items():
        base[name] = base.get(name, 0) + n
print(f"no adaptation: {sum(base.values())} of {sum(len(s.images) for s in sets)}  {base}", flush=True)
for pool in args.pool.split(","):
    for blend in (float(b) for b in args.blend.split(",")):
        total = {}
        for fold in (0, 1):
            held, other = halves(fold), halves(1 - fold)
            for eval_set, idx in held:
                sources = [(s, i) for s, i in other if pool == "all" or s.region == eval_set.region]
                images = [s.images[j] for s, i in sources for j in i]
                for member, state in zip(members, saved):
                    restore_batch_norm(member.model, state)
                    adapt_batch_norm(member.model, images, member.config.image_size, blend=blend)
                total.update({k: total.get(k, 0) + v for k, v in score([(eval_set, idx)]).items()})
        for member, state in zip(members, saved):
            restore_batch_norm(member.model, state)
        print(f"pool {pool}, blend {blend}: {sum(total.values())}  {total}", flush=True)
