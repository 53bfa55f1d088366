"""Loaders for real plate data: the openalpr benchmark (crops and end-to-end photos).

The development half lives in ``../shared/real/openalpr-dev``; the full set is public
(``git clone https://github.com/openalpr/benchmarks``, folders ``endtoend/`` and ``seg_and_ocr/``).
"""
from __future__ import annotations

import csv
import dataclasses
import pathlib

import numpy as np

from lprlab.images import read_image

SHARED_OPENALPR = pathlib.Path(__file__).resolve().parents[2] / "shared" / "real" / "openalpr-dev"


@dataclasses.dataclass(frozen=True)
class RealPlate:
    """A real plate crop: `image` (H, W, 3) uint8 RGB, its true `text`, `region` and `source` file."""

    image: np.ndarray
    text: str
    region: str
    source: str


def openalpr_root(root: str | pathlib.Path | None = None) -> pathlib.Path:
    """The openalpr folder: `root`, or ``../shared/real/openalpr-dev``.

    Raises:
        FileNotFoundError: the folder is missing (saying how to get the data).
    """
    folder = pathlib.Path(root) if root else SHARED_OPENALPR
    if not folder.is_dir():
        raise FileNotFoundError(f"openalpr benchmark folder {str(folder)!r} is missing; get it with "
                                "git clone https://github.com/openalpr/benchmarks")
    return folder


def load_openalpr_crops(root=None, region: str = "us") -> list[RealPlate]:
    """The cropped plates of ``crops/<region>/`` with ``groundtruth.csv`` (``file,state,PLATE``)."""
    folder = openalpr_root(root) / "crops" / region
    with open(folder / "groundtruth.csv", newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if len(r) >= 3]
    return [RealPlate(read_image(folder / name), text.strip().upper(), region, str(folder / name))
            for name, _, text, *_ in rows]


@dataclasses.dataclass(frozen=True)
class RealPhoto:
    """A real photo with its plates: `image` (H, W, 3) uint8 RGB, `boxes` (n, 4) float32 (x, y, w, h)
    pixels, their `texts`, the `region` and the `source` file."""

    image: np.ndarray
    boxes: np.ndarray
    texts: tuple[str, ...]
    region: str
    source: str


def load_openalpr_photos(root=None, region: str = "us") -> list[RealPhoto]:
    """The photos of ``endtoend/<region>/`` with their ground truth (one ``.txt`` per photo, a line
    per plate: ``file x y w h PLATE``), in file-name order."""
    folder = openalpr_root(root) / "endtoend" / region
    photos = []
    for label in sorted(folder.glob("*.txt")):
        boxes, texts, name = [], [], label.with_suffix(".jpg").name
        for line in label.read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) < 6:
                continue
            name = fields[0]
            boxes.append([float(v) for v in fields[1:5]])
            texts.append(fields[5].upper())
        # The photo is the .jpg beside the .txt; one upstream label names it .png.
        path = folder / name if (folder / name).is_file() else label.with_suffix(".jpg")
        photos.append(RealPhoto(read_image(path), np.array(boxes, np.float32).reshape(-1, 4), tuple(texts), region,
                                str(path)))
    return photos


def load_openalpr_endtoend(root=None, region: str = "us", margin: float = 0.05) -> list[RealPlate]:
    """Crops cut around the ground-truth boxes of ``endtoend/<region>/`` (see `load_openalpr_photos`),
    widened by `margin` of the box size on each side (a negative margin cuts into the box)."""
    plates = []
    for photo in load_openalpr_photos(root, region):
        for (x, y, w, h), text in zip(photo.boxes.astype(int), photo.texts):
            dx, dy = int(round(margin * w)), int(round(margin * h))
            x0, y0 = max(0, x - dx), max(0, y - dy)
            crop = photo.image[y0:min(photo.image.shape[0], y + h + dy), x0:min(photo.image.shape[1], x + w + dx)]
            plates.append(RealPlate(crop, text, region, photo.source))
    return plates


def export_plates(plates: list[RealPlate], folder: str | pathlib.Path) -> pathlib.Path:
    """Writes crops as PNG plus ``labels.csv`` (``file,text,format``, format = region) into `folder`,
    the layout `lprlab train recognizer --finetune` reads. Returns the labels path."""
    from lprlab.datasets import atomic_write, encode_image  # noqa: PLC0415

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["file,text,format"]
    for i, plate in enumerate(plates):
        name = f"{plate.region}_{i:05d}_{pathlib.Path(plate.source).stem}.png"
        atomic_write(folder / name, encode_image(plate.image, ".png"))
        lines.append(f"{name},{plate.text},{plate.region}")
    labels = folder / "labels.csv"
    atomic_write(labels, ("\n".join(lines) + "\n").encode())
    return labels
