"""The web demo and JSON service (FastAPI): read a plate crop, read a photo, generate plates.

Endpoints (OpenAPI schema at ``/openapi.json``, interactive docs at ``/docs``):

- ``GET /v1/health``: status, version, the formats the recogniser reads, whether an enhancer is loaded.
- ``POST /v1/read``: multipart ``image`` (a plate crop), optional ``enhance`` (bool) → the JSON
  object of ``lprlab read --json`` plus alternatives (and the enhanced crop as a PNG data URL).
- ``POST /v1/alpr``: multipart ``image`` (a photo), optional ``region``, ``annotate`` → the JSON
  object of ``lprlab alpr --json`` (and the annotated photo as a JPEG data URL).
- ``POST /v1/generate``: JSON ``{"format", "plate_height", "count", "seed"}`` → synthetic plates
  with their true texts, LR images degraded to that plate height and their HR originals.
- ``GET /``: the page (plain HTML and JavaScript).

Safety (the seeds' web pages were open to command injection and server-side request forgery): no
shell anywhere; uploads only, never a URL to fetch; request bodies over `max_bytes` are refused with
413 before they are read whole; images are checked by decoding their header (never by name or
declared type) and refused with 413 above `max_pixels` (decompression bombs) or 422 when not an
image; models are loaded once and shared; at most `max_concurrency` inferences run at once.
Every error is a JSON object ``{"error": "..."}``.
"""
from __future__ import annotations

import asyncio
import base64
import io
import pathlib
import threading
import warnings

import cv2
import numpy as np
from fastapi import FastAPI, File, Form, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_GENERATE = 32
ENHANCE_UP_TO = 1.25  # crops up to this many times the enhancer's LR height are enhanced
PAGE = pathlib.Path(__file__).resolve().parent / "web" / "index.html"


class RequestError(Exception):
    """A client error: an HTTP status and a message for the JSON body."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def decode_upload(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """An uploaded file's bytes as an RGB image, checked by content.

    The header is read first (Pillow, lazily) so a decompression bomb is refused before any pixel
    is decoded; then OpenCV decodes it.

    Returns:
        (H, W, 3) uint8 RGB.

    Raises:
        RequestError: 422 for an empty or undecodable file, 413 for more than `max_pixels` pixels.
    """
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    if not data:
        raise RequestError(422, f"{name} is an empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as header:
                width, height = header.size
    except Image.DecompressionBombError:  # Pillow's own guard fires first for the largest claims
        raise RequestError(413, f"{name} claims more pixels than the limit of {max_pixels:,}") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise RequestError(422, f"{name} is not a readable image (PNG, JPEG, BMP or WebP expected)") from None
    if width * height > max_pixels:
        raise RequestError(413, f"{name} is {width}x{height} = {width * height:,} pixels; the limit is "
                                f"{max_pixels:,}")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise RequestError(422, f"{name} is not a readable image (PNG, JPEG, BMP or WebP expected)")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def data_url(image: np.ndarray, kind: str = "png") -> str:
    """An RGB uint8 image as a ``data:image/...;base64`` URL (PNG, or JPEG quality 90)."""
    params = [cv2.IMWRITE_JPEG_QUALITY, 90] if kind == "jpeg" else []
    ok, encoded = cv2.imencode(".jpg" if kind == "jpeg" else ".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise ValueError(f"could not encode a {image.shape} image")
    return f"data:image/{kind};base64," + base64.b64encode(encoded.tobytes()).decode("ascii")


class GenerateRequest(BaseModel):
    """The body of ``POST /v1/generate``."""

    format: str = Field("br_mercosur", description="plate format name (see GET /v1/health)")
    plate_height: float = Field(12.0, ge=4.0, le=64.0, description="LR plate height, pixels")
    count: int = Field(8, ge=1, le=MAX_GENERATE)
    seed: int | None = Field(None, ge=0, description="same seed, same plates; random when absent")


class Models:
    """The models a service shares, loaded once (lazily, on first use, under a lock).

    Args:
        recognizer, detector, enhancer: Loaded objects, or None to load the shipped weights
            (an enhancer only when its weights exist).
    """

    def __init__(self, recognizer=None, detector=None, enhancer=None):
        self._recognizer, self._detector, self._enhancer = recognizer, detector, enhancer
        self._lock = threading.Lock()
        self._enhancer_checked = enhancer is not None
        self._alpr = {}

    @property
    def recognizer(self):
        with self._lock:
            if self._recognizer is None:
                from lprlab.recognition import load_recognizer  # noqa: PLC0415

                self._recognizer = load_recognizer()
            return self._recognizer

    @property
    def enhancer(self):
        with self._lock:
            if not self._enhancer_checked:
                from lprlab.enhancement import load_enhancer  # noqa: PLC0415

                try:
                    self._enhancer = load_enhancer()
                except FileNotFoundError:
                    self._enhancer = None
                self._enhancer_checked = True
            return self._enhancer

    def alpr(self, region: str | None):
        recognizer, enhancer = self.recognizer, self.enhancer
        with self._lock:
            if self._detector is None:
                from lprlab.detection import load_detector  # noqa: PLC0415
                from lprlab.pipeline import READER_DETECTOR_PRECISION  # noqa: PLC0415

                self._detector = load_detector(precision=READER_DETECTOR_PRECISION)
            if region not in self._alpr:
                from lprlab.pipeline import ALPR  # noqa: PLC0415

                self._alpr[region] = ALPR(self._detector, recognizer, enhancer, region=region)
            return self._alpr[region]


class BodyLimit:
    """ASGI middleware: refuses request bodies over `max_bytes` with a 413 JSON error, from the
    declared Content-Length or, for a streamed body, as soon as the count passes the limit."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send)
        seen, started = 0, False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(f"request body over the limit of {self.max_bytes:,} bytes")
            return message

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send):
        import json  # noqa: PLC0415

        body = json.dumps({"error": f"request body over the limit of {self.max_bytes:,} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """A request body passed the size limit while it was being read."""


def create_app(models: Models | None = None, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
               max_concurrency: int = 2):
    """The FastAPI application.

    Args:
        models: Shared models (the shipped weights, loaded on first use, when None).
        max_bytes: Largest request body, bytes (413 above).
        max_pixels: Largest image, pixels (413 above).
        max_concurrency: Inferences run at once; further requests wait their turn.

    Returns:
        A `fastapi.FastAPI` wrapped in the body-size limit (an ASGI app for uvicorn or a test client).
    """
    import lprlab  # noqa: PLC0415

    models = models or Models()
    gate = asyncio.Semaphore(max_concurrency)
    app = FastAPI(title="lprlab", version=lprlab.__version__,
                  description="Licence-plate reading: plate crops, photos and synthetic plates. Uploads only.")

    async def infer(function, *args):
        async with gate:
            return await run_in_threadpool(function, *args)

    @app.exception_handler(RequestError)
    async def _request_error(request, error: RequestError):
        return JSONResponse({"error": error.message}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request, error: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return JSONResponse({"error": f"invalid request: {problems}"}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request, error: HTTPException):
        if isinstance(error.__cause__, BodyTooLarge):  # a streamed body passed the limit while being parsed
            return JSONResponse({"error": str(error.__cause__)}, status_code=413)
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(Exception)
    async def _server_error(request, error: Exception):
        return JSONResponse({"error": f"internal error: {type(error).__name__}"}, status_code=500)

    async def _image(upload: UploadFile) -> np.ndarray:
        return decode_upload(await upload.read(), f"upload {upload.filename or 'image'!r}", max_pixels)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page():
        return HTMLResponse(PAGE.read_text(encoding="utf-8"))

    def _health() -> dict:
        recognizer, enhancer = models.recognizer, models.enhancer  # loads them on first use
        return {"status": "ok", "version": lprlab.__version__, "formats": list(recognizer.config.formats),
                "enhancer": None if enhancer is None else {"scale": enhancer.scale}}

    @app.get("/v1/health")
    async def health():
        return await run_in_threadpool(_health)  # never block the event loop, even while models load

    @app.post("/v1/read")
    async def read(image: UploadFile = File(..., description="a plate crop (PNG/JPEG)"),
                   enhance: bool = Form(False, description="super-resolve the crop first (when an enhancer is loaded)")):
        crop = await _image(image)
        return await infer(_read, models, crop, image.filename or "image", enhance)

    @app.post("/v1/alpr")
    async def alpr(image: UploadFile = File(..., description="a photo (PNG/JPEG)"),
                   region: str | None = Form(None, description="eu, us, br, ... (narrows post-processing)"),
                   annotate: bool = Form(False, description="also return the photo with boxes and texts drawn")):
        photo = await _image(image)
        return await infer(_alpr, models, photo, image.filename or "image", region or None, annotate)

    @app.post("/v1/generate")
    async def generate(request: GenerateRequest):
        return await infer(_generate, request.format, request.plate_height, request.count, request.seed)

    return BodyLimit(app, max_bytes)


def _read(models: Models, crop: np.ndarray, name: str, enhance: bool) -> dict:
    enhanced, note = None, None
    enhancer = models.enhancer if enhance else None
    if enhance and enhancer is None:
        note = "no enhancer weights loaded"
    elif enhancer is not None:
        largest = round(ENHANCE_UP_TO * enhancer.config.lr_size[0])
        if crop.shape[0] > largest:  # as the pipeline: only plates smaller than the enhancer's input
            note = f"not enhanced: {crop.shape[0]} px high, over the enhancer's {largest} px"
        elif min(crop.shape[:2]) >= 4:
            enhanced = enhancer.enhance([crop], mode="at_least_lr")[0]  # at its own size, as the pipeline
    reading = models.recognizer.read([enhanced if enhanced is not None else crop], top_n=5)[0]
    out = {"image": name, "text": reading.text, "confidence": round(reading.confidence, 4),
           "alternatives": [{"text": t, "confidence": round(p, 4)} for t, p in reading.alternatives],
           "enhanced": enhanced is not None}
    if enhanced is not None:
        out["enhanced_image"] = data_url(enhanced)
    if note:
        out["enhance_note"] = note
    return out


def _alpr(models: Models, photo: np.ndarray, name: str, region: str | None, annotate: bool) -> dict:
    from lprlab.pipeline import annotate as draw  # noqa: PLC0415
    from lprlab.postprocess import REGIONS  # noqa: PLC0415

    if region is not None and region not in REGIONS:
        raise RequestError(422, f"unknown region {region!r}; known: {', '.join(sorted(REGIONS))}")
    results = models.alpr(region).read(photo)
    out = {"image": name, "plates": [r.as_json(alternatives=True) for r in results]}
    if annotate:
        out["annotated_image"] = data_url(draw(photo, results), "jpeg")
    return out


def _generate(format_name: str, plate_height: float, count: int, seed: int | None) -> dict:
    import secrets  # noqa: PLC0415

    from lprlab.augment import low_resolution  # noqa: PLC0415
    from lprlab.crops import make_plate_crop  # noqa: PLC0415
    from lprlab.formats import get_format  # noqa: PLC0415

    try:
        fmt = get_format(format_name)
    except KeyError as error:
        raise RequestError(422, str(error.args[0] if error.args else error)) from None
    seed = secrets.randbelow(2**31) if seed is None else seed
    plates = []
    for index in range(count):
        rng = np.random.default_rng([seed, index])
        crop = make_plate_crop((fmt,), rng, (64, 256), margin=(0.02, 0.08))
        hr_height = float(crop.corners[:, 1].max() - crop.corners[:, 1].min())
        height = min(plate_height, hr_height)
        lr = low_resolution(crop.image, rng, plate_height_px=height, hr_plate_height_px=hr_height)
        plates.append({"text": crop.text, "format": crop.format, "lr_image": data_url(lr),
                       "hr_image": data_url(crop.image), "lr_size": [lr.shape[1], lr.shape[0]]})
    return {"seed": seed, "plate_height": plate_height, "plates": plates}


def serve(host: str = "127.0.0.1", port: int = 8000, max_concurrency: int = 2) -> None:
    """Loads the shipped models, then runs the service with uvicorn until interrupted (binds to
    loopback by default)."""
    import uvicorn  # noqa: PLC0415

    models = Models()
    models.alpr(None)  # recogniser, enhancer and detector loaded before the first request
    uvicorn.run(create_app(models, max_concurrency=max_concurrency), host=host, port=port, log_level="info")


def start_background_server(app, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 30.0):
    """Starts uvicorn serving `app` in a daemon thread (for tests, benchmarks and notebooks).

    Args:
        app: The ASGI app (`create_app()`).
        host: Address to bind; loopback by default.
        port: Port, 0 for a free one.
        timeout_s: How long to wait for the server to accept connections.

    Returns:
        (server, base URL such as ``http://127.0.0.1:PORT``); stop it with ``server.should_exit = True``.

    Raises:
        RuntimeError: the server did not start in time.
    """
    import time  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="lprlab-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the service did not start on {host}:{port} within {timeout_s:.0f} s")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()
    return server, f"http://{host}:{bound[1]}"


def load_test(base_url: str, image: bytes, requests: int = 200, concurrency: int = 8, path: str = "/v1/read",
              timeout_s: float = 60.0) -> dict:
    """A bounded load test: `requests` uploads of `image` to `path`, `concurrency` at a time.

    Only for a server of your own on this machine (loopback); the number of requests and each
    one's time are bounded, and it stops by itself.

    Returns:
        ``{"requests", "concurrency", "errors", "p50_ms", "p99_ms", "mean_ms", "requests_per_s"}``;
        an error is any answer other than 200 or a failed connection.

    Raises:
        ValueError: `base_url` is not on the loopback interface.
    """
    import concurrent.futures  # noqa: PLC0415
    import time  # noqa: PLC0415
    import urllib.parse  # noqa: PLC0415

    import httpx2  # noqa: PLC0415

    host = urllib.parse.urlparse(base_url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise ValueError(f"load tests only target this machine's loopback, not {host!r}")
    latencies, errors = [], 0
    with httpx2.Client(base_url=base_url, timeout=timeout_s) as client:
        def one(_):
            start = time.perf_counter()
            try:
                ok = client.post(path, files={"image": ("plate.png", image, "image/png")}).status_code == 200
            except httpx2.HTTPError:
                ok = False
            return ok, time.perf_counter() - start

        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            for ok, seconds in pool.map(one, range(requests)):
                latencies.append(seconds * 1000.0)
                errors += not ok
        elapsed = time.perf_counter() - began
    return {"requests": requests, "concurrency": concurrency, "errors": errors,
            "p50_ms": round(float(np.percentile(latencies, 50)), 1), "p99_ms": round(float(np.percentile(latencies, 99)), 1),
            "mean_ms": round(float(np.mean(latencies)), 1), "requests_per_s": round(requests / elapsed, 1)}
