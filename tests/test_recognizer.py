import dataclasses
import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lprlab.cli import main  # noqa: E402
from lprlab.crops import make_plate_crop  # noqa: E402
from lprlab.formats import resolve_formats  # noqa: E402
from lprlab.images import read_image  # noqa: E402
from lprlab.models.recognizer import (  # noqa: E402
    RecognizerConfig, build_recognizer, decode, encode_texts, load_recognizer, save_recognizer,
)
from lprlab.recognition import load_recognizer as load_reader  # noqa: E402

TINY = RecognizerConfig(image_size=(16, 64), max_chars=7, stem_filters=4, filters=(8, 8), convs=(1, 1),
                        dense_units=16, formats=("br_mercosur",))


def _one_hot(labels, config):
    return np.eye(config.num_classes, dtype=np.float32)[labels]


def test_encode_decode_round_trip():
    texts = ["ABC1D23", "A", "", "Z9Z9Z9Z"]
    labels = encode_texts(texts, TINY)
    assert labels.shape == (4, 7) and labels.dtype == np.int32
    assert labels[1, 1] == len(TINY.alphabet)  # padded
    readings = decode(_one_hot(labels, TINY), TINY, top_n=3)
    assert [r.text for r in readings] == texts
    assert readings[0].confidence == pytest.approx(1.0)
    assert len(readings[0].char_confidences) == 7
    assert readings[0].alternatives[0][0] == "ABC1D23"


def test_encode_errors():
    with pytest.raises(ValueError, match="at most 7"):
        encode_texts(["ABCDEFGH"], TINY)
    with pytest.raises(ValueError, match="outside the alphabet"):
        encode_texts(["abc"], TINY)


def test_config_is_validated():
    with pytest.raises(ValueError, match="divisible"):
        RecognizerConfig(image_size=(30, 128))
    with pytest.raises(ValueError, match="repeated"):
        RecognizerConfig(alphabet="AAB")


def test_model_contract():
    model = build_recognizer(TINY)
    out = model(np.zeros((2, 16, 64, 3), np.float32))
    assert tuple(out.shape) == (2, 7, TINY.num_classes)
    np.testing.assert_allclose(np.asarray(out).sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.slow
def test_brief_training_clearly_beats_chance():
    config = RecognizerConfig(image_size=(16, 64), max_chars=7, stem_filters=16, filters=(32, 64), convs=(1, 1),
                              dense_units=128, dropout=0.0, formats=("br_mercosur",))
    formats = resolve_formats("br_mercosur")

    def data(seed, count):
        crops = [make_plate_crop(formats, np.random.default_rng([seed, i]), (16, 64)) for i in range(count)]
        return np.stack([c.image for c in crops]).astype(np.float32) / 255, [c.text for c in crops]

    images, texts = data(0, 3000)
    val_images, val_texts = data(1, 300)
    keras.utils.set_random_seed(0)
    model = build_recognizer(config)
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    model.fit(images, encode_texts(texts, config), batch_size=32, epochs=8, verbose=0)  # 750 steps
    readings = decode(model.predict(val_images, verbose=0), config)
    char_acc = np.mean([a == b for t, r in zip(val_texts, readings) for a, b in zip(t, r.text.ljust(7))])
    chance = (4 / 26 + 3 / 10) / 7  # ABC1D23: four letter slots, three digit slots
    assert char_acc > 3 * chance, char_acc


def test_save_load_round_trip_and_metadata_checks(tmp_path):
    model = build_recognizer(TINY)
    path = save_recognizer(model, TINY, tmp_path / "tiny", {"note": "test"})
    assert path.suffix == ".keras" and (tmp_path / "tiny.json").is_file()
    loaded, config, info = load_recognizer(tmp_path / "tiny")
    assert config == TINY and info["note"] == "test"
    x = np.random.default_rng(0).random((3, 16, 64, 3)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    meta = json.loads((tmp_path / "tiny.json").read_text())
    meta["config"]["max_chars"] = 8
    (tmp_path / "tiny.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="do not fit"):
        load_recognizer(tmp_path / "tiny")
    (tmp_path / "tiny.json").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        load_recognizer(tmp_path / "tiny")


def test_bad_image_files_give_clear_errors(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (tmp_path / "notes.png").write_text("not an image at all")
    with pytest.raises(ValueError, match="empty"):
        read_image(tmp_path / "empty.png")
    for name in ("corrupt.png", "notes.png"):
        with pytest.raises(ValueError, match="not a readable image"):
            read_image(tmp_path / name)
    with pytest.raises(FileNotFoundError):
        read_image(tmp_path / "absent.png")


def test_cli_read_json_and_errors(tmp_path, capsys):
    save_recognizer(build_recognizer(TINY), TINY, tmp_path / "tiny")
    crop = make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng(0), (32, 128)).image
    import cv2

    cv2.imwrite(str(tmp_path / "plate.png"), crop[:, :, ::-1])
    assert main(["read", str(tmp_path / "plate.png"), "--weights", str(tmp_path / "tiny"), "--json"]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert record["image"] == str(tmp_path / "plate.png") and set(record) == {"image", "text", "confidence"}
    (tmp_path / "bad.png").write_text("nope")
    assert main(["read", str(tmp_path / "bad.png"), "--weights", str(tmp_path / "tiny")]) == 2
    assert "not a readable image" in capsys.readouterr().err
    reader = load_reader(tmp_path / "tiny")
    assert len(reader.read([crop, crop[:20, :50]])) == 2
    from lprlab.recognition import ViewAverage

    assert main(["read", str(tmp_path / "plate.png"), "--weights", str(tmp_path / "tiny"), "--json", "--tta"]) == 0
    record = json.loads(capsys.readouterr().out.strip())  # the nine cuts' average
    assert record["text"] == ViewAverage(reader).read([read_image(tmp_path / "plate.png")])[0].text


def test_holdout_split_is_stable_and_proportional():
    from lprlab.train import split_by_name

    names = [f"plate_{i}.png" for i in range(1000)]
    train, held = split_by_name(names, 0.3)
    assert split_by_name(names, 0.3) == (train, held)
    assert sorted(train + held) == list(range(1000)) and 250 < len(held) < 350
    # a file's side does not depend on the other files
    assert (0 in split_by_name(names[:10], 0.3)[1]) == (0 in held)


def test_export_plates_writes_a_finetune_folder(tmp_path):
    from lprlab.datasets import read_labels
    from lprlab.real import RealPlate, export_plates
    from lprlab.train import load_plate_folder

    crop = make_plate_crop(resolve_formats("br_old"), np.random.default_rng(0), (32, 128))
    plates = [RealPlate(crop.image, crop.text, "br", "/x/photo1.jpg")] * 3
    export_plates(plates, tmp_path)
    rows = read_labels(tmp_path)
    assert [r["text"] for r in rows] == [crop.text] * 3
    images, texts = load_plate_folder(tmp_path, TINY)
    assert images.shape == (3, 16, 64, 3) and texts == [crop.text] * 3


def test_finetune_tunes_every_member_of_a_pair_on_one_split(tmp_path, capsys):
    from lprlab.real import RealPlate, export_plates
    from lprlab.recognition import Ensemble
    from lprlab.train import finetune_recognizers

    rng = np.random.default_rng(3)
    crops = [make_plate_crop(resolve_formats("br_mercosur"), rng, (32, 128)) for _ in range(12)]
    export_plates([RealPlate(c.image, c.text, "br", f"/x/photo{i}.jpg") for i, c in enumerate(crops)], tmp_path / "real")
    members = []
    for i, config in enumerate((TINY, dataclasses.replace(TINY, image_size=(32, 64)))):
        save_recognizer(build_recognizer(config), config, tmp_path / f"m{i}")
        members.append(str(tmp_path / f"m{i}"))
    before = [w.copy() for w in load_recognizer(members[1])[0].get_weights()]
    assert main(["train", "recognizer", "--finetune", str(tmp_path / "real"), "--weights", ",".join(members),
                 "--out", str(tmp_path / "run"), "--epochs", "1"]) == 0
    tuned = capsys.readouterr().out.split(" (held out")[0].strip().splitlines()[-1]
    assert tuned == f"{tmp_path / 'run' / 'member0' / 'model'},{tmp_path / 'run' / 'member1' / 'model'}"
    held = [json.loads((tmp_path / "run" / f"member{i}" / "holdout.json").read_text()) for i in (0, 1)]
    assert held[0] == held[1] and 0 < len(held[0]) < 12  # one split for both members
    reader = load_reader(tuned)
    assert isinstance(reader, Ensemble) and len(reader.read([c.image for c in crops[:2]])) == 2
    after = load_recognizer(tuned.split(",")[1])[0].get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))  # the second member was trained too
    with pytest.raises(ValueError, match="at least one"):
        finetune_recognizers("", tmp_path / "real", tmp_path / "none")


def test_every_custom_layer_is_registered_and_serialisable():
    import lprlab.models.recognizer as module

    custom = [obj for obj in vars(module).values() if isinstance(obj, type) and issubclass(obj, keras.layers.Layer)]
    assert custom
    for layer_class in custom:
        assert keras.saving.get_registered_object(f"lprlab>{layer_class.__name__}") is layer_class
    for layer in build_recognizer(TINY).layers:
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_killed_training_resumes_at_its_last_epoch(tmp_path, monkeypatch):
    import csv

    from lprlab import train

    images = np.random.default_rng(0).integers(0, 255, (32, 16, 64, 3), dtype=np.uint8)
    texts = ["ABC1D23"] * 32

    class Killer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt  # the machine goes away after the second epoch

    real_callbacks = train.training_callbacks
    monkeypatch.setattr(train, "training_callbacks", lambda run_dir: real_callbacks(run_dir) + [Killer()])
    with pytest.raises(KeyboardInterrupt):
        train.train_recognizer(TINY, tmp_path, (images, texts), (images[:8], texts[:8]), epochs=4, verbose=0)
    assert (tmp_path / "last.keras").is_file() and not (tmp_path / "model.keras").exists()
    monkeypatch.setattr(train, "training_callbacks", real_callbacks)
    train.train_recognizer(TINY, tmp_path, (images, texts), (images[:8], texts[:8]), epochs=4, verbose=0)
    with open(tmp_path / "log.csv") as handle:
        epochs = [int(row["epoch"]) for row in csv.DictReader(handle)]
    assert epochs == [0, 1, 2, 3]  # epochs 0-1 before the kill (the backup is taken at each epoch end), 2-3 after
    assert (tmp_path / "model.keras").is_file()


def test_context_options_and_metadata_saved_before_them(tmp_path):
    from lprlab.models.recognizer import CONTEXTS, load_config

    with pytest.raises(ValueError, match="context"):
        RecognizerConfig(context="lstm")
    image = np.random.default_rng(0).random((2, *TINY.image_size, 3)).astype(np.float32)
    for context in CONTEXTS:
        config = RecognizerConfig(**{**TINY.__dict__, "context": context})
        model = build_recognizer(config)
        has_context = any(layer.name.startswith("rec_context") for layer in model.layers)
        assert has_context == (context != "none")
        assert model(image).shape == (2, config.max_chars, config.num_classes)
        save_recognizer(model, config, tmp_path / context)  # each context saves and loads back
        loaded, loaded_config, _ = load_recognizer(tmp_path / context)
        assert loaded_config.context == context
        np.testing.assert_allclose(loaded(image), model(image), rtol=1e-5, atol=1e-6)
    old = {k: v for k, v in TINY.__dict__.items() if k != "context"}  # 0.4 metadata has no such key
    assert load_config(old).context == "none"
    assert load_config({**TINY.__dict__, "context": "gru"}).context == "gru"  # 0.5 weights


def test_evaluation_with_region_patterns_fits_lookalikes_where_the_pattern_demands():
    from types import SimpleNamespace

    from lprlab import evaluation
    from lprlab.models.recognizer import Reading

    class Stub:
        config = SimpleNamespace(formats=("br_old", "br_mercosur"))

        def read(self, images, top_n=1):
            return [Reading("0KL08I7", (0.9,) * 7, 0.5, (("0KL08I7", 0.5), ("XXXXXXX", 0.1)))] * len(images)

    eval_set = evaluation.EvalSet("br", [np.zeros((8, 8, 3), np.uint8)], ["OKL0817"], ["br"], "br")
    raw, _ = evaluation.evaluate(Stub(), eval_set)
    fitted, readings = evaluation.evaluate(Stub(), eval_set, patterns=True)
    assert raw["all"]["plate"] == 0.0 and fitted["all"]["plate"] == 1.0
    assert readings[0].text == "OKL0817" and readings[0].confidence == 0.5


def test_bfloat16_reader_agrees_with_float32(tmp_path):
    from lprlab.recognition import Recognizer

    model = build_recognizer(TINY)
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([4, i]), (16, 64)).image
             for i in range(8)]
    full = Recognizer(model, TINY, {}).read(crops)
    half = Recognizer(model, TINY, {}, precision="bfloat16")
    assert half._net is not model and half._net.layers[-1].dtype_policy.compute_dtype == "float32"
    reduced = half.read(crops)
    assert [len(r.char_confidences) for r in reduced] == [len(r.char_confidences) for r in full]
    assert np.allclose([r.confidence for r in reduced], [r.confidence for r in full], atol=0.05)
    with pytest.raises(ValueError, match="unknown precision"):
        Recognizer(model, TINY, {}, precision="int8")


def test_an_ensemble_averages_its_members_slot_probabilities(tmp_path):
    import dataclasses

    from lprlab.recognition import Ensemble, Recognizer

    first, second = build_recognizer(TINY), build_recognizer(TINY)
    second.set_weights([w + 0.05 for w in second.get_weights()])
    save_recognizer(first, TINY, tmp_path / "a")
    save_recognizer(second, TINY, tmp_path / "b")
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([5, i]), (16, 64)).image
             for i in range(6)]
    ensemble = load_reader(f"{tmp_path / 'a'},{tmp_path / 'b'}")
    assert isinstance(ensemble, Ensemble) and len(ensemble.members) == 2 and ensemble.config == TINY
    from lprlab.images import resize_batch

    mean = (first.predict(resize_batch(crops, (16, 64)), verbose=0)
            + second.predict(resize_batch(crops, (16, 64)), verbose=0)) / 2
    expected = decode(mean, TINY, 3)
    read = ensemble.read(crops, top_n=3)
    assert [r.text for r in read] == [r.text for r in expected]
    assert np.allclose([r.confidence for r in read], [r.confidence for r in expected], atol=1e-5)
    single = load_reader(tmp_path / "a").read(crops)
    assert [r.text for r in Ensemble([Recognizer(first, TINY, {})]).read(crops)] == [r.text for r in single]
    other = dataclasses.replace(TINY, max_chars=6)
    with pytest.raises(ValueError, match="max_chars"):
        Ensemble([Recognizer(first, TINY, {}), Recognizer(build_recognizer(other), other, {})])
    with pytest.raises(ValueError, match="at least one"):
        Ensemble([])
    from lprlab.study import train_lr_recognizer

    with pytest.raises(TypeError, match="one network"):  # the LR study fine-tunes a single network
        train_lr_recognizer(ensemble, np.zeros((2, 16, 64, 3), np.uint8), np.full(2, 12.0), ["A", "B"], 8,
                            tmp_path / "lr")
    from lprlab.models.recognizer import grow_recognizer

    tall, tall_config = grow_recognizer(second, TINY, (32, 64))  # members of different input sizes
    mixed = Ensemble([Recognizer(first, TINY, {}), Recognizer(tall, tall_config, {})])
    mean = (first.predict(resize_batch(crops, (16, 64)), verbose=0)
            + tall.predict(resize_batch(crops, (32, 64)), verbose=0)) / 2
    assert [r.text for r in mixed.read(crops)] == [r.text for r in decode(mean, TINY)]
    assert mixed._forward(resize_batch(crops, (16, 64))).shape == mean.shape
    np.testing.assert_allclose(mixed.probabilities(crops, batch_size=4), mean, atol=1e-5)  # two batches
    assert mixed.probabilities([]).shape == (0, 7, TINY.num_classes)


def test_a_view_cut_trims_or_pads_each_side_by_its_share():
    from lprlab.recognition import cut_view

    image = np.arange(20 * 40 * 3, dtype=np.uint32).reshape(20, 40, 3).astype(np.uint8)
    assert cut_view(image, (0, 0, 0, 0)).shape == (20, 40, 3)
    narrower = cut_view(image, (0.1, 0.0, 0.1, 0.0))
    assert narrower.shape == (20, 32, 3) and np.array_equal(narrower, image[:, 4:36])
    shorter = cut_view(image, (0.0, 0.1, 0.0, 0.2))
    assert shorter.shape == (14, 40, 3) and np.array_equal(shorter, image[2:16])
    wider = cut_view(image, (-0.1, 0.0, -0.05, 0.0))  # 4 columns left, 2 right, the edges repeated
    assert wider.shape == (20, 46, 3)
    assert np.array_equal(wider[:, 4:44], image) and np.array_equal(wider[:, 0], image[:, 0])
    assert np.array_equal(wider[:, 45], image[:, -1])
    taller = cut_view(image, (0.0, -0.1, 0.0, 0.0))
    assert taller.shape == (22, 40, 3) and np.array_equal(taller[0], image[0]) and np.array_equal(taller[2:], image)
    with pytest.raises(ValueError, match="below 0.5"):
        cut_view(image, (0.5, 0, 0, 0))
    with pytest.raises(ValueError, match="left, top, right, bottom"):
        cut_view(image, (0.1, 0.1))


def test_view_average_reads_the_mean_of_its_views_slot_probabilities(tmp_path):
    from lprlab.recognition import TTA_VIEWS, ViewAverage, cut_view

    save_recognizer(build_recognizer(TINY), TINY, tmp_path / "a")
    reader = load_reader(tmp_path / "a")
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([6, i]), (24, 80)).image
             for i in range(5)]
    same = ViewAverage(reader, [(0, 0, 0, 0)])  # one view as cut: the reader itself
    np.testing.assert_allclose(same.probabilities(crops), reader.probabilities(crops), atol=1e-6)
    views = [(0, 0, 0, 0), (0.1, 0, 0.1, 0), (0, -0.1, 0, -0.1)]
    averaged = ViewAverage(reader, views)
    expected = np.mean([reader.probabilities([cut_view(c, v) for c in crops]) for v in views], axis=0)
    np.testing.assert_allclose(averaged.probabilities(crops, batch_size=2), expected, atol=1e-5)
    read = averaged.read(crops, top_n=3)
    assert [r.text for r in read] == [r.text for r in decode(expected, TINY, 3)]
    assert averaged.config == TINY and averaged.info["views"] == tuple(tuple(float(x) for x in v) for v in views)
    assert len(TTA_VIEWS) == 9 and TTA_VIEWS[0] == (0.0, 0.0, 0.0, 0.0)
    assert ViewAverage(reader).probabilities(crops[:2]).shape == (2, TINY.slots, TINY.num_classes)
    from lprlab.evaluation import measure_speed

    speed = measure_speed(averaged, batch_size=4, repeats=1)  # the benchmark's figures for a ViewAverage too
    assert speed["plates_per_s"] > 0 and speed["ms_per_plate"] > 0
    with pytest.raises(ValueError, match="at least one view"):
        ViewAverage(reader, [])
    with pytest.raises(ValueError, match="below 0.5"):
        ViewAverage(reader, [(0.6, 0, 0, 0)])
    with pytest.raises(ValueError, match="image 1"):
        averaged.read([crops[0], np.zeros((1, 5, 3), np.uint8)])


def test_training_continues_from_given_weights_on_fresh_synthetic_crops(tmp_path):
    start = build_recognizer(TINY)
    save_recognizer(start, TINY, tmp_path / "start")
    main(["train", "recognizer", "--init", str(tmp_path / "start"), "--out", str(tmp_path / "run"), "--count", "64",
          "--val-count", "16", "--epochs", "1", "--seed", "3", "--learning-rate", "1e-9",
          "--data-dir", str(tmp_path / "synth")])
    model, config, _ = load_recognizer(tmp_path / "run" / "model")
    assert config.formats == TINY.formats and config.image_size == TINY.image_size  # the weights' network
    assert config.seed == 3 and config.learning_rate == 1e-9
    for trained, initial in zip(model.trainable_weights, start.trainable_weights):  # not a new network
        np.testing.assert_allclose(np.asarray(trained), np.asarray(initial), atol=1e-5)
    from lprlab.train import export_weights

    save_recognizer(start, TINY, tmp_path / "start", {"data": "first crops", "history": [{"epoch": 0.0}]})
    export_weights(tmp_path / "run", tmp_path / "shipped", data="fresh crops", continued_from=tmp_path / "start")
    _, _, info = load_recognizer(tmp_path / "shipped")
    assert info["data"] == "fresh crops" and len(info["history"]) == 1  # this run's one epoch
    assert info["continued_from"]["data"] == "first crops" and info["continued_from"]["history"] == [{"epoch": 0.0}]


def test_array_batches_scale_and_reshuffle_every_epoch():
    """The input pipeline of backends other than TensorFlow (JAX on a GPU machine)."""
    from lprlab.train import ArrayBatches

    images = np.arange(10, dtype=np.uint8)[:, None, None, None].repeat(2, 1).repeat(3, 2).repeat(3, 3)
    labels = np.arange(10, dtype=np.int32)[:, None]
    batches = ArrayBatches(images, labels, batch_size=4, shuffle=True, seed=5)
    assert len(batches) == 3

    def epoch():
        seen = [batches[i] for i in range(len(batches))]
        for x, y in seen:
            assert x.dtype == np.float32 and x.shape[1:] == (2, 3, 3)
            np.testing.assert_allclose(x[:, 0, 0, 0] * 255.0, y[:, 0])
        return np.concatenate([y[:, 0] for _, y in seen])

    first = epoch()
    assert sorted(first) == list(range(10))
    batches.on_epoch_end()
    second = epoch()
    assert sorted(second) == list(range(10)) and list(second) != list(first)
    again = ArrayBatches(images, labels, batch_size=4, shuffle=True, seed=5)
    assert list(np.concatenate([again[i][1][:, 0] for i in range(3)])) == list(first)
    plain = ArrayBatches(images, labels, batch_size=4, shuffle=False, seed=5)
    assert list(np.concatenate([plain[i][1][:, 0] for i in range(3)])) == list(range(10))


def test_the_default_reader_is_the_shipped_pair_and_reads_a_synthetic_plate():
    from lprlab.recognition import DEFAULT_WEIGHTS, Ensemble

    reader = load_reader()
    assert isinstance(reader, Ensemble) and len(reader.members) == len(DEFAULT_WEIGHTS) == 2
    assert sorted(tuple(m.config.image_size) for m in reader.members) == [(32, 128), (64, 128)]
    assert all(m.config.alignment == "both" for m in reader.members)  # 0.25.0: two alignments
    assert reader.precision == "float32"
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([11, i]), (96, 288))
             for i in range(8)]
    readings = reader.read([c.image for c in crops])
    assert sum(r.text == c.text for r, c in zip(readings, crops)) >= 6
    from lprlab.recognition import VIDEO_WEIGHTS

    assert VIDEO_WEIGHTS == DEFAULT_WEIGHTS[0]  # `lprlab video` reads with the pair's 32x128 member alone


def test_hard_crops_are_the_misread_and_the_doubted():
    from lprlab.train import mine_hard_crops

    model, config, _ = load_recognizer("weights/recognizer_latin")
    fmts = resolve_formats("br_mercosur")
    made = [make_plate_crop(fmts, np.random.default_rng([5, i]), config.image_size) for i in range(6)]
    images, texts = np.stack([c.image for c in made]), [c.text for c in made]
    misread = set(mine_hard_crops(model, config, images, texts, below=0.0).tolist())
    wrong_labels = texts[1:] + texts[:1]  # every crop labelled with another crop's text
    assert set(mine_hard_crops(model, config, images, wrong_labels, below=0.0).tolist()) == set(range(6))
    assert mine_hard_crops(model, config, images, texts, below=1.01).tolist() == list(range(6))  # all doubted
    assert len(misread) < 6  # clean synthetic crops are mostly read right
    with pytest.raises(ValueError, match="texts"):
        mine_hard_crops(model, config, images, texts[:3])


def test_hard_pool_crops_join_the_training_set_and_are_kept_for_a_resume(tmp_path):
    start = build_recognizer(TINY)
    save_recognizer(start, TINY, tmp_path / "start")
    args = ["train", "recognizer", "--init", str(tmp_path / "start"), "--out", str(tmp_path / "run"), "--count", "32",
            "--val-count", "8", "--epochs", "1", "--seed", "3", "--hard-pool", "16", "--data-dir", str(tmp_path / "synth")]
    main(args)
    hard = json.loads((tmp_path / "run" / "hard.json").read_text())
    assert hard["pool"] == 16 and hard["indices"] == list(range(16))  # an untrained net doubts every crop
    _, _, info = load_recognizer(tmp_path / "run" / "model")
    assert info["training"]["samples"] == 32 + 16
    with pytest.raises(SystemExit, match="--init"):
        main(["train", "recognizer", "--out", str(tmp_path / "other"), "--hard-pool", "16"])


def test_network_options_size_the_trained_network(tmp_path, capsys):
    main(["train", "recognizer", "--out", str(tmp_path / "run"), "--formats", "br_mercosur", "--count", "32",
          "--val-count", "8", "--epochs", "1", "--stem-filters", "8", "--filters", "8,16,24", "--convs", "1,1,2",
          "--dense-units", "32", "--data-dir", str(tmp_path / "synth")])
    model, config, _ = load_recognizer(tmp_path / "run" / "model")
    assert (config.stem_filters, config.filters, config.convs, config.dense_units) == (8, (8, 16, 24), (1, 1, 2), 32)
    assert model.get_layer("rec_stem").filters == 8 and model.get_layer("rec_conv2_1").filters == 24
    main(["train", "recognizer", "--out", str(tmp_path / "two"), "--formats", "br_mercosur", "--count", "32",
          "--val-count", "8", "--epochs", "1", "--filters", "8,16", "--dense-units", "32", "--size", "32x64",
          "--data-dir", str(tmp_path / "synth")])
    assert load_recognizer(tmp_path / "two" / "model")[1].convs == (1, 2)  # default: 1, then 2 per stage
    with pytest.raises(SystemExit):
        main(["train", "recognizer", "--out", str(tmp_path / "bad"), "--filters", "8,x"])
    capsys.readouterr()
    assert main(["train", "recognizer", "--out", str(tmp_path / "bad"), "--filters", "8,16,24", "--convs", "1,2"]) == 2
    assert "convs (1, 2) must have one entry per stage" in capsys.readouterr().err


def test_a_taller_input_grows_from_a_trained_recogniser(tmp_path, capsys):
    from lprlab.models.recognizer import grow_recognizer

    start = build_recognizer(TINY)
    grown, config = grow_recognizer(start, TINY, (32, 64))
    assert config.image_size == (32, 64) and config.head_rows == 2 and grown.input_shape == (None, 32, 64, 3)
    assert grown.output_shape == start.output_shape
    for new, old in zip(grown.weights, start.weights):  # every weight copied, none left fresh
        assert new.shape == old.shape
        np.testing.assert_array_equal(np.asarray(new), np.asarray(old))
    assert grown.get_layer("rec_pool1").pool_size == (4, 1) and start.get_layer("rec_pool1").pool_size == (2, 1)
    with pytest.raises(ValueError, match="the width must stay 64"):
        grow_recognizer(start, TINY, (32, 128))
    with pytest.raises(ValueError, match="not divisible by"):
        grow_recognizer(start, TINY, (12, 64))
    with pytest.raises(ValueError, match="head_rows"):
        RecognizerConfig(image_size=(16, 64), filters=(8, 8), convs=(1, 1), head_rows=3)
    save_recognizer(start, TINY, tmp_path / "start")
    main(["train", "recognizer", "--init", str(tmp_path / "start"), "--size", "32x64", "--out", str(tmp_path / "run"),
          "--count", "32", "--val-count", "8", "--epochs", "1", "--seed", "3", "--learning-rate", "1e-9",
          "--data-dir", str(tmp_path / "synth")])
    model, trained, _ = load_recognizer(tmp_path / "run" / "model")
    assert trained.image_size == (32, 64) and trained.head_rows == 2 and model.input_shape == (None, 32, 64, 3)
    assert list(tmp_path.glob("synth/*32x64*"))  # crops made at the new size
    capsys.readouterr()
    with pytest.raises(SystemExit, match="the width must stay 64"):
        main(["train", "recognizer", "--init", str(tmp_path / "start"), "--size", "32x128",
              "--out", str(tmp_path / "bad")])


@pytest.mark.parametrize("name", sorted(p.stem for p in pathlib.Path("weights/candidates").glob("recognizer_latin*.keras")))
def test_candidate_recognizers_load_with_their_metadata_and_read_synthetic_plates(name):
    """Every recogniser kept in weights/candidates loads (its metadata fits the network) and reads
    clean synthetic plates: a candidate that no longer loads cannot be compared or averaged."""
    reader = load_reader(f"weights/candidates/{name}")
    assert set(reader.config.formats) >= {"br_mercosur", "eu", "us"}
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([12, i]), (96, 288))
             for i in range(8)]
    readings = reader.read([c.image for c in crops])
    assert sum(r.text == c.text for r, c in zip(readings, crops)) >= 6


def test_two_alignment_slots_round_trip_and_decode_together():
    import dataclasses

    both = dataclasses.replace(TINY, alignment="both")
    texts = ["ABC1D23", "A", "", "Z9Z9"]
    labels = encode_texts(texts, both)
    assert labels.shape == (4, 14) and both.slots == 14
    pad = len(both.alphabet)
    assert labels[1].tolist() == [labels[1, 0]] + [pad] * 12 + [labels[1, 0]]  # left- then right-aligned
    readings = decode(_one_hot(labels, both), both, top_n=3)
    assert [r.text for r in readings] == texts
    assert readings[0].confidence == pytest.approx(1.0) and len(readings[3].char_confidences) == 4
    assert readings[0].alternatives[0] == ("ABC1D23", pytest.approx(1.0))
    # the left-aligned slots lose count (4639520 read 463950), the right-aligned ones do not:
    # decoded together, the right-aligned reading's surer count wins
    probabilities = np.full((14, both.num_classes), 0.02)
    probabilities[np.arange(14), encode_texts(["4639520"], both)[0]] = 1.0
    probabilities[:7] = 0.05
    probabilities[np.arange(7), encode_texts(["463950"], both)[0][:7]] = 0.6
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    assert decode(probabilities[None], both, alignment="left")[0].text == "463950"
    assert decode(probabilities[None], both, alignment="right")[0].text == "4639520"
    assert decode(probabilities[None], both)[0].text == "4639520"
    with pytest.raises(ValueError, match="two-alignment"):
        decode(probabilities[None, :7], both, alignment="right")
    with pytest.raises(ValueError, match="slots"):
        decode(probabilities[None, :5], both)
    with pytest.raises(ValueError, match="alignment must be one of"):
        RecognizerConfig(alignment="centre")


def test_right_slots_are_added_to_a_left_aligned_recogniser_and_ensembles_mix_them(tmp_path, capsys):
    import dataclasses

    from lprlab.models.recognizer import add_right_slots, combine_slot_probabilities
    from lprlab.recognition import Ensemble, Recognizer

    start = build_recognizer(TINY)
    model, config = add_right_slots(start, TINY)
    assert config.alignment == "both" and model.output_shape == (None, 14, TINY.num_classes)
    x = np.random.default_rng(0).random((3, 16, 64, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(model(x))[:, :7], np.asarray(start(x)), atol=1e-6)  # the left reading kept
    with pytest.raises(ValueError, match="already reads"):
        add_right_slots(model, config)
    save_recognizer(model, config, tmp_path / "both")
    loaded, loaded_config, _ = load_recognizer(tmp_path / "both")
    assert loaded_config == config
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # a left-aligned and a two-alignment member: left slots averaged over both, right slots the one's
    left_out, both_out = np.asarray(start(x)), np.asarray(model(x))
    mixed = combine_slot_probabilities([left_out, both_out], 7)
    np.testing.assert_allclose(mixed[:, :7], (left_out + both_out[:, :7]) / 2)
    np.testing.assert_allclose(mixed[:, 7:], both_out[:, 7:])
    assert combine_slot_probabilities([left_out, left_out], 7).shape == left_out.shape
    crops = [(255 * x[i]).astype(np.uint8) for i in range(3)]
    ensemble = Ensemble([Recognizer(start, TINY, {}), Recognizer(model, config, {})])
    assert [r.text for r in ensemble.read(crops)] == [r.text for r in decode(mixed, TINY)]
    # the command line adds the right slots to --init weights
    save_recognizer(start, TINY, tmp_path / "start")
    main(["train", "recognizer", "--init", str(tmp_path / "start"), "--alignment", "both", "--out",
          str(tmp_path / "run"), "--count", "32", "--val-count", "8", "--epochs", "1", "--seed", "3",
          "--data-dir", str(tmp_path / "synth")])
    trained, trained_config, _ = load_recognizer(tmp_path / "run" / "model")
    assert trained_config.alignment == "both" and trained.output_shape == (None, 14, TINY.num_classes)
    assert dataclasses.replace(trained_config, alignment="left", seed=0, learning_rate=TINY.learning_rate,
                               free_text=0.0) == dataclasses.replace(TINY, free_text=0.0)
    capsys.readouterr()
    with pytest.raises(SystemExit, match="read both alignments"):
        main(["train", "recognizer", "--init", str(tmp_path / "run" / "model"), "--alignment", "left",
              "--out", str(tmp_path / "bad")])


def test_distillation_loss_mixes_the_true_characters_and_the_teachers_tempered_distribution():
    from lprlab.train import DistillationLoss, slot_accuracy

    p = np.float32([[[0.7, 0.2, 0.1]]])  # (batch 1, slot 1, 3 classes)
    q = np.float32([[[0.2, 0.5, 0.3]]])  # the teacher's, already at T = 2
    y = np.concatenate([np.float32([[[1, 0, 0]]]), q], axis=-1)
    p_t = np.sqrt(p) / np.sqrt(p).sum()  # softmax(log p / 2)
    expected = 0.25 * -np.log(0.7) + 0.75 * 4 * -(q * np.log(p_t)).sum()
    loss = DistillationLoss(3, weight=0.75, temperature=2.0)
    assert float(loss(y, p)) == pytest.approx(expected, rel=1e-5)
    assert float(DistillationLoss(3, weight=0.0)(y, p)) == pytest.approx(-np.log(0.7), rel=1e-5)  # plain CE
    assert float(np.mean(slot_accuracy(y, p))) == 1.0
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert (restored.classes, restored.weight, restored.temperature) == (3, 0.75, 2.0)
    with pytest.raises(ValueError, match="weight"):
        DistillationLoss(3, weight=1.5)
    with pytest.raises(ValueError, match="temperature"):
        DistillationLoss(3, temperature=0.5)


def test_teacher_targets_are_the_teachers_probabilities_at_the_temperature(tmp_path):
    from lprlab.recognition import Recognizer
    from lprlab.train import teacher_targets

    keras.utils.set_random_seed(2)
    model = build_recognizer(TINY)
    teacher = Recognizer(model, TINY, {})
    images = np.random.default_rng(0).integers(0, 256, (5, 16, 64, 3), dtype=np.uint8)
    q = teacher.probabilities(images)
    assert q.shape == (5, 7, TINY.num_classes) and q.dtype == np.float32
    np.testing.assert_allclose(q, model.predict(images.astype(np.float32) / 255, verbose=0), atol=1e-5)
    at_one = teacher_targets(teacher, images, TINY, temperature=1.0, progress=False)
    assert at_one.dtype == np.float16 and at_one.shape == q.shape
    np.testing.assert_allclose(at_one, q, atol=2e-3)
    hot = teacher_targets(teacher, images, TINY, temperature=3.0, progress=False).astype(np.float32)
    np.testing.assert_allclose(hot.sum(axis=-1), 1.0, atol=5e-3)
    assert hot.max(axis=-1).mean() < q.max(axis=-1).mean()  # softer
    other = dataclasses.replace(TINY, max_chars=6)
    with pytest.raises(ValueError, match="teacher reads"):
        teacher_targets(teacher, images, other, progress=False)


def test_a_student_trained_with_a_teacher_records_it_and_its_targets(tmp_path, capsys):
    start = build_recognizer(TINY)
    save_recognizer(start, TINY, tmp_path / "start")
    args = ["train", "recognizer", "--init", str(tmp_path / "start"), "--out", str(tmp_path / "run"), "--count", "32",
            "--val-count", "8", "--epochs", "1", "--seed", "3", "--teacher", str(tmp_path / "start"),
            "--distill", "0.6", "--temperature", "3", "--data-dir", str(tmp_path / "synth")]
    main(args)
    _, _, info = load_recognizer(tmp_path / "run" / "model")
    assert info["training"]["distillation"] == {"teacher": str(tmp_path / "start"), "weight": 0.6,
                                                "temperature": 3.0}
    with np.load(tmp_path / "run" / "teacher-train.npz") as saved:
        assert saved["targets"].shape == (32, 7, TINY.num_classes) and saved["targets"].dtype == np.float16
        assert float(saved["temperature"]) == 3.0 and str(saved["teacher"]) == str(tmp_path / "start")
    assert (tmp_path / "run" / "teacher-val.npz").is_file()
    from lprlab.recognition import Recognizer
    from lprlab.train import _cached_teacher_targets

    images = np.zeros((32, 16, 64, 3), np.uint8)
    calls = []
    reader = Recognizer(start, TINY, {})
    reader.probabilities = lambda x, batch_size=256: calls.append(len(x)) or np.full((len(x), 7, TINY.num_classes),
                                                                                     1 / TINY.num_classes, np.float32)
    path = tmp_path / "run" / "teacher-train.npz"
    _cached_teacher_targets(path, reader, images, TINY, 3.0, str(tmp_path / "start"))
    assert calls == []  # the saved targets, not read again
    _cached_teacher_targets(path, reader, images, TINY, 2.0, str(tmp_path / "start"))
    assert calls == [32]  # another temperature: read again
    capsys.readouterr()
    with pytest.raises(SystemExit, match="--distill"):
        main(args[:-6] + ["--distill", "2", "--data-dir", str(tmp_path / "synth")])
    with pytest.raises(SystemExit, match="--teacher"):
        main(["train", "recognizer", "--out", str(tmp_path / "bad"), "--teacher", str(tmp_path / "missing")])


def test_a_grey_recogniser_reads_grey_levels_and_starts_from_colour_weights(tmp_path):
    import dataclasses

    from lprlab.images import resize_batch
    from lprlab.models.recognizer import make_grey

    colour = build_recognizer(TINY)
    grey, config = make_grey(colour, TINY)
    assert config == dataclasses.replace(TINY, grey=True) and grey.output_shape == colour.output_shape
    crops = [make_plate_crop(resolve_formats("br_mercosur"), np.random.default_rng([7, i]), (16, 64)).image
             for i in range(4)]
    batch = resize_batch(crops, (16, 64))
    luma = np.repeat((batch @ np.array([0.299, 0.587, 0.114], np.float32))[..., None], 3, axis=-1)
    # the same weights: the grey network reads a crop as the colour one reads its grey levels
    np.testing.assert_allclose(grey.predict(batch, verbose=0), colour.predict(luma, verbose=0), atol=1e-5)
    # colour is lost: the crop and its grey levels read alike
    np.testing.assert_allclose(grey.predict(luma, verbose=0), grey.predict(batch, verbose=0), atol=1e-5)
    save_recognizer(grey, config, tmp_path / "grey")
    model, loaded, _ = load_recognizer(tmp_path / "grey")
    assert loaded.grey
    np.testing.assert_allclose(model.predict(batch, verbose=0), grey.predict(batch, verbose=0), atol=1e-6)
    with pytest.raises(ValueError, match="already reads grey"):
        make_grey(grey, config)
    save_recognizer(colour, TINY, tmp_path / "colour")
    main(["train", "recognizer", "--init", str(tmp_path / "colour"), "--grey", "--out", str(tmp_path / "run"),
          "--count", "32", "--val-count", "8", "--epochs", "1", "--seed", "3", "--data-dir", str(tmp_path / "synth")])
    assert load_recognizer(tmp_path / "run" / "model")[1].grey
