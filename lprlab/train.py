"""What all training shares (callbacks, checkpoints and resume, strategy, mixed precision) and the
recogniser's training.

A run folder holds ``config.json``, ``last.keras`` (every epoch), ``best.keras``, ``backup/``
(`keras.callbacks.BackupAndRestore`: a killed run resumes at its last epoch), ``log.csv`` and
``tensorboard/``.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib

import contextlib
import importlib.util

import keras
import numpy as np

from lprlab.datasets import DatasetSpec, generate_dataset, read_labels
from lprlab.images import read_image
from lprlab.models.recognizer import RecognizerConfig, build_recognizer, encode_texts, save_recognizer

log = logging.getLogger(__name__)


def make_strategy():
    """Where the model is built and compiled: with the TensorFlow backend, `MirroredStrategy` (several
    GPUs) or the default strategy, with mixed precision (``mixed_float16``) when GPUs are present. With
    another Keras backend (``KERAS_BACKEND=jax``, for a GPU machine without TensorFlow; ``torch`` untested) an
    object whose ``scope()`` does nothing: training runs on the backend's default device in float32,
    so that the saved weights carry no mixed-precision policy."""
    if keras.backend.backend() != "tensorflow":
        class _Plain:
            scope = staticmethod(contextlib.nullcontext)

        return _Plain()
    import tensorflow as tf  # noqa: PLC0415

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return tf.distribute.get_strategy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()


def training_callbacks(run_dir: pathlib.Path, monitor: str = "val_loss") -> list[keras.callbacks.Callback]:
    """Checkpoint every epoch (last and best), BackupAndRestore for resuming, CSV and TensorBoard logs
    (TensorBoard only where TensorFlow is installed: Keras writes its logs with ``tf.summary``)."""
    callbacks = [
        keras.callbacks.BackupAndRestore(str(run_dir / "backup")),
        keras.callbacks.ModelCheckpoint(str(run_dir / "last.keras")),
        keras.callbacks.ModelCheckpoint(str(run_dir / "best.keras"), monitor=monitor, save_best_only=True),
        keras.callbacks.CSVLogger(str(run_dir / "log.csv"), append=True),
    ]
    if importlib.util.find_spec("tensorflow") is not None:
        callbacks.append(keras.callbacks.TensorBoard(str(run_dir / "tensorboard"), write_graph=False))
    else:
        log.info("TensorFlow is not installed: no TensorBoard logs (log.csv has the same figures)")
    return callbacks


class ArrayBatches(keras.utils.PyDataset):
    """Batches ``(images / 255, labels)`` of in-memory arrays for Keras backends other than TensorFlow.

    Args:
        images: (n, height, width, 3) uint8.
        labels: (n, ...) int32 slot labels.
        batch_size: Samples per batch (the last one may be smaller).
        shuffle: Visit the samples in a new order every epoch, drawn from `seed` and the epoch number.
        seed: Shuffle seed.

    Data: ``(x, y)`` with x (batch, height, width, 3) float32 in [0, 1].
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool, seed: int, **kwargs):
        super().__init__(**kwargs)
        self.images, self.labels, self.batch_size, self.shuffle, self.seed = images, labels, batch_size, shuffle, seed
        self.epoch = 0
        self.order = self._order()

    def _order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(len(self.images))
        return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.images))

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index: int):
        rows = np.sort(self.order[index * self.batch_size:(index + 1) * self.batch_size])
        return self.images[rows].astype(np.float32) / 255.0, self.labels[rows]

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = self._order()


def load_plate_folder(folder: str | os.PathLike, config: RecognizerConfig) -> tuple[np.ndarray, list[str]]:
    """All images of a plate folder (``labels.csv`` with ``file,text``), resized to the model's input.

    Returns:
        ((n, height, width, 3) uint8 RGB, n texts).

    Raises:
        FileNotFoundError, ValueError: from `read_labels` and `lprlab.images.read_image`.
    """
    import cv2  # noqa: PLC0415

    rows = read_labels(folder)
    height, width = config.image_size
    images = np.empty((len(rows), height, width, 3), np.uint8)
    for i, row in enumerate(rows):
        image = read_image(pathlib.Path(folder) / row["file"])
        images[i] = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return images, [row["text"] for row in rows]


def make_synthetic_set(config: RecognizerConfig, count: int, seed: int, folder: str | os.PathLike,
                       augment: str = "full", workers: int | None = None) -> tuple[np.ndarray, list[str]]:
    """Generates (or completes) a synthetic crop set for `config` in `folder` and loads it."""
    spec = DatasetSpec("plate", tuple(config.formats), count, seed, tuple(config.image_size), augment=augment,
                       free_text=config.free_text, loose_crops=config.loose_crops)
    generate_dataset(folder, spec, workers=workers or os.cpu_count() or 1)
    return load_plate_folder(folder, config)


def _dataset(images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool, seed: int):
    """`tf.data` (shuffled, batched, scaled to [0, 1], prefetched) with the TensorFlow backend;
    `ArrayBatches` with the others."""
    if keras.backend.backend() != "tensorflow":
        return ArrayBatches(images, labels, batch_size, shuffle, seed, workers=4, max_queue_size=16)
    import tensorflow as tf  # noqa: PLC0415

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(min(len(images), 50_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size).map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y),
                                            num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


@keras.saving.register_keras_serializable(package="lprlab")
class DistillationLoss(keras.losses.Loss):
    """Knowledge distillation's loss for a recogniser's slots (Hinton, Vinyals & Dean, "Distilling the
    knowledge in a neural network", 2015): per slot, ``(1 - weight) * CE(true class, p)
    + weight * T^2 * CE(q_T, p_T)``, where p is the student's distribution, ``p_T = softmax(log p / T)``
    and q_T the teacher's distribution at the same temperature T (`teacher_targets`). The T^2 keeps
    the soft term's gradients on the scale of the hard one's.

    Args:
        classes: Classes per slot (`RecognizerConfig.num_classes`).
        weight: Share of the soft (teacher) term, in [0, 1].
        temperature: T >= 1; higher spreads the teacher's probability over its runner-up characters.

    y_true: (batch, slots, 2 * classes) float32: the one-hot true classes, then q_T.
    y_pred: (batch, slots, classes) float32 softmax probabilities.

    Raises:
        ValueError: `weight` outside [0, 1] or `temperature` < 1.
    """

    def __init__(self, classes: int, weight: float = 0.5, temperature: float = 2.0, **kwargs):
        kwargs.setdefault("name", "distillation")
        super().__init__(**kwargs)
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"distillation weight must be in [0, 1], got {weight!r}")
        if temperature < 1.0:
            raise ValueError(f"distillation temperature must be >= 1, got {temperature!r}")
        self.classes, self.weight, self.temperature = int(classes), float(weight), float(temperature)

    def call(self, y_true, y_pred):
        ops = keras.ops
        hard, soft = y_true[..., :self.classes], y_true[..., self.classes:]
        log_p = ops.log(ops.clip(ops.cast(y_pred, "float32"), 1e-7, 1.0))
        hard_term = -ops.sum(hard * log_p, axis=-1)
        soft_term = -ops.sum(soft * ops.log_softmax(log_p / self.temperature, axis=-1), axis=-1)
        return (1.0 - self.weight) * hard_term + self.weight * self.temperature ** 2 * soft_term

    def get_config(self):
        return {**super().get_config(), "classes": self.classes, "weight": self.weight,
                "temperature": self.temperature}


@keras.saving.register_keras_serializable(package="lprlab")
def slot_accuracy(y_true, y_pred):
    """Character (slot) accuracy against the true classes of a `DistillationLoss` target: the first
    ``num_classes`` of y_true's last axis are one-hot."""
    classes = keras.ops.shape(y_pred)[-1]
    truth = keras.ops.argmax(y_true[..., :classes], axis=-1)
    return keras.ops.cast(keras.ops.equal(truth, keras.ops.argmax(y_pred, axis=-1)), "float32")


def teacher_targets(teacher, images: np.ndarray, config: RecognizerConfig, temperature: float = 2.0,
                    batch_size: int = 256, progress: bool = True) -> np.ndarray:
    """A teacher's slot distributions at temperature T for distillation (`DistillationLoss`).

    Args:
        teacher: A `lprlab.recognition.Recognizer` or `Ensemble` with the student's alphabet and
            max_chars (an ensemble's averaged probabilities are its distribution: ensemble
            distillation).
        images: (n, height, width, 3) uint8 crops, as the student sees them (each teacher member
            reads them resized to its own input).
        config: The student's configuration.
        temperature: T >= 1: each distribution becomes ``softmax(log q / T)``.

    Returns:
        (n, slots, num_classes) float16 (slots: the student's).

    Raises:
        ValueError: a teacher that reads another alphabet or length, or that lacks the student's
            right-aligned slots.
    """
    from tqdm.auto import tqdm  # noqa: PLC0415

    t = teacher.config
    if (t.alphabet, t.max_chars) != (config.alphabet, config.max_chars):
        raise ValueError(f"teacher reads {t.alphabet!r} in {t.max_chars} slots; the student {config.alphabet!r} "
                         f"in {config.max_chars}")
    out = np.empty((len(images), config.slots, config.num_classes), np.float16)
    step = batch_size * 16
    for start in tqdm(range(0, len(images), step), desc="teacher", unit="chunk", disable=not progress):
        q = teacher.probabilities(images[start:start + step], batch_size)
        if q.shape[1] < config.slots:
            raise ValueError(f"the teacher reads {q.shape[1]} slots; the student has {config.slots} "
                             "(a two-alignment student needs a two-alignment teacher)")
        log_q = np.log(np.clip(q[:, :config.slots], 1e-7, 1.0)) / temperature
        log_q -= log_q.max(axis=-1, keepdims=True)
        q = np.exp(log_q)
        out[start:start + step] = q / q.sum(axis=-1, keepdims=True)
    return out


def _cached_teacher_targets(path: pathlib.Path, teacher, images, config, temperature, teacher_name) -> np.ndarray:
    """`teacher_targets`, saved atomically to `path` (.npz, with the teacher's name and the
    temperature) and read back by a resumed run; a file made by another teacher, temperature or set
    of crops is made again."""
    if path.is_file():
        with np.load(path) as cached:
            if (cached["targets"].shape == (len(images), config.slots, config.num_classes)
                    and float(cached["temperature"]) == float(temperature) and str(cached["teacher"]) == teacher_name):
                return cached["targets"]
        log.info("%s was made by another teacher, temperature or crop set: reading the crops again", path)
    targets = teacher_targets(teacher, images, config, temperature)
    temporary = path.with_name(path.stem + ".tmp.npz")
    np.savez(temporary, targets=targets, temperature=np.float32(temperature), teacher=np.str_(teacher_name))
    os.replace(temporary, path)
    return targets


def _distillation_dataset(images, labels, soft, classes, batch_size, shuffle, seed):
    """`tf.data` of (x, y) with y = one-hot `labels` then `soft`, as `DistillationLoss` takes them."""
    import tensorflow as tf  # noqa: PLC0415

    dataset = tf.data.Dataset.from_tensor_slices((images, labels, soft))
    if shuffle:
        dataset = dataset.shuffle(min(len(images), 50_000), seed=seed, reshuffle_each_iteration=True)

    def prepare(x, y, q):
        target = tf.concat([tf.one_hot(y, classes, dtype=tf.float32), tf.cast(q, tf.float32)], axis=-1)
        return tf.cast(x, tf.float32) / 255.0, target

    return dataset.batch(batch_size).map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def train_recognizer(config: RecognizerConfig, run_dir: str | os.PathLike, train: tuple[np.ndarray, list[str]],
                     validation: tuple[np.ndarray, list[str]], epochs: int = 10, batch_size: int = 128,
                     initial_model: keras.Model | None = None, verbose: int | str = "auto",
                     teacher=None, distill: float = 0.5, temperature: float = 2.0,
                     teacher_name: str | None = None) -> keras.callbacks.History:
    """Trains the recogniser; resumes from ``run_dir/backup`` if a previous run was cut.

    Args:
        config: The model; its `learning_rate` and `seed` are used.
        run_dir: The run folder (created); the trained model is saved as ``run_dir/model.keras``
            with ``model.json`` metadata.
        train: (images (n, height, width, 3) uint8, texts) for training.
        validation: The same, for validation.
        epochs: Epochs over `train`; the learning rate follows a cosine decay to 1% over them.
        batch_size: Samples per step.
        initial_model: Start from these weights (fine-tuning) instead of a fresh network.
        verbose: Keras verbosity.
        teacher: A `lprlab.recognition.Recognizer` or `Ensemble` to distil (`DistillationLoss`,
            `teacher_targets`; TensorFlow backend only): the student learns the teacher's slot
            distributions on the training and validation crops as well as the true characters. Its
            targets are computed once and kept in ``run_dir/teacher-{train,val}.npz``.
        distill: The soft term's weight (`DistillationLoss`'s `weight`).
        temperature: The distillation temperature T.
        teacher_name: What the metadata names the teacher (its weights' paths).

    Returns:
        The Keras `History`.

    Raises:
        ValueError: from `teacher_targets` and `DistillationLoss`; a teacher with a Keras backend
            other than TensorFlow.
    """
    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=1))
    keras.utils.set_random_seed(config.seed)
    train_labels, val_labels = encode_texts(train[1], config), encode_texts(validation[1], config)
    if teacher is not None:
        if keras.backend.backend() != "tensorflow":
            raise ValueError("distillation needs the TensorFlow backend")
        loss = DistillationLoss(config.num_classes, distill, temperature)
        name = teacher_name or "given"
        soft = _cached_teacher_targets(run_dir / "teacher-train.npz", teacher, train[0], config, temperature, name)
        val_soft = _cached_teacher_targets(run_dir / "teacher-val.npz", teacher, validation[0], config, temperature,
                                           name)
        train_set = _distillation_dataset(train[0], train_labels, soft, config.num_classes, batch_size, True,
                                          config.seed)
        val_set = _distillation_dataset(validation[0], val_labels, val_soft, config.num_classes, batch_size, False,
                                        config.seed)
        metrics = [keras.metrics.MeanMetricWrapper(slot_accuracy, name="char_acc")]
    else:
        loss, metrics = "sparse_categorical_crossentropy", [keras.metrics.SparseCategoricalAccuracy(name="char_acc")]
        train_set = _dataset(train[0], train_labels, batch_size, True, config.seed)
        val_set = _dataset(validation[0], val_labels, batch_size, False, config.seed)
    steps = epochs * int(np.ceil(len(train[0]) / batch_size))
    with make_strategy().scope():
        model = initial_model if initial_model is not None else build_recognizer(config)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.01)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss, metrics=metrics)
    history = model.fit(train_set, validation_data=val_set, epochs=epochs, callbacks=training_callbacks(run_dir),
                        shuffle=False, verbose=verbose)  # train_set shuffles itself
    training = {"samples": len(train[0]), "epochs": epochs, "batch_size": batch_size, "steps": steps}
    if teacher is not None:
        training["distillation"] = {"teacher": teacher_name or "given", "weight": distill, "temperature": temperature}
    save_recognizer(model, config, run_dir / "model", {"training": training})
    return history


def mine_hard_crops(model: keras.Model, config: RecognizerConfig, images: np.ndarray, texts: list[str],
                    below: float = 0.5, batch_size: int = 256) -> np.ndarray:
    """The crops a recogniser gets wrong or is unsure of: online hard example mining (Shrivastava
    et al. 2016) done once, offline, on a pool of synthetic crops.

    Args:
        model: The recogniser's Keras model; `config` its configuration.
        images: (n, height, width, 3) uint8 crops; `texts` their n true texts.
        below: A crop read right with a plate confidence under this is hard too.
        batch_size: Crops per forward pass.

    Returns:
        (k,) int64 indices, ascending, of the crops misread or read with confidence < `below`.

    Raises:
        ValueError: `images` and `texts` differ in length.
    """
    from lprlab.recognition import Recognizer  # noqa: PLC0415

    if len(images) != len(texts):
        raise ValueError(f"{len(images)} images but {len(texts)} texts")
    readings = Recognizer(model, config, {}).read(images, batch_size)
    return np.asarray([i for i, (r, t) in enumerate(zip(readings, texts)) if r.text != t or r.confidence < below],
                      np.int64)


def train_recognizer_synthetic(config: RecognizerConfig, run_dir: str | os.PathLike, count: int = 150_000,
                               val_count: int = 5_000, epochs: int = 6, batch_size: int = 128,
                               data_dir: str | os.PathLike = "data/synth", verbose: int | str = "auto",
                               initial_model: keras.Model | None = None, hard_pool: int = 0, teacher=None,
                               distill: float = 0.5, temperature: float = 2.0, teacher_name: str | None = None):
    """Generates (or reuses) synthetic train and validation crops for `config`, then trains (from
    `initial_model`'s weights when given: a shipped model continued on a newer generator's crops).

    The sets live in ``data_dir/recognizer-<formats>-<size>[-free<f>]-v<lprlab version>-<count>-s<seed>``
    (resumable); the
    validation set uses seed ``config.seed + 1``. With `hard_pool` > 0 and an `initial_model`,
    a pool of that many more crops (seed ``config.seed + 2``) is read by the initial model and the
    ones it misreads or doubts (`mine_hard_crops`) join the training crops; their indices are kept
    in ``run_dir/hard.json``, so a resumed run trains on the same set. With a `teacher`, the
    student also learns its slot distributions (`train_recognizer`'s distillation). Returns the
    Keras `History`.

    Raises:
        ValueError: `hard_pool` > 0 without an `initial_model`.
    """
    from lprlab import __version__  # noqa: PLC0415

    tag = f"{'-'.join(config.formats)}-{config.image_size[0]}x{config.image_size[1]}"
    tag += f"-free{config.free_text:g}" if config.free_text else ""
    tag += f"-loose{config.loose_crops:g}" if config.loose_crops else ""
    tag += f"-v{__version__}"  # a new generator release makes new crops instead of refusing the old folder
    data_dir = pathlib.Path(data_dir)
    train = make_synthetic_set(config, count, config.seed, data_dir / f"recognizer-{tag}-{count}-s{config.seed}")
    validation = make_synthetic_set(dataclasses.replace(config, free_text=0.0), val_count, config.seed + 1,
                                    data_dir / f"recognizer-{tag}-{val_count}-s{config.seed + 1}")
    if hard_pool > 0:
        if initial_model is None:
            raise ValueError("hard_pool needs an initial_model to mine the pool with")
        pool = make_synthetic_set(config, hard_pool, config.seed + 2,
                                  data_dir / f"recognizer-{tag}-{hard_pool}-s{config.seed + 2}")
        hard_file = pathlib.Path(run_dir) / "hard.json"
        if hard_file.exists():
            hard = np.asarray(json.loads(hard_file.read_text())["indices"], np.int64)
        else:
            hard = mine_hard_crops(initial_model, config, pool[0], pool[1])
            pathlib.Path(run_dir).mkdir(parents=True, exist_ok=True)
            tmp = hard_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"pool": hard_pool, "indices": hard.tolist()}))
            os.replace(tmp, hard_file)
        log.info("hard crops: %d of a pool of %d", len(hard), hard_pool)
        train = (np.concatenate([train[0], pool[0][hard]]), list(train[1]) + [pool[1][i] for i in hard])
    return train_recognizer(config, run_dir, train, validation, epochs, batch_size, initial_model=initial_model,
                            verbose=verbose, teacher=teacher, distill=distill, temperature=temperature,
                            teacher_name=teacher_name)


def split_by_name(names, holdout: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """A stable split of file names: (train indices, held-out indices), by a hash of seed and name."""
    import hashlib  # noqa: PLC0415

    train, held = [], []
    for i, name in enumerate(names):
        digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
        (held if digest[0] / 256 < holdout else train).append(i)
    return train, held


def finetune_recognizer(weights: str | os.PathLike, folder: str | os.PathLike, run_dir: str | os.PathLike,
                        holdout: float = 0.5, epochs: int = 8, repeats: int = 10, learning_rate: float = 2e-4,
                        batch_size: int = 32, seed: int = 0, verbose: int | str = "auto"):
    """Fine-tunes recogniser `weights` on real crops (seed 004's recipe: synthetic pre-training, then
    real data), holding out a share of the folder for an honest score.

    Args:
        weights: Recogniser weights path (without suffix).
        folder: Images plus ``labels.csv`` (``file,text``); texts the model cannot encode are skipped.
        run_dir: Run folder; the result is ``run_dir/model.keras`` + ``.json`` (with the held-out files).
        holdout: Share of files kept out of training (stable hash split of the file names).
        epochs: Epochs over the augmented training part.
        repeats: Augmented copies (pipeline ``full``) of each training crop.
        learning_rate: Adam learning rate (small: the synthetic features are kept).
        batch_size: Samples per step.
        seed: Split and augmentation seed.

    Returns:
        (History, held-out file names).
    """
    from lprlab.augment import augment, make_pipeline  # noqa: PLC0415
    from lprlab.models.recognizer import load_recognizer  # noqa: PLC0415

    model, config, _ = load_recognizer(weights)
    rows = read_labels(folder)
    images, texts = load_plate_folder(folder, config)
    usable = [i for i, t in enumerate(texts) if len(t) <= config.max_chars and set(t) <= set(config.alphabet)]
    if len(usable) < len(texts):
        log.warning("skipping %d crops whose text the model cannot encode", len(texts) - len(usable))
    train_idx, held_idx = split_by_name([rows[i]["file"] for i in usable], holdout, seed)
    train_idx, held_idx = [usable[i] for i in train_idx], [usable[i] for i in held_idx]
    if not train_idx or not held_idx:
        raise ValueError(f"{str(folder)!r} has too few usable crops ({len(usable)}) to split for fine-tuning")
    pipeline, rng = make_pipeline("full", config.image_size[0]), np.random.default_rng(seed)
    train_images = np.stack([images[i] if r == 0 else augment(images[i], pipeline, rng)
                             for i in train_idx for r in range(repeats)])
    train_texts = [texts[i] for i in train_idx for _ in range(repeats)]
    config = dataclasses.replace(config, learning_rate=learning_rate, seed=seed)
    history = train_recognizer(config, run_dir, (train_images, train_texts),
                               (images[held_idx], [texts[i] for i in held_idx]), epochs, batch_size,
                               initial_model=model, verbose=verbose)
    held_files = [rows[i]["file"] for i in held_idx]
    (pathlib.Path(run_dir) / "holdout.json").write_text(json.dumps(held_files, indent=0))
    return history, held_files


def finetune_recognizers(weights, folder: str | os.PathLike, run_dir: str | os.PathLike, holdout: float = 0.5,
                         epochs: int = 8, repeats: int = 10, learning_rate: float = 2e-4, batch_size: int = 32,
                         seed: int = 0, verbose: int | str = "auto") -> tuple[str, list[str]]:
    """Fine-tunes every member of a recogniser ensemble (the shipped reader is a pair) on the same
    real crops, each with `finetune_recognizer` and the same split, so that the tuned ensemble is
    scored on crops none of its members saw.

    Args:
        weights: ``"A,B"`` (or a sequence of paths, or one path): the members' weights, without suffix.
        folder, holdout, epochs, repeats, learning_rate, batch_size, seed, verbose: as
            `finetune_recognizer`.
        run_dir: With one member, its run folder; with several, member i runs in ``run_dir/member<i>``.

    Returns:
        (the tuned weights as ``lprlab.load_recognizer`` reads them: ``"run/model"`` or
        ``"run/member0/model,run/member1/model"``, the held-out file names).

    Raises:
        ValueError: no weights, or the members held out different files (they read different
            alphabets or lengths, so different crops were usable).
    """
    members = [str(w) for w in (weights.split(",") if isinstance(weights, str) else weights) if str(w).strip()]
    if not members:
        raise ValueError("finetune_recognizers needs at least one weights path")
    run_dir = pathlib.Path(run_dir)
    runs = [run_dir] if len(members) == 1 else [run_dir / f"member{i}" for i in range(len(members))]
    held = None
    for member, run in zip(members, runs):
        _, member_held = finetune_recognizer(member, folder, run, holdout, epochs, repeats, learning_rate,
                                             batch_size, seed, verbose)
        if held is not None and member_held != held:
            raise ValueError(f"the members of {weights!r} held out different crops of {str(folder)!r}; "
                             "they must read the same alphabet and lengths")
        held = member_held
    return ",".join(str(run / "model") for run in runs), held


def export_weights(run_dir: str | os.PathLike, destination: str | os.PathLike, figures: dict | None = None,
                   data: str = "", continued_from: str | os.PathLike | None = None) -> pathlib.Path:
    """Copies ``run_dir/model.keras`` to ``<destination>.keras`` with its metadata, adding the
    per-epoch training log (``history``), a description of the training `data` and measured
    `figures`. With `continued_from` (the weights the run started from, ``--init``), their own
    data, training and history are kept under ``continued_from``. Returns the ``.keras`` path."""
    import csv  # noqa: PLC0415

    from lprlab.models.recognizer import load_recognizer  # noqa: PLC0415

    run_dir = pathlib.Path(run_dir)
    model, config, info = load_recognizer(run_dir / "model")
    with open(run_dir / "log.csv", newline="") as handle:
        history = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    extra = {k: v for k, v in info.items() if k not in ("model", "config", "saved")}
    extra.update(history=history, data=data or extra.get("data", ""), figures={**extra.get("figures", {}),
                                                                               **(figures or {})})
    if continued_from is not None:
        _, _, earlier = load_recognizer(continued_from)
        extra["continued_from"] = {"weights": str(continued_from), "saved": earlier.get("saved", ""),
                                   **{k: earlier[k] for k in ("data", "training", "history", "continued_from")
                                      if k in earlier}}
    return save_recognizer(model, config, destination, extra)
