"""Training the SRGAN plate enhancer: HR plate crops from the generator, LR made on the fly by the
degradation model (`lprlab.augment.low_resolution`), SRResNet pretraining then adversarial training.

A run folder holds ``config.json``, ``backup/`` (`keras.callbacks.BackupAndRestore`: a killed run
resumes at its last epoch), ``last.keras`` + ``last.json`` (the generator after every epoch),
``log.csv`` and ``tensorboard/``; the two phases live in ``<run>/pretrain`` and ``<run>/gan``.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import pathlib

import cv2
import keras
import numpy as np

from lprlab.augment import low_resolution
from lprlab.datasets import DatasetSpec, generate_dataset, read_labels
from lprlab.images import read_image
from lprlab.models.enhancer import (EnhancerConfig, SRGAN, SRResNetTrainer, build_discriminator, build_generator, load_enhancer,
                                    recognizer_probe, save_enhancer)
from lprlab.models.recognizer import RecognizerConfig, encode_texts, load_recognizer

log = logging.getLogger(__name__)
WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"


@dataclasses.dataclass
class HRSet:
    """High-resolution plate crops with their truth.

    Attributes:
        images: (n, H, W, 3) uint8 RGB.
        texts: n plate texts.
        formats: n format names.
        plate_heights: (n,) float32, each plate's height in pixels in its image (from its corners).
    """

    images: np.ndarray
    texts: list[str]
    formats: list[str]
    plate_heights: np.ndarray

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, indices) -> "HRSet":
        indices = list(indices)
        return HRSet(self.images[indices], [self.texts[i] for i in indices], [self.formats[i] for i in indices],
                     self.plate_heights[indices])


def make_hr_set(count: int, seed: int, folder: str | os.PathLike, hr_size: tuple[int, int] = (64, 256),
                formats: tuple[str, ...] = RecognizerConfig.formats, free_text: float = 0.25,
                augment: str = "photometric", workers: int | None = None, progress: bool = False) -> HRSet:
    """Generates (or completes) HR plate crops in `folder` and loads them.

    Crops are sharp (no geometry or degradation: pipeline `augment`, lighting only) so that they are
    a fair HR target. Free texts (share `free_text`) keep the enhancer from learning the formats.
    The folder actually used is ``<folder>-v<lprlab version>``: a new generator release makes a new
    set instead of refusing (or mixing with) the old one.
    """
    from lprlab import __version__  # noqa: PLC0415

    folder = f"{os.fspath(folder)}-v{__version__}"
    spec = DatasetSpec("plate", tuple(formats), count, seed, tuple(hr_size), augment=augment, free_text=free_text)
    generate_dataset(folder, spec, workers=workers or os.cpu_count() or 1, show_progress=progress)
    return load_hr_set(folder, hr_size)


def load_hr_set(folder: str | os.PathLike, hr_size: tuple[int, int]) -> HRSet:
    """Loads a plate folder (``labels.csv`` with text, format and corner columns ``y1..y4``).

    Raises:
        ValueError: an image is not `hr_size`.
    """
    rows = read_labels(folder)
    images = np.empty((len(rows), *hr_size, 3), np.uint8)
    heights = np.empty(len(rows), np.float32)
    for i, row in enumerate(rows):
        image = read_image(pathlib.Path(folder) / row["file"])
        if image.shape[:2] != tuple(hr_size):
            raise ValueError(f"{row['file']!r} is {image.shape[:2]}, expected {tuple(hr_size)}")
        images[i] = image
        ys = [float(row[f"y{k}"]) for k in range(1, 5)]
        heights[i] = max(ys) - min(ys)
    return HRSet(images, [r["text"] for r in rows], [r.get("format", "") for r in rows], heights)


def make_lr(hr: np.ndarray, config: EnhancerConfig, rng: np.random.Generator, hr_plate_height: float,
            exact: float = 0.5, smallest: float = 0.4) -> np.ndarray:
    """One LR training input for an HR crop, (lr_h, lr_w, 3) uint8.

    With probability `exact` the LR is the HR downscaled by exactly the scale factor; otherwise the
    plate is made smaller still (its LR height uniform in [`smallest`, 1] of the exact one) and the
    result resized (bicubic) to `config.lr_size`, as the pipeline does with a small detected plate.
    Both go through the degradation model.
    """
    if rng.random() < exact:
        return low_resolution(hr, rng, scale=config.scale, size=config.lr_size)
    exact_height = hr_plate_height / config.scale
    height = exact_height * rng.uniform(smallest, 1.0)
    small = low_resolution(hr, rng, plate_height_px=height, hr_plate_height_px=hr_plate_height)
    return cv2.resize(small, config.lr_size[::-1], interpolation=cv2.INTER_CUBIC)


class PairSequence(keras.utils.PyDataset):
    """Batches ``(lr, (hr, labels))`` for `SRGAN`, the LR made afresh every epoch from a seeded stream
    (the same seed, epoch and batch give the same pixels).

    Args:
        data: The `HRSet`.
        config: The enhancer config (scale factor, LR size).
        rec_config: The recogniser config (for the text labels).
        batch_size: Pairs per batch.
        seed: Stream seed.
        shuffle: Shuffle the order every epoch.
        exact: See `make_lr` (1.0 for a validation set of exact x-scale pairs).
    """

    def __init__(self, data: HRSet, config: EnhancerConfig, rec_config: RecognizerConfig, batch_size: int = 32,
                 seed: int = 0, shuffle: bool = True, exact: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        self.data, self.config, self.batch_size, self.seed = data, config, batch_size, seed
        self.shuffle, self.exact, self.epoch = shuffle, exact, 0
        self.labels = encode_texts(data.texts, rec_config)
        self.order = np.arange(len(data))
        self._reorder()

    def _reorder(self):
        if self.shuffle:
            self.order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.data))

    def __len__(self) -> int:
        return int(np.ceil(len(self.data) / self.batch_size))

    def __getitem__(self, index: int):
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        epoch = self.epoch if self.shuffle else 0
        rng = np.random.default_rng([self.seed, epoch, index])
        lr = np.stack([make_lr(self.data.images[i], self.config, rng, float(self.data.plate_heights[i]), self.exact)
                       for i in chosen])
        hr = self.data.images[chosen].astype(np.float32) / 255.0
        return lr.astype(np.float32) / 255.0, (hr, self.labels[chosen])

    def on_epoch_end(self):
        self.epoch += 1
        self._reorder()


class SaveGenerator(keras.callbacks.Callback):
    """Saves the generator (``last.keras`` + ``last.json``) after every epoch, atomically."""

    def __init__(self, run_dir: pathlib.Path, config: EnhancerConfig):
        super().__init__()
        self.run_dir, self.config = run_dir, config

    def on_epoch_end(self, epoch, logs=None):
        save_enhancer(self.model.generator, self.config, self.run_dir / "last", {"epoch": epoch + 1})


def train_enhancer(config: EnhancerConfig, run_dir: str | os.PathLike, train: HRSet, validation: HRSet,
                   epochs: int = 10, batch_size: int = 32, generator: keras.Model | None = None,
                   discriminator: keras.Model | None = None, recognizer: str | os.PathLike | None = None,
                   steps_per_epoch: int | None = None, verbose: int | str = "auto",
                   workers: int | None = None) -> tuple[keras.Model, keras.Model, dict]:
    """Trains the enhancer for one phase (pretraining when ``config.adversarial_weight == 0``,
    adversarial otherwise); resumes from ``run_dir/backup`` if a previous run was cut.

    Args:
        config: The model and its loss weights.
        run_dir: The run folder (created); the generator ends as ``run_dir/model.keras`` + ``.json``.
        train, validation: HR sets (validation pairs are exact x-scale LR).
        epochs: Epochs; the learning rate follows a cosine decay to 1% over them.
        batch_size: Pairs per step.
        generator, discriminator: Start from these (the adversarial phase starts from the pretrained
            generator); fresh networks when None.
        recognizer: Recogniser weights of the text-aware loss; ``weights/<config.recognizer>`` when
            None.
        steps_per_epoch: Cap on steps per epoch (quick runs).
        verbose: Keras verbosity.
        workers: Processes making the LR inputs (default: one per CPU core; the degradation
            model holds the GIL too much for threads). Each batch's pixels depend only on the
            seed, epoch and batch index, not on the workers.

    Returns:
        (generator, discriminator, Keras history dict).

    Raises:
        RuntimeError: the adversarial phase on a Keras backend other than TensorFlow.
    """
    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=1))
    keras.utils.set_random_seed(config.seed)
    rec_model, rec_config, _ = load_recognizer(recognizer or WEIGHTS_DIR / config.recognizer)
    workers = workers or os.cpu_count() or 1
    threads = {"workers": workers, "max_queue_size": 4 * workers, "use_multiprocessing": workers > 1}
    train_seq = PairSequence(train, config, rec_config, batch_size, config.seed, shuffle=True,
                             exact=config.exact_share, **threads)
    val_seq = PairSequence(validation, config, rec_config, batch_size, config.seed + 1, shuffle=False, exact=1.0,
                           **threads)
    steps = epochs * min(len(train_seq), steps_per_epoch or len(train_seq))
    generator = generator if generator is not None else build_generator(config)
    discriminator = discriminator if discriminator is not None else build_discriminator(config)
    probe = recognizer_probe(rec_model, config.feature_layer)
    schedule = lambda: keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.01)  # noqa: E731
    if config.adversarial_weight > 0:
        model = SRGAN(generator, discriminator, probe, config)
        model.compile(keras.optimizers.Adam(schedule(), beta_1=0.9), keras.optimizers.Adam(schedule(), beta_1=0.9))
    else:
        model = SRResNetTrainer(generator, probe, config)
        model.compile(keras.optimizers.Adam(schedule(), beta_1=0.9))
    model(np.zeros((1, *config.lr_size, 3), np.float32))  # built, as BackupAndRestore requires
    callbacks = [keras.callbacks.BackupAndRestore(str(run_dir / "backup")), SaveGenerator(run_dir, config),
                 keras.callbacks.CSVLogger(str(run_dir / "log.csv"), append=True)]
    if importlib.util.find_spec("tensorflow") is not None:  # Keras writes TensorBoard logs with tf.summary
        callbacks.append(keras.callbacks.TensorBoard(str(run_dir / "tensorboard"), write_graph=False))
    history = model.fit(train_seq, validation_data=val_seq, epochs=epochs, steps_per_epoch=steps_per_epoch,
                        callbacks=callbacks, verbose=verbose)
    save_enhancer(generator, config, run_dir / "model", {
        "training": {"samples": len(train), "epochs": epochs, "batch_size": batch_size, "steps": steps}})
    return generator, discriminator, history.history


def train_enhancer_synthetic(config: EnhancerConfig, run_dir: str | os.PathLike, count: int = 30_000,
                             val_count: int = 1_000, pretrain_epochs: int = 8, gan_epochs: int = 4,
                             adversarial_weight: float = 1e-3, batch_size: int = 32, gan_lr_factor: float = 0.5,
                             data_dir: str | os.PathLike = "data/synth", steps_per_epoch: int | None = None,
                             verbose: int | str = "auto", generator: keras.Model | None = None) -> pathlib.Path:
    """Generates (or reuses) HR crops, pretrains on content losses (SRResNet), then trains with the
    adversarial loss from the pretrained generator. Each phase resumes where it stopped; a finished
    phase is not run again. Returns the run folder (the result is ``<run>/gan/model`` or, with
    ``gan_epochs=0``, ``<run>/pretrain/model``). With `generator` (a trained one, e.g. from a GPU
    run cut short), the content phase continues it instead of starting from a fresh network."""
    run_dir, data_dir = pathlib.Path(run_dir), pathlib.Path(data_dir)
    tag = f"{config.hr_size[0]}x{config.hr_size[1]}"
    train = make_hr_set(count, config.seed, data_dir / f"enhancer-hr-{tag}-{count}-s{config.seed}",
                        hr_size=config.hr_size)
    validation = make_hr_set(val_count, config.seed + 1, data_dir / f"enhancer-hr-{tag}-{val_count}-s{config.seed + 1}",
                             hr_size=config.hr_size, free_text=0.0)
    pretrain_dir, gan_dir = run_dir / "pretrain", run_dir / "gan"
    pretrain_config = dataclasses.replace(config, adversarial_weight=0.0)
    if (pretrain_dir / "model.keras").is_file():
        generator = load_enhancer(pretrain_dir / "model")[0]
    else:
        generator, _, _ = train_enhancer(pretrain_config, pretrain_dir, train, validation, pretrain_epochs,
                                         batch_size, generator=generator, steps_per_epoch=steps_per_epoch,
                                         verbose=verbose)
    if gan_epochs <= 0 or (gan_dir / "model.keras").is_file():
        return run_dir
    gan_config = dataclasses.replace(config, adversarial_weight=adversarial_weight,
                                     learning_rate=config.learning_rate * gan_lr_factor)
    train_enhancer(gan_config, gan_dir, train, validation, gan_epochs, batch_size, generator=generator,
                   steps_per_epoch=steps_per_epoch, verbose=verbose)
    return run_dir


def export_enhancer(model_path: str | os.PathLike, destination: str | os.PathLike, figures: dict | None = None,
                    data: str = "") -> pathlib.Path:
    """Copies a trained generator (``<run>/gan/model`` or ``<run>/pretrain/model``) to
    ``<destination>.keras`` + ``.json``, adding its per-epoch logs, the training `data` and measured
    `figures`. Returns the ``.keras`` path."""
    import csv  # noqa: PLC0415

    model_path = pathlib.Path(model_path)
    generator, config, info = load_enhancer(model_path)
    history = {}
    phases = ("pretrain", "gan")
    phases = phases[:phases.index(model_path.parent.name) + 1] if model_path.parent.name in phases else phases
    for phase in phases:
        log_file = model_path.parent.parent / phase / "log.csv"
        if log_file.is_file():
            with open(log_file, newline="") as handle:
                history[phase] = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    extra = {k: v for k, v in info.items() if k not in ("model", "config", "saved")}
    extra.update(history=history, data=data, figures=figures or {})
    return save_enhancer(generator, config, destination, extra)
