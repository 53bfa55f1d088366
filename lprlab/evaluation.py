"""Evaluating a recogniser: a fixed seeded synthetic test set, the real openalpr crops, and speed."""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from lprlab.augment import make_pipeline
from lprlab.crops import make_plate_crop
from lprlab.formats import resolve_formats
from lprlab.metrics import accuracy_by_group
from lprlab.real import load_openalpr_crops, load_openalpr_endtoend

TEST_SEED = 10_000  # the synthetic test set's seed; training uses small seeds


@dataclasses.dataclass
class EvalSet:
    """Images to read: `images` (list of (H, W, 3) uint8 RGB), true `texts`, a `groups` label
    per image (format or region) for the per-group table, and the `region` the plates come from
    (see `lprlab.postprocess.REGIONS`; None for a mix of formats)."""

    name: str
    images: list
    texts: list
    groups: list
    region: str | None = None


def synthetic_test_set(formats, count: int = 3000, image_size=(64, 128), augment: str = "full") -> EvalSet:
    """The fixed synthetic test set: `count` crops, sample i from ``default_rng([TEST_SEED, i])``."""
    fmts, pipeline = resolve_formats(formats), make_pipeline(augment, image_size[0])
    crops = [make_plate_crop(fmts, np.random.default_rng([TEST_SEED, i]), image_size, pipeline) for i in range(count)]
    return EvalSet("synthetic", [c.image for c in crops], [c.text for c in crops], [c.format for c in crops])


def real_test_sets(root=None) -> list[EvalSet]:
    """The real sets of the issue: US crops, and crops around the ground-truth boxes of the
    end-to-end photos of br, eu and us. Raises FileNotFoundError when the data is absent."""
    sets = []
    crops = load_openalpr_crops(root, "us")
    sets.append(EvalSet("crops/us", [p.image for p in crops], [p.text for p in crops], ["us"] * len(crops), "us"))
    for region in ("br", "eu", "us"):
        plates = load_openalpr_endtoend(root, region)
        sets.append(EvalSet(f"endtoend/{region}", [p.image for p in plates], [p.text for p in plates],
                            [region] * len(plates), region))
    return sets


MARGIN_SWEEP = (-0.04, 0.0, 0.04, 0.08, 0.12, 0.2, 0.3)  # crop margins, shares of the true box's size


def margin_sweep(recognizer, margins=MARGIN_SWEEP, root=None, regions=("br", "eu", "us"),
                 patterns: bool = True) -> dict[str, list[float]]:
    """Top-1 plate accuracy on the real end-to-end plates cut around their true boxes at each crop
    margin (a share of the box's width and height per side; negative cuts into the box), per
    region: how much a recogniser depends on how tightly a plate is cut (the detector's boxes are
    off by -0.3 to +0.2 of the plate's size, see ``benchmarks/eval_crop_tolerance.py``).

    Returns:
        {region: [top-1 share per margin]}. Raises FileNotFoundError when the data is absent and
        ValueError for a margin of -0.5 or less (nothing left to read).
    """
    if any(m <= -0.5 for m in margins):
        raise ValueError(f"margins must be > -0.5 (a share of the box per side), got {tuple(margins)}")
    sweep = {}
    for region in regions:
        sweep[region] = []
        for margin in margins:
            plates = load_openalpr_endtoend(root, region, margin)
            eval_set = EvalSet(f"endtoend/{region}", [p.image for p in plates], [p.text for p in plates],
                               [region] * len(plates), region)
            sweep[region].append(evaluate(recognizer, eval_set, patterns)[0][region]["plate"])
    return sweep


def evaluate(recognizer, eval_set: EvalSet, patterns: bool = False, top_n: int = 5,
             colours: bool = True, priors: bool = True, weights: dict | None = None,
             serial_weight: float | None = None) -> tuple[dict, list]:
    """Reads `eval_set`; returns (per-group accuracy table, readings).

    With `patterns`, each reading's text is what the end-to-end reader reports: the most probable
    of its `top_n` alternatives that fits a pattern of the set's region (of the recogniser's
    formats when the set has none) after look-alike swaps (`lprlab.postprocess.postprocess`);
    the readings returned are then copies with that text. With `colours`, formats the crop's
    colours favour are tried first (`lprlab.postprocess.colour_preferred_formats`); with `priors`,
    the alternatives are first reweighted by the region's character priors
    (`lprlab.postprocess.REGION_CHARACTER_WEIGHTS`, `reweight`), or by `weights` (character →
    prior ratio) when given, then by the region's serial-layout prior
    (`lprlab.postprocess.REGION_SERIAL_WEIGHTS`, `prefer_serials`: none by default), or by
    `serial_weight` when given.
    """
    if not patterns:
        readings = recognizer.read(eval_set.images)
        return accuracy_by_group(eval_set.texts, [r.text for r in readings], eval_set.groups), readings
    from lprlab.postprocess import (  # noqa: PLC0415
        REGION_CHARACTER_WEIGHTS, REGION_SERIAL_WEIGHTS, colour_preferred_formats, postprocess, prefer_serials,
        region_formats, reweight)

    formats = region_formats(eval_set.region, tuple(recognizer.config.formats))
    readings = []
    for image, reading in zip(eval_set.images, recognizer.read(eval_set.images, top_n=top_n)):
        preferred = colour_preferred_formats(image, formats) if colours else ()
        ratios = ({} if not priors else weights if weights is not None
                  else REGION_CHARACTER_WEIGHTS.get(eval_set.region, {}))
        alternatives = reweight(reading.alternatives, ratios)
        if priors:
            alternatives = prefer_serials(alternatives, formats, serial_weight if serial_weight is not None
                                          else REGION_SERIAL_WEIGHTS.get(eval_set.region))
        text, _, _ = postprocess(alternatives, formats, preferred)
        readings.append(dataclasses.replace(reading, text=text))
    return accuracy_by_group(eval_set.texts, [r.text for r in readings], eval_set.groups), readings


def failures(eval_set: EvalSet, readings, limit: int = 24) -> tuple[list, list]:
    """Images and titles ``truth → read (confidence)`` of the misread plates, lowest confidence first."""
    wrong = [i for i, r in enumerate(readings) if r.text != eval_set.texts[i]]
    wrong.sort(key=lambda i: readings[i].confidence)
    wrong = wrong[:limit]
    return ([eval_set.images[i] for i in wrong],
            [f"{eval_set.texts[i]} → {readings[i].text} ({readings[i].confidence:.2f})" for i in wrong])


def measure_speed(recognizer, batch_size: int = 256, repeats: int = 5) -> dict[str, float]:
    """Plates/s read in batches of already-sized inputs, and milliseconds for one plate (median)."""
    height, width = recognizer.config.image_size
    batch = np.random.default_rng(0).random((batch_size, height, width, 3)).astype(np.float32)
    # what `read` runs (an `Ensemble` has no single model)
    forward = recognizer._forward if hasattr(recognizer, "_forward") else recognizer.model.predict_on_batch
    np.asarray(forward(batch))
    start = time.perf_counter()
    for _ in range(repeats):
        np.asarray(forward(batch))
    per_second = repeats * batch_size / (time.perf_counter() - start)
    one = np.zeros((height, width, 3), np.uint8)
    recognizer.read([one])
    times = []
    for _ in range(30):
        start = time.perf_counter()
        recognizer.read([one])
        times.append(time.perf_counter() - start)
    return {"plates_per_s": per_second, "ms_per_plate": 1000 * float(np.median(times))}


@dataclasses.dataclass
class PhotoSet:
    """Photos to search: `images` (list of (H, W, 3) uint8 RGB), `boxes` (list of (n, 4) float32
    true plate boxes (x, y, w, h) px), `texts` (list of tuples of true texts) and `names`;
    `ignore`, when given, a (k, 4) float32 array per photo of other real plates the truth leaves
    out (see `complete_photo_set`)."""

    name: str
    images: list
    boxes: list
    texts: list
    names: list
    ignore: list | None = None


def synthetic_scene_set(formats, count: int = 200, presets=("cctv", "parking"), photos=None) -> PhotoSet:
    """The fixed synthetic detection test set: `count` scenes, scene i from
    ``default_rng([TEST_SEED, i])`` with preset ``presets[i % len(presets)]``; procedural
    backgrounds unless `photos` (a `PhotoBackgrounds`) is given."""
    from lprlab.scene import make_scene  # noqa: PLC0415

    fmts = resolve_formats(formats)
    images, boxes, texts, names = [], [], [], []
    for i in range(count):
        preset = presets[i % len(presets)]
        scene = make_scene(fmts, np.random.default_rng([TEST_SEED, i]), preset, photos)
        images.append(scene.image)
        boxes.append(np.array([p.box for p in scene.plates], np.float32).reshape(-1, 4))
        texts.append(tuple(p.text for p in scene.plates))
        names.append(f"{preset}-{i:04d}")
    return PhotoSet("synthetic", images, boxes, texts, names)


def real_photo_sets(root=None, regions=("br", "eu", "us")) -> list[PhotoSet]:
    """The real end-to-end photos of openalpr-dev, one `PhotoSet` per region. Raises
    FileNotFoundError when the data is absent."""
    from lprlab.real import load_openalpr_photos  # noqa: PLC0415

    sets = []
    for region in regions:
        photos = load_openalpr_photos(root, region)
        sets.append(PhotoSet(region, [p.image for p in photos], [p.boxes for p in photos],
                             [p.texts for p in photos], [p.source for p in photos]))
    return sets


def complete_photo_set(photo_set: PhotoSet, path) -> PhotoSet:
    """`photo_set` with its ground truth completed from a CSV of
    ``region,file,kind,x,y,width,height,plate`` rows (pixels), for rows of this set's region:
    kind ``other`` is another real plate the truth leaves out (an *ignore* box: a detection on it
    counts neither as found nor as false, see `lprlab.metrics.ignored_detections`); kind ``box``
    moves the truth box of that photo's plate `plate` to where the plate is.

    Raises:
        FileNotFoundError: `path` is missing. ValueError: a row names an unknown kind, a photo not
        in the set, or a plate not in that photo's truth.
    """
    import csv  # noqa: PLC0415
    import pathlib  # noqa: PLC0415

    index = {pathlib.Path(n).name: i for i, n in enumerate(photo_set.names)}
    boxes = [np.array(b, np.float32).reshape(-1, 4) for b in photo_set.boxes]
    ignore = [np.zeros((0, 4), np.float32) for _ in photo_set.images]
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["region"] != photo_set.name:
                continue
            if row["file"] not in index:
                raise ValueError(f"{path}: photo {row['file']!r} is not in the {photo_set.name} set")
            i, box = index[row["file"]], np.array([[float(row[k]) for k in ("x", "y", "width", "height")]], np.float32)
            if row["kind"] == "other":
                ignore[i] = np.concatenate([ignore[i], box])
            elif row["kind"] == "box":
                if row["plate"] not in photo_set.texts[i]:
                    raise ValueError(f"{path}: plate {row['plate']!r} is not in the truth of {row['file']!r}")
                boxes[i][list(photo_set.texts[i]).index(row["plate"])] = box[0]
            else:
                raise ValueError(f"{path}: kind must be 'other' or 'box', got {row['kind']!r}")
    return dataclasses.replace(photo_set, boxes=boxes, ignore=ignore)


def evaluate_detector(detector, photo_set: PhotoSet, iou_threshold: float = 0.5, threshold: float = 0.5,
                      keep_all: bool = False, **detect_options) -> tuple[dict, list]:
    """Runs `detector` over `photo_set` and scores it (`score_detections`).

    Returns:
        (scores: {"precision", "recall", "ap", "fp_per_image", "truths", "detections", "images",
        "ignored", "seconds_per_image"}, detections per image: those >= `threshold`, or with
        `keep_all` every one down to 0.05, to score again with `score_detections`).
    """
    found, elapsed = [], 0.0
    for image in photo_set.images:
        start = time.perf_counter()
        found.append(detector.detect(image, threshold=0.05, **detect_options))
        elapsed += time.perf_counter() - start
    scores = score_detections(photo_set, found, iou_threshold, threshold)
    scores["seconds_per_image"] = elapsed / max(len(photo_set.images), 1)
    return scores, found if keep_all else [[d for d in dets if d.score >= threshold] for dets in found]


def score_detections(photo_set: PhotoSet, found, iou_threshold: float = 0.5, threshold: float = 0.5) -> dict:
    """Scores detections (`found`: a list per photo of `Detection`s, down to a score of 0.05)
    against `photo_set`'s truth, leaving out those on its ignore boxes.

    AP comes from all the detections given; precision, recall and false positives per image
    from those scoring >= `threshold` (NMS keeps the same boxes either way).
    """
    from lprlab.metrics import detection_scores  # noqa: PLC0415

    def quadruples(minimum):
        for truths, dets, ignore in zip(photo_set.boxes, found, photo_set.ignore or [None] * len(found)):
            dets = [d for d in dets if d.score >= minimum]
            yield truths, np.array([d.box for d in dets], np.float32).reshape(-1, 4), [d.score for d in dets], ignore

    scores = detection_scores(quadruples(threshold), iou_threshold)
    scores["ap"] = detection_scores(quadruples(0.0), iou_threshold)["ap"]
    return scores


def measure_detector_speed(detector, sizes=((720, 1280), (1080, 1920)), repeats: int = 5,
                           **detect_options) -> dict[str, float]:
    """Milliseconds per image (median of `repeats`) for the full pyramid search on a procedural
    scene of each (height, width) size (`detect_options` go to `Detector.detect`); keys like
    ``"ms_1280x720"``."""
    from lprlab.backgrounds import procedural_background  # noqa: PLC0415

    figures = {}
    for height, width in sizes:
        image = procedural_background(np.random.default_rng(0), (height, width))
        detector.detect(image, **detect_options)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            detector.detect(image, **detect_options)
            times.append(time.perf_counter() - start)
        figures[f"ms_{width}x{height}"] = 1000 * float(np.median(times))
    return figures


def evaluate_alpr(alpr, photo_set: PhotoSet, iou_threshold: float = 0.4, top_k: int = 5) -> tuple[dict, list]:
    """Reads every photo of `photo_set` with `alpr` and scores the readings (`score_alpr`).

    Returns:
        (scores: {"plates", "images", "detected", "top1", "top1_merged", "topk", "fp_per_image",
        "seconds_per_image"} as shares of plates (fp per image as a count), results per image
        (lists of `lprlab.pipeline.PlateResult`)).
    """
    results, elapsed = [], 0.0
    for image in photo_set.images:
        start = time.perf_counter()
        results.append(alpr.read(image))
        elapsed += time.perf_counter() - start
    scores = score_alpr(photo_set, results, iou_threshold, top_k)
    scores["seconds_per_image"] = elapsed / max(len(photo_set.images), 1)
    return scores, results


def alpr_outcomes(photo_set: PhotoSet, results, iou_threshold: float = 0.4) -> list[dict]:
    """Per true plate, what the reader made of it, by `score_alpr`'s criterion.

    Args:
        results: Per photo, a list of `lprlab.pipeline.PlateResult` (what `ALPR.read` returns).

    Returns:
        One dict per true plate, in photo order: {"region", "photo", "truth", "text" (the matched
        box's top-1, "" when no box matches), "confidence" (0.0 when none), "read" (bool)}; two
        readers' lists line up plate for plate (see `lprlab.metrics.mcnemar`).
    """
    from lprlab.metrics import match_detections  # noqa: PLC0415

    outcomes = []
    for name, found, truths, texts in zip(photo_set.names, results, photo_set.boxes, photo_set.texts):
        _, matched = match_detections(truths, [r.box for r in found], [r.detection_score for r in found],
                                      iou_threshold)
        for text, index in zip(texts, matched):
            result = found[index] if index >= 0 else None
            outcomes.append({"region": photo_set.name, "photo": name, "truth": text,
                             "text": result.text if result else "",
                             "confidence": float(result.confidence) if result else 0.0,
                             "read": bool(result is not None and result.text == text)})
    return outcomes


def score_alpr(photo_set: PhotoSet, results, iou_threshold: float = 0.4, top_k: int = 5) -> dict:
    """End-to-end scoring as openalpr's benchmark does: a true plate is *read* when a detected box
    overlaps it with IoU >= `iou_threshold` and that box's top-1 text equals its text. A box on
    one of the set's ignore boxes (another real plate the truth leaves out) is not false.

    Args:
        results: Per photo, a list of `lprlab.pipeline.PlateResult` (what `ALPR.read` returns).

    Returns:
        {"plates", "images", "detected", "top1", "top1_merged", "topk", "fp_per_image"}: shares of
        the true plates, and false boxes per photo.
    """
    from lprlab.metrics import ignored_detections, match_detections, merge_lookalikes  # noqa: PLC0415

    counts = dict(plates=0, detected=0, top1=0, top1_merged=0, topk=0, false=0)
    ignores = photo_set.ignore or [None] * len(photo_set.images)
    for found, truths, texts, ignore in zip(results, photo_set.boxes, photo_set.texts, ignores):
        boxes = [r.box for r in found]
        hit, matched = match_detections(truths, boxes, [r.detection_score for r in found], iou_threshold)
        counts["plates"] += len(texts)
        counts["false"] += int((~hit & ~ignored_detections(boxes, hit, ignore, iou_threshold)).sum())
        for text, index in zip(texts, matched):
            if index < 0:
                continue
            result = found[index]
            counts["detected"] += 1
            counts["top1"] += result.text == text
            counts["top1_merged"] += merge_lookalikes(result.text) == merge_lookalikes(text)
            counts["topk"] += text in [result.text] + [t for t, _ in result.alternatives[:top_k]]
    plates, images = max(counts["plates"], 1), max(len(photo_set.images), 1)
    return {"plates": counts["plates"], "images": len(photo_set.images),
            **{k: counts[k] / plates for k in ("detected", "top1", "top1_merged", "topk")},
            "fp_per_image": counts["false"] / images}


def box_fit(detector, regressor, photo_set: PhotoSet, iterations=(1, 2), offsets: tuple[int, ...] = (0, 4),
            min_iou: float = 0.1) -> dict:
    """How well the detector's boxes fit the true plates of `photo_set`, as searched and after the
    box regressor (`lprlab.models.box_regressor`).

    Each true plate is matched to the detection (`detector.detect` with these `offsets`, boxes as
    searched) that overlaps it most, when that IoU exceeds `min_iou`; plates without one are left
    out.

    Args:
        detector: A `lprlab.models.detector.Detector` (its own box regressor is not used).
        regressor: A `lprlab.models.box_regressor.BoxRegressor`.
        photo_set: Photos with true boxes.
        iterations: Numbers of fits to measure (0, the boxes as searched, is always measured).

    Returns:
        A dict: ``truths`` (n, 4) float32 px, ``photos`` (n,) int photo index, ``boxes`` {fits:
        (n, 4) float32 px}, and ``rows`` {fits: figures}, the figures being ``mean_iou``,
        ``iou40`` and ``iou70`` (shares at IoU >= 0.4 and 0.7), ``left_error`` and ``right_error``
        (median absolute end errors in plate widths) and ``cut`` (the share of boxes that stop more
        than 5% of the plate's width inside either end: the cut that drops a first or last
        character).
    """
    from lprlab.metrics import iou_matrix, paired_iou  # noqa: PLC0415

    found, truths, photos = [], [], []
    for index, (image, plates) in enumerate(zip(photo_set.images, photo_set.boxes)):
        detections = detector.detect(image, offsets=offsets, fit=0)
        boxes = np.float32([d.box for d in detections]).reshape(-1, 4)
        for truth in np.float32(plates).reshape(-1, 4):
            if len(boxes):
                overlap = iou_matrix(boxes, truth[None])[:, 0]
                if overlap.max() > min_iou:
                    found.append(boxes[overlap.argmax()])
                    truths.append(truth)
                    photos.append(index)
    found, truths = np.float32(found).reshape(-1, 4), np.float32(truths).reshape(-1, 4)
    fitted = {0: found}
    for count in iterations:
        fitted[count] = np.concatenate([np.zeros((0, 4), np.float32)]
                                       + [regressor.fit(photo_set.images[p], box[None], count)
                                          for p, box in zip(photos, found)]).reshape(-1, 4)
    rows = {}
    for count, boxes in fitted.items():
        ious = paired_iou(boxes, truths)
        width = np.maximum(truths[:, 2], 1e-6)
        left = (boxes[:, 0] - truths[:, 0]) / width  # > 0: the box starts inside the plate
        right = (truths[:, 0] + truths[:, 2] - boxes[:, 0] - boxes[:, 2]) / width  # > 0: it ends inside
        rows[count] = {"plates": int(len(boxes)), "mean_iou": float(ious.mean()) if len(ious) else 0.0,
                       "iou40": float((ious >= 0.4).mean()) if len(ious) else 0.0,
                       "iou70": float((ious >= 0.7).mean()) if len(ious) else 0.0,
                       "left_error": float(np.median(np.abs(left))) if len(ious) else 0.0,
                       "right_error": float(np.median(np.abs(right))) if len(ious) else 0.0,
                       "cut": float(((left > 0.05) | (right > 0.05)).mean()) if len(ious) else 0.0}
    return {"truths": truths, "photos": np.int64(photos), "boxes": fitted, "rows": rows}

