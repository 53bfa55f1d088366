import dataclasses
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from lprlab.augment import low_resolution  # noqa: E402
from lprlab.cli import main  # noqa: E402
from lprlab.enhancement import Enhancer, load_enhancer  # noqa: E402
from lprlab.models.enhancer import (  # noqa: E402
    SRGAN, EnhancerConfig, build_discriminator, build_generator, load_enhancer as load_generator, recognizer_probe,
    save_enhancer,
)
from lprlab.models.recognizer import RecognizerConfig, build_recognizer, encode_texts, save_recognizer  # noqa: E402
from lprlab.train_enhancer import make_hr_set, train_enhancer  # noqa: E402

TINY = EnhancerConfig(scale=2, lr_size=(8, 32), filters=8, blocks=1, upsample_filters=(8,), learning_rate=2e-3,
                      feature_layer="rec_relu1_0")
TINY_REC = RecognizerConfig(image_size=(16, 64), max_chars=7, stem_filters=4, filters=(8, 8), convs=(1, 1),
                            dense_units=16, formats=("br_mercosur",))


@pytest.mark.parametrize("upsampler", ["progressive", "direct"])
@pytest.mark.parametrize("scale", [2, 4, 8])
def test_generator_shapes_per_scale(scale, upsampler):
    stages = int(np.log2(scale))
    config = EnhancerConfig(scale=scale, filters=8, blocks=1, upsample_filters=(8,) * stages, upsampler=upsampler)
    generator = build_generator(config)
    assert tuple(generator(np.zeros((2, 16, 64, 3), np.float32)).shape) == (2, 16 * scale, 64 * scale, 3)
    assert tuple(generator(np.zeros((1, 7, 13, 3), np.float32)).shape) == (1, 7 * scale, 13 * scale, 3)  # any size
    assert tuple(build_discriminator(config)(np.zeros((2, *config.hr_size, 3), np.float32)).shape) == (2, 1)


@pytest.mark.parametrize("upsampler", ["progressive", "direct"])
def test_untrained_generator_is_bicubic(upsampler):
    """The residual branch starts at zero, so training starts from the bicubic upscale."""
    image = np.random.default_rng(0).random((1, 8, 32, 3)).astype(np.float32)
    out = np.asarray(build_generator(dataclasses.replace(TINY, upsampler=upsampler))(image))
    bicubic = np.asarray(tf.image.resize(image, (16, 64), method="bicubic"))
    np.testing.assert_allclose(out, bicubic, atol=0.02)


def test_config_is_validated():
    with pytest.raises(ValueError, match="scale"):
        EnhancerConfig(scale=3)
    with pytest.raises(ValueError, match="one entry per x2 stage"):
        EnhancerConfig(scale=4, upsample_filters=(8,))
    with pytest.raises(ValueError, match="upsampler"):
        EnhancerConfig(upsampler="nearest")


def test_low_resolution_model(rng):
    hr = (np.random.default_rng(0).random((64, 256, 3)) * 255).astype(np.uint8)
    assert low_resolution(hr, rng, scale=4).shape == (16, 64, 3)
    assert low_resolution(hr, rng, plate_height_px=8, hr_plate_height_px=56).shape == (9, 37, 3)
    a = low_resolution(hr, np.random.default_rng(5), scale=4)
    b = low_resolution(hr, np.random.default_rng(5), scale=4)
    assert a.tobytes() == b.tobytes()  # seeded, byte for byte
    clean = low_resolution(hr, rng, scale=4, degrade=False)
    assert clean.tobytes() == cv2.resize(hr, (64, 16), interpolation=cv2.INTER_CUBIC).tobytes()
    with pytest.raises(ValueError, match="exactly one"):
        low_resolution(hr, rng)
    with pytest.raises(ValueError, match=">= 1"):
        low_resolution(hr, rng, scale=0.5)
    with pytest.raises(ValueError, match="hr_plate_height_px"):
        low_resolution(hr, rng, plate_height_px=8)
    with pytest.raises(ValueError, match="uint8"):
        low_resolution(hr.astype(np.float32), rng, scale=2)


def test_text_aware_loss_reaches_the_generator():
    """The public LPSR code's perceptual loss sends no gradient to the generator; ours must."""
    generator = build_generator(TINY)
    probe = recognizer_probe(build_recognizer(TINY_REC), "rec_relu0_0")
    model = SRGAN(generator, build_discriminator(TINY), probe, TINY)
    rng = np.random.default_rng(0)
    lr = rng.random((2, 8, 32, 3)).astype(np.float32)
    hr = rng.random((2, 16, 64, 3)).astype(np.float32)
    labels = encode_texts(["ABC1D23", "XYZ9876"], TINY_REC)
    for part in ("feature", "text"):
        with tf.GradientTape() as tape:
            loss = model.content_losses(hr, generator(lr, training=True), labels)[part]
        gradients = tape.gradient(loss, generator.trainable_weights)
        assert all(g is not None for g in gradients), part
        total = sum(float(tf.reduce_sum(tf.abs(g))) for g in gradients)
        assert np.isfinite(total) and total > 0, part


@pytest.fixture(scope="module")
def tiny_sets(tmp_path_factory):
    root = tmp_path_factory.mktemp("enhancer")
    train = make_hr_set(96, 0, root / "train", hr_size=(16, 64), formats=("br_mercosur",), free_text=0.0, workers=1)
    validation = make_hr_set(32, 1, root / "val", hr_size=(16, 64), formats=("br_mercosur",), free_text=0.0,
                             workers=1)
    save_recognizer(build_recognizer(TINY_REC), TINY_REC, root / "rec")
    return root, train, validation


def test_hr_set_has_truth(tiny_sets):
    _, train, _ = tiny_sets
    assert train.images.shape == (96, 16, 64, 3) and train.images.dtype == np.uint8
    assert len(train.texts) == 96 and all(len(t) == 7 for t in train.texts)
    from lprlab.crops import DEFAULT_MARGIN

    tallest = 16 / (1 + 2 * DEFAULT_MARGIN[0])  # a negative margin cuts into the plate's border
    assert np.all((train.plate_heights > 8) & (train.plate_heights <= tallest + 1e-3))


@pytest.mark.slow
def test_short_training_lowers_loss_and_round_trips(tiny_sets, tmp_path):
    root, train, validation = tiny_sets
    config = dataclasses.replace(TINY, recognizer="rec")
    generator, _, history = train_enhancer(config, tmp_path / "run", train, validation, epochs=6, batch_size=8,
                                           recognizer=root / "rec", verbose=0)
    assert history["val_pixel"][-1] < history["val_pixel"][0]
    assert (tmp_path / "run" / "log.csv").is_file() and (tmp_path / "run" / "last.keras").is_file()
    loaded, loaded_config, _ = load_generator(tmp_path / "run" / "model")
    assert loaded_config == config
    lr = np.random.default_rng(0).random((3, 8, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(loaded(lr)), np.asarray(generator(lr)), atol=1e-6)


def _saved_tiny(tmp_path):
    save_enhancer(build_generator(TINY), TINY, tmp_path / "enh")
    return tmp_path / "enh"


def test_enhancer_api_and_errors(tmp_path):
    enhancer = load_enhancer(_saved_tiny(tmp_path), scale=2)
    assert isinstance(enhancer, Enhancer) and enhancer.scale == 2
    crops = [np.full((11, 40, 3), 128, np.uint8), np.zeros((30, 90, 3), np.uint8)]
    fixed = enhancer.enhance(crops)
    assert [c.shape for c in fixed] == [(16, 64, 3), (16, 64, 3)] and fixed[0].dtype == np.uint8
    assert [c.shape for c in enhancer.enhance(crops, mode="native")] == [(22, 80, 3), (60, 180, 3)]
    # a crop lower than the trained LR height (8 px) is enlarged to it, aspect kept; others keep their size
    assert [c.shape for c in enhancer.enhance([np.zeros((4, 12, 3), np.uint8), *crops], mode="at_least_lr")] == [
        (16, 48, 3), (22, 80, 3), (60, 180, 3)]
    # crops of one size are batched together and come back in order, as one at a time
    mixed = [np.random.default_rng(i).integers(0, 256, (11 + 19 * (i % 2), 40, 3), np.uint8) for i in range(5)]
    one_by_one = [enhancer.enhance([c], mode="native")[0] for c in mixed]
    for together, alone in zip(enhancer.enhance(mixed, mode="native"), one_by_one):
        np.testing.assert_allclose(together.astype(int), alone.astype(int), atol=1)
    with pytest.raises(ValueError, match="unknown enhance mode 'big'"):
        enhancer.enhance(crops, mode="big")
    with pytest.raises(ValueError, match="at least 4x4"):
        enhancer.enhance([np.zeros((3, 40, 3), np.uint8)])
    with pytest.raises(ValueError, match="uint8"):
        enhancer.enhance([np.zeros((16, 40), np.uint8)])
    with pytest.raises(ValueError, match="at most"):
        enhancer.enhance([np.zeros((600, 600, 3), np.uint8)], mode="native")
    with pytest.raises(ValueError, match="scale 2, not 4"):
        load_enhancer(tmp_path / "enh", scale=4)


def test_weights_that_disagree_with_metadata(tmp_path):
    path = _saved_tiny(tmp_path)
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["config"]["scale"], meta["config"]["upsample_filters"] = 4, [8, 8]
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="do not fit their metadata"):
        load_generator(path)


def test_cli_enhance(tmp_path, capsys):
    weights = _saved_tiny(tmp_path)
    crop = tmp_path / "plate.png"
    cv2.imwrite(str(crop), np.full((12, 48, 3), 200, np.uint8))
    assert main(["enhance", str(crop), "--out", str(tmp_path / "out"), "--scale", "2", "--weights", str(weights)]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["image"] == str(crop) and line["output"].endswith("plate_x2.png")
    assert cv2.imread(line["output"]).shape == (24, 96, 3)
    small = tmp_path / "small.png"  # lower than the tiny enhancer's 8-px LR input
    cv2.imwrite(str(small), np.full((4, 12, 3), 200, np.uint8))
    for mode, shape in (("native", (8, 24, 3)), ("at_least_lr", (16, 48, 3)), ("fixed", (16, 64, 3))):
        assert main(["enhance", str(small), "--out", str(tmp_path / mode), "--scale", "2", "--weights", str(weights),
                     "--mode", mode]) == 0
        assert cv2.imread(json.loads(capsys.readouterr().out.strip())["output"]).shape == shape
    from lprlab.cli import build_parser
    from lprlab.enhancement import ENHANCE_MODES

    choices = next(a.choices for a in build_parser()._subparsers._group_actions[0].choices["enhance"]._actions
                   if a.dest == "mode")
    assert set(choices) == set(ENHANCE_MODES)
    empty, text = tmp_path / "empty.png", tmp_path / "notes.png"
    empty.write_bytes(b"")
    text.write_text("not an image")
    tiny = tmp_path / "tiny.png"
    cv2.imwrite(str(tiny), np.zeros((2, 2, 3), np.uint8))
    for bad, message in ((empty, "empty"), (text, "not a readable image"), (tiny, "at least 4x4")):
        assert main(["enhance", str(bad), "--out", str(tmp_path / "out"), "--scale", "2",
                     "--weights", str(weights)]) == 2
        assert message in capsys.readouterr().err


def test_psnr_matches_tf_image_psnr():
    from lprlab.models.enhancer import psnr

    rng = np.random.default_rng(3)
    hr = rng.random((4, 16, 64, 3)).astype(np.float32)
    sr = np.clip(hr + rng.normal(0, 0.05, hr.shape), 0, 1).astype(np.float32)
    np.testing.assert_allclose(np.asarray(psnr(hr, sr)), tf.image.psnr(hr, sr, max_val=1.0).numpy(), rtol=1e-5)


@pytest.mark.slow
def test_adversarial_phase_trains_the_discriminator(tiny_sets, tmp_path):
    root, train, validation = tiny_sets
    config = dataclasses.replace(TINY, recognizer="rec", adversarial_weight=1e-3)
    _, _, history = train_enhancer(config, tmp_path / "gan", train, validation, epochs=1, batch_size=8,
                                   recognizer=root / "rec", steps_per_epoch=3, verbose=0, workers=1)
    assert np.isfinite(history["discriminator"][0]) and history["discriminator"][0] > 0
    assert np.isfinite(history["val_pixel"][0]) and np.isfinite(history["val_psnr"][0])


def test_adversarial_phase_names_the_backend_it_needs(monkeypatch):
    """The SRResNet phase runs on any Keras backend; the adversarial one (tf.GradientTape) says it needs TensorFlow."""
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(RuntimeError, match="needs the TensorFlow backend, not 'jax'"):
        SRGAN(None, None, None, TINY)


@pytest.mark.slow
def test_cli_train_enhancer_continues_given_weights(tmp_path):
    generator = build_generator(TINY)
    rng = np.random.default_rng(4)
    generator.set_weights([rng.normal(0, 0.1, w.shape).astype(np.float32) for w in generator.get_weights()])
    save_enhancer(generator, TINY, tmp_path / "start")
    main(["train", "enhancer", "--init", str(tmp_path / "start"), "--out", str(tmp_path / "run"), "--count", "16",
          "--val-count", "8", "--pretrain-epochs", "1", "--gan-epochs", "0", "--batch-size", "8", "--seed", "9",
          "--learning-rate", "1e-12", "--data-dir", str(tmp_path / "data")])
    continued, config, _ = load_generator(tmp_path / "run" / "pretrain" / "model")
    assert config.seed == 9 and config.learning_rate == 1e-12 and config.lr_size == TINY.lr_size
    for before, after in zip(generator.get_weights(), continued.get_weights()):
        np.testing.assert_allclose(after, before, atol=1e-6)
