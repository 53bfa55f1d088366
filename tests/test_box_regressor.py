"""The box regressor: crop geometry and targets, spoilt boxes, seeded sample shards, a short training
that learns, save/load, errors, and its place in `Detector.detect`."""
import numpy as np
import pytest

from lprlab.models.box_regressor import (
    BoxRegressor, BoxRegressorConfig, build_box_regressor, context_windows, crop_windows, edges_to_targets,
    load_box_regressor, save_box_regressor, targets_to_boxes)
from lprlab.models.detector import Detector, DetectorConfig, build_detector


def test_targets_round_trip_and_windows_hold_the_box():
    config = BoxRegressorConfig()
    boxes = np.float32([[100, 50, 80, 20], [-10, 5, 40, 12], [300.5, 200.25, 120, 30]])
    windows = context_windows(boxes, config)
    assert windows.shape == (3, 4)
    assert (windows[:, 0] <= boxes[:, 0]).all() and (windows[:, 2] >= boxes[:, 0] + boxes[:, 2]).all()
    assert (windows[:, 1] <= boxes[:, 1]).all() and (windows[:, 3] >= boxes[:, 1] + boxes[:, 3]).all()
    plates = boxes + np.float32([5, -2, 10, 3])
    targets = edges_to_targets(plates, windows)
    np.testing.assert_allclose(targets_to_boxes(targets, windows), plates, atol=1e-3)
    # the untrained network's bias says "the plate is the box"
    model = build_box_regressor(config)
    predicted = model.predict(np.zeros((3, *config.image_size, 3), np.float32), verbose=0)
    np.testing.assert_allclose(targets_to_boxes(predicted, windows), boxes, atol=1.5)
    # crossed edges collapse to a zero-width box at their middle
    crossed = targets_to_boxes([[0.6, 0.2, 0.4, 0.8]], [[0, 0, 100, 10]])
    np.testing.assert_allclose(crossed, [[50, 2, 0, 6]], atol=1e-4)


def test_crops_cut_the_window_and_pad_past_the_image():
    image = np.zeros((100, 200, 3), np.uint8)
    image[40:60, 50:110] = 255
    crops = crop_windows(image, np.int64([[50, 40, 110, 60], [-20, -20, 20, 20], [500, 500, 520, 510]]), (20, 60))
    assert crops.shape == (3, 20, 60, 3) and crops.dtype == np.uint8
    assert crops[0].min() == 255 and crops[1].max() == 0 and crops[2].max() == 0


def test_spoilt_boxes_are_seeded_and_near_the_plate():
    from lprlab.metrics import paired_iou
    from lprlab.train_box_regressor import spoil_box

    plate = (100.0, 50.0, 200.0, 44.0)
    first = [spoil_box(plate, np.random.default_rng([3, i])) for i in range(300)]
    again = [spoil_box(plate, np.random.default_rng([3, i])) for i in range(300)]
    assert first == again
    boxes = np.float32(first)
    ious = paired_iou(boxes, np.float32([plate] * len(boxes)))
    assert 0.5 < np.median(ious) < 0.95 and (boxes[:, 2] >= 0.25 * plate[2]).all()
    assert (boxes[:, 2] < 0.85 * plate[2]).mean() > 0.15  # boxes cut short of the plate, as the detector's


def test_wild_boxes_spread_wider_and_flanking_keeps_the_plate(tmp_path, monkeypatch):
    from lprlab.metrics import paired_iou
    from lprlab.train_box_regressor import flank_plate, spoil_box

    plate = (100.0, 50.0, 200.0, 44.0)
    tame = np.float32([spoil_box(plate, np.random.default_rng([3, i])) for i in range(300)])
    wild = np.float32([spoil_box(plate, np.random.default_rng([3, i]), wild=True) for i in range(300)])
    truth = np.float32([plate] * 300)
    assert np.median(paired_iou(wild, truth)) < np.median(paired_iou(tame, truth))
    assert np.std(wild[:, 0] + wild[:, 2] / 2) > 1.8 * np.std(tame[:, 0] + tame[:, 2] / 2)
    assert (wild[:, 2] >= 0.25 * plate[2]).all()
    # lamps or a recess change what lies beside the plate, never the plate's own box
    for seed in range(6):
        image = np.full((200, 500, 3), 60, np.uint8)
        image[50:94, 100:300] = 230
        before = image.copy()
        flank_plate(image, plate, np.random.default_rng(seed))
        np.testing.assert_array_equal(image[50:94, 100:300], before[50:94, 100:300])
        assert (image != before).any()
    flank_plate(image, (-50, -50, 10, 10), np.random.default_rng(0))  # a box outside the image: nothing to do
    # the sample set's options: seeded, and 0 gives the plain set's bytes
    import lprlab.train_box_regressor as tbr

    monkeypatch.setattr(tbr, "SHARD", 2)
    config = BoxRegressorConfig()
    plain = tbr.make_box_set(config, 2, 7, tmp_path / "plain", workers=1, progress=False)
    zero = tbr.make_box_set(config, 2, 7, tmp_path / "zero", workers=1, progress=False, wild=0.0, flank=0.0)
    odd = tbr.make_box_set(config, 2, 7, tmp_path / "odd", workers=1, progress=False, wild=0.5, flank=1.0)
    again = tbr.make_box_set(config, 2, 7, tmp_path / "again", workers=1, progress=False, wild=0.5, flank=1.0)
    np.testing.assert_array_equal(plain["crops"], zero["crops"])
    np.testing.assert_array_equal(odd["crops"], again["crops"])
    np.testing.assert_array_equal(odd["plates"], plain["plates"])
    assert not np.array_equal(odd["boxes"], plain["boxes"])


def test_sample_shards_are_the_same_bytes_with_any_workers(tmp_path, monkeypatch):
    import lprlab.train_box_regressor as tbr

    monkeypatch.setattr(tbr, "SHARD", 2)
    config = BoxRegressorConfig()
    one = tbr.make_box_set(config, 4, 7, tmp_path / "one", workers=1, progress=False)
    two = tbr.make_box_set(config, 4, 7, tmp_path / "two", workers=2, progress=False)
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["shard-00000.npz", "shard-00001.npz"]
    for key in ("crops", "targets", "boxes", "plates", "images"):
        np.testing.assert_array_equal(one[key], two[key])
    assert one["crops"].shape[1:] == (*config.image_size, 3) and len(one["crops"]) == len(one["targets"])
    assert len(one["crops"]) % tbr.BOXES_PER_PLATE == 0
    np.testing.assert_allclose(targets_to_boxes(one["targets"], context_windows(one["boxes"], config)), one["plates"],
                               atol=1e-2)
    with pytest.raises(FileNotFoundError, match="no box regressor shards"):
        tbr.load_box_set(tmp_path / "nothing", config)


def test_short_training_fits_boxes_better(tmp_path):
    from lprlab.train_box_regressor import box_figures, make_box_set, train_box_regressor

    config = BoxRegressorConfig(learning_rate=1e-3)  # 3e-3 sometimes stayed at "the plate is the box"
    train = make_box_set(config, 160, 0, tmp_path / "train", workers=2, progress=False)
    validation = make_box_set(config, 40, 1, tmp_path / "val", workers=2, progress=False)
    train_box_regressor(config, tmp_path / "run", train, validation, epochs=6, batch_size=64, verbose=0,
                        photometric=0.5)  # half the crops relit on their own: it still learns
    regressor = load_box_regressor(tmp_path / "run" / "model")
    assert regressor.info["training"]["photometric"] == 0.5
    figures = box_figures(regressor.model, validation, config)
    assert figures["iou_after"] > figures["iou_before"] + 0.03, figures
    assert figures["end_error_after"] < figures["end_error_before"], figures
    assert regressor.info["validation"]["samples"] == len(validation["crops"])
    assert (tmp_path / "run" / "log.csv").is_file() and (tmp_path / "run" / "last.keras").is_file()


def test_save_load_round_trip_errors_and_fit(tmp_path):
    import keras
    keras.utils.set_random_seed(0)
    config = BoxRegressorConfig()
    model = build_box_regressor(config)
    save_box_regressor(model, config, tmp_path / "b")
    loaded = load_box_regressor(tmp_path / "b")
    image = np.random.default_rng(1).integers(0, 256, (120, 200, 3), dtype=np.uint8)
    boxes = [[30, 40, 90, 24], [150, 100, 40, 10]]
    np.testing.assert_allclose(loaded.fit(image, boxes), BoxRegressor(model, config).fit(image, boxes), atol=1e-3)
    assert loaded.fit(image, boxes, iterations=2).shape == (2, 4)
    assert loaded.fit(image, np.zeros((0, 4))).shape == (0, 4)
    with pytest.raises(ValueError, match="uint8"):
        loaded.fit(image.astype(np.float32), boxes)
    with pytest.raises(ValueError, match="iterations"):
        loaded.fit(image, boxes, iterations=0)
    save_box_regressor(build_box_regressor(BoxRegressorConfig(image_size=(32, 96))), config, tmp_path / "bad")
    with pytest.raises(ValueError, match="do not fit their metadata"):
        load_box_regressor(tmp_path / "bad")
    with pytest.raises(FileNotFoundError):
        load_box_regressor(tmp_path / "missing")


class _ShiftRegressor:
    """Moves every box to one place: the detector must use the fitted boxes and merge duplicates."""

    def __init__(self, box):
        self.box, self.calls = box, []

    def fit(self, image, boxes, iterations=1):
        self.calls.append((len(boxes), iterations))
        return np.float32([self.box] * len(boxes)).reshape(-1, 4)


def test_detect_fits_boxes_and_merges_what_becomes_one():
    import keras
    keras.utils.set_random_seed(0)
    config = DetectorConfig()
    model = build_detector(config)
    image = np.random.default_rng(2).integers(0, 256, (96, 160, 3), dtype=np.uint8)
    plain = Detector(model, config).detect(image, threshold=0.0)
    assert len(plain) > 1
    shifter = _ShiftRegressor((20.0, 30.0, 60.0, 15.0))
    fitted = Detector(model, config, box_regressor=shifter).detect(image, threshold=0.0, fit=2)
    assert [d.box for d in fitted] == [(20.0, 30.0, 60.0, 15.0)] and shifter.calls == [(len(plain), 2)]
    assert fitted[0].score == plain[0].score
    assert Detector(model, config, box_regressor=shifter).detect(image, threshold=0.0, fit=0) == plain
    collapsed = Detector(model, config, box_regressor=_ShiftRegressor((20.0, 30.0, 0.0, 15.0)))
    kept = collapsed.detect(image, threshold=0.0)  # a collapsed fit keeps the search's box
    assert [d.box for d in kept] == [d.box for d in plain] and all(d.searched_box == d.box for d in kept)
    assert fitted[0].searched_box == plain[0].box and plain[0].searched_box is None


def test_box_fit_measures_searched_and_fitted_boxes():
    from lprlab.evaluation import PhotoSet, box_fit
    from lprlab.metrics import paired_iou
    from lprlab.models.detector import Detection

    truth = (100.0, 50.0, 200.0, 40.0)

    class Cut:  # the search's box stops 20% of the plate short of its right end
        def detect(self, image, offsets=(0,), fit=1):
            assert fit == 0
            return [Detection((100.0, 50.0, 160.0, 40.0), 0.9, 1.0), Detection((600.0, 10.0, 50.0, 20.0), 0.8, 1.0)]

    photos = PhotoSet("synthetic", [np.zeros((240, 720, 3), np.uint8)] * 2, [np.float32([truth]), np.zeros((0, 4))],
                      [("ABC123",), ()], ["a", "b"])
    fit = box_fit(Cut(), _ShiftRegressor(truth), photos, iterations=(1,))
    assert fit["photos"].tolist() == [0] and fit["truths"].shape == (1, 4)
    assert fit["rows"][0]["cut"] == 1.0 and abs(fit["rows"][0]["mean_iou"] - 0.8) < 1e-6
    assert abs(fit["rows"][0]["right_error"] - 0.2) < 1e-6 and fit["rows"][0]["left_error"] == 0.0
    assert fit["rows"][1] == {"plates": 1, "mean_iou": 1.0, "iou40": 1.0, "iou70": 1.0, "left_error": 0.0,
                              "right_error": 0.0, "cut": 0.0}
    nothing = box_fit(Cut(), _ShiftRegressor(truth), PhotoSet("none", photos.images[1:], photos.boxes[1:],
                                                               photos.texts[1:], photos.names[1:]))
    assert nothing["truths"].shape == (0, 4) and nothing["boxes"][2].shape == (0, 4)
    assert nothing["rows"][1] == {"plates": 0, "mean_iou": 0.0, "iou40": 0.0, "iou70": 0.0, "left_error": 0.0,
                                  "right_error": 0.0, "cut": 0.0}
    assert paired_iou([[0, 0, 10, 10]], [[5, 0, 10, 10]])[0] == 50 / 150
    assert paired_iou([[0, 0, 0, 0]], [[0, 0, 0, 0]])[0] == 0.0


def test_a_doubted_box_is_verified_again_fitted():
    import keras
    keras.utils.set_random_seed(0)
    config = DetectorConfig()
    model = build_detector(config)
    image = np.random.default_rng(2).integers(0, 256, (96, 160, 3), dtype=np.uint8)
    target = (20.0, 30.0, 60.0, 15.0)

    class OnlyTheTarget:  # accepts the fitted box alone
        def scores(self, image, boxes):
            boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
            return np.where(np.abs(boxes - np.float32(target)).max(axis=1) < 1e-3, 0.9, 0.1).astype(np.float32)

    detector = Detector(model, config, verifier=OnlyTheTarget(), box_regressor=_ShiftRegressor(target))
    assert detector.detect(image, threshold=0.0) == []
    found = detector.detect(image, threshold=0.0, verify_fitted=True)
    assert [d.box for d in found] == [target] and found[0].verification == np.float32(0.9)
    # a box under `fitted_below` but over the threshold is looked at again too; none over it
    unseen = detector.detect(image, threshold=0.0, verify_threshold=0.05, verify_fitted=True, fitted_below=0.05)
    assert [d.verification for d in unseen] == [np.float32(0.1)]  # kept as searched, then fitted
    seen = detector.detect(image, threshold=0.0, verify_threshold=0.05, verify_fitted=True, fitted_below=0.5)
    assert [d.verification for d in seen] == [np.float32(0.9)]


def test_fit_first_shows_the_verifier_fitted_boxes_and_keeps_the_searched_ones():
    import keras
    keras.utils.set_random_seed(0)
    config = DetectorConfig()
    model = build_detector(config)
    image = np.random.default_rng(2).integers(0, 256, (96, 160, 3), dtype=np.uint8)
    target = (20.0, 30.0, 60.0, 15.0)

    class Recording:  # accepts the fitted box alone, and records what it is shown
        seen = []

        def scores(self, image, boxes):
            boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
            self.seen.append(boxes)
            return np.where(np.abs(boxes - np.float32(target)).max(axis=1) < 1e-3, 0.9, 0.1).astype(np.float32)

    verifier, shifter = Recording(), _ShiftRegressor(target)
    detector = Detector(model, config, verifier=verifier, box_regressor=shifter)
    assert detector.detect(image, threshold=0.0) == []  # verified as searched: every box rejected
    found = detector.detect(image, threshold=0.0, fit_first=True)
    assert [d.box for d in found] == [target] and found[0].verification == np.float32(0.9)
    assert (verifier.seen[-1] == np.float32(target)).all()  # it saw fitted boxes only
    assert found[0].searched_box is not None and found[0].searched_box != target
    assert len(shifter.calls) == 1  # fitted once, not again after the NMS
    assert detector.detect(image, threshold=0.0, fit_first=True, fit=0) == []  # fit 0: nothing to fit
    class Fitted(Recording):  # a verifier whose metadata says it learnt fitted boxes
        info = {"boxes": "fitted"}

    auto = Detector(model, config, verifier=Fitted(), box_regressor=_ShiftRegressor(target))
    assert [d.box for d in auto.detect(image, threshold=0.0)] == [target]
    assert auto.detect(image, threshold=0.0, fit_first=False) == []
