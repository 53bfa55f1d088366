"""Which real dev photos are pixel-doubled (upscaled nearest-neighbour from a smaller frame)?

For each photo, the mean absolute difference between the two columns of a pixel pair (0-1, 2-3,
...) against that across pairs (1-2, 3-4, ...), and the same for rows. A frame doubled in width
has within-pair differences well under the across-pair ones (ratio < 0.8 here); JPEG blurs it a
little. Prints a table per region and the photos it calls doubled.

    .venv/bin/python benchmarks/pixel_doubling.py [--real ../shared/real/openalpr-dev/endtoend]
"""
import argparse
import pathlib

import cv2
import numpy as np

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--real", default=str(pathlib.Path(__file__).resolve().parents[2] / "shared/real/openalpr-dev/endtoend"))
parser.add_argument("--ratio", type=float, default=0.8, help="within/across ratio under which a photo counts as doubled")
args = parser.parse_args()


def ratios(gray: np.ndarray) -> tuple[float, float]:
    g = gray.astype(np.float32)
    h, w = g.shape
    within_x = np.abs(g[:, 0:w - 2:2] - g[:, 1:w - 1:2]).mean()
    across_x = np.abs(g[:, 1:w - 2:2] - g[:, 2:w - 1:2]).mean()
    within_y = np.abs(g[0:h - 2:2] - g[1:h - 1:2]).mean()
    across_y = np.abs(g[1:h - 2:2] - g[2:h - 1:2]).mean()
    return float(within_x / max(across_x, 1e-6)), float(within_y / max(across_y, 1e-6))


print(f"doubled: within-pair / across-pair column difference < {args.ratio}")
print("| region | photos | doubled in width | doubled in both | median ratio (columns) |")
print("|---|---:|---:|---:|---:|")
doubled_names = []
for region in sorted(p for p in pathlib.Path(args.real).iterdir() if p.is_dir()):
    found = []
    for path in sorted(region.glob("*.jpg")):
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            continue
        found.append((path.name, *ratios(gray)))
    if not found:
        continue
    width = [f for f in found if f[1] < args.ratio]
    both = [f for f in width if f[2] < args.ratio]
    doubled_names += [f"{region.name}/{f[0]} ({f[1]:.2f}, {f[2]:.2f})" for f in width]
    print(f"| {region.name} | {len(found)} | {len(width)} | {len(both)} | {np.median([f[1] for f in found]):.2f} |")
print("\ndoubled in width (column ratio, row ratio):")
for name in doubled_names:
    print(" ", name)
