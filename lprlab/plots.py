"""Galleries and charts for notebooks and the demo (matplotlib). Every function returns a Figure."""
from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Polygon, Rectangle

from lprlab.augment import augment, single_transforms
from lprlab.decorations import FONTS_DIR
from lprlab.formats import get_format
from lprlab.render import random_plate


def _register_plate_fonts() -> None:
    """Lets titles show plate texts in any script: our CJK fonts as fallbacks after DejaVu Sans."""
    families = ["DejaVu Sans"]
    for path in sorted(FONTS_DIR.glob("*-plates.ttf")):
        font_manager.fontManager.addfont(str(path))
        families.append(font_manager.FontProperties(fname=str(path)).get_name())
    plt.rcParams["font.family"] = families
    # WenQuanYi ships only a medium weight; matplotlib says so on every title otherwise.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


_register_plate_fonts()


def _off(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_format_gallery(format_names, seed: int = 0, per_format: int = 4, height_px: int = 96, pipeline=None,
                        show_boxes: bool = False) -> plt.Figure:
    """A row per format of random plates (augmented by `pipeline` when given), each titled with its
    format, variant and text; `show_boxes` draws the character boxes."""
    fig, axes = plt.subplots(len(format_names), per_format, figsize=(3.2 * per_format, 1.3 * len(format_names)),
                             squeeze=False)
    for row, name in enumerate(format_names):
        fmt = get_format(name)
        for col in range(per_format):
            rng = np.random.default_rng([seed, row, col])
            plate = random_plate(fmt, rng, height_px)
            image = augment(plate.image, pipeline, rng) if pipeline is not None else plate.image
            ax = axes[row, col]
            ax.imshow(image)
            if show_boxes:
                for x, y, w, h in plate.char_boxes:
                    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="red", linewidth=0.6))
            ax.set_title(f"{name}/{plate.variant}: {plate.text}", fontsize=7)
            _off(ax)
    fig.tight_layout()
    return fig


def plot_scenes(scenes, columns: int = 2) -> plt.Figure:
    """Scenes with each plate's box (green) and corners (magenta), titled with the texts."""
    rows = int(np.ceil(len(scenes) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(7 * columns, 4 * rows), squeeze=False)
    for ax, scene in zip(axes.flat, scenes):
        ax.imshow(scene.image)
        for plate in scene.plates:
            x, y, w, h = plate.box
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="lime", linewidth=1.2))
            ax.add_patch(Polygon(plate.corners, closed=True, fill=False, edgecolor="magenta", linewidth=0.8))
        ax.set_title(", ".join(p.text for p in scene.plates) or "no plate (negative)", fontsize=9)
    for ax in axes.flat:
        _off(ax)
    fig.tight_layout()
    return fig


def plot_images(images, titles=None, columns: int = 8, size: float = 1.6) -> plt.Figure:
    """A grid of RGB uint8 images with optional titles."""
    rows = int(np.ceil(len(images) / columns))
    aspect = images[0].shape[1] / images[0].shape[0]
    fig, axes = plt.subplots(rows, columns, figsize=(size * aspect * columns, size * rows + 0.3 * rows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            ax.imshow(images[i])
            if titles is not None:
                ax.set_title(titles[i], fontsize=7)
        _off(ax)
    fig.tight_layout()
    return fig


def plot_augmentation_effects(image: np.ndarray, seed: int = 0) -> plt.Figure:
    """`image` (RGB uint8) under each single augmentation of `lprlab.augment.single_transforms`."""
    import albumentations as A  # noqa: PLC0415

    effects = single_transforms()
    images, titles = [image], ["original"]
    for i, (name, transform) in enumerate(effects.items()):
        images.append(augment(image, A.Compose([transform]), np.random.default_rng([seed, i])))
        titles.append(name)
    return plot_images(images, titles, columns=4, size=1.8)


def plot_throughput(figures: dict[str, float], unit: str = "images/s") -> plt.Figure:
    """A horizontal bar chart of measured throughputs."""
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(figures) + 1))
    names = list(figures)
    ax.barh(names, [figures[n] for n in names], color="tab:blue")
    for i, name in enumerate(names):
        ax.text(figures[name], i, f" {figures[name]:,.0f}", va="center", fontsize=8)
    ax.set_xlabel(unit)
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def plot_reader_comparison(scores: dict[str, dict[str, float]], ylabel: str = "top-1 plate accuracy (%)",
                           title: str = "") -> plt.Figure:
    """Grouped bars, one group per test set and one bar per reader: `scores` is {reader name:
    {set name: accuracy in [0, 1]}} (every reader scored on the same sets); values drawn in %.

    Raises:
        ValueError: no readers, or readers scored on different sets.
    """
    if not scores:
        raise ValueError("scores is empty: give {reader: {set: accuracy}}")
    readers = list(scores)
    sets = list(scores[readers[0]])
    if any(list(scores[r]) != sets for r in readers):
        raise ValueError(f"every reader must be scored on the same sets, in order: {sets}")
    fig, ax = plt.subplots(figsize=(1.6 * len(sets) + 2.5, 3.8))
    width = 0.8 / len(readers)
    for k, reader in enumerate(readers):
        xs = np.arange(len(sets)) + (k - (len(readers) - 1) / 2) * width
        values = [100 * scores[reader][s] for s in sets]
        ax.bar(xs, values, width, label=reader)
        for x, v in zip(xs, values):
            ax.text(x, v + 1, f"{v:.0f}", ha="center", fontsize=7)
    ax.set_xticks(np.arange(len(sets)), sets, fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 105)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion(matrix: np.ndarray, alphabet: str, min_count: int = 1) -> plt.Figure:
    """The off-diagonal part of a character confusion matrix (true rows, read columns), log colour."""
    off = matrix.astype(float).copy()
    np.fill_diagonal(off, 0)
    keep = [i for i in range(len(alphabet)) if off[i].sum() >= min_count or off[:, i].sum() >= min_count]
    keep = keep or list(range(len(alphabet)))
    fig, ax = plt.subplots(figsize=(0.28 * len(keep) + 2, 0.28 * len(keep) + 1.5))
    image = ax.imshow(np.log1p(off[np.ix_(keep, keep)]), cmap="Reds")
    ax.set_xticks(range(len(keep)), [alphabet[i] for i in keep], fontsize=7)
    ax.set_yticks(range(len(keep)), [alphabet[i] for i in keep], fontsize=7)
    ax.set_xlabel("read as")
    ax.set_ylabel("true character")
    fig.colorbar(image, ax=ax, label="log(1 + count)")
    fig.tight_layout()
    return fig


def plot_history(log_csv: str, metrics=("loss", "char_acc")) -> plt.Figure:
    """Training curves from a Keras CSVLogger file (train and validation per metric)."""
    import csv  # noqa: PLC0415

    with open(log_csv, newline="") as handle:
        rows = list(csv.DictReader(handle))
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.2), squeeze=False)
    epochs = [int(float(r["epoch"])) + 1 for r in rows]
    for ax, metric in zip(axes.flat, metrics):
        for prefix in ("", "val_"):
            if prefix + metric in rows[0]:
                ax.plot(epochs, [float(r[prefix + metric]) for r in rows], marker="o", label=prefix + metric)
        ax.set_xlabel("epoch")
        ax.legend()
    fig.tight_layout()
    return fig


def plot_detections(images, truths=None, detections=None, titles=None, columns: int = 3,
                    size: float = 4.0) -> plt.Figure:
    """Photos with true boxes (green, dashed) and detections (red, with scores).

    Args:
        images: (H, W, 3) uint8 RGB images.
        truths: Per image, (n, 4) true boxes (x, y, w, h) px, or None.
        detections: Per image, a list of `lprlab.models.detector.Detection`, or None.
        titles: Per image, a title.
    """
    rows = max(1, int(np.ceil(len(images) / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(size * columns, size * 0.62 * rows), squeeze=False)
    for ax in axes.flat:
        _off(ax)
    for i, image in enumerate(images):
        ax = axes.flat[i]
        ax.imshow(image)
        for x, y, w, h in (truths[i] if truths is not None else []):
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="lime", linestyle="--", linewidth=1.2))
        for d in (detections[i] if detections is not None else []):
            x, y, w, h = d.box
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="red", linewidth=1.2))
            ax.text(x, y - 3, f"{d.score:.2f}", color="red", fontsize=7, va="bottom")
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    figure.tight_layout()
    return figure


def plot_box_fits(images, truths, searched, fitted, titles=None, columns: int = 4, size: float = 3.0,
                  context: float = 0.6) -> plt.Figure:
    """Plates cut from their photos with the true box (green, dashed), the search's box (blue) and
    the fitted one (red): what the box regressor changes.

    Args:
        images: (H, W, 3) uint8 RGB photos, one per plate.
        truths, searched, fitted: (n, 4) boxes (x, y, w, h) px, one per plate.
        titles: Per plate, a title.
        context: Share of the true box's size shown around it on each side.
    """
    rows = max(1, int(np.ceil(len(images) / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(size * columns, size * 0.5 * rows), squeeze=False)
    for ax in axes.flat:
        _off(ax)
    for i, image in enumerate(images):
        ax = axes.flat[i]
        x, y, w, h = (float(v) for v in truths[i])
        x0, y0 = max(0, int(x - context * w)), max(0, int(y - 1.5 * context * h))
        x1, y1 = min(image.shape[1], int(x + w + context * w)), min(image.shape[0], int(y + h + 1.5 * context * h))
        ax.imshow(image[y0:y1, x0:x1])
        for box, colour, style in ((truths[i], "lime", "--"), (searched[i], "deepskyblue", "-"), (fitted[i], "red", "-")):
            bx, by, bw, bh = (float(v) for v in box)
            ax.add_patch(Rectangle((bx - x0, by - y0), bw, bh, fill=False, edgecolor=colour, linestyle=style,
                                   linewidth=1.3))
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    figure.tight_layout()
    return figure


def plot_tiles(tiles, grids, window=(32, 64), stride: int = 8, columns: int = 4, size: float = 2.4) -> plt.Figure:
    """Detector training tiles with their plates (green) and the windows labelled present (thin
    orange outlines; see `lprlab.tiles.presence_grid`), titled with the count of present and
    ignored windows.

    Args:
        tiles: `lprlab.tiles.Tile` objects.
        grids: Per tile, its (rows, cols, 5) label grid.
    """
    rows = max(1, int(np.ceil(len(tiles) / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(size * columns, size * 0.7 * rows), squeeze=False)
    for ax in axes.flat:
        _off(ax)
    for ax, tile, grid in zip(axes.flat, tiles, grids):
        ax.imshow(tile.image)
        for plate in tile.plates:
            x, y, w, h = plate.box
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="lime", linewidth=1.2))
        for i, j in np.argwhere(grid[..., 0] == 1):
            ax.add_patch(Rectangle((j * stride, i * stride), window[1], window[0], fill=False, edgecolor="orange",
                                   linewidth=0.6))
        ax.set_title(f"scale {tile.scale:.2f}: {int((grid[..., 0] == 1).sum())} present, "
                     f"{int((grid[..., 0] == -1).sum())} ignored", fontsize=7)
    figure.tight_layout()
    return figure


def plot_presence_levels(image: np.ndarray, detector, levels: int = 4) -> plt.Figure:
    """The image and the presence probability map of its first pyramid levels (one value per
    window, drawn over the window's centre), to see where and at which scale plates fire."""
    from lprlab.models.detector import pyramid_scales  # noqa: PLC0415
    from lprlab.tiles import resize_level  # noqa: PLC0415

    scales = pyramid_scales(image.shape[:2], detector.config.window)[:levels]
    figure, axes = plt.subplots(1, len(scales) + 1, figsize=(3.2 * (len(scales) + 1), 2.4), squeeze=False)
    axes[0, 0].imshow(image)
    axes[0, 0].set_title("image", fontsize=8)
    for ax, scale in zip(axes[0, 1:], scales):
        grid = detector.presence_grid(resize_level(image, scale))
        ax.imshow(1 / (1 + np.exp(-grid[..., 0])), vmin=0, vmax=1, cmap="magma")
        ax.set_title(f"presence at scale {scale:.2f}", fontsize=8)
    for ax in axes.flat:
        _off(ax)
    figure.tight_layout()
    return figure


def plot_lr_study(rows, title: str = "Top-1 plate accuracy against LR plate height",
                  generic_label: str = "(d) Real-ESRGAN x4plus → recogniser") -> plt.Figure:
    """The zoom-and-enhance chart from `lprlab.study.run_study` rows: accuracy (%) against LR plate
    height (pixels, log axis) for bicubic, the LR-trained recogniser, the enhancer and, where the rows
    hold it, the generic SR model (`generic_label`), with the HR accuracy as a dashed line."""
    measured = [r for r in rows if np.isfinite(r.height)]
    full = [r for r in rows if not np.isfinite(r.height)]
    heights = [r.height for r in measured]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for field, label, style in (("bicubic", "(a) bicubic → recogniser", "o-"),
                                ("lr_trained", "(b) recogniser trained on LR of that height", "s-"),
                                ("enhanced", "(c) SRGAN enhancer → recogniser", "^-"),
                                ("generic", generic_label, "d-")):
        values = [getattr(r, field, None) for r in measured]
        if any(v is not None for v in values):
            ax.plot(heights, [np.nan if v is None else 100 * v for v in values], style, label=label)
    if full:
        ax.axhline(100 * full[0].bicubic, color="grey", ls="--", lw=1, label="HR (full size)")
    for level in (50, 90):
        ax.axhline(level, color="k", lw=0.5, alpha=0.4)
    ax.set_xscale("log", base=2)
    ax.set_xticks(heights)
    ax.set_xticklabels([f"{h:g}" for h in heights])
    ax.set_xlabel("LR plate height (pixels)")
    ax.set_ylabel("top-1 plate accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_margin_sweep(sweeps: dict, margins) -> plt.Figure:
    """Top-1 plate accuracy (%) against the crop margin (share of the true box per side), one line
    per recogniser and region: `sweeps` is {recogniser name: `lprlab.evaluation.margin_sweep` result}."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    styles = ("o-", "s--", "^:", "d-.")
    colours = {"br": "tab:green", "eu": "tab:blue", "us": "tab:red"}
    for k, (name, sweep) in enumerate(sweeps.items()):
        for region, values in sweep.items():
            ax.plot(margins, [100 * v for v in values], styles[k % len(styles)], color=colours.get(region),
                    label=f"{name}: {region}")
    ax.axvline(0.0, color="k", lw=0.5, alpha=0.4)
    ax.set_xlabel("crop margin per side (share of the true box; negative cuts into it)")
    ax.set_ylabel("top-1 plate accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title("Real plates cut around their true boxes at each margin")
    ax.legend(fontsize=7, loc="lower center", ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_sr_gallery(columns_images: dict, readings: dict | None = None, truths=None, size: float = 1.0) -> plt.Figure:
    """A row per plate and a column per stage (e.g. LR | bicubic | SR | HR); each image titled with
    its reading (green when it matches the truth, red otherwise).

    Args:
        columns_images: {column title: list of RGB uint8 images}, all lists of one length.
        readings: {column title: list of read texts}, for the columns that were read.
        truths: True texts, one per row.
        size: Height of a row in inches.
    """
    names = list(columns_images)
    count = len(columns_images[names[0]])
    fig, axes = plt.subplots(count, len(names), figsize=(2.6 * len(names) * size, (size * 0.9 + 0.25) * count),
                             squeeze=False)
    for col, name in enumerate(names):
        for row in range(count):
            ax = axes[row, col]
            ax.imshow(columns_images[name][row], interpolation="nearest")
            _off(ax)
            title = name if row == 0 else ""
            if readings and name in readings:
                text = readings[name][row]
                ok = truths is not None and text == truths[row]
                ax.set_title(f"{title}\n{text}" if title else text, fontsize=8,
                             color="green" if ok else "red" if truths is not None else "black")
            elif title or (truths is not None and col == len(names) - 1):
                ax.set_title(f"{title}\n{truths[row]}" if truths is not None and col == len(names) - 1 else title,
                             fontsize=8)
    fig.tight_layout()
    return fig
