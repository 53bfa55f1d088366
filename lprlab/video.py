"""Reading plates in video (a file or a camera): frames → `lprlab.ALPR` → tracks → one voted text
per track, an annotated video and a CSV of events.

Tracking is by overlap: a plate found in a frame joins the live track whose last box it overlaps
most (IoU >= `iou_threshold`); a track unseen for `max_age` frames ends. A track's text is the one
with the largest summed confidence over its frames (a confidence-weighted vote), so one good view
outvotes several blurred ones.
"""
from __future__ import annotations

import collections
import csv
import dataclasses
import io
import os
import pathlib

import numpy as np
from tqdm import tqdm

from lprlab.metrics import iou_matrix


@dataclasses.dataclass
class Track:
    """A plate followed across frames.

    Attributes:
        track: Track number, from 1.
        first_frame, last_frame: Frame indices (from 0) it was seen first and last.
        box: Its last box (x, y, w, h) px.
        votes: Summed reading confidence per text.
        counts: Frames per text.
        watchlist: The watch-list hit of the voted text, or None.
    """

    track: int
    first_frame: int
    last_frame: int
    box: tuple[float, float, float, float]
    votes: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(float))
    counts: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(int))
    watchlist: dict | None = None

    @property
    def text(self) -> str:
        """The voted text (largest summed confidence; ties to the most frames)."""
        return max(self.votes, key=lambda t: (self.votes[t], self.counts[t])) if self.votes else ""

    @property
    def confidence(self) -> float:
        """The voted text's share of all votes times its mean confidence, in [0, 1]."""
        if not self.votes:
            return 0.0
        text = self.text
        share = self.votes[text] / max(sum(self.votes.values()), 1e-9)
        return share * self.votes[text] / self.counts[text]

    @property
    def frames(self) -> int:
        """Frames in which the plate was read."""
        return sum(self.counts.values())

    def as_json(self) -> dict:
        """The JSON object of `lprlab video --json`."""
        out = {"track": self.track, "text": self.text, "confidence": round(self.confidence, 4),
               "first_frame": self.first_frame, "last_frame": self.last_frame}
        if self.watchlist is not None:
            out["watchlist"] = self.watchlist
        return out


class PlateTracker:
    """Greedy IoU tracker of plate results over frames.

    Args:
        iou_threshold: Least IoU between a track's last box and a new box to continue the track.
        max_age: Frames a track may go unseen before it ends.
    """

    def __init__(self, iou_threshold: float = 0.2, max_age: int = 12):
        self.iou_threshold, self.max_age = iou_threshold, max_age
        self.live: list[Track] = []
        self.ended: list[Track] = []
        self._next = 1

    def update(self, frame: int, results) -> list[int]:
        """Adds one frame's `lprlab.pipeline.PlateResult`s. Returns the track number of each."""
        for track in [t for t in self.live if frame - t.last_frame > self.max_age]:
            self.live.remove(track)
            self.ended.append(track)
        ids = [0] * len(results)
        if self.live and results:
            ious = iou_matrix([r.box for r in results], [t.box for t in self.live])
            for flat in np.argsort(-ious, axis=None):
                i, j = np.unravel_index(flat, ious.shape)
                if ious[i, j] < self.iou_threshold:
                    break
                if ids[i] or any(ids[k] == self.live[j].track for k in range(len(ids))):
                    continue
                ids[i] = self.live[j].track
        for i, result in enumerate(results):
            if not ids[i]:
                track = Track(self._next, frame, frame, result.box)
                self._next += 1
                self.live.append(track)
                ids[i] = track.track
            track = next(t for t in self.live if t.track == ids[i])
            track.box, track.last_frame = result.box, frame
            if result.text:
                track.votes[result.text] += result.confidence
                track.counts[result.text] += 1
        return ids

    def tracks(self) -> list[Track]:
        """All tracks, ended and live, by track number."""
        return sorted(self.ended + self.live, key=lambda t: t.track)


def open_video(source: str | int):
    """A `cv2.VideoCapture` on a file path or a camera index (an int, or a string of digits).

    Raises:
        FileNotFoundError: a file path that does not exist.
        ValueError: the file or camera cannot be opened or yields no frame.
    """
    import cv2  # noqa: PLC0415

    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        capture = cv2.VideoCapture(int(source))
        name = f"camera {int(source)}"
    else:
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"video {path!r} does not exist or is not a file")
        if os.path.getsize(path) == 0:
            raise ValueError(f"video {path!r} is an empty file")
        capture = cv2.VideoCapture(path)
        name = f"video {path!r}"
    if not capture.isOpened():
        raise ValueError(f"{name} cannot be opened (corrupt, or a codec OpenCV lacks)")
    return capture, name


def read_video(source: str | int, alpr, out: str | os.PathLike | None = None, events: str | os.PathLike | None = None,
               max_frames: int | None = None, every: int = 1, tracker: PlateTracker | None = None,
               progress: bool = True) -> list[Track]:
    """Reads the plates of a video file or camera.

    Args:
        source: A video file, or a camera index.
        alpr: A `lprlab.pipeline.ALPR` (its watch-list, if any, is checked per track).
        out: Where to write the annotated video (MP4, ``mp4v``), written to a temporary name and
            renamed when complete; None for no video.
        events: Where to write the CSV of tracks (track, text, confidence, frames, first/last frame
            and second, watch-list plate and label); None for none.
        max_frames: Stop after this many frames (a camera runs until stopped otherwise).
        every: Read every `every`-th frame (the others are written with the last boxes).
        tracker: The tracker (a default `PlateTracker` when None).
        progress: Show a progress bar.

    Returns:
        The tracks, by track number; each with its voted text.

    Raises:
        FileNotFoundError, ValueError: from `open_video`, or a video with no readable frame.
    """
    import cv2  # noqa: PLC0415

    from lprlab.pipeline import annotate  # noqa: PLC0415

    capture, name = open_video(source)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
    if max_frames is not None:
        total = min(total or max_frames, max_frames)
    tracker = tracker or PlateTracker()
    writer, temporary, frame, results = None, None, 0, []
    bar = tqdm(total=total, unit="frame", desc="video", disable=not progress)
    try:
        while max_frames is None or frame < max_frames:
            ok, bgr = capture.read()
            if not ok or bgr is None:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            if frame % every == 0:
                results = alpr.read(rgb)
                tracker.update(frame, results)
            if out is not None:
                if writer is None:
                    target = pathlib.Path(out)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temporary = target.with_name(f".{target.stem}.tmp{target.suffix or '.mp4'}")
                    writer = cv2.VideoWriter(str(temporary), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                                             (rgb.shape[1], rgb.shape[0]))
                writer.write(cv2.cvtColor(annotate(rgb, results), cv2.COLOR_RGB2BGR))
            frame += 1
            bar.update(1)
    finally:
        bar.close()
        capture.release()
        if writer is not None:
            writer.release()
    if frame == 0:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise ValueError(f"{name} has no readable frame")
    if temporary is not None:
        os.replace(temporary, out)
    tracks = [t for t in tracker.tracks() if t.votes]
    watchlist = getattr(alpr, "watchlist", None)
    for track in tracks:
        hit = watchlist.lookup(track.text, getattr(alpr, "max_distance", 1.0)) if watchlist is not None else None
        track.watchlist = hit.as_json() if hit else None
    if events is not None:
        write_events(tracks, events, fps)
    return tracks


def write_events(tracks, path: str | os.PathLike, fps: float) -> pathlib.Path:
    """Writes the tracks as a CSV of events (atomically). Returns the path."""
    from lprlab.datasets import atomic_write  # noqa: PLC0415

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["track", "text", "confidence", "frames", "first_frame", "last_frame", "first_s", "last_s",
                     "watchlist_plate", "watchlist_label"])
    for t in tracks:
        hit = t.watchlist or {}
        writer.writerow([t.track, t.text, f"{t.confidence:.4f}", t.frames, t.first_frame, t.last_frame,
                         f"{t.first_frame / fps:.2f}", f"{t.last_frame / fps:.2f}", hit.get("plate", ""),
                         hit.get("label", "")])
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue().encode("utf-8"))
    return path


def make_synthetic_video(path: str | os.PathLike, formats, seed: int = 0, frames: int = 36, size=(480, 640),
                         plate_height_px: float = 40.0, fps: float = 12.0) -> list[dict]:
    """Writes a test video with known plates: one car per plate drawn on a procedural background,
    the plates sliding across the frame. Frames are made from the seed alone.

    Args:
        path: The MP4 file to write (``mp4v``).
        formats: Plate formats (`lprlab.formats.PlateFormat`s); one plate per format given.
        seed: Seed of background, plates and paths.
        frames: Number of frames.
        size: (height, width) px.
        plate_height_px: Plate height in pixels.
        fps: Frames per second.

    Returns:
        One dict per plate: ``{"text", "format", "boxes": [(x, y, w, h) per frame]}``.
    """
    import cv2  # noqa: PLC0415

    from lprlab.backgrounds import draw_car, procedural_background  # noqa: PLC0415
    from lprlab.render import random_plate  # noqa: PLC0415
    from lprlab.scene import CAR_WIDTH_MM, paste_plate  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    height, width = size
    background = procedural_background(rng, size, clutter=6)
    plates, truth = [], []
    lane = height / (len(formats) + 1)
    for k, fmt in enumerate(formats):
        plate = random_plate(fmt, rng, 64)
        h = plate_height_px
        w = h * plate.image.shape[1] / plate.image.shape[0]
        car = h * CAR_WIDTH_MM / fmt.variant(plate.variant).size_mm[1]
        start = np.array([rng.uniform(0.15, 0.3) * width, lane * (k + 1) + 0.1 * lane])
        step = np.array([rng.uniform(0.25, 0.45) * width / frames, rng.uniform(-0.5, 0.5)])
        plates.append((plate, w, h, car, start, step))
        truth.append({"text": plate.text, "format": fmt.name, "boxes": []})
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    try:
        for f in range(frames):
            image = background.copy()
            # every car first, then every plate: at this plate height a car is wider than the frame
            # and reaches far above and below its plate, so the car of one lane covered the plate of
            # the other whichever was drawn last; the truth is the plates, so they stay in view
            for (plate, w, h, car, start, step), record in zip(plates, truth):
                draw_car(image, tuple(start + f * step), car, np.random.default_rng([seed, len(record["text"]), 1]))
            for (plate, w, h, car, start, step), record in zip(plates, truth):
                cx, cy = start + f * step
                corners = np.float32([[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2], [cx + w / 2, cy + h / 2],
                                      [cx - w / 2, cy + h / 2]])
                paste_plate(image, plate.image, corners)
                record["boxes"].append((float(cx - w / 2), float(cy - h / 2), float(w), float(h)))
            writer.write(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return truth
