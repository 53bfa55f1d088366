"""Bounded load test of `lprlab serve` on loopback: p50/p99 latency, throughput and errors.

    .venv/bin/python benchmarks/load_serve.py [--requests 200] [--concurrency 8]

Starts the service (shipped weights) in this process on 127.0.0.1, sends `--requests` plate crops
to POST /v1/read, `--concurrency` at a time, then `--photo-requests` real photos to POST /v1/alpr,
and prints one JSON line per endpoint. It stops by itself.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from lprlab.crops import make_plate_crop  # noqa: E402
from lprlab.formats import resolve_formats  # noqa: E402
from lprlab.serve import Models, create_app, load_test, start_background_server  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--photo-requests", type=int, default=40)
    parser.add_argument("--max-concurrency", type=int, default=2, help="the service's inference slots")
    args = parser.parse_args()
    crop = make_plate_crop(tuple(resolve_formats(["br_mercosur"])), np.random.default_rng(0), (64, 256))
    plate = cv2.imencode(".png", cv2.cvtColor(crop.image, cv2.COLOR_RGB2BGR))[1].tobytes()
    server, url = start_background_server(create_app(Models(), max_concurrency=args.max_concurrency))
    try:
        load_test(url, plate, requests=16, concurrency=args.concurrency)  # warm-up
        figures = load_test(url, plate, requests=args.requests, concurrency=args.concurrency)
        print(json.dumps({"endpoint": "/v1/read", **figures}))
        photos = sorted((SHARED / "real/openalpr-dev/endtoend/us").glob("*.jpg"))
        if photos and args.photo_requests:
            figures = load_test(url, photos[0].read_bytes(), requests=args.photo_requests,
                                concurrency=args.concurrency, path="/v1/alpr")
            print(json.dumps({"endpoint": "/v1/alpr", "photo": photos[0].name, **figures}))
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
