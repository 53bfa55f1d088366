"""What sets the enhancer's ceiling: PSNR of bicubic and SR against HR when the LR is made with
parts of the degradation model only (`lprlab.augment.low_resolution_model`).

    .venv/bin/python benchmarks/enhancer_degradations.py [--weights weights/enhancer_x4 [NAME=PATH ...]]
        [--count 500]

Rows (x4, LR 16x64 from the study's HR test crops 64x256, seeded per crop as `study.exact_pairs`):
- clean bicubic: a plain bicubic downscale (the textbook LR);
- downscale: area, bilinear or bicubic at random, nothing else;
- blur + downscale: the model's blur (anisotropic generalised Gaussian, sigma 0.2-0.6 x 4 HR px);
- downscale + noise + JPEG: no blur;
- full: the whole model, as `study.exact_pairs` and the x4 check of `eval_enhancer.py`.

PSNR is the mean over crops of `tf.image.psnr` (max 255), as in `study.image_quality`.
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from lprlab.augment import LR_INTERPOLATIONS, augment, low_resolution_model  # noqa: E402
from lprlab.enhancement import load_enhancer  # noqa: E402
from lprlab.study import STUDY_SEED, bicubic_up, image_quality  # noqa: E402
from lprlab.train_enhancer import make_hr_set  # noqa: E402

CONDITIONS = {  # (blur, random interpolation, noise and JPEG)
    "clean bicubic": (False, False, False),
    "downscale": (False, True, False),
    "blur + downscale": (True, True, False),
    "downscale + noise + JPEG": (False, True, True),
    "full": (True, True, True),
}


def lr_set(hr_images: np.ndarray, scale: int, blur: bool, random_interpolation: bool, after: bool) -> list:
    """LR crops (uint8) with the chosen parts of the degradation model; the random draws are the
    same whatever parts are used (one stream per crop)."""
    out = []
    height, width = hr_images.shape[1] // scale, hr_images.shape[2] // scale
    for i, image in enumerate(hr_images):
        rng = np.random.default_rng([STUDY_SEED + 1, i])
        before, noise_jpeg = low_resolution_model(scale)
        x = augment(image, before, rng) if blur else image
        interpolation = ("area", "bilinear", "bicubic")[rng.integers(3)] if random_interpolation else "bicubic"
        x = cv2.resize(x, (width, height), interpolation=LR_INTERPOLATIONS[interpolation])
        out.append(augment(x, noise_jpeg, rng) if after else x)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", nargs="+", default=["weights/enhancer_x4"],
                        help="enhancer weights, each PATH or NAME=PATH")
    parser.add_argument("--count", type=int, default=500, help="test crops (the first of the study's 1,000)")
    parser.add_argument("--data-dir", default="data/synth")
    args = parser.parse_args()
    enhancers = {}
    for item in args.weights:
        name, _, path = item.rpartition("=")
        enhancers[name or path] = load_enhancer(path)
    scale = next(iter(enhancers.values())).scale
    hr_size = next(iter(enhancers.values())).config.hr_size
    test = make_hr_set(1000, STUDY_SEED, f"{args.data_dir}/enhancer-test-{hr_size[0]}x{hr_size[1]}-1000-s{STUDY_SEED}",
                       hr_size=hr_size, free_text=0.0)
    hr = test.images[:args.count]
    print(f"x{scale}, {len(hr)} HR test crops {hr_size[0]}x{hr_size[1]}; PSNR in dB (gain over bicubic)")
    print("| LR made by | bicubic | " + " | ".join(enhancers) + " |")
    print("|---|---:|" + "---:|" * len(enhancers))
    for name, parts in CONDITIONS.items():
        lr = lr_set(hr, scale, *parts)
        bicubic, _ = image_quality(hr, bicubic_up(lr, hr_size))
        cells = []
        for enhancer in enhancers.values():
            sr, _ = image_quality(hr, enhancer.enhance(lr))
            cells.append(f"{sr:.2f} ({sr - bicubic:+.2f})")
        print(f"| {name} | {bicubic:.2f} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
