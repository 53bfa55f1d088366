"""Measures the SRGAN enhancer: the x-scale check, the low-resolution study, speed, and real plates.

    .venv/bin/python benchmarks/eval_enhancer.py [--weights weights/enhancer_x4] [--count 1000]
        [--lr-trained] [--generic 200] [--json]

- x4 check on exact pairs (LR crop = HR crop / 4, the degradation model): PSNR/SSIM of bicubic and
  SR against HR; recogniser accuracy on LR-bicubic, SR and HR.
- The study (top-1 against LR plate height) for bicubic and the enhancer; with --lr-trained also
  recognisers fine-tuned on each height (several CPU minutes).
- Speed: plates/s enhanced in batches of 128, and ms for one plate.
- Real plates (openalpr-dev end-to-end truth boxes, all regions) degraded to 10 and 12 px plate height:
  bicubic vs enhancer, and the 16 smallest real plates as they are.
- With --generic N: curve (d), the generic pretrained Real-ESRGAN x4plus (`lprlab.generic_sr`, needs
  `make sr-baseline`; about 0.8 s a crop), with bicubic and the enhancer on the same first N test
  crops: the x4 check's PSNR/SSIM and accuracy, and the study at 8-24 px.
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab.enhancement import ENHANCE_MODES, load_enhancer  # noqa: E402
from lprlab.generic_sr import GenericSR  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402
from lprlab.study import (HEIGHTS, STUDY_SEED, accuracy, bicubic_up, degrade_set, exact_pairs,  # noqa: E402
                          height_for, image_quality, run_study, scale_check, train_lr_recognizer)
from lprlab.train_enhancer import make_hr_set  # noqa: E402


def speed(enhancer, batch: int = 128, seconds: float = 5.0) -> dict:
    lr_h, lr_w = enhancer.config.lr_size
    crops = [np.full((lr_h, lr_w, 3), 128, np.uint8)] * batch
    enhancer.enhance(crops)
    start, done = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        enhancer.enhance(crops)
        done += batch
    rate = done / (time.perf_counter() - start)
    enhancer.enhance(crops[:1])
    times = []
    for _ in range(30):
        t = time.perf_counter()
        enhancer.enhance(crops[:1])
        times.append(time.perf_counter() - t)
    return {"plates_per_s": round(rate, 1), "one_plate_ms": round(1000 * float(np.median(times)), 2)}


def real_plates(recognizer, enhancer, mode: str) -> dict:
    from lprlab.real import load_openalpr_endtoend  # noqa: PLC0415

    plates = [p for region in ("br", "eu", "us") for p in load_openalpr_endtoend(None, region)]
    texts = [p.text for p in plates]
    out = {"count": len(plates), "as_is": accuracy(recognizer, [p.image for p in plates], texts)}
    for height in (10, 12):
        lr = [degrade_set(p.image[None], np.array([p.image.shape[0] * 0.9]), height, STUDY_SEED + 7 + i)[0]
              for i, p in enumerate(plates)]
        out[f"{height}px_bicubic"] = accuracy(recognizer, lr, texts)
        out[f"{height}px_enhanced"] = accuracy(recognizer, enhancer.enhance(lr, mode=mode), texts)
    smallest = sorted(plates, key=lambda p: p.image.shape[0])[:16]
    small_texts = [p.text for p in smallest]
    out["smallest16_heights_px"] = [p.image.shape[0] for p in smallest]
    out["smallest16_bicubic"] = accuracy(recognizer, [p.image for p in smallest], small_texts)
    out["smallest16_enhanced"] = accuracy(recognizer, enhancer.enhance([p.image for p in smallest], mode=mode),
                                          small_texts)
    return out


def generic_figures(recognizer, enhancer, generic, test, count: int, heights, mode: str) -> dict:
    """Curve (d) against bicubic and the enhancer on the same first `count` test crops."""
    hr, texts = test.images[:count], test.texts[:count]
    size = hr.shape[1:3]
    lr = exact_pairs(hr, generic.scale)
    start = time.perf_counter()
    generic_sr = bicubic_up(generic.enhance(lr), size)  # x4 of the exact LR is the HR size already
    seconds = (time.perf_counter() - start) / len(lr)
    enhanced = enhancer.enhance(lr)
    bicubic = bicubic_up(lr, size)
    check = {"accuracy_hr": accuracy(recognizer, list(hr), texts)}
    for name, images in (("bicubic", bicubic), ("enhancer", enhanced), ("generic", generic_sr)):
        check[f"psnr_{name}"], check[f"ssim_{name}"] = image_quality(hr, images)
        check[f"accuracy_{name}"] = accuracy(recognizer, images, texts)
    rows = run_study(recognizer, hr, test.plate_heights[:count], texts, enhancer, heights=heights, generic=generic,
                     enhance_mode=mode)
    return {"model": generic.name, "count": len(hr), "seconds_per_crop": seconds, "check": check,
            "study": [row.__dict__ for row in rows],
            "heights_for": {f"{field}@{int(100 * target)}%": height_for(rows, field, target)
                            for field in ("bicubic", "enhanced", "generic") for target in (0.5, 0.9)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="enhancer weights (default: weights/enhancer_x4)")
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--recognizer", default="weights/recognizer_latin",
                        help="the one recogniser that reads LR, SR and HR (default: the 32x128 network the "
                             "enhancer's text loss learnt with; the study fine-tunes it per LR height)")
    parser.add_argument("--count", type=int, default=1000, help="synthetic test crops")
    parser.add_argument("--lr-trained", action="store_true", help="also fine-tune a recogniser per LR height")
    parser.add_argument("--data-dir", default="data/synth")
    parser.add_argument("--generic", type=int, default=0, metavar="N",
                        help="also the generic pretrained SR model (d) on the first N test crops (0: skip)")
    parser.add_argument("--generic-heights", default="8,10,12,16,24", help="LR plate heights of (d), px")
    parser.add_argument("--enhance-mode", default="at_least_lr", choices=ENHANCE_MODES,
                        help="how the study and the real plates feed the enhancer (Enhancer.enhance's mode; "
                             "'fixed' gives the figures of 0.37.0 and before)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    recognizer, enhancer = load_recognizer(args.recognizer), load_enhancer(args.weights, args.scale)
    hr_size = enhancer.config.hr_size
    test = make_hr_set(args.count, STUDY_SEED, f"{args.data_dir}/enhancer-test-{hr_size[0]}x{hr_size[1]}-"
                       f"{args.count}-s{STUDY_SEED}", hr_size=hr_size, free_text=0.0)
    figures = {"check": scale_check(recognizer, enhancer, test.images, test.texts)}
    lr_recognizers = None
    if args.lr_trained:
        train = make_hr_set(12_000, 0, f"{args.data_dir}/enhancer-hr-{hr_size[0]}x{hr_size[1]}-24000-s0",
                            hr_size=hr_size)
        lr_recognizers = {h: train_lr_recognizer(recognizer, train.images, train.plate_heights, train.texts, h,
                                                 f"data/runs/lr-recognizer-{h}px") for h in HEIGHTS}
    rows = run_study(recognizer, test.images, test.plate_heights, test.texts, enhancer, lr_recognizers,
                     enhance_mode=args.enhance_mode)
    figures["study"] = [row.__dict__ for row in rows]
    figures["heights_for"] = {f"{field}@{int(100 * target)}%": height_for(rows, field, target)
                              for field in ("bicubic", "lr_trained", "enhanced") for target in (0.5, 0.9)}
    figures["speed"] = speed(enhancer)
    try:
        figures["real"] = real_plates(recognizer, enhancer, args.enhance_mode)
    except FileNotFoundError as error:
        figures["real"] = str(error)
    if args.generic:
        heights = tuple(float(h) for h in args.generic_heights.split(","))
        figures["generic"] = generic_figures(recognizer, enhancer, GenericSR(), test, args.generic, heights,
                                                args.enhance_mode)
    if args.json:
        print(json.dumps(figures, default=float))
        return
    check = figures["check"]
    print(f"weights {args.weights or 'weights/enhancer_x4'}, recogniser {args.recognizer}, enhance mode "
          f"{args.enhance_mode}")
    print(f"x{check['scale']} exact pairs (LR {check['lr_size']}): PSNR bicubic {check['psnr_bicubic']:.2f} dB, "
          f"SR {check['psnr_sr']:.2f} dB (+{check['psnr_gain']:.2f}); SSIM {check['ssim_bicubic']:.3f} → "
          f"{check['ssim_sr']:.3f}")
    print(f"  accuracy LR-bicubic {100 * check['accuracy_bicubic']:.1f}%, SR {100 * check['accuracy_sr']:.1f}%, "
          f"HR {100 * check['accuracy_hr']:.1f}% (SR = {100 * check['sr_share_of_hr']:.1f}% of HR)")
    print("height  bicubic  lr-trained  enhanced  PSNR bic/SR")
    for row in rows:
        fmt = lambda v: "   -   " if v is None else f"{100 * v:6.1f}%"  # noqa: E731
        print(f"{row.height:6g}  {fmt(row.bicubic)}  {fmt(row.lr_trained)}     {fmt(row.enhanced)}  "
              f"{row.psnr_bicubic:5.2f}/{row.psnr_enhanced or float('nan'):5.2f}")
    print("heights to reach:", json.dumps(figures["heights_for"]))
    print("speed:", json.dumps(figures["speed"]))
    print("real:", json.dumps(figures["real"]))
    if args.generic:
        generic = figures["generic"]
        check = generic["check"]
        print(f"(d) {generic['model']} on the first {generic['count']} test crops, x4 exact pairs: PSNR bicubic "
              f"{check['psnr_bicubic']:.2f}, enhancer {check['psnr_enhancer']:.2f}, generic {check['psnr_generic']:.2f} "
              f"dB; SSIM {check['ssim_bicubic']:.3f} / {check['ssim_enhancer']:.3f} / {check['ssim_generic']:.3f}; "
              f"top-1 {100 * check['accuracy_bicubic']:.1f} / {100 * check['accuracy_enhancer']:.1f} / "
              f"{100 * check['accuracy_generic']:.1f}% (HR {100 * check['accuracy_hr']:.1f}%); "
              f"{generic['seconds_per_crop']:.2f} s a crop")
        print("height  bicubic  enhanced  generic  PSNR bic/enh/gen")
        for row in generic["study"]:
            if row["height"] == float("inf"):
                continue
            print(f"{row['height']:6g}  {100 * row['bicubic']:6.1f}%  {100 * row['enhanced']:6.1f}%  "
                  f"{100 * row['generic']:6.1f}%  {row['psnr_bicubic']:5.2f}/{row['psnr_enhanced']:5.2f}/"
                  f"{row['psnr_generic']:5.2f}")


if __name__ == "__main__":
    main()
