"""tf.data pipelines: synthetic plate crops generated on the fly, or a dataset folder read from disk.

On the fly, batches are made by a pool of worker processes (the generator side imports no
TensorFlow, so workers start fast) and handed to tf.data in order; sample ``i`` comes from
``np.random.default_rng([seed, i])``, so the stream is the same whatever the number of workers.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import pathlib

import numpy as np
import tensorflow as tf

from lprlab.datasets import DatasetSpec, make_sample, read_labels
from lprlab.formats import resolve_formats


def make_plate_batch(spec: DatasetSpec, batch_index: int, batch_size: int) -> tuple[np.ndarray, list[str]]:
    """Batch `batch_index` of the endless stream `spec` (a ``plate`` spec; `count` is ignored).

    Returns:
        ((batch_size, height, width, 3) uint8 RGB, list of batch_size texts).
    """
    images, texts = [], []
    for index in range(batch_index * batch_size, (batch_index + 1) * batch_size):
        image, rows = make_sample(spec, index)
        images.append(image)
        texts.append(rows[0]["text"])
    return np.stack(images), texts


def _batch_job(args):
    return make_plate_batch(*args)


def make_synthetic_dataset(formats: tuple[str, ...] | str = "all", image_size: tuple[int, int] = (64, 128),
                           batch_size: int = 64, seed: int = 0, augment: str = "full", workers: int | None = None,
                           num_batches: int | None = None) -> tf.data.Dataset:
    """An on-the-fly stream of synthetic plate crops.

    Args:
        formats: Format names, a comma-separated string, or ``"all"``.
        image_size: (height, width) in pixels.
        batch_size: Samples per batch.
        seed: Stream seed.
        augment: Augmentation pipeline name (see `lprlab.augment.make_pipeline`).
        workers: Worker processes (default: CPU count); 0 generates in this process.
        num_batches: Stop after this many batches; endless when None.

    Returns:
        A dataset of ``(images, texts)``: (batch, height, width, 3) float32 in [0, 1] and (batch,)
        tf.string, prefetched.

    Raises:
        KeyError: unknown format or pipeline name.
    """
    names = tuple(f.name for f in resolve_formats(formats))
    spec = DatasetSpec("plate", names, 1, seed, tuple(image_size), augment=augment)
    workers = os.cpu_count() if workers is None else workers
    height, width = image_size

    def batches():
        indices = itertools.count() if num_batches is None else range(num_batches)
        jobs = ((spec, i, batch_size) for i in indices)
        if workers == 0:
            yield from map(_batch_job, jobs)
            return
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            yield from pool.imap(_batch_job, jobs, chunksize=1)

    signature = (tf.TensorSpec((batch_size, height, width, 3), tf.uint8), tf.TensorSpec((batch_size,), tf.string))
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    return dataset.map(lambda images, texts: (tf.cast(images, tf.float32) / 255.0, texts)).prefetch(tf.data.AUTOTUNE)


def make_folder_dataset(folder: str | os.PathLike, image_size: tuple[int, int] = (64, 128), batch_size: int = 64,
                        shuffle: bool = False, seed: int = 0) -> tf.data.Dataset:
    """Reads a dataset folder (images plus ``labels.csv``; one row per image is used).

    Args:
        folder: The folder, as written by `lprlab generate` or any folder with ``file,text`` rows.
        image_size: (height, width) images are resized to, in pixels.
        batch_size: Samples per batch (the last batch may be smaller).
        shuffle: Shuffle the files (seeded by `seed`).
        seed: Shuffle seed.

    Returns:
        A dataset of ``(images, texts)``: (batch, height, width, 3) float32 in [0, 1], (batch,) tf.string.

    Raises:
        FileNotFoundError: no labels.csv, or a listed image is missing.
    """
    folder = pathlib.Path(folder)
    rows = {row["file"]: row["text"] for row in read_labels(folder)}
    paths = [str(folder / name) for name in rows]
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise FileNotFoundError(f"{len(missing)} image(s) listed in labels.csv are missing, e.g. {missing[0]!r}")
    dataset = tf.data.Dataset.from_tensor_slices((paths, list(rows.values())))
    if shuffle:
        dataset = dataset.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)

    def load(path, text):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        image = tf.image.resize(tf.cast(image, tf.float32) / 255.0, image_size, antialias=True)
        return tf.clip_by_value(image, 0.0, 1.0), text

    return dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size).prefetch(tf.data.AUTOTUNE)
