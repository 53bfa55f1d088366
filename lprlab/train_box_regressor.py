"""Training the plate box regressor (`lprlab train box-regressor`; `lprlab.models.box_regressor`).

Its samples are true plates with boxes spoilt as the detector spoils them. The images are those the
verifier learns from (`lprlab.train_verifier.make_verifier_set`): `cctv` and `parking` scenes, and
bare photos (procedural, or the real ones of a backgrounds folder) with plates pasted on them, some
in licence-plate frames, then the ``scene`` augmentation. Every true plate gives `BOXES_PER_PLATE`
boxes drawn by `spoil_box`, each cropped with its context; the target is the true box.

Samples are written in shards of `SHARD` images, each from its own seeds (`default_rng([seed,
image])`), so a cut run resumes at the next missing shard and any number of worker processes makes
the same bytes. Training uses the shared callbacks of `lprlab.train` (a checkpoint every epoch,
BackupAndRestore, CSV and TensorBoard logs).
"""
from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import json
import os
import pathlib

import keras
import numpy as np
from tqdm import tqdm

from lprlab.models.box_regressor import (BoxRegressorConfig, build_box_regressor, context_windows, crop_windows,
                                         edges_to_targets, load_box_regressor, save_box_regressor,
                                         targets_to_boxes)
from lprlab.metrics import paired_iou
from lprlab.train import make_strategy, training_callbacks

SHARD = 200  # images per shard file
BOXES_PER_PLATE = 4
SAMPLES_VERSION = "v1"
LATIN_FORMATS = ("ar_mercosur", "ar_old", "br_mercosur", "br_old", "eu", "us")
# How the detector's boxes miss real plates (the shipped detector on the real dev photos, truth boxes
# matched at IoU > 0.1; 10th-90th percentiles): width 0.77-1.3 of the plate's, height 0.87-1.48,
# left edge -0.13..+0.1 and right edge -0.15..+0.17 of the plate's width off.
WIDTH_SD, HEIGHT_MEAN, HEIGHT_SD = 0.12, 0.1, 0.15  # log-normal size factors
SHIFT_SD = (0.06, 0.1)  # centre shift, fractions of the plate's width and height
CUT_SHARE, CUT_RANGE = 0.35, (0.05, 0.3)  # boxes that stop short of one end of the plate, by this much of it
# Wild boxes (0.34.0, `wild` > 0): the real detector's worst boxes lie past those percentiles (a box
# taking in a lit lamp or a plate recess beside the plate: `5RIN962` at IoU 0.48, `JRK5336` 0.41).
WILD_SPREAD = (2.5, 2.0)  # times SHIFT_SD and WIDTH_SD for a wild box


def spoil_box(box, rng: np.random.Generator, wild: bool = False) -> tuple[float, float, float, float]:
    """A true plate box (x, y, w, h px) spoilt as a detector's: resized (width by a log-normal
    factor of sd `WIDTH_SD`, height by one of mean `HEIGHT_MEAN` and sd `HEIGHT_SD`), moved
    (normal, sd `SHIFT_SD` of the plate's size) and, for `CUT_SHARE` of the boxes, cut short at one
    end by `CUT_RANGE` of the plate's width (the detector's box stops before a wide plate's first
    or last character). `wild`: the centre's shift and the width's spread `WILD_SPREAD` times as
    large (width 0.5-2.2 of the plate's). Returns (x, y, w, h) px, w and h at least a quarter of the
    plate's."""
    x, y, w, h = (float(v) for v in box)
    shift_spread, width_spread = WILD_SPREAD if wild else (1.0, 1.0)
    nw = w * float(np.clip(np.exp(rng.normal(0.0, WIDTH_SD * width_spread)), *((0.5, 2.2) if wild else (0.6, 1.6))))
    nh = h * float(np.clip(np.exp(rng.normal(HEIGHT_MEAN, HEIGHT_SD)), 0.7, 1.9))
    cx = x + w / 2 + rng.normal(0.0, SHIFT_SD[0] * shift_spread) * w
    cy = y + h / 2 + rng.normal(0.0, SHIFT_SD[1]) * h
    if rng.random() < CUT_SHARE:
        cut = rng.uniform(*CUT_RANGE) * w
        left = rng.random() < 0.5
        nw = max(0.25 * w, nw - cut)
        cx += cut / 2 if left else -cut / 2
    return (cx - nw / 2, cy - nh / 2, nw, max(0.25 * h, nh))


def flank_plate(image: np.ndarray, box, rng: np.random.Generator) -> None:
    """Draws beside a plate what real photos put there and a detector's box takes in, in place:
    half the time lit tail lamps on one or both sides (`lprlab.train_verifier.paint_lamps`; 0.6-1.4
    of the plate's height, 0.05-0.7 of its width away), else a lit recess around it (a lighter or
    tinted panel reaching 0.15-0.7 of the plate's width past each side and 0.2-0.8 of its height
    above and below). The plate's own box keeps its pixels.

    Args:
        image: (H, W, 3) uint8 RGB.
        box: The plate's (x, y, w, h) px.
        rng: Draws the look.
    """
    import cv2  # noqa: PLC0415

    from lprlab.train_verifier import paint_lamps  # noqa: PLC0415

    height, width = image.shape[:2]
    x, y, w, h = (float(v) for v in box)
    x0, y0 = int(max(0, np.floor(x))), int(max(0, np.floor(y)))
    x1, y1 = int(min(width, np.ceil(x + w))), int(min(height, np.ceil(y + h)))
    if x1 <= x0 or y1 <= y0:
        return
    plate = image[y0:y1, x0:x1].copy()
    if rng.random() < 0.5:
        lamp_h = h * rng.uniform(0.6, 1.4)
        lamp_w = lamp_h * rng.uniform(1.0, 3.0)
        top = y + h / 2 - lamp_h / 2 + rng.normal(0, 0.2) * h
        sides = ((0,), (1,), (0, 1))[int(rng.integers(0, 3))]
        lefts = [x - rng.uniform(0.05, 0.7) * w - lamp_w if side == 0 else x + w + rng.uniform(0.05, 0.7) * w
                 for side in sides]
        paint_lamps(image, rng, lefts, top, lamp_w, lamp_h)
    else:
        left, right = rng.uniform(0.15, 0.7, 2) * w
        above, below = rng.uniform(0.2, 0.8, 2) * h
        around = image[max(0, int(y - above)):int(y + h + below) + 1, max(0, int(x - left)):int(x + w + right) + 1]
        if around.size:
            tint = np.float32(around.reshape(-1, 3).mean(axis=0))
            if rng.random() < 0.6:  # lit: lighter, often warm
                tint = tint + rng.uniform(40, 140) * np.float32((1.0, rng.uniform(0.7, 1.0), rng.uniform(0.6, 1.0)))
            else:  # a tinted or dark panel
                tint = tint * rng.uniform(0.3, 0.8) + rng.uniform(0, 60, 3)
            panel = image.copy()
            cv2.rectangle(panel, (int(x - left), int(y - above)), (int(x + w + right), int(y + h + below)),
                          tuple(float(c) for c in np.clip(tint, 0, 255)), -1)
            panel = cv2.GaussianBlur(panel, (0, 0), max(0.5, 0.05 * h))
            image[:] = np.clip(0.25 * image.astype(np.float32) + 0.75 * panel.astype(np.float32), 0, 255)
    image[y0:y1, x0:x1] = plate


def _image(seed: int, index: int, formats, photos, flank: float = 0.0):
    """Image `index` of a sample set and its true plate boxes ((n, 4) px), from
    ``default_rng([seed, index])``: 40% bare photos with 1-3 plates pasted on, else a scene;
    `flank` of the plates get lamps or a recess beside them (`flank_plate`, drawn from
    ``default_rng([seed, index, 11])``)."""
    from lprlab.augment import augment, make_pipeline  # noqa: PLC0415
    from lprlab.backgrounds import background  # noqa: PLC0415
    from lprlab.scene import make_scene  # noqa: PLC0415
    from lprlab.train_verifier import FRAME_SHARE, paste_plates  # noqa: PLC0415

    rng = np.random.default_rng([seed, index])
    if rng.random() < 0.4:
        image = background(rng, (720, 1280), photos, photo_fraction=1.0).copy()
        truths = paste_plates(image, formats, rng, int(rng.integers(1, 4)), frame_share=FRAME_SHARE)
    else:
        scene = make_scene(formats, rng, "cctv" if rng.random() < 0.6 else "parking", photos)
        image, truths = scene.image, np.float32([p.box for p in scene.plates]).reshape(-1, 4)
    if flank > 0:
        flank_rng = np.random.default_rng([seed, index, 11])
        image = image.copy()
        for truth in truths:
            if flank_rng.random() < flank:
                flank_plate(image, truth, flank_rng)
    return augment(image, make_pipeline("scene", 720), rng), truths, rng


def _make_shard(task) -> None:
    """Writes one shard (`make_box_set`'s worker): ``crops`` (m, height, width, 3) uint8, ``targets``
    (m, 4) float32, ``boxes`` and ``plates`` (m, 4) float32 px, ``images`` (m,) int32."""
    from lprlab.backgrounds import PhotoBackgrounds  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415

    config, formats, seed, indices, backgrounds, path, wild, flank = task
    formats = resolve_formats(",".join(formats))
    photos = PhotoBackgrounds(backgrounds) if backgrounds else None
    crops, targets, boxes, plates, images = [], [], [], [], []
    for index in indices:
        image, truths, rng = _image(seed, index, formats, photos, flank)
        wild_rng = np.random.default_rng([seed, index, 12])  # which boxes are wild, and their spoils
        spoilt = np.float32([spoil_box(t, wild_rng, wild=True) if wild > 0 and wild_rng.random() < wild
                             else spoil_box(t, rng) for t in truths for _ in range(BOXES_PER_PLATE)]).reshape(-1, 4)
        truths = np.repeat(truths, BOXES_PER_PLATE, axis=0).reshape(-1, 4)
        windows = context_windows(spoilt, config)
        crops.append(crop_windows(image, windows, config.image_size))
        targets.append(edges_to_targets(truths, windows))
        boxes.append(spoilt)
        plates.append(truths)
        images.append(np.full(len(spoilt), index, np.int32))
    path = pathlib.Path(path)
    temporary = path.with_name(f".{path.stem}.tmp.npz")
    np.savez(temporary, crops=np.concatenate(crops), targets=np.concatenate(targets), boxes=np.concatenate(boxes),
             plates=np.concatenate(plates), images=np.concatenate(images))
    os.replace(temporary, path)


def make_box_set(config: BoxRegressorConfig, images: int, seed: int, folder: str | os.PathLike,
                 formats=LATIN_FORMATS, backgrounds: str | None = None, workers: int = 1,
                 progress: bool = True, wild: float = 0.0, flank: float = 0.0) -> dict[str, np.ndarray]:
    """Generates (or completes) the samples of `images` images and loads them.

    Shard k (images k*SHARD to (k+1)*SHARD - 1) is ``folder/shard-<k>.npz``, written atomically;
    the bytes depend only on the seed, the config and the formats, not on `workers`.

    Args:
        config: Gives the crop size and context.
        images: Images to draw plates from (about 2 plates each, `BOXES_PER_PLATE` boxes per plate).
        seed: Image i is drawn from ``default_rng([seed, i])``.
        folder: Shard folder (created).
        formats: Plate format names.
        backgrounds: Folder of real background photos, or None for procedural ones only.
        workers: Worker processes.
        progress: Show a progress bar.
        wild: Share of the boxes spoilt wildly (`spoil_box`'s `wild`; 0.34.0).
        flank: Share of the plates with lamps or a recess beside them (`flank_plate`; 0.34.0).

    Returns:
        The set (`load_box_set`).
    """
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = []
    for shard in range(int(np.ceil(images / SHARD))):
        path = folder / f"shard-{shard:05d}.npz"
        if not path.is_file():
            tasks.append((config, tuple(formats), seed, range(shard * SHARD, min(images, (shard + 1) * SHARD)),
                          backgrounds, str(path), wild, flank))
    with tqdm(total=len(tasks), desc="box samples", unit="shard", disable=not progress or not tasks) as bar:
        if workers <= 1:
            for task in tasks:
                _make_shard(task)
                bar.update(1)
        else:
            with concurrent.futures.ProcessPoolExecutor(workers) as pool:
                for _ in pool.map(_make_shard, tasks):
                    bar.update(1)
    return load_box_set(folder, config)


def load_box_set(folder: str | os.PathLike, config: BoxRegressorConfig) -> dict[str, np.ndarray]:
    """All shards of a box sample folder: a dict of ``crops``, ``targets``, ``boxes``, ``plates``,
    ``images`` (see `_make_shard`).

    Raises:
        FileNotFoundError: no shard in `folder`.
        ValueError: crops of another size than the config's input.
    """
    paths = sorted(pathlib.Path(folder).glob("shard-*.npz"))
    if not paths:
        raise FileNotFoundError(f"no box regressor shards (shard-*.npz) in {str(folder)!r}")
    parts: dict[str, list] = {}
    for path in paths:
        with np.load(path) as data:
            if data["crops"].shape[1:3] != tuple(config.image_size):
                raise ValueError(f"{str(path)!r} holds {data['crops'].shape[1:3]} crops, expected {config.image_size}")
            for key in data.files:
                parts.setdefault(key, []).append(data[key])
    return {key: np.concatenate(value) for key, value in parts.items()}


def box_figures(model: keras.Model, data: dict[str, np.ndarray], config: BoxRegressorConfig,
                batch_size: int = 256) -> dict[str, float]:
    """Mean IoU with the true plate of the spoilt boxes and of the regressed ones, the share at IoU
    >= 0.7 of each, and the mean absolute error of the left and right edges in plate widths."""
    predicted = model.predict(data["crops"].astype(np.float32) / 255.0, batch_size=batch_size, verbose=0)
    windows = context_windows(data["boxes"], config)
    fitted = targets_to_boxes(predicted, windows)
    before, after = paired_iou(data["boxes"], data["plates"]), paired_iou(fitted, data["plates"])
    width = np.maximum(data["plates"][:, 2], 1e-6)
    ends = lambda b: np.stack([b[:, 0], b[:, 0] + b[:, 2]], axis=1)  # noqa: E731
    return {"samples": int(len(before)), "iou_before": float(before.mean()), "iou_after": float(after.mean()),
            "iou70_before": float((before >= 0.7).mean()), "iou70_after": float((after >= 0.7).mean()),
            "end_error_before": float((np.abs(ends(data["boxes"]) - ends(data["plates"])) / width[:, None]).mean()),
            "end_error_after": float((np.abs(ends(fitted) - ends(data["plates"])) / width[:, None]).mean())}


def train_box_regressor(config: BoxRegressorConfig, run_dir: str | os.PathLike, train: dict[str, np.ndarray],
                        validation: dict[str, np.ndarray], epochs: int = 8, batch_size: int = 128,
                        verbose: int | str = "auto", photometric: float = 0.0,
                        samples: dict | None = None) -> keras.callbacks.History:
    """Trains the box regressor; resumes from ``run_dir/backup`` when a previous run was cut.

    Args:
        config: The model; its `learning_rate`, `huber_delta` and `seed` are used.
        run_dir: Run folder (created); the result is ``run_dir/model.keras`` + ``model.json``.
        train: A set from `make_box_set`. Horizontal flips (edges swapped) double it.
        validation: The same, for validation.
        epochs: Epochs; cosine learning-rate decay to 1% over them.
        batch_size: Crops per step.
        verbose: Keras verbosity.
        photometric: Share of the training crops darkened, dulled or brightened on their own
            (`lprlab.train_verifier.photometric_jitter`; real plates are often lit unlike their car);
            kept in the metadata.
        samples: How the samples were made (`make_box_set`'s `wild` and `flank`), kept in the
            metadata.

    Returns:
        The Keras `History` (Huber loss and mean absolute edge error).
    """
    import tensorflow as tf  # noqa: PLC0415

    from lprlab.train_verifier import photometric_jitter  # noqa: PLC0415

    run_dir = pathlib.Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=1))
    keras.utils.set_random_seed(config.seed)

    def dataset(data, shuffle):
        frame = tf.data.Dataset.from_tensor_slices((data["crops"], data["targets"]))
        if shuffle:
            frame = frame.shuffle(min(len(data["crops"]), 50_000), seed=config.seed, reshuffle_each_iteration=True)
        frame = frame.batch(batch_size)

        def prepare(x, y):
            x = tf.cast(x, tf.float32) / 255.0
            if shuffle:  # a mirrored crop's plate has mirrored edges: left = 1 - right
                flip = tf.random.uniform((tf.shape(x)[0], 1), seed=config.seed) < 0.5
                x = tf.where(flip[:, :, None, None], tf.reverse(x, axis=[2]), x)
                mirrored = tf.stack([1.0 - y[:, 2], y[:, 1], 1.0 - y[:, 0], y[:, 3]], axis=1)
                y = tf.where(flip, mirrored, y)
                x = photometric_jitter(x, photometric, config.seed)
            return x, y

        return frame.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    steps = epochs * int(np.ceil(len(train["crops"]) / batch_size))
    with make_strategy().scope():
        model = build_box_regressor(config)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps, alpha=0.01)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss=keras.losses.Huber(config.huber_delta),
                      metrics=[keras.metrics.MeanAbsoluteError(name="edge_error")])
    history = model.fit(dataset(train, True), validation_data=dataset(validation, False), epochs=epochs,
                        callbacks=training_callbacks(run_dir), shuffle=False, verbose=verbose)
    save_box_regressor(model, config, run_dir / "model", {
        "training": {"samples": int(len(train["crops"])), "epochs": epochs, "batch_size": batch_size,
                     "steps": steps, "photometric": photometric, **(samples or {})},
        "validation": box_figures(model, validation, config),
    })
    return history


def train_box_regressor_synthetic(config: BoxRegressorConfig, run_dir: str | os.PathLike, images: int = 10_000,
                                  val_images: int = 500, epochs: int = 8, data_dir: str | os.PathLike = "data/synth",
                                  backgrounds: str | None = None, formats=LATIN_FORMATS, workers: int = 2,
                                  batch_size: int = 128, verbose: int | str = "auto",
                                  photometric: float = 0.0, wild: float = 0.0,
                                  flank: float = 0.0) -> keras.callbacks.History:
    """Makes (or reuses) the samples of `images` training and `val_images` validation images, then
    trains (`train_box_regressor`). The sets live in ``data_dir/boxes-<version>-<crop>-context<x>x<y>
    [-photos][-wild<w>][-flank<f>]-<images>-s<seed>``; validation uses seed ``config.seed + 1`` (and
    the same `wild` and `flank`: see `make_box_set`); `photometric`: see `train_box_regressor`."""
    size = "x".join(str(s) for s in config.image_size)
    context = "x".join(f"{c:g}" for c in config.context)
    tag = (f"boxes-{SAMPLES_VERSION}-{size}-context{context}{'-photos' if backgrounds else ''}"
           f"{f'-wild{wild:g}' if wild else ''}{f'-flank{flank:g}' if flank else ''}")
    data_dir = pathlib.Path(data_dir)
    progress = verbose != 0
    train = make_box_set(config, images, config.seed, data_dir / f"{tag}-{images}-s{config.seed}", formats,
                         backgrounds, workers, progress, wild, flank)
    validation = make_box_set(config, val_images, config.seed + 1, data_dir / f"{tag}-{val_images}-s{config.seed + 1}",
                              formats, backgrounds, workers, progress, wild, flank)
    return train_box_regressor(config, run_dir, train, validation, epochs, batch_size, verbose, photometric,
                               {"wild": wild, "flank": flank})


def export_box_regressor(run_dir: str | os.PathLike, destination: str | os.PathLike, figures: dict | None = None,
                         data: str = "") -> pathlib.Path:
    """Copies ``run_dir/model`` to ``<destination>.keras`` + ``.json``, adding the per-epoch
    training log, a description of the training `data` and measured `figures`."""
    run_dir = pathlib.Path(run_dir)
    regressor = load_box_regressor(run_dir / "model")
    with open(run_dir / "log.csv", newline="") as handle:
        history = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    info = {k: v for k, v in regressor.info.items() if k not in ("model", "config", "saved")}
    return save_box_regressor(regressor.model, regressor.config, destination,
                              {**info, "history": history, "data": data, "figures": figures or {}})
