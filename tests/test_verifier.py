"""The detector's verifier (cascade second stage): crops, samples labelled by IoU, save/load,
a short training that learns, and its place in `Detector.detect`."""
import numpy as np
import pytest

from lprlab.models.detector import Detector, DetectorConfig, build_detector
from lprlab.models.verifier import (
    Verifier, VerifierConfig, build_verifier, crop_candidates, load_verifier, save_verifier)


@pytest.fixture(scope="module")
def verifier():
    import keras
    keras.utils.set_random_seed(0)
    config = VerifierConfig()
    return Verifier(build_verifier(config), config)


def _constant_verifier(logit: float) -> Verifier:
    """A verifier whose answer is the same for every box (its last layer zeroed, bias `logit`)."""
    config = VerifierConfig()
    model = build_verifier(config)
    layer = model.get_layer("ver_logit")
    kernel, bias = layer.get_weights()
    layer.set_weights([np.zeros_like(kernel), np.full_like(bias, logit)])
    return Verifier(model, config)


def test_crops_take_the_box_with_its_context():
    config = VerifierConfig(image_size=(32, 96), context=(0.0, 0.0))
    image = np.zeros((100, 200, 3), np.uint8)
    image[40:60, 50:110] = 255  # a white 60x20 box
    crops = crop_candidates(image, [[50, 40, 60, 20], [-30, -10, 60, 20], [500, 500, 10, 5]], config)
    assert crops.shape == (3, 32, 96, 3) and crops.dtype == np.uint8
    assert crops[0].min() == 255  # exactly the box, resized
    assert crops[2].max() == 0  # wholly outside the image: left black
    with_context = crop_candidates(image, [[50, 40, 60, 20]], VerifierConfig())[0]
    assert with_context[16, 48].min() == 255 and with_context[0, 0].max() == 0 and with_context[16, 2].max() == 0


def test_scores_shape_and_empty(verifier):
    image = np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    scores = verifier.scores(image, [[10, 10, 60, 20], [50, 60, 40, 12]])
    assert scores.shape == (2,) and scores.dtype == np.float32 and ((scores >= 0) & (scores <= 1)).all()
    assert verifier.scores(image, np.zeros((0, 4))).shape == (0,)


def test_save_load_round_trip_and_mismatch(verifier, tmp_path):
    save_verifier(verifier.model, verifier.config, tmp_path / "v")
    loaded = load_verifier(tmp_path / "v")
    image = np.random.default_rng(1).integers(0, 256, (90, 160, 3), dtype=np.uint8)
    boxes = [[20, 30, 70, 20]]
    np.testing.assert_allclose(loaded.scores(image, boxes), verifier.scores(image, boxes), rtol=1e-5, atol=1e-6)
    other = VerifierConfig(image_size=(48, 128))
    save_verifier(build_verifier(other), VerifierConfig(), tmp_path / "bad")
    with pytest.raises(ValueError, match="do not fit their metadata"):
        load_verifier(tmp_path / "bad")
    with pytest.raises(FileNotFoundError):
        load_verifier(tmp_path / "missing")


def test_an_ensemble_averages_its_members_and_loads_from_comma_separated_paths(tmp_path):
    from lprlab.models.verifier import VerifierEnsemble

    sure, doubtful = _constant_verifier(4.0), _constant_verifier(-2.0)
    image = np.zeros((80, 160, 3), np.uint8)
    boxes = [[10, 10, 60, 20], [40, 30, 50, 16]]
    p_sure, p_doubtful = 1 / (1 + np.exp(-4.0)), 1 / (1 + np.exp(2.0))
    mean = VerifierEnsemble([sure, doubtful]).scores(image, boxes)
    np.testing.assert_allclose(mean, [(p_sure + p_doubtful) / 2] * 2, rtol=1e-5)
    logit = VerifierEnsemble([sure, doubtful], combine="logit").scores(image, boxes)
    np.testing.assert_allclose(logit, [1 / (1 + np.exp(-1.0))] * 2, rtol=1e-4)  # mean logit (4 - 2) / 2
    assert VerifierEnsemble([sure, doubtful]).scores(image, np.zeros((0, 4))).shape == (0,)
    save_verifier(sure.model, sure.config, tmp_path / "a")
    save_verifier(doubtful.model, doubtful.config, tmp_path / "b")
    loaded = load_verifier(f"{tmp_path / 'a'},{tmp_path / 'b'}")
    assert isinstance(loaded, VerifierEnsemble) and len(loaded.members) == 2
    np.testing.assert_allclose(loaded.scores(image, boxes), mean, rtol=1e-5)
    assert isinstance(load_verifier([tmp_path / "a", tmp_path / "b"]), VerifierEnsemble)
    with pytest.raises(ValueError, match="at least two"):
        VerifierEnsemble([sure])
    with pytest.raises(ValueError, match="combine"):
        VerifierEnsemble([sure, doubtful], combine="max")
    with pytest.raises(FileNotFoundError):
        load_verifier(f"{tmp_path / 'a'},{tmp_path / 'missing'}")


def test_detect_drops_what_the_verifier_rejects():
    import keras
    keras.utils.set_random_seed(0)
    config = DetectorConfig()
    model = build_detector(config)
    image = np.random.default_rng(2).integers(0, 256, (96, 160, 3), dtype=np.uint8)
    plain = Detector(model, config).detect(image, threshold=0.0)
    assert plain and all(d.verification is None for d in plain)
    accepted = Detector(model, config, verifier=_constant_verifier(5.0)).detect(image, threshold=0.0)
    assert accepted and all(d.verification > 0.99 for d in accepted)
    assert {d.box for d in accepted} == {d.box for d in plain}  # verifying before NMS keeps the same winners
    assert Detector(model, config, verifier=_constant_verifier(-5.0)).detect(image, threshold=0.0) == []
    rejected_but_kept = Detector(model, config, verifier=_constant_verifier(-5.0)).detect(
        image, threshold=0.0, verify_threshold=0.0)
    assert len(rejected_but_kept) == len(plain)


def test_samples_are_labelled_by_overlap(tmp_path):
    from lprlab.train_verifier import load_verifier_set, make_verifier_set, verifier_samples

    class Fixed:  # a detector proposing one box on the plate and one far from it
        config = DetectorConfig(formats=("eu",))

        def detect(self, image, threshold):
            from lprlab.models.detector import Detection
            return [Detection((20, 20, 60, 14), 0.9, 1.0), Detection((120, 60, 50, 12), 0.8, 1.0)]

    image = np.zeros((100, 200, 3), np.uint8)
    crops, labels = verifier_samples(Fixed(), image, np.float32([[21, 20, 60, 14]]), VerifierConfig(),
                                     np.random.default_rng(0))
    assert crops.shape == (3, 32, 96, 3) and labels.tolist() == [1.0, 0.0, 1.0]  # + the jittered truth
    first = make_verifier_set(Fixed(), VerifierConfig(), 3, 0, tmp_path / "set", progress=False)
    again = load_verifier_set(tmp_path / "set", VerifierConfig())
    assert first[0].shape[1:] == (32, 96, 3) and (first[0] == again[0]).all() and (first[1] == again[1]).all()
    with pytest.raises(FileNotFoundError, match="no verifier shards"):
        load_verifier_set(tmp_path / "empty", VerifierConfig())
    wide_crops, wide_labels = verifier_samples(Fixed(), image, np.float32([[21, 20, 60, 14]]), VerifierConfig(),
                                               np.random.default_rng(0), wide=3)
    assert wide_labels.tolist() == [1.0, 0.0, 1.0, 1.0, 1.0, 1.0]  # the same first samples, then 3 loose positives
    assert (wide_crops[:3] == crops).all()


def test_wide_positives_stay_on_the_plate_but_spread_further():
    from lprlab.metrics import iou_matrix
    from lprlab.train_verifier import _jitter, wide_positives

    truth = np.float32([[100, 100, 120, 30]])
    loose = wide_positives(truth, np.random.default_rng(0), 400)
    overlap = iou_matrix(loose, truth)[:, 0]
    assert loose.shape == (400, 4) and overlap.min() >= 0.5
    near = iou_matrix(np.float32([_jitter(truth[0], np.random.default_rng(i)) for i in range(400)]), truth)[:, 0]
    assert np.median(overlap) < np.median(near) - 0.1  # looser than the usual jitter, as the real detector's boxes
    assert (wide_positives(truth, np.random.default_rng(1), 5) == wide_positives(truth, np.random.default_rng(1), 5)).all()


@pytest.mark.slow
def test_brief_training_separates_plates_from_clutter(tmp_path):
    from lprlab.backgrounds import procedural_background
    from lprlab.crops import make_plate_crop
    from lprlab.formats import resolve_formats
    from lprlab.train_verifier import train_verifier

    config = VerifierConfig(seed=0)
    rng = np.random.default_rng(0)

    def sample(n):
        plates = [make_plate_crop(resolve_formats("eu"), rng, config.image_size).image for _ in range(n)]
        clutter = [procedural_background(rng, config.image_size, clutter=3) for _ in range(n)]
        return np.stack(plates + clutter), np.float32([1] * n + [0] * n)

    train, validation = sample(192), sample(32)
    history = train_verifier(config, tmp_path / "run", train, validation, epochs=4, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] >= 0.8
    assert (tmp_path / "run" / "model.keras").is_file()


def test_pasted_plates_lie_inside_the_image_where_the_pixels_changed():
    from lprlab.formats import resolve_formats
    from lprlab.train_verifier import paste_plates

    image = np.zeros((360, 640, 3), np.uint8)
    boxes = paste_plates(image, resolve_formats("eu,us"), np.random.default_rng(0), 3, height_px=(20, 40))
    assert boxes.shape == (3, 4) and boxes.dtype == np.float32
    for x, y, w, h in boxes:
        assert x >= 0 and y >= 0 and x + w <= 641 and y + h <= 361 and 15 <= h <= 60 and w > h
        assert image[int(y):int(y + h), int(x):int(x + w)].mean() > 20  # a plate, not the black image
    again = np.zeros((360, 640, 3), np.uint8)
    paste_plates(again, resolve_formats("eu,us"), np.random.default_rng(0), 3, height_px=(20, 40))
    assert (again == image).all()  # seeded


def test_distractors_are_drawn_and_kept_clear_of_plates():
    from lprlab.formats import resolve_formats
    from lprlab.train_verifier import _clear_of, paste_distractors, paste_plates

    image = np.zeros((360, 640, 3), np.uint8)
    decoys = paste_distractors(image, np.random.default_rng(1), 4)
    assert decoys.shape == (4, 4) and image.max() > 0
    plates = paste_plates(image, resolve_formats("eu"), np.random.default_rng(2), 2, height_px=(16, 24), avoid=decoys)
    assert len(plates) <= 2 and _clear_of(plates, decoys).all()
    assert _clear_of(np.float32([[0, 0, 10, 10]]), np.float32([[5, 5, 10, 10]])).tolist() == [False]
    assert _clear_of(np.float32([[0, 0, 10, 10]]), np.float32([[10, 0, 5, 5]])).tolist() == [True]


def test_a_framed_plate_keeps_the_plate_intact_and_its_box_is_the_plates():
    from lprlab.formats import resolve_formats
    from lprlab.render import random_plate
    from lprlab.train_verifier import frame_plate, paste_plates

    for seed in range(6):
        rng = np.random.default_rng(seed)
        plate = random_plate(resolve_formats("us")[0], rng, 64).image
        framed, (x, y, w, h) = frame_plate(plate, rng)
        assert (w, h) == (plate.shape[1], plate.shape[0]) and framed.shape[0] > h and framed.shape[1] > w
        inside = framed[y:y + h, x:x + w]
        middle = slice(round(0.15 * h), round(0.85 * h))  # the bands may cover at most 12% of each edge
        assert np.array_equal(inside[middle], plate[middle])
    image = np.full((360, 640, 3), 128, np.uint8)
    boxes = paste_plates(image, resolve_formats("us"), np.random.default_rng(1), 2, height_px=(30, 31), frame_share=1.0)
    assert boxes.shape == (2, 4) and np.all(np.abs(boxes[:, 3] - 30.5) < 5)  # the plate's height, not the frame's


def test_photometric_jitter_changes_the_share_asked_and_stays_in_range():
    import tensorflow as tf
    from lprlab.train_verifier import photometric_jitter

    x = tf.constant(np.random.default_rng(0).uniform(0.2, 0.8, (64, 8, 24, 3)), tf.float32)
    assert photometric_jitter(x, 0.0, 0) is x
    every = photometric_jitter(x, 1.0, 0).numpy()
    assert every.shape == x.shape and every.min() >= 0.0 and every.max() <= 1.0
    changed = np.abs(every - x.numpy()).max(axis=(1, 2, 3)) > 1e-3
    assert changed.mean() > 0.95
    half = np.abs(photometric_jitter(x, 0.5, 1).numpy() - x.numpy()).max(axis=(1, 2, 3)) > 1e-3
    assert 0.2 < half.mean() < 0.8
    # each crop changes on its own: the crops' means do not all move by the same factor
    ratio = every.mean(axis=(1, 2, 3)) / x.numpy().mean(axis=(1, 2, 3))
    assert ratio.std() > 0.1


def test_camera_clutter_draws_osd_and_lamps_clear_of_plates_and_is_seeded():
    from lprlab.train_verifier import _clear_of, camera_clutter, draw_tail_lamps, plate_shaped_parts

    parts = plate_shaped_parts(np.float32([[10, 10, 200, 10], [10, 22, 100, 10]]), np.random.default_rng(0))
    assert parts.shape == (5, 4)  # two per row and the union of the rows
    assert np.all(parts[:4, 2] / parts[:4, 3] <= 4.5 + 1e-4) and np.allclose(parts[4], [10, 10, 200, 22])
    image = np.full((360, 640, 3), 90, np.uint8)
    lamps = draw_tail_lamps(image, np.random.default_rng(3), 3, avoid=np.float32([[0, 0, 640, 100]]))
    assert len(lamps) >= 3 and _clear_of(lamps, np.float32([[0, 0, 640, 100]])).all()
    for x, y, w, h in lamps[:1]:
        lit = image[int(y):int(y + h), int(x):int(x + w)].astype(int)
        assert lit[..., 0].mean() > lit[..., 1].mean() + 40  # red
    plates = np.float32([[300, 150, 120, 40]])
    seen = 0
    for seed in range(12):
        image = np.full((360, 640, 3), 90, np.uint8)
        before = image[150:190, 300:420].copy()
        decoys = camera_clutter(image, np.random.default_rng(seed), plates)
        assert decoys.dtype == np.float32 and decoys.shape[1] == 4
        assert np.array_equal(image[150:190, 300:420], before)  # nothing drawn over the plate
        seen += len(decoys) > 0
        again = np.full((360, 640, 3), 90, np.uint8)
        camera_clutter(again, np.random.default_rng(seed), plates)
        assert np.array_equal(again, image)
    assert seen >= 10


def test_soft_plates_are_blurred_at_their_size_and_leave_the_other_draws_alone():
    import cv2

    from lprlab.formats import resolve_formats
    from lprlab.render import random_plate
    from lprlab.train_verifier import paste_plates, soften_plate

    plate = random_plate(resolve_formats(["eu"])[0], np.random.default_rng(0), 64).image
    soft = soften_plate(plate, 30.0, np.random.default_rng(1))
    assert soft.shape == plate.shape and soft.dtype == np.uint8
    sharpness = lambda im: cv2.Laplacian(cv2.cvtColor(im, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()  # noqa: E731
    assert sharpness(soft) < 0.5 * sharpness(plate)
    np.testing.assert_array_equal(soft, soften_plate(plate, 30.0, np.random.default_rng(1)))  # seeded
    tiny = plate[:4]
    assert soften_plate(tiny, 30.0, np.random.default_rng(1)) is tiny  # already under the lowest resolution

    formats = resolve_formats(["eu", "us"])
    images, boxes = [], []
    for share in (0.0, 1.0):
        image = np.full((240, 480, 3), 90, np.uint8)
        boxes.append(paste_plates(image, formats, np.random.default_rng(5), 2, height_px=(20, 40), soft=share,
                                  soft_rng=np.random.default_rng([5, 11])))
        images.append(image)
    np.testing.assert_array_equal(boxes[0], boxes[1])  # the same plates in the same places
    assert not np.array_equal(images[0], images[1])
    x, y, w, h = boxes[0][0].astype(int)
    assert sharpness(images[1][y:y + h, x:x + w]) < sharpness(images[0][y:y + h, x:x + w])
    with pytest.raises(ValueError, match="soft_rng"):
        paste_plates(np.zeros((100, 200, 3), np.uint8), formats, np.random.default_rng(0), 1, soft=0.5)


def test_soft_images_are_blurred_whole_seeded_and_change_only_the_pixels(tmp_path):
    import cv2

    from lprlab.scene import make_scene
    from lprlab.formats import resolve_formats
    from lprlab.train_verifier import load_verifier_set, make_verifier_set, soften_image

    image = make_scene(resolve_formats("eu"), np.random.default_rng(3), "parking").image
    soft = soften_image(image, np.random.default_rng(4))
    assert soft.shape == image.shape and soft.dtype == np.uint8
    sharpness = lambda im: cv2.Laplacian(cv2.cvtColor(im, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()  # noqa: E731
    softer = [sharpness(soften_image(image, np.random.default_rng(seed))) < 0.7 * sharpness(image)
              for seed in range(5, 10)]
    assert sum(softer) >= 4, softer  # blurred (an image drawn with strong sensor noise may not be)
    np.testing.assert_array_equal(soft, soften_image(image, np.random.default_rng(4)))  # seeded

    class Fixed:  # one box wherever the image is
        config = DetectorConfig(formats=("eu",))

        def detect(self, image, threshold):
            from lprlab.models.detector import Detection
            return [Detection((20, 20, 60, 14), 0.9, 1.0)]

    plain = make_verifier_set(Fixed(), VerifierConfig(), 2, 0, tmp_path / "plain", progress=False)
    softer = make_verifier_set(Fixed(), VerifierConfig(), 2, 0, tmp_path / "soft", progress=False, soft_images=1.0)
    assert np.array_equal(plain[1], softer[1])  # the same samples and labels: only the pixels differ
    assert not np.array_equal(plain[0], softer[0])
    assert (load_verifier_set(tmp_path / "soft", VerifierConfig())[0] == softer[0]).all()
