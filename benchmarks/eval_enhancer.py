"""Measures the SRGAN enhancer: the x-scale check, the low-resolution study, speed, and real plates.

    .venv/bin/python benchmarks/eval_enhancer.py [--weights weights/enhancer_x4] [--count 1000]
        [--lr-trained] [--json]

- x4 check on exact pairs (LR crop = HR crop / 4, the degradation model): PSNR/SSIM of bicubic and
  SR against HR; recogniser accuracy on LR-bicubic, SR and HR.
- The study (top-1 against LR plate height) for bicubic and the enhancer; with --lr-trained also
  recognisers fine-tuned on each height (several CPU minutes).
- Speed: plates/s enhanced in batches of 128, and ms for one plate.
- Real plates (openalpr-dev end-to-end truth boxes, all regions) degraded to 10 and 12 px plate height:
  bicubic vs enhancer, and the 16 smallest real plates as they are.
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab.enhancement import load_enhancer  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402
from lprlab.study import (HEIGHTS, STUDY_SEED, accuracy, bicubic_up, degrade_set, height_for,  # noqa: E402
                          run_study, scale_check, train_lr_recognizer)
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


def real_plates(recognizer, enhancer) -> dict:
    from lprlab.real import load_openalpr_endtoend  # noqa: PLC0415

    plates = [p for region in ("br", "eu", "us") for p in load_openalpr_endtoend(None, region)]
    texts = [p.text for p in plates]
    out = {"count": len(plates), "as_is": accuracy(recognizer, [p.image for p in plates], texts)}
    for height in (10, 12):
        lr = [degrade_set(p.image[None], np.array([p.image.shape[0] * 0.9]), height, STUDY_SEED + 7 + i)[0]
              for i, p in enumerate(plates)]
        out[f"{height}px_bicubic"] = accuracy(recognizer, lr, texts)
        out[f"{height}px_enhanced"] = accuracy(recognizer, enhancer.enhance(lr), texts)
    smallest = sorted(plates, key=lambda p: p.image.shape[0])[:16]
    small_texts = [p.text for p in smallest]
    out["smallest16_heights_px"] = [p.image.shape[0] for p in smallest]
    out["smallest16_bicubic"] = accuracy(recognizer, [p.image for p in smallest], small_texts)
    out["smallest16_enhanced"] = accuracy(recognizer, enhancer.enhance([p.image for p in smallest]), small_texts)
    return out


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
    rows = run_study(recognizer, test.images, test.plate_heights, test.texts, enhancer, lr_recognizers)
    figures["study"] = [row.__dict__ for row in rows]
    figures["heights_for"] = {f"{field}@{int(100 * target)}%": height_for(rows, field, target)
                              for field in ("bicubic", "lr_trained", "enhanced") for target in (0.5, 0.9)}
    figures["speed"] = speed(enhancer)
    try:
        figures["real"] = real_plates(recognizer, enhancer)
    except FileNotFoundError as error:
        figures["real"] = str(error)
    if args.json:
        print(json.dumps(figures, default=float))
        return
    check = figures["check"]
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


if __name__ == "__main__":
    main()
