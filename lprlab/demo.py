"""`make demo`: the lab's main job, shown as pictures and an HTML page."""
from __future__ import annotations

import html
import pathlib

import numpy as np

from lprlab.augment import make_pipeline
from lprlab.backgrounds import IMAGE_SUFFIXES, PhotoBackgrounds
from lprlab.datasets import atomic_write, encode_image
from lprlab.formats import format_names, resolve_formats
from lprlab.scene import make_scene, make_window

SHARED_BACKGROUNDS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "backgrounds"


def run_demo(out_dir: str | pathlib.Path, seed: int = 0, backgrounds: str | None = None,
             photos: str | None = None, limit: int | None = None) -> pathlib.Path:
    """Writes galleries of every plate format (clean, with character boxes, augmented), CCTV and
    parking scenes, presence windows and the enhancer at work on 12-px plates, then reads real photos end to end with the shipped
    weights (`lprlab.ALPR`), writing them annotated with the scores; ``index.html`` shows it all.
    Returns the HTML path.

    Args:
        out_dir: The output folder.
        seed: Seed of the synthetic galleries.
        backgrounds: A folder of background photos; by default ``../shared/backgrounds`` when present.
        photos: A folder of photos to read; by default the openalpr-dev end-to-end photos (scored
            against their truth) when ``../shared`` is present, else no real photos.
        limit: Read at most this many photos per region or folder (all when None).
    """
    from lprlab import plots  # noqa: PLC0415 (matplotlib only when drawing)

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    folder = backgrounds or (str(SHARED_BACKGROUNDS) if SHARED_BACKGROUNDS.is_dir() else None)
    backdrops = PhotoBackgrounds(folder) if folder else None
    formats = resolve_formats("all")
    pictures = {
        "formats.png": ("Every plate format", plots.plot_format_gallery(format_names(), seed)),
        "formats_boxes.png": ("Character boxes", plots.plot_format_gallery(format_names(), seed + 1, show_boxes=True)),
        "formats_augmented.png": ("Augmented (pipeline 'full')",
                                  plots.plot_format_gallery(format_names(), seed + 2, pipeline=make_pipeline("full", 96))),
    }
    for preset in ("cctv", "parking"):
        scenes = [make_scene(formats, np.random.default_rng([seed, i]), preset, backdrops) for i in range(4)]
        pictures[f"scenes_{preset}.png"] = (f"Scenes, preset {preset}", plots.plot_scenes(scenes))
    windows = [make_window(formats, np.random.default_rng([seed, i]), i % 2 == 0, photos=backdrops) for i in range(16)]
    pictures["windows.png"] = ("Presence windows (deep-anpr's rule)", plots.plot_images(
        [w.image for w in windows], ["present" if w.present else "absent" for w in windows]))
    enhanced = _enhance_figure(seed)
    if enhanced is not None:
        pictures["enhance.png"] = ("Zoom and enhance: plates 12 px high, LR | bicubic | SR (weights/enhancer_x4) | HR, "
                                   "each read by the recogniser (green: right)", enhanced)
    parts = ["<!doctype html><meta charset='utf-8'><title>lprlab demo</title><h1>lprlab demo</h1>",
             f"<p>Backgrounds: {html.escape(folder or 'procedural')}; seed {seed}.</p>"]
    for name, (title, figure) in pictures.items():
        figure.savefig(out / name, dpi=90)
        parts.append(f"<h2>{html.escape(title)}</h2><img src='{name}' style='max-width:100%'>")
    parts.extend(_real_photos_report(out, photos, limit))
    page = out / "index.html"
    atomic_write(page, "\n".join(parts).encode("utf-8"))
    return page


def _enhance_figure(seed: int, count: int = 6, plate_height: float = 12.0):
    """LR | bicubic | SR | HR of `count` synthetic plates `plate_height` px high, each read; None
    when no enhancer weights are shipped."""
    from lprlab import plots  # noqa: PLC0415
    from lprlab.crops import make_plate_crop  # noqa: PLC0415
    from lprlab.enhancement import load_enhancer  # noqa: PLC0415
    from lprlab.recognition import load_recognizer  # noqa: PLC0415
    from lprlab.study import bicubic_up, degrade_set  # noqa: PLC0415

    try:
        enhancer = load_enhancer()
    except FileNotFoundError:
        return None
    recognizer = load_recognizer()
    formats = tuple(resolve_formats(list(recognizer.config.formats)))
    crops = [make_plate_crop(formats, np.random.default_rng([seed, 7, i]), enhancer.config.hr_size, margin=(0.02, 0.06))
             for i in range(count)]
    hr = np.stack([c.image for c in crops])
    heights = np.array([c.corners[:, 1].max() - c.corners[:, 1].min() for c in crops])
    lr = degrade_set(hr, heights, plate_height, seed)
    bicubic, sr = bicubic_up(lr, hr.shape[1:3]), enhancer.enhance(lr)
    read = lambda images: [r.text for r in recognizer.read(images)]  # noqa: E731
    return plots.plot_sr_gallery({"LR": lr, "bicubic": bicubic, "SR": sr, "HR": list(hr)},
                                 {"bicubic": read(bicubic), "SR": read(sr), "HR": read(list(hr))},
                                 [c.text for c in crops])


def _real_photos_report(out: pathlib.Path, photos: str | None, limit: int | None) -> list[str]:
    """Reads real photos with `lprlab.ALPR`, writes them annotated under ``out/alpr/`` and returns
    the HTML: a score table (openalpr-dev) and the annotated images."""
    from lprlab.evaluation import PhotoSet, evaluate_alpr, real_photo_sets  # noqa: PLC0415
    from lprlab.images import read_image  # noqa: PLC0415
    from lprlab.pipeline import ALPR, annotate  # noqa: PLC0415

    if photos:
        paths = sorted(p for p in pathlib.Path(photos).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
        if not paths:
            raise FileNotFoundError(f"no PNG/JPEG photos in {photos!r}")
        sets = [(PhotoSet(pathlib.Path(photos).name, [read_image(p) for p in paths], [None] * len(paths),
                          [()] * len(paths), [str(p) for p in paths]), None)]
    else:
        try:
            sets = [(s, s.name) for s in real_photo_sets()]
        except FileNotFoundError:
            return ["<h2>Real photos</h2><p>No photos: ../shared/real/openalpr-dev is absent; "
                    "run <code>lprlab demo --photos DIR</code> on a folder of your own.</p>"]
    parts = ["<h2>Real photos, read end to end (detector, recogniser, format post-processing)</h2>"]
    table = ["<table border=1 cellpadding=4><tr><th>region</th><th>photos</th><th>plates</th><th>detected "
             "(IoU &ge; 0.4)</th><th>top-1</th><th>top-1, O/0 I/1 merged</th><th>top-5</th>"
             "<th>false boxes / photo</th><th>s / photo</th></tr>"]
    gallery = []
    for photo_set, region in sets:
        if limit:
            for field in ("images", "boxes", "texts", "names"):
                setattr(photo_set, field, getattr(photo_set, field)[:limit])
        alpr = ALPR(region=region)
        folder = out / "alpr" / photo_set.name
        folder.mkdir(parents=True, exist_ok=True)
        if region is not None:
            scores, results = evaluate_alpr(alpr, photo_set)
            table.append(f"<tr><td>{region}</td><td>{scores['images']}</td><td>{scores['plates']}</td>"
                         + "".join(f"<td>{scores[k]:.1%}</td>" for k in ("detected", "top1", "top1_merged", "topk"))
                         + f"<td>{scores['fp_per_image']:.2f}</td><td>{scores['seconds_per_image']:.2f}</td></tr>")
        else:
            results = [alpr.read(image) for image in photo_set.images]
        for image, found, name, texts in zip(photo_set.images, results, photo_set.names, photo_set.texts):
            target = folder / (pathlib.Path(name).stem + ".jpg")
            atomic_write(target, encode_image(annotate(image, found), ".jpg"))
            truth = f" (truth {', '.join(texts)})" if texts else ""
            read = ", ".join(r.text for r in found) or "no plate"
            gallery.append(f"<figure style='display:inline-block;margin:4px'><img src='{target.relative_to(out)}' "
                           f"style='height:180px'><figcaption>{html.escape(read + truth)}</figcaption></figure>")
    if len(table) > 1:
        parts.append("".join(table) + "</table>")
    return parts + gallery
