import os
import pathlib
import struct
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from lprlab.crops import make_plate_crop  # noqa: E402
from lprlab.formats import resolve_formats  # noqa: E402
from lprlab.serve import Models, create_app, load_test, start_background_server  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared"


def png_bytes(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))[1].tobytes()


def bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def models():
    return Models()


@pytest.fixture(scope="module")
def client(models):
    return TestClient(create_app(models, max_bytes=2 * 1024 * 1024, max_pixels=4_000_000))


@pytest.fixture(scope="module")
def plate():
    crop = make_plate_crop(tuple(resolve_formats(["br_mercosur"])), np.random.default_rng(3), (64, 256),
                           margin=(0.02, 0.06))
    return crop.text, png_bytes(crop.image)


def test_health_page_and_schema(client):
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and "br_mercosur" in health["formats"]
    page = client.get("/")
    assert page.status_code == 200 and "Generate" in page.text and "<script>" in page.text
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/read", "/v1/alpr", "/v1/generate", "/v1/health"} <= set(paths)


def test_read_a_plate(client, plate):
    text, data = plate
    answer = client.post("/v1/read", files={"image": ("plate.png", data, "image/png")})
    assert answer.status_code == 200
    body = answer.json()
    assert body["image"] == "plate.png" and body["text"] == text
    assert 0 < body["confidence"] <= 1 and body["alternatives"][0]["text"] == text


def test_read_with_enhance_flag(client, plate):
    _, data = plate
    body = client.post("/v1/read", files={"image": ("plate.png", data, "image/png")}, data={"enhance": "true"}).json()
    assert "text" in body and isinstance(body["enhanced"], bool)
    assert body["enhanced"] == ("enhanced_image" in body)


def test_alpr_on_a_photo(client):
    photos = sorted((SHARED / "real/openalpr-dev/endtoend/us").glob("*.jpg"))
    if not photos:
        pytest.skip("../shared/real/openalpr-dev is absent")
    answer = client.post("/v1/alpr", files={"image": (photos[0].name, photos[0].read_bytes(), "image/jpeg")},
                         data={"region": "us", "annotate": "true"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["image"] == photos[0].name and isinstance(body["plates"], list)
    for found in body["plates"]:
        assert len(found["box"]) == 4 and isinstance(found["text"], str) and 0 <= found["confidence"] <= 1
    assert body["annotated_image"].startswith("data:image/jpeg;base64,")


def test_generate_is_seeded(client):
    request = {"format": "eu", "plate_height": 10, "count": 3, "seed": 7}
    first, second = client.post("/v1/generate", json=request).json(), client.post("/v1/generate", json=request).json()
    assert first == second and len(first["plates"]) == 3
    for item in first["plates"]:
        assert item["format"] == "eu" and item["text"] and item["lr_image"].startswith("data:image/png;base64,")
        assert 9 <= item["lr_size"][1] <= 14  # the LR crop is about as high as the plate


@pytest.mark.parametrize("files, data, status, message", [
    ({"image": ("empty.png", b"", "image/png")}, None, 422, "empty"),
    ({"image": ("corrupt.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")}, None, 422, "not a readable image"),
    ({"image": ("notes.png", b"hello, I am text", "image/png")}, None, 422, "not a readable image"),
    ({"image": ("script.sh", b"#!/bin/sh\nrm -rf /\n", "text/x-shellscript")}, None, 422, "not a readable image"),
    ({"image": ("bomb.png", bomb_png(), "image/png")}, None, 413, "pixels"),
    ({"image": ("bomb2.png", bomb_png(10_000, 10_000), "image/png")}, None, 413, "pixels"),
    ({"image": ("huge.png", b"\x00" * (3 * 1024 * 1024), "image/png")}, None, 413, "over the limit"),
    ({"photo": ("plate.png", b"\x00", "image/png")}, None, 422, "image"),
    (None, None, 422, "image"),
])
def test_bad_uploads_get_json_errors(client, files, data, status, message):
    for path in ("/v1/read", "/v1/alpr"):
        answer = client.post(path, files=files, data=data)
        assert answer.status_code == status, (path, answer.text)
        assert message in answer.json()["error"]
    assert client.get("/v1/health").status_code == 200  # still serving


def test_bad_generate_and_region(client, plate):
    cases = [({"format": "xx"}, "unknown plate format"), ({"plate_height": 1000}, "plate_height"),
             ({"count": 1000}, "count"), ({"url": "http://example.com/plate.png", "format": 3}, "format")]
    for body, message in cases:
        answer = client.post("/v1/generate", json=body)
        assert answer.status_code == 422 and message in answer.json()["error"]
    answer = client.post("/v1/alpr", files={"image": ("p.png", plate[1], "image/png")}, data={"region": "zz"})
    assert answer.status_code == 422 and "unknown region" in answer.json()["error"]
    assert client.post("/v1/generate", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422
    assert client.get("/v1/nothing").status_code == 404 and "error" in client.get("/v1/nothing").json()


def test_streamed_oversize_body_gets_413(models):
    """A chunked upload (no Content-Length) is cut off as soon as it passes the limit."""
    import httpx2

    server, url = start_background_server(create_app(models, max_bytes=1024 * 1024))

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\n\r\n'
        for _ in range(24):
            yield b"\0" * 65536
        yield b"\r\n--b--\r\n"

    try:
        answer = httpx2.post(url + "/v1/read", content=body(), timeout=60,
                             headers={"content-type": "multipart/form-data; boundary=b"})
        assert answer.request.headers.get("transfer-encoding") == "chunked"
        assert answer.status_code == 413 and "over the limit" in answer.json()["error"]
        assert httpx2.get(url + "/v1/health", timeout=60).status_code == 200
    finally:
        server.should_exit = True


def test_bounded_load_on_loopback(models, plate):
    server, url = start_background_server(create_app(models, max_concurrency=2))
    try:
        figures = load_test(url, plate[1], requests=200, concurrency=8)
    finally:
        server.should_exit = True
    print(f"\nload test: {figures}")
    assert figures["errors"] == 0 and figures["requests"] == 200
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    with pytest.raises(ValueError, match="loopback"):
        load_test("http://192.0.2.1:8000", plate[1], requests=1)
