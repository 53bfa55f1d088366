"""Training the plate detector on synthetic tiles (`lprlab train detector`).

Tiles (`lprlab.tiles.make_tile`) are generated once into ``data_dir`` (sharded, resumable), loaded
into memory with their window labels (`lprlab.tiles.presence_grid`), and the presence network is
trained with the shared callbacks of `lprlab.train`: a checkpoint every epoch, BackupAndRestore (a
killed run resumes at its last epoch), CSV and TensorBoard logs.
"""
from __future__ import annotations

import collections
import csv
import dataclasses
import json
import os
import pathlib

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from lprlab.datasets import DatasetSpec, generate_dataset, read_labels
from lprlab.images import read_image
from lprlab.models.detector import DetectorConfig, build_detector, detector_loss, load_detector_weights, save_detector
from lprlab.tiles import grid_shape, presence_grid
from lprlab.train import make_strategy, training_callbacks


def load_tiles(folder: str | os.PathLike, config: DetectorConfig, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A tile dataset folder (``lprlab generate --kind tile``) with its window labels.

    Returns:
        ((n, tile_h, tile_w, 3) uint8 RGB, (n, rows, cols, 5) float32 targets of `presence_grid`).

    Raises:
        FileNotFoundError, ValueError: missing labels.csv or images, unreadable images, or tiles
            whose size is not the config's tile size.
    """
    folder = pathlib.Path(folder)
    by_file: dict[str, list[dict]] = collections.OrderedDict()
    for row in read_labels(folder):
        by_file.setdefault(row["file"], []).append(row)
    grid = grid_shape(config.tile, config.window, config.stride)
    images = np.empty((len(by_file), *config.tile, 3), np.uint8)
    targets = np.empty((len(by_file), *grid, 5), np.float32)
    for i, (name, rows) in enumerate(tqdm(by_file.items(), desc="load tiles", unit="tile", disable=not progress)):
        image = read_image(folder / name)
        if image.shape[:2] != tuple(config.tile):
            raise ValueError(f"tile {name!r} is {image.shape[:2]}, expected {config.tile}")
        images[i] = image
        boxes = np.array([[float(r[k]) for k in "xywh"] for r in rows if r.get("x")], np.float32).reshape(-1, 4)
        valid = (int(rows[0]["valid_h"]), int(rows[0]["valid_w"]))
        targets[i] = presence_grid(boxes, grid, config.window, config.stride, valid)
    return images, targets


def make_tile_set(config: DetectorConfig, count: int, seed: int, folder: str | os.PathLike,
                  backgrounds: str | None = None, workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Generates (or completes) `count` tiles for `config` in `folder` and loads them with labels."""
    spec = DatasetSpec("tile", tuple(config.formats), count, seed, tuple(config.tile), augment="scene",
                       backgrounds=backgrounds)
    generate_dataset(folder, spec, workers=workers or os.cpu_count() or 1)
    return load_tiles(folder, config)


def present_recall(y_true, y_pred):
    present = tf.cast(y_true[..., 0] > 0.5, tf.float32)
    hit = tf.cast(y_pred[..., 0] > 0.0, tf.float32) * present
    return tf.reduce_sum(hit) / tf.maximum(tf.reduce_sum(present), 1.0)


def absent_false_rate(y_true, y_pred):
    absent = tf.cast(tf.equal(y_true[..., 0], 0.0), tf.float32)
    fired = tf.cast(y_pred[..., 0] > 0.0, tf.float32) * absent
    return tf.reduce_sum(fired) / tf.maximum(tf.reduce_sum(absent), 1.0)


def train_detector(config: DetectorConfig, run_dir: str | os.PathLike, train: tuple[np.ndarray, np.ndarray],
                   validation: tuple[np.ndarray, np.ndarray], epochs: int = 12, batch_size: int = 64,
                   verbose: int | str = "auto", initial_model: keras.Model | None = None) -> keras.callbacks.History:
    """Trains the detector on tiles; resumes from ``run_dir/backup`` if a previous run was cut.

    Args:
        config: The model; its `learning_rate` and `seed` are used.
        run_dir: Run folder (created); the result is ``run_dir/model.keras`` + ``model.json``.
        train: (tiles (n, tile_h, tile_w, 3) uint8, targets (n, rows, cols, 5) float32) from `load_tiles`.
        validation: The same, for validation.
        epochs: Epochs over `train`; cosine learning-rate decay to 1% over them.
        batch_size: Tiles per step.
        verbose: Keras verbosity.
        initial_model: Start from these weights (bootstrapping) instead of a fresh network.

    Returns:
        The Keras `History` (loss, present_recall: share of present windows scored > 0.5,
        absent_false_rate: share of absent windows scored > 0.5).
    """
    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=1))
    keras.utils.set_random_seed(config.seed)

    def dataset(images, targets, shuffle):
        data = tf.data.Dataset.from_tensor_slices((images, targets))
        if shuffle:
            data = data.shuffle(min(len(images), 50_000), seed=config.seed, reshuffle_each_iteration=True)
        data = data.batch(batch_size).map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y),
                                          num_parallel_calls=tf.data.AUTOTUNE)
        return data.prefetch(tf.data.AUTOTUNE)

    steps = epochs * int(np.ceil(len(train[0]) / batch_size))
    with make_strategy().scope():
        model = initial_model if initial_model is not None else build_detector(config)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.01)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss=detector_loss(config),
                      metrics=[present_recall, absent_false_rate])
    history = model.fit(dataset(*train, True), validation_data=dataset(*validation, False), epochs=epochs,
                        callbacks=training_callbacks(run_dir), shuffle=False, verbose=verbose)
    save_detector(model, config, run_dir / "model", {
        "training": {"tiles": len(train[0]), "epochs": epochs, "batch_size": batch_size, "steps": steps},
    })
    return history


def mine_hard_negatives(detector, count: int, seed: int, folder: str | os.PathLike, backgrounds: str | None = None,
                        threshold: float = 0.3, per_image: int = 3, progress: bool = True) -> pathlib.Path:
    """Bootstrapping (Dalal & Triggs 2005; Felzenszwalb et al. 2010): runs `detector` over fresh
    synthetic scenes and, when `backgrounds` is given, over bare background photos, keeps the
    windows it fires on (score >= `threshold`) that overlap no true plate (IoU < 0.3), and writes
    a tile around each, labelled as usual, into `folder` (a ``tile`` dataset).

    Image i comes from ``default_rng([seed, i])``: a `cctv` or `parking` scene, or (a third of the
    images, with photos) a bare photo crop at 1280x720. At most `per_image` windows per image,
    highest scores first.

    Returns:
        The labels path; `folder` is reused when it already holds a finished set.
    """
    from lprlab.backgrounds import PhotoBackgrounds  # noqa: PLC0415
    from lprlab.datasets import save_tiles  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415
    from lprlab.metrics import iou_matrix  # noqa: PLC0415
    from lprlab.scene import make_scene  # noqa: PLC0415
    from lprlab.tiles import cut_tile  # noqa: PLC0415

    folder = pathlib.Path(folder)
    if (folder / "labels.csv").is_file():
        return folder / "labels.csv"
    formats = resolve_formats(list(detector.config.formats))
    photos = PhotoBackgrounds(backgrounds) if backgrounds else None
    tiles, index = [], 0
    with tqdm(total=count, desc="mine hard negatives", unit="tile", disable=not progress) as bar:
        while len(tiles) < count:
            rng = np.random.default_rng([seed, index])
            index += 1
            if photos is not None and rng.random() < 1 / 3:
                image, plates = photos.sample(rng, (720, 1280)).copy(), ()
            else:
                scene = make_scene(formats, rng, "cctv" if rng.random() < 0.6 else "parking", photos)
                image, plates = scene.image, scene.plates
            boxes, scores, scales = detector.candidates(image, threshold)
            if not len(boxes):
                continue
            truths = np.float32([p.box for p in plates]).reshape(-1, 4)
            false = (iou_matrix(boxes, truths).max(axis=1) < 0.3) if len(truths) else np.ones(len(boxes), bool)
            taken = []
            for i in np.argsort(-scores):
                if not false[i] or (taken and iou_matrix(boxes[i:i + 1], boxes[taken]).max() > 0.1):
                    continue
                taken.append(i)
                tiles.append(cut_tile(image, plates, float(scales[i]), tuple(boxes[i]), detector.config.tile, rng))
                bar.update(1)
                if len(taken) == per_image or len(tiles) == count:
                    break
    return save_tiles(folder, tiles, seed)


def train_detector_synthetic(config: DetectorConfig, run_dir: str | os.PathLike, count: int = 60_000,
                             val_count: int = 4_000, epochs: int = 12, batch_size: int = 64,
                             data_dir: str | os.PathLike = "data/synth", backgrounds: str | None = None,
                             verbose: int | str = "auto", hard_negatives: int = 0,
                             hard_epochs: int = 3, init: str | os.PathLike | None = None) -> keras.callbacks.History:
    """Generates (or reuses) train and validation tiles, then trains; optionally bootstraps.

    The sets live in ``data_dir/detector-<tile>-<count>-s<seed>[-photos]``; validation uses seed
    ``config.seed + 1``. With `hard_negatives`, the trained model (kept as
    ``run_dir/model_initial``) mines that many hard-negative tiles (`mine_hard_negatives`, seed
    ``config.seed + 2``) and is fine-tuned `hard_epochs` more epochs on the training tiles plus
    them, at a quarter of the learning rate, in ``run_dir/bootstrap``; ``run_dir/model`` is the
    result. Each phase resumes or is skipped when a run is started again.

    Args:
        backgrounds: Folder of real background photos (for example ``../shared/backgrounds``), or
            None for procedural backgrounds only.
        init: Detector weights to start from (continued training on new tiles, at half the
            learning rate) instead of a fresh network; their window must match `config`'s, and
            their filters and head width replace `config`'s.
    """
    tag = f"{config.tile[0]}x{config.tile[1]}" + ("-photos" if backgrounds else "")
    data_dir, run_dir = pathlib.Path(data_dir), pathlib.Path(run_dir)
    train = make_tile_set(config, count, config.seed, data_dir / f"detector-{tag}-{count}-s{config.seed}", backgrounds)
    validation = make_tile_set(config, val_count, config.seed + 1,
                               data_dir / f"detector-{tag}-{val_count}-s{config.seed + 1}", backgrounds)
    initial = run_dir / "model_initial"
    if not initial.with_suffix(".keras").is_file():
        start = None
        if init is not None:
            start = load_detector_weights(init)
            if tuple(start.config.window) != tuple(config.window):
                raise ValueError(f"--init weights have window {start.config.window}, expected {config.window}")
            # the network is the init weights': their architecture, this run's data and seed
            config = dataclasses.replace(config, filters=start.config.filters, head_units=start.config.head_units,
                                         learning_rate=config.learning_rate / 2)
        history = train_detector(config, run_dir, train, validation, epochs, batch_size, verbose=verbose,
                                 initial_model=start.model if start is not None else None)
        if not hard_negatives:
            return history
        detector = load_detector_weights(run_dir / "model")
        save_detector(detector.model, config, initial, {k: v for k, v in detector.info.items()
                                                        if k not in ("model", "config", "saved")})
    detector = load_detector_weights(initial)
    mined = data_dir / f"detector-hard-{tag}-{hard_negatives}-s{config.seed + 2}-{detector.info.get('saved', '')[:10]}"
    mine_hard_negatives(detector, hard_negatives, config.seed + 2, mined, backgrounds, progress=verbose != 0)
    hard = load_tiles(mined, config)
    combined = (np.concatenate([train[0], hard[0]]), np.concatenate([train[1], hard[1]]))
    tuned = dataclasses.replace(config, learning_rate=config.learning_rate / 4)
    history = train_detector(tuned, run_dir / "bootstrap", combined, validation, hard_epochs, batch_size,
                             verbose=verbose, initial_model=detector.model)
    boot = load_detector_weights(run_dir / "bootstrap" / "model")
    info = boot.info
    info["training"] = {**detector.info.get("training", {}), "hard_negatives": len(hard[0]),
                        "hard_epochs": hard_epochs}
    save_detector(boot.model, config, run_dir / "model", {k: v for k, v in info.items()
                                                          if k not in ("model", "config", "saved")})
    _merge_logs(run_dir / "log.csv", run_dir / "bootstrap" / "log.csv", run_dir / "log_all.csv")
    return history


def _merge_logs(first: pathlib.Path, second: pathlib.Path, out: pathlib.Path) -> None:
    """Both CSV logs as one (epochs of the second renumbered after the first), for the plots."""
    rows = []
    for path in (first, second):
        if path.is_file():
            with open(path, newline="") as handle:
                part = list(csv.DictReader(handle))
            offset = len(rows)
            rows.extend({**row, "epoch": str(offset + i)} for i, row in enumerate(part))
    if rows:
        fields = list(rows[0])
        with open(out, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)


def export_detector(run_dir: str | os.PathLike, destination: str | os.PathLike, figures: dict | None = None,
                    data: str = "") -> pathlib.Path:
    """Copies ``run_dir/model`` to ``<destination>.keras`` + ``.json``, adding the per-epoch
    training log, a description of the training `data` and measured `figures`."""
    run_dir = pathlib.Path(run_dir)
    detector = load_detector_weights(run_dir / "model")
    log = run_dir / "log_all.csv" if (run_dir / "log_all.csv").is_file() else run_dir / "log.csv"
    with open(log, newline="") as handle:
        history = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    extra = {k: v for k, v in detector.info.items() if k not in ("model", "config", "saved")}
    extra.update(history=history, data=data or extra.get("data", ""),
                 figures={**extra.get("figures", {}), **(figures or {})})
    return save_detector(detector.model, detector.config, destination, extra)
