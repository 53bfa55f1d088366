"""Finding plates in photos with trained detector weights: `load_detector()` and `detect_files`."""
from __future__ import annotations

import os
import pathlib

from lprlab.images import read_image
from lprlab.models.detector import Detection, Detector, load_detector_weights

WEIGHTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "detector"
DEFAULT_VERIFIER = WEIGHTS_DIR / "verifier"
DEFAULT_SEARCHER = WEIGHTS_DIR / "detector_search"
DEFAULT_BOX_REGRESSOR = WEIGHTS_DIR / "box_regressor"


def load_detector(path: str | os.PathLike | None = None, precision: str = "float32",
                  verify: bool | str | os.PathLike = True, searcher: bool | str | os.PathLike | None = True,
                  search_threshold: float = 0.05, box_regressor: bool | str | os.PathLike = True) -> Detector:
    """Loads detector weights (``<path>.keras`` + ``<path>.json``); the shipped ``weights/detector``
    by default. `precision` as `Detector`: ``float32`` (the default), ``bfloat16``, or ``auto``
    (bfloat16 on CPUs that compute it natively: 1.25-1.35x faster there). At `lprlab detect`'s
    threshold of 0.5 bfloat16 finds 2 of the 50 real EU dev plates fewer, so float32 stays this
    function's default; the end-to-end reader, at threshold 0.2, reads 2 more plates with it and
    uses ``auto`` (`lprlab.pipeline.READER_DETECTOR_PRECISION`; README, "Detector results").

    Args:
        verify: The cascade's second stage (`lprlab.models.verifier`): True loads the shipped
            ``weights/verifier`` when it is there and the detector is the shipped one (the
            verifier learnt that detector's mistakes); a path loads those verifier weights; False
            searches without one.
        searcher: The cascade's first stage: a cheaper detector (same window and stride) that
            searches every window, these weights then scoring only the windows it scores at
            least `search_threshold` (see `Detector`). True loads the shipped
            ``weights/detector_search`` when it is there and the detector is the shipped one; a
            path loads those weights; False or None searches with these weights alone. On the
            real dev photos the shipped pair finds the same plates and reads as many end to end
            as the detector alone, with fewer false boxes, about 1.2x faster (README).
        box_regressor: The box regressor that fits each detection's box to its plate
            (`lprlab.models.box_regressor`): True loads the shipped ``weights/box_regressor`` when it
            is there (it learnt plates, not one detector's boxes, so it serves any detector); a
            path loads those weights; False fits no box.

    Raises:
        FileNotFoundError: the weights are missing (a verifier path included).
        ValueError: the weights disagree with their metadata, or an unknown precision.
    """
    detector = load_detector_weights(path or DEFAULT_WEIGHTS, precision)
    shipped = path is None or pathlib.Path(path).with_suffix("").resolve() == DEFAULT_WEIGHTS
    if searcher is True:
        searcher = DEFAULT_SEARCHER if shipped and DEFAULT_SEARCHER.with_suffix(".keras").is_file() else None
    if searcher not in (None, False):
        detector = Detector(detector.model, detector.config, detector.info, detector.precision,
                            searcher=load_detector_weights(searcher, precision), search_threshold=search_threshold)
    if verify is True:
        verify = DEFAULT_VERIFIER if shipped and DEFAULT_VERIFIER.with_suffix(".keras").is_file() else False
    if verify is not False:
        from lprlab.models.verifier import load_verifier  # noqa: PLC0415

        detector.verifier = load_verifier(verify)
    if box_regressor is True:
        box_regressor = DEFAULT_BOX_REGRESSOR if DEFAULT_BOX_REGRESSOR.with_suffix(".keras").is_file() else False
    if box_regressor is not False:
        from lprlab.models.box_regressor import load_box_regressor  # noqa: PLC0415

        detector.box_regressor = load_box_regressor(box_regressor)
    return detector


def detect_files(detector: Detector, paths, **options) -> list[list[Detection]]:
    """Detections for each image file (PNG/JPEG), in order; `options` go to `Detector.detect`.
    Every file is read first, so a missing, empty or undecodable one raises FileNotFoundError or
    ValueError (naming it) before any work is done."""
    images = [read_image(p) for p in paths]
    return [detector.detect(image, **options) for image in images]
