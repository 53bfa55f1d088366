"""Synthetic datasets on disk: images plus ``labels.csv``, written in parallel, atomically, resumably.

Sample ``i`` of a dataset with seed ``s`` is drawn from ``np.random.default_rng([s, i])`` only, so a
dataset is the same, byte for byte, whatever the number of worker processes or Dask workers. Work
is cut into shards of `SHARD_SIZE` samples; a shard's rows are written (atomically) to
``.shards/`` only after all its images are, so a re-run after an interruption redoes only the
unfinished shards, and no file is ever half written (every write goes to a temporary file first,
then ``os.replace``). ``labels.csv`` is assembled from the shards at the end.

No TensorFlow here: `lprlab generate` never pays its import.
"""
from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import functools
import io
import json
import os
import pathlib

import cv2
import numpy as np
from tqdm import tqdm

from lprlab.augment import augment, make_pipeline
from lprlab.backgrounds import PhotoBackgrounds
from lprlab.crops import make_plate_crop
from lprlab.formats import resolve_formats
from lprlab.scene import get_preset, make_scene, make_window
from lprlab.tiles import make_tile

SHARD_SIZE = 128
KINDS = ("plate", "scene", "window", "tile")
CORNER_COLUMNS = ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")
COLUMNS = {
    "plate": ("file", "text", "format", "variant", *CORNER_COLUMNS, "seed", "index"),
    "scene": ("file", "text", "format", "variant", "x", "y", "w", "h", *CORNER_COLUMNS, "seed", "index"),
    "window": ("file", "text", "format", "variant", "presence", "x", "y", "w", "h", *CORNER_COLUMNS, "seed", "index"),
    "tile": ("file", "text", "format", "variant", "x", "y", "w", "h", *CORNER_COLUMNS, "valid_h", "valid_w", "scale",
             "seed", "index"),
}


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """What a dataset holds; saved as ``dataset.json`` beside ``labels.csv``.

    Attributes:
        kind: ``plate`` (recogniser crops), ``scene`` (photos with boxes), ``window`` (presence
            windows with positives and negatives, half each) or ``tile`` (detector training tiles,
            `lprlab.tiles.make_tile`: scene crops at a pyramid scale, plate boxes in tile pixels).
        formats: Plate format names.
        count: Number of samples (scenes for ``scene``).
        seed: Dataset seed.
        image_size: (height, width) px of plates, windows and tiles; scenes use the preset's size.
        preset: Scene preset (``cctv`` or ``parking``), for ``scene``.
        augment: Augmentation pipeline name applied to plates and windows.
        backgrounds: Folder of background photos, or None for procedural backgrounds.
        free_text: For ``plate``: probability of a free text (any letter or digit at each position
            of a real layout; see `lprlab.render.random_plate`).
        loose_crops: For ``plate``: probability of a loose crop, margins as the detector cuts real
            plates (see `lprlab.crops.make_plate_crop`).
    """

    kind: str
    formats: tuple[str, ...]
    count: int
    seed: int
    image_size: tuple[int, int] = (64, 128)
    preset: str = "cctv"
    augment: str = "none"
    backgrounds: str | None = None
    free_text: float = 0.0
    loose_crops: float = 0.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown dataset kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.count < 1:
            raise ValueError(f"count must be >= 1, got {self.count}")
        for name in ("free_text", "loose_crops"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1], got {getattr(self, name)}")
        resolve_formats(list(self.formats))
        get_preset(self.preset)
        make_pipeline(self.augment)
        if self.backgrounds:
            PhotoBackgrounds(self.backgrounds)  # raises on a missing, non-directory or empty folder


@functools.lru_cache(maxsize=8)
def _context(spec: DatasetSpec):
    """Objects shared by the samples of one worker: formats, pipeline, photo backgrounds."""
    photos = PhotoBackgrounds(spec.backgrounds) if spec.backgrounds else None
    height = spec.image_size[0] if spec.kind != "scene" else get_preset(spec.preset).image_size[0]
    return resolve_formats(list(spec.formats)), make_pipeline(spec.augment, height), photos


def _corner_fields(corners) -> dict:
    return dict(zip(CORNER_COLUMNS, (f"{v:.2f}" for v in np.asarray(corners).reshape(-1))))


def _plate_fields(plate) -> dict:
    """Label columns of a placed plate: text, format, variant, box and corners."""
    return {"text": plate.text, "format": plate.format, "variant": plate.variant,
            **dict(zip("xywh", (f"{v:.2f}" for v in plate.box))), **_corner_fields(plate.corners)}


def make_sample(spec: DatasetSpec, index: int) -> tuple[np.ndarray, list[dict]]:
    """Sample `index` of the dataset `spec`: its RGB uint8 image and its label rows (without file).

    A scene gives one row per plate, or one row with empty text and box when it has none.
    """
    formats, pipeline, photos = _context(spec)
    rng = np.random.default_rng([spec.seed, index])
    base = {"seed": spec.seed, "index": index}
    if spec.kind == "plate":
        crop = make_plate_crop(formats, rng, spec.image_size, pipeline=pipeline, free_text=spec.free_text,
                               loose=spec.loose_crops)
        return crop.image, [{"text": crop.text, "format": crop.format, "variant": crop.variant,
                             **_corner_fields(crop.corners), **base}]
    if spec.kind == "window":
        window = make_window(formats, rng, present=bool(rng.random() < 0.5), window_size=spec.image_size,
                             photos=photos)
        image = augment(window.image, pipeline, rng) if spec.augment != "none" else window.image
        row = {"presence": int(window.present), **base}
        if window.plate is not None:
            plate = window.plate
            row.update(_plate_fields(plate))
        return image, [row]
    if spec.kind == "tile":
        tile = make_tile(formats, rng, spec.image_size, photos=photos)
        image = augment(tile.image, pipeline, rng) if spec.augment != "none" else tile.image
        extra = {"valid_h": tile.valid[0], "valid_w": tile.valid[1], "scale": f"{tile.scale:.5f}", **base}
        return image, [{**_plate_fields(p), **extra} for p in tile.plates] or [extra]
    scene = make_scene(formats, rng, spec.preset, photos)
    rows = [{**_plate_fields(p), **base} for p in scene.plates]
    return scene.image, rows or [dict(base)]


def encode_image(image: np.ndarray, suffix: str) -> bytes:
    """PNG or JPEG (quality 95) bytes of an RGB uint8 image; deterministic."""
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if suffix == ".jpg" else []
    ok, data = cv2.imencode(suffix, cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise ValueError(f"could not encode a {image.shape} image as {suffix}")
    return data.tobytes()


def atomic_write(path: pathlib.Path, data: bytes) -> None:
    """Writes `data` to `path` through a temporary file and `os.replace`: never half written."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _rows_csv(rows: list[dict], columns: tuple[str, ...], header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="raise", lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _shard_path(out_dir: pathlib.Path, start: int, stop: int) -> pathlib.Path:
    return out_dir / ".shards" / f"shard-{start:08d}-{stop:08d}.csv"


def write_shard(spec: DatasetSpec, out_dir: str, start: int, stop: int) -> int:
    """Generates samples [start, stop) into `out_dir`, then their shard of labels. Returns stop - start."""
    folder = pathlib.Path(out_dir)
    suffix = ".jpg" if spec.kind == "scene" else ".png"
    rows = []
    for index in range(start, stop):
        image, sample_rows = make_sample(spec, index)
        name = f"{index:07d}{suffix}"
        atomic_write(folder / name, encode_image(image, suffix))
        rows.extend({"file": name, **row} for row in sample_rows)
    atomic_write(_shard_path(folder, start, stop), _rows_csv(rows, COLUMNS[spec.kind], header=False))
    return stop - start


def _check_manifest(out_dir: pathlib.Path, spec: DatasetSpec) -> None:
    manifest = out_dir / "dataset.json"
    from lprlab import __version__  # noqa: PLC0415

    # The version too: resuming must not mix images of two releases of the generator.
    wanted = json.dumps({**dataclasses.asdict(spec), "lprlab": __version__}, indent=1, sort_keys=True)
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if found != json.loads(wanted):
            raise ValueError(f"{str(out_dir)!r} holds a dataset made with other settings ({found}); "
                             "choose another --out or delete it")
        return
    (out_dir / ".shards").mkdir(parents=True, exist_ok=True)
    atomic_write(manifest, wanted.encode())


def _run_shards(spec, out_dir, jobs, workers: int, scheduler: str | None, progress) -> None:
    if scheduler:
        from dask.distributed import Client, as_completed  # noqa: PLC0415 (optional dependency)

        with Client(scheduler) as client:
            futures = [client.submit(write_shard, spec, str(out_dir), a, b, pure=False) for a, b in jobs]
            for future in as_completed(futures):
                progress.update(future.result())
        return
    if workers <= 1:
        for start, stop in jobs:
            progress.update(write_shard(spec, str(out_dir), start, stop))
        return
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        futures = [pool.submit(write_shard, spec, str(out_dir), a, b) for a, b in jobs]
        for future in concurrent.futures.as_completed(futures):
            progress.update(future.result())


def generate_dataset(out_dir: str | os.PathLike, spec: DatasetSpec, workers: int = 1, scheduler: str | None = None,
                     show_progress: bool = True) -> pathlib.Path:
    """Writes (or completes) the dataset `spec` in `out_dir`.

    Args:
        out_dir: Target folder, created if needed.
        spec: What to generate.
        workers: Local worker processes (ignored when `scheduler` is given).
        scheduler: Address of a Dask scheduler (``tcp://host:8786``) to run the shards on a cluster.
        show_progress: Show a tqdm progress bar (samples).

    Returns:
        Path of ``labels.csv``.

    Raises:
        ValueError: `out_dir` holds a dataset made with other settings.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_manifest(out_dir, spec)
    shards = [(a, min(a + SHARD_SIZE, spec.count)) for a in range(0, spec.count, SHARD_SIZE)]
    todo = [(a, b) for a, b in shards if not _shard_path(out_dir, a, b).exists()]
    with tqdm(total=spec.count, initial=spec.count - sum(b - a for a, b in todo), unit="img",
              disable=not show_progress, desc=f"generate {spec.kind}") as progress:
        _run_shards(spec, out_dir, todo, workers, scheduler, progress)
    parts = [_rows_csv([], COLUMNS[spec.kind], header=True)]
    parts += [_shard_path(out_dir, a, b).read_bytes() for a, b in shards]
    labels = out_dir / "labels.csv"
    atomic_write(labels, b"".join(parts))
    return labels


def save_tiles(folder: str | os.PathLike, tiles, seed: int = 0) -> pathlib.Path:
    """Writes `lprlab.tiles.Tile`s as a ``tile`` dataset (PNG images and ``labels.csv``, the
    columns of ``lprlab generate --kind tile``), each file atomically. Returns the labels path."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for index, tile in enumerate(tiles):
        name = f"{index:06d}.png"
        atomic_write(folder / name, encode_image(tile.image, ".png"))
        extra = {"file": name, "valid_h": tile.valid[0], "valid_w": tile.valid[1], "scale": f"{tile.scale:.5f}",
                 "seed": seed, "index": index}
        rows.extend([{**_plate_fields(p), **extra} for p in tile.plates] or [extra])
    labels = folder / "labels.csv"
    atomic_write(labels, _rows_csv(rows, COLUMNS["tile"], header=True))
    return labels


def read_labels(folder: str | os.PathLike) -> list[dict]:
    """The rows of ``folder/labels.csv`` as dicts of strings.

    Raises:
        FileNotFoundError: the folder or its labels.csv is missing.
        ValueError: labels.csv lacks the ``file`` or ``text`` column.
    """
    path = pathlib.Path(folder) / "labels.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no labels.csv in {str(folder)!r}")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "text"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{str(path)!r} lacks the column(s) {sorted(missing)}")
        return list(reader)
