"""The detector: presence rule, window grid, mapping back to pixels, NMS, save/load, a short
training that learns, and images of every size."""
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from lprlab.datasets import DatasetSpec, make_sample
from lprlab.formats import resolve_formats
from lprlab.metrics import detection_scores, iou_matrix, match_detections
from lprlab.tiles import PRESENCE_RANGE, grid_shape, make_tile, presence_grid, presence_label

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_presence_rule_cases():
    window = (32, 64)
    assert presence_label((10, 8, 40, 10), window) == 1  # 0.625 of the width, wholly inside
    assert presence_label((10, 8, 20, 5), window) == 0  # far too small
    assert presence_label((0, 0, 63, 31), window) == 0  # too large (0.98)
    assert presence_label((40, 8, 40, 10), window) == 0  # cut off by the right edge by 16 px
    assert presence_label((26, 8, 40, 10), window) == -1  # cut by 2 px: too close to call
    assert presence_label((10, 8, 30, 8), window) == -1  # 0.47: just under the band


def test_presence_grid_marks_exactly_the_windows_holding_the_plate():
    box = np.float32([[30, 20, 40, 16]])  # relative size 0.625
    grid = presence_grid(box, grid_shape((96, 160)))
    assert grid.shape == (9, 13, 5)
    for i in range(9):
        for j in range(13):
            inside = 8 * j <= 30 and 30 + 40 <= 8 * j + 64 and 8 * i <= 20 and 20 + 16 <= 8 * i + 32
            assert (grid[i, j, 0] == 1) == inside
            if inside:  # the box target is the plate relative to that window
                np.testing.assert_allclose(grid[i, j, 1:], [(30 - 8 * j) / 64, (20 - 8 * i) / 32, 40 / 64, 0.5])
    grid = presence_grid(box, grid_shape((96, 160)), valid=(60, 160))
    assert (grid[4:, :, 0] == -1).all()  # windows reaching past the image are left out


def test_tiles_are_deterministic_and_hold_positives():
    spec = DatasetSpec("tile", ("eu", "us"), 60, 3, (96, 160), augment="scene")
    first = [make_sample(spec, i) for i in range(60)]
    again = [make_sample(spec, i) for i in range(20)]
    assert all(np.array_equal(a[0], b[0]) and a[1] == b[1] for a, b in zip(first, again))
    positives = 0
    for image, rows in first:
        assert image.shape == (96, 160, 3) and image.dtype == np.uint8
        boxes = np.float32([[float(r[k]) for k in "xywh"] for r in rows if r.get("x")]).reshape(-1, 4)
        positives += int((presence_grid(boxes, grid_shape((96, 160)))[..., 0] == 1).any())
    assert positives >= 10  # about 28% of tiles hold a plate in the presence range (17 of 60 with generator 0.35.0)


def test_make_tile_puts_plates_in_tile_pixels(rng):
    tile = make_tile(resolve_formats("eu"), rng)
    for plate in tile.plates:
        x0, y0 = plate.corners.min(axis=0)
        np.testing.assert_allclose(plate.box[:2], (x0, y0), atol=1e-3)
    assert 0 < tile.valid[0] <= 96 and 0 < tile.valid[1] <= 160


tf = pytest.importorskip("tensorflow")
from lprlab.models.detector import (  # noqa: E402
    Detector, DetectorConfig, build_detector, grid_to_boxes, load_detector_weights, non_max_suppression,
    pack_levels, pyramid_scales, save_detector)
from lprlab.tiles import resize_level  # noqa: E402


@pytest.fixture(scope="module")
def detector():
    import keras
    keras.utils.set_random_seed(0)
    config = DetectorConfig()
    return Detector(build_detector(config), config)


def test_whole_image_output_equals_the_window_classifier(detector):
    image = np.random.default_rng(0).integers(0, 256, (72, 136, 3), dtype=np.uint8)
    grid = detector.presence_grid(image)
    assert grid.shape == (6, 10, 5)
    for i, j in ((0, 0), (2, 3), (5, 9)):
        window = image[8 * i:8 * i + 32, 8 * j:8 * j + 64]
        np.testing.assert_allclose(detector.presence_grid(window)[0, 0], grid[i, j], atol=1e-4)


def test_packed_pyramid_gives_the_windows_of_each_level_alone(detector):
    import cv2

    image = np.random.default_rng(1).integers(0, 256, (150, 260, 3), dtype=np.uint8)
    boxes, scores, scales = detector.candidates(image, threshold=0.0, pad=0.5)
    alone = detector.candidates(image, threshold=0.0, pad=0.5, pack=False)
    assert len(set(scales.tolist())) >= 4  # the first level alone, three or more packed
    for got, want in zip((boxes, scores, scales), alone):
        np.testing.assert_allclose(got, want, atol=1e-3)
    # and each level alone is what its windows say: the last level by hand
    scale = pyramid_scales(image.shape[:2], (16, 32))[-1]
    level = resize_level(image, scale)
    grid = detector.presence_grid(cv2.copyMakeBorder(level, 16, 16, 32, 32, cv2.BORDER_REPLICATE))
    assert grid.shape[:2] == detector.grid_size((level.shape[0] + 32, level.shape[1] + 64))
    level_boxes, level_scores = grid_to_boxes(grid, level.shape[:2], image.shape[:2], detector.config, 0.0)
    level_boxes[:, 0] -= 32 * image.shape[1] / level.shape[1]
    level_boxes[:, 1] -= 16 * image.shape[0] / level.shape[0]
    np.testing.assert_allclose(boxes[-len(level_scores):], level_boxes, atol=1e-3)
    np.testing.assert_allclose(scores[-len(level_scores):], level_scores, atol=1e-5)


def test_offsets_add_windows_at_half_the_stride_on_all_levels_but_the_first(detector):
    import cv2

    image = np.random.default_rng(2).integers(0, 256, (150, 260, 3), dtype=np.uint8)
    plain = detector.candidates(image, threshold=0.0)
    both = detector.candidates(image, threshold=0.0, offsets=(0, 4))
    for got, want in zip(both, plain):  # the plain windows come first, unchanged
        np.testing.assert_allclose(got[:len(plain[1])], want, atol=1e-5)
    extra_scales = both[2][len(plain[1]):]
    scales = pyramid_scales(image.shape[:2], detector.config.window)
    assert set(extra_scales.tolist()) == set(np.float32(scales[1:]).tolist())  # not the first level
    # the shifted windows of the second level are the windows of that level moved 4 px down and right
    level = resize_level(image, scales[1])
    grid = detector.presence_grid(cv2.copyMakeBorder(level, 4, 0, 4, 0, cv2.BORDER_REPLICATE))
    level_boxes, level_scores = grid_to_boxes(grid, level.shape[:2], image.shape[:2], detector.config, 0.0)
    level_boxes[:, :2] -= 4 / np.float32([level.shape[1] / image.shape[1], level.shape[0] / image.shape[0]])
    shifted = slice(len(plain[1]), len(plain[1]) + len(level_scores))
    np.testing.assert_allclose(both[0][shifted], level_boxes, atol=1e-3)
    np.testing.assert_allclose(both[1][shifted], level_scores, atol=1e-5)


def test_cascade_scores_the_searchers_windows_as_the_full_pass_does(detector):
    image = np.random.default_rng(2).integers(0, 256, (150, 260, 3), dtype=np.uint8)
    full = detector.candidates(image, threshold=0.01, pad=0.5)
    # itself as the searcher at a tiny threshold: every window is scored again, on the same pixels
    same = Detector(detector.model, detector.config, searcher=detector, search_threshold=1e-6)
    for got, want in zip(same.candidates(image, threshold=0.01, pad=0.5), full):
        np.testing.assert_allclose(got, want, atol=1e-3)
    # a strict searcher keeps a subset of the windows, each with the full pass's box and score
    strict = Detector(detector.model, detector.config, searcher=detector, search_threshold=0.6)
    boxes, scores, _ = strict.candidates(image, threshold=0.01, pad=0.5)
    assert len(scores) <= len(full[1]) and (scores >= 0.6 - 1e-6).all()
    assert strict.detect(np.zeros((10, 20, 3), np.uint8)) == []  # no level holds a window
    assert isinstance(strict.detect(np.zeros((3000, 5000, 3), np.uint8), max_side=1024), list)
    with pytest.raises(ValueError, match="search_threshold"):
        Detector(detector.model, detector.config, searcher=detector, search_threshold=0.0)
    other = DetectorConfig(window=(24, 48), filters=(8, 16))
    with pytest.raises(ValueError, match="searcher window"):
        Detector(detector.model, detector.config, searcher=Detector(build_detector(other), other))


def test_pack_levels_places_levels_apart_on_the_stride():
    sizes = [(100, 180), (71, 128), (50, 90), (36, 64), (25, 45)]
    offsets, (height, width) = pack_levels(sizes, 8)
    assert width == 180
    cells = np.zeros((height, width), int)
    for (y, x), (h, w) in zip(offsets, sizes):
        assert y % 8 == 0 and x % 8 == 0 and y + h <= height and x + w <= width
        cells[y:y + h, x:x + w] += 1
    assert cells.max() == 1
    assert pack_levels([], 8) == ([], (0, 0))


def test_a_window_box_maps_back_to_image_pixels():
    config = DetectorConfig()
    grid = np.full((4, 6, 5), -10.0, np.float32)
    grid[2, 3] = [5.0, 0.25, 0.25, 0.5, 0.5]  # window at (x=24, y=16) in a level half the image's size
    boxes, scores = grid_to_boxes(grid, (100, 150), (200, 300), config, 0.5)
    assert len(boxes) == 1 and scores[0] > 0.99
    np.testing.assert_allclose(boxes[0], [(24 + 16) * 2, (16 + 8) * 2, 32 * 2, 16 * 2], rtol=1e-5)


def test_pyramid_scales():
    scales = pyramid_scales((720, 1280), (32, 64))
    assert scales[0] == 1.0 and np.allclose(np.diff(np.log(scales)), -0.5 * np.log(2))
    last, beyond = scales[-1], scales[-1] / 2 ** 0.5
    assert round(720 * last) >= 32 and round(1280 * last) >= 64
    assert round(720 * beyond) < 32 or round(1280 * beyond) < 64
    assert pyramid_scales((10, 10), (32, 64)) == []
    assert max(6000, 8000) * pyramid_scales((6000, 8000), (32, 64), max_side=2048)[0] <= 2048 + 1e-6


def test_nms_merges_duplicates():
    boxes = np.float32([[10, 10, 50, 20], [12, 11, 50, 20], [200, 50, 40, 20], [11, 9, 48, 21]])
    keep = non_max_suppression(boxes, np.float32([0.9, 0.95, 0.8, 0.7]), iou_threshold=0.3)
    assert sorted(keep.tolist()) == [1, 2]


def test_images_of_every_size(detector):
    with pytest.raises(ValueError, match="H, W >= 1"):
        detector.detect(np.zeros((0, 0, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        detector.detect(np.zeros((64, 64, 3), np.float32))
    assert detector.detect(np.zeros((10, 20, 3), np.uint8)) == []
    big = np.zeros((3000, 5000, 3), np.uint8)
    result = detector.detect(big, max_side=1024)
    assert isinstance(result, list)


def test_save_load_round_trip_and_mismatch(detector, tmp_path):
    save_detector(detector.model, detector.config, tmp_path / "det")
    loaded = load_detector_weights(tmp_path / "det")
    image = np.random.default_rng(1).integers(0, 256, (64, 128, 3), dtype=np.uint8)
    np.testing.assert_allclose(loaded.presence_grid(image), detector.presence_grid(image), atol=1e-6)
    info = json.loads((tmp_path / "det.json").read_text())
    info["config"]["window"] = [48, 96]
    (tmp_path / "det.json").write_text(json.dumps(info))
    with pytest.raises(ValueError, match="do not fit"):
        load_detector_weights(tmp_path / "det")
    info["model"] = "recognizer"
    (tmp_path / "det.json").write_text(json.dumps(info))
    with pytest.raises(ValueError, match="does not describe"):
        load_detector_weights(tmp_path / "det")
    with pytest.raises(FileNotFoundError):
        load_detector_weights(tmp_path / "missing")


def test_detection_metrics():
    truths = np.float32([[0, 0, 10, 10], [100, 100, 20, 10]])
    np.testing.assert_allclose(iou_matrix(truths, [[5, 0, 10, 10]]), [[50 / 150], [0]])
    hit, matched = match_detections(truths, [[0, 0, 10, 10], [1, 0, 10, 10], [300, 300, 5, 5]], [0.9, 0.8, 0.7])
    assert hit.tolist() == [True, False, False] and matched.tolist() == [0, -1]
    scores = detection_scores([(truths, np.float32([[0, 0, 10, 10], [100, 100, 20, 10]]), [0.9, 0.8]),
                               (np.zeros((0, 4)), np.float32([[5, 5, 5, 5]]), [0.95])])
    assert scores["recall"] == 1.0 and scores["fp_per_image"] == 0.5
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["ap"] == pytest.approx(2 / 3)  # the false positive ranks first: precision 2/3 at every recall
    scores = detection_scores([(truths, np.float32([[0, 0, 10, 10], [100, 100, 20, 10]]), [0.9, 0.8]),
                               (np.zeros((0, 4)), np.float32([[5, 5, 5, 5]]), [0.1])])
    assert scores["ap"] == pytest.approx(1.0)  # ranked last, after full recall: no area lost


def test_boxes_on_plates_the_truth_leaves_out_are_neither_found_nor_false(tmp_path):
    from types import SimpleNamespace

    from lprlab.evaluation import PhotoSet, complete_photo_set, score_alpr

    truths = np.float32([[0, 0, 40, 10]])
    detections = np.float32([[0, 0, 40, 10], [100, 100, 40, 10], [300, 300, 40, 10]])
    scores = detection_scores([(truths, detections, [0.9, 0.8, 0.7], np.float32([[101, 100, 40, 10]]))])
    assert scores["fp_per_image"] == 1.0 and scores["ignored"] == 1 and scores["precision"] == 0.5
    csv = tmp_path / "completions.csv"
    csv.write_text("region,file,kind,x,y,width,height,plate\n"
                   "br,a.jpg,box,100,100,40,10,ABC1234\nbr,b.jpg,other,300,300,40,10,\nus,b.jpg,other,0,0,1,1,\n")
    photos = PhotoSet("br", [None, None], [truths, truths], [("ABC1234",), ("XYZ9876",)], ["/x/a.jpg", "/x/b.jpg"])
    fuller = complete_photo_set(photos, csv)
    np.testing.assert_allclose(fuller.boxes[0], [[100, 100, 40, 10]])  # moved
    assert len(fuller.ignore[0]) == 0 and len(fuller.ignore[1]) == 1  # the us row is another set's
    read = [[SimpleNamespace(box=(100, 100, 40, 10), text="ABC1234", detection_score=0.9, alternatives=())],
            [SimpleNamespace(box=(300, 300, 40, 10), text="QQQ", detection_score=0.9, alternatives=())]]
    assert score_alpr(photos, read)["top1"] == 0.0 and score_alpr(photos, read)["fp_per_image"] == 1.0
    assert score_alpr(fuller, read)["top1"] == 0.5 and score_alpr(fuller, read)["fp_per_image"] == 0.0
    csv.write_text("region,file,kind,x,y,width,height,plate\nbr,c.jpg,other,0,0,1,1,\n")
    with pytest.raises(ValueError, match="c.jpg"):
        complete_photo_set(photos, csv)


@pytest.mark.slow
def test_brief_training_finds_a_plate(tmp_path):
    from lprlab.scene import ScenePreset, make_scene
    from lprlab.train_detector import train_detector_synthetic

    config = DetectorConfig(formats=("eu",), seed=0)
    history = train_detector_synthetic(config, tmp_path / "run", count=4096, val_count=128, epochs=8,
                                       data_dir=tmp_path / "data", verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    detector = load_detector_weights(tmp_path / "run" / "model")
    easy = ScenePreset("easy", image_size=(240, 320), plate_height_px=(18, 22), yaw_deg=(-5, 5), pitch_deg=(0, 5),
                       roll_deg=(-2, 2), plates=(1, 1), negative_fraction=0.0)
    untrained = Detector(build_detector(config), config)

    def found(model):
        hits = 0
        for seed in range(20):
            scene = make_scene(resolve_formats("eu"), np.random.default_rng([99, seed]), easy)
            detections = model.detect(scene.image, threshold=0.01)  # a brief run ranks before it calibrates
            hits += bool(detections) and iou_matrix([scene.plates[0].box], [detections[0].box])[0, 0] >= 0.4
        return hits

    # The best box of ~2,000 windows lands on the plate: far above what an untrained net manages.
    trained_hits, untrained_hits = found(detector), found(untrained)
    print("hits of 20 easy scenes: trained", trained_hits, "untrained", untrained_hits)
    assert trained_hits >= 6 and trained_hits >= untrained_hits + 5


def test_cli_detect_json(tmp_path):
    weights = ROOT / "weights" / "detector.keras"
    if not weights.is_file():
        pytest.skip("no shipped detector weights")
    from lprlab.datasets import encode_image
    from lprlab.scene import make_scene

    scene = make_scene(resolve_formats("eu"), np.random.default_rng(5), "parking")
    path = tmp_path / "scene.png"
    path.write_bytes(encode_image(scene.image, ".png"))
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "detect", str(path), "--json"],
                         capture_output=True, text=True, check=True)
    record = json.loads(out.stdout.strip().splitlines()[-1])
    assert record["image"] == str(path) and isinstance(record["boxes"], list)
    for item in record["boxes"]:
        assert len(item["box"]) == 4 and 0 <= item["score"] <= 1
    alone = subprocess.run([sys.executable, "-m", "lprlab.cli", "detect", str(path), "--json", "--no-search",
                            "--precision", "auto"], capture_output=True, text=True, check=True)
    assert json.loads(alone.stdout.strip().splitlines()[-1])["image"] == str(path)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "detect", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2 and "not a readable image" in out.stderr

    # --verifier: other weights, or an ensemble of several (A,B), judge the boxes
    from lprlab.models.verifier import VerifierConfig, build_verifier, save_verifier

    for name, logit in (("never", -30.0), ("always", 30.0)):
        config = VerifierConfig()
        model = build_verifier(config)
        kernel, bias = model.get_layer("ver_logit").get_weights()
        model.get_layer("ver_logit").set_weights([np.zeros_like(kernel), np.full_like(bias, logit)])
        save_verifier(model, config, tmp_path / name)
    never = subprocess.run([sys.executable, "-m", "lprlab.cli", "detect", str(path), "--json", "--verifier",
                            str(tmp_path / "never")], capture_output=True, text=True, check=True)
    assert json.loads(never.stdout.strip().splitlines()[-1])["boxes"] == []
    both = subprocess.run([sys.executable, "-m", "lprlab.cli", "detect", str(path), "--json", "--verifier",
                           f"{tmp_path / 'always'},{tmp_path / 'never'}"], capture_output=True, text=True, check=True)
    kept = json.loads(both.stdout.strip().splitlines()[-1])["boxes"]
    assert kept  # 0.5 reaches the 0.5 threshold
    for item in kept:  # the mean of 1 and 0
        assert item["verification"] == pytest.approx(0.5, abs=1e-3)


def test_presence_range_is_wider_than_the_pyramid_step():
    assert PRESENCE_RANGE[1] / PRESENCE_RANGE[0] > 2 ** 0.5


def test_hard_negative_mining_writes_labelled_tiles(detector, tmp_path):
    from lprlab.train_detector import load_tiles, mine_hard_negatives

    labels = mine_hard_negatives(detector, 6, 0, tmp_path / "hard", threshold=0.0, per_image=3, progress=False)
    images, targets = load_tiles(labels.parent, detector.config)
    assert images.shape == (6, 96, 160, 3) and targets.shape == (6, 9, 13, 5)
    assert set(np.unique(targets[..., 0])) <= {-1.0, 0.0, 1.0}
    again = mine_hard_negatives(detector, 6, 0, tmp_path / "hard", threshold=0.0, progress=False)
    assert again == labels  # a finished set is reused


def test_bfloat16_search_matches_float32(tmp_path):
    """The bfloat16 copy finds the same plates as float32 (same weights, cast)."""
    weights = ROOT / "weights" / "detector.keras"
    if not weights.is_file():
        pytest.skip("no shipped detector weights")
    from lprlab.detection import load_detector
    from lprlab.scene import make_scene

    full, half = load_detector(precision="float32"), load_detector(precision="bfloat16")
    assert half.precision == "bfloat16"
    for seed in (5, 6):
        scene = make_scene(resolve_formats("eu,us"), np.random.default_rng(seed), "parking")
        a, b = full.detect(scene.image), half.detect(scene.image)
        if not a:
            continue
        overlap = iou_matrix(np.float32([d.box for d in a]), np.float32([d.box for d in b]))
        assert overlap.shape[1] > 0 and overlap.max(axis=1)[0] > 0.8  # the best box is found by both
        assert abs(a[0].score - max(d.score for d in b)) < 0.1
    with pytest.raises(ValueError, match="unknown precision"):
        load_detector(precision="float8")
    from lprlab.models.detector import native_bfloat16

    assert load_detector().precision == "float32"  # the default
    if (ROOT / "weights" / "detector_search.keras").is_file():  # the shipped cascade's first stage
        assert load_detector().searcher is not None and load_detector(searcher=False).searcher is None
        shipped = load_detector(searcher=False, verify=False)
        save_detector(shipped.model, shipped.config, tmp_path / "copy")
        assert load_detector(tmp_path / "copy").searcher is None  # the searcher goes with the shipped detector
    assert load_detector(precision="auto").precision == ("bfloat16" if native_bfloat16() else "float32")


def test_shipped_detector_finds_a_plate_that_fills_the_frame_to_its_border():
    if not (ROOT / "weights" / "detector.keras").is_file():
        pytest.skip("no shipped detector weights")
    import cv2

    from lprlab.detection import load_detector
    from lprlab.formats import get_format
    from lprlab.render import render_plate

    detector = load_detector()
    found = 0
    for seed in range(3):  # a close-up gate camera: the plate 94% of the width, touching the bottom edge
        plate = cv2.resize(render_plate("AB123CD", get_format("ar_mercosur"), np.random.default_rng(seed), 64).image,
                           (300, 98))
        image = np.full((240, 320, 3), 60, np.uint8)
        image[240 - 98:, 10:310] = plate
        assert detector.detect(image, pad=0.0) == []  # without padding no window holds it
        boxes = np.float32([d.box for d in detector.detect(image)]).reshape(-1, 4)
        found += bool(len(boxes)) and iou_matrix(boxes, np.float32([[10, 142, 300, 98]])).max() >= 0.5
        assert all(0 <= x and 0 <= y and x + w <= 320 + 1e-3 and y + h <= 240 + 1e-3 for x, y, w, h in boxes)
    assert found == 3


def test_refine_moves_a_doubted_box_onto_the_plate_the_verifier_accepts():
    from lprlab.models import detector as detector_module
    from lprlab.models.detector import JITTERS, Detector

    plate = np.float32([105.6, 52, 88, 24])  # the doubted box (100, 50, 80, 20) moved and grown

    class Verifier:  # accepts boxes fitting the plate only
        def scores(self, image, boxes):
            return np.where(iou_matrix(np.asarray(boxes), plate[None])[:, 0] > 0.9, 0.99, 0.1).astype(np.float32)

    assert len(JITTERS) == 26 and (0.0, 0.0, 1.0, 1.0) not in JITTERS
    found = Detector.__new__(Detector)
    found.verifier = Verifier()
    boxes = np.float32([[100, 50, 80, 20], [400, 300, 80, 20], [100, 50, 80, 20]])
    scores = np.float32([0.9, 0.9, 0.2])  # the third: too weak a presence to search
    moved, verification = found._refine(None, boxes, scores, np.float32([0.1, 0.1, 0.1]), 0.5, 0.5)
    np.testing.assert_allclose(moved[0], plate, atol=0.5)
    assert verification.tolist() == pytest.approx([0.99, 0.1, 0.1])
    np.testing.assert_array_equal(moved[1:], boxes[1:])
    assert detector_module.REFINE_THRESHOLD > 0.5
