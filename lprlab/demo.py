"""`make demo`: the lab's main job, shown as pictures and an HTML page."""
from __future__ import annotations

import html
import pathlib

import numpy as np

from lprlab.augment import make_pipeline
from lprlab.backgrounds import PhotoBackgrounds
from lprlab.formats import format_names, resolve_formats
from lprlab.scene import make_scene, make_window

SHARED_BACKGROUNDS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "backgrounds"


def run_demo(out_dir: str | pathlib.Path, seed: int = 0, backgrounds: str | None = None) -> pathlib.Path:
    """Writes galleries of every plate format (clean, with character boxes, augmented), CCTV and
    parking scenes, and presence windows, plus ``index.html`` showing them. Returns the HTML path.

    `backgrounds` is a folder of photos; by default ``../shared/backgrounds`` when present.
    """
    from lprlab import plots  # noqa: PLC0415 (matplotlib only when drawing)

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    folder = backgrounds or (str(SHARED_BACKGROUNDS) if SHARED_BACKGROUNDS.is_dir() else None)
    photos = PhotoBackgrounds(folder) if folder else None
    formats = resolve_formats("all")
    pictures = {
        "formats.png": ("Every plate format", plots.plot_format_gallery(format_names(), seed)),
        "formats_boxes.png": ("Character boxes", plots.plot_format_gallery(format_names(), seed + 1, show_boxes=True)),
        "formats_augmented.png": ("Augmented (pipeline 'full')",
                                  plots.plot_format_gallery(format_names(), seed + 2, pipeline=make_pipeline("full", 96))),
    }
    for preset in ("cctv", "parking"):
        scenes = [make_scene(formats, np.random.default_rng([seed, i]), preset, photos) for i in range(4)]
        pictures[f"scenes_{preset}.png"] = (f"Scenes, preset {preset}", plots.plot_scenes(scenes))
    windows = [make_window(formats, np.random.default_rng([seed, i]), i % 2 == 0, photos=photos) for i in range(16)]
    pictures["windows.png"] = ("Presence windows (deep-anpr's rule)", plots.plot_images(
        [w.image for w in windows], ["present" if w.present else "absent" for w in windows]))
    parts = ["<!doctype html><meta charset='utf-8'><title>lprlab demo</title><h1>lprlab demo</h1>",
             f"<p>Backgrounds: {html.escape(folder or 'procedural')}; seed {seed}.</p>"]
    for name, (title, figure) in pictures.items():
        figure.savefig(out / name, dpi=90)
        parts.append(f"<h2>{html.escape(title)}</h2><img src='{name}' style='max-width:100%'>")
    page = out / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page
