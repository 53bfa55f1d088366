"""Where the detector's false boxes on the real dev photos lie: for each region, the boxes of
`lprlab detect` (presence 0.5, the verifier at 0.5) that overlap no truth box at IoU >= 0.4, how
many lie in the top or bottom `--band` of the photo (where security cameras burn in their date and
time), and a gallery of all of them (a JPEG, each tile captioned with region, photo, presence and
verifier probability). Session 28 found a third of the US false boxes to be such time stamps.

    .venv/bin/python benchmarks/false_boxes.py [--verifier V] [--gallery OUT.jpg] [--band 0.08] [--per-photo CSV]

Two runs' per-photo CSVs compare photo by photo with a sign test: `benchmarks/compare_false_boxes.py A B`.
"""
import argparse
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from lprlab.detection import load_detector  # noqa: E402
from lprlab.datasets import atomic_write, encode_image  # noqa: E402
from lprlab.metrics import iou_matrix  # noqa: E402
from lprlab.real import load_openalpr_photos  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--verifier", default="weights/verifier", help="verifier weights (a run's model too)")
parser.add_argument("--regions", default="br,eu,us")
parser.add_argument("--band", type=float, default=0.08, help="share of the photo's height at the top and bottom")
parser.add_argument("--per-photo", help="write each photo's count of false boxes here (CSV)")
parser.add_argument("--gallery", help="write the false boxes here (JPEG or PNG by the suffix)")
args = parser.parse_args()

detector = load_detector(verify=args.verifier)
tiles, counts = [], []
print(f"verifier {args.verifier}; false box: IoU < 0.4 with every truth box; band: top or bottom {args.band:.0%}")
print("| region | photos | false boxes | per photo | in the band | outside it (per photo) |")
print("|---|---:|---:|---:|---:|---|")
for region in args.regions.split(","):
    photos = load_openalpr_photos(region=region)
    false = band = 0
    for photo in photos:
        height = photo.image.shape[0]
        before = false
        for detection in detector.detect(photo.image):
            box = np.float32([detection.box])
            if len(photo.boxes) and iou_matrix(box, photo.boxes).max() >= 0.4:
                continue
            false += 1
            x, y, w, h = detection.box
            band += bool(y + h < args.band * height or y > (1 - args.band) * height)
            if args.gallery:
                m = int(0.3 * h)
                crop = photo.image[max(0, int(y) - m):int(y + h) + m, max(0, int(x) - m):int(x + w) + m]
                if crop.size:
                    tile = cv2.resize(crop, (180, 75), interpolation=cv2.INTER_AREA)
                    verified = detection.verification if detection.verification is not None else 1.0
                    cv2.putText(tile, f"{region} {pathlib.Path(photo.source).stem[:11]} {detection.score:.2f} "
                                f"{verified:.2f}", (2, 10), cv2.FONT_HERSHEY_SIMPLEX, 0.28, (255, 0, 0), 1)
                    tiles.append(tile)
        counts.append((region, pathlib.Path(photo.source).name, false - before))
    print(f"| {region} | {len(photos)} | {false} | {false / len(photos):.2f} | {band} | "
          f"{false - band} ({(false - band) / len(photos):.2f}) |")
if args.per_photo:
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(("region", "photo", "false_boxes"))
    writer.writerows(counts)
    atomic_write(pathlib.Path(args.per_photo), text.getvalue().encode())
if args.gallery and tiles:
    columns = 6
    tiles += [np.zeros_like(tiles[0])] * (-len(tiles) % columns)
    atomic_write(pathlib.Path(args.gallery), encode_image(np.vstack([np.hstack(tiles[i:i + columns]) for i in range(0, len(tiles), columns)]), pathlib.Path(args.gallery).suffix or ".jpg"))
    print(f"gallery: {args.gallery} ({len(tiles)} tiles)")
