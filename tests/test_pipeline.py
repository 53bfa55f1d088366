"""The end-to-end reader on synthetic scenes with known plates, the JSON contract, annotation,
and video: tracks and voted texts on a video made on the spot, clear errors on bad videos."""
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from lprlab.formats import resolve_formats
from lprlab.pipeline import PlateResult, annotate, crop_box

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHIPPED = all((ROOT / "weights" / f"{name}.keras").is_file()
              for name in ("detector", "recognizer_latin", "recognizer_latin_both", "recognizer_latin_h64_both"))
needs_weights = pytest.mark.skipif(not SHIPPED, reason="shipped detector and recogniser weights are absent")


def test_crop_box_margin_and_clipping():
    image = np.zeros((100, 200, 3), np.uint8)
    assert crop_box(image, (50, 40, 100, 20), margin=0.1).shape == (24, 120, 3)
    assert crop_box(image, (-10, -10, 30, 30), margin=0.0).shape == (20, 20, 3)
    assert crop_box(image, (199.5, 99.5, 0.1, 0.1)).shape[:2] >= (1, 1)


def test_annotate_draws_and_keeps_the_input():
    image = np.zeros((120, 240, 3), np.uint8)
    result = PlateResult((40, 50, 80, 20), "ABC1234", 0.9, 0.8, "br_old", "ABC1234", ())
    hit = PlateResult((10, 10, 30, 10), "XYZ", 0.9, 0.8, None, "XYZ", (), watchlist={"plate": "XYZ", "label": "w"})
    out = annotate(image, [result, hit])
    assert out.shape == image.shape and out.any() and not image.any()
    assert tuple(out[50, 40]) == (40, 220, 40) and tuple(out[10, 10]) == (230, 30, 30)


def test_reading_rescues_a_doubted_box_only_when_it_fits_a_format():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:  # two boxes the verifier doubts (0.2) and one it accepts (0.9)
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            self.asked = verify_threshold
            found = [Detection((0, 0, 40, 20), 0.9, 1.0, 0.2), Detection((50, 0, 40, 20), 0.9, 1.0, 0.2),
                     Detection((0, 40, 40, 20), 0.9, 1.0, 0.9)]
            return [d for d in found if d.verification >= verify_threshold]

    class Recognizer:  # reads a plate text, a badge and a plate text, told apart by the crops' grey level
        config = SimpleNamespace(formats=("br_old",))

        def read(self, crops, top_n=1):
            texts = {10: "ABC1234", 20: "POLO", 30: "XYZ9876"}
            return [Reading(t, (), 0.9, ((t, 0.9),)) for t in (texts[int(np.median(c))] for c in crops)]

    image = np.zeros((80, 120, 3), np.uint8)
    image[:, :48], image[:, 48:], image[35:] = 10, 20, 30
    plain = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, rescue_confidence=0.0)
    assert [r.text for r in plain.read(image)] == ["XYZ9876"] and plain.detector.asked == 0.5
    rescuing = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, rescue_confidence=0.5)
    texts = [r.text for r in rescuing.read(image)]
    assert sorted(texts) == ["ABC1234", "XYZ9876"] and rescuing.detector.asked == 0.001  # the badge stays out
    floored = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, rescue_confidence=0.5,
                   rescue_floor=0.3)  # boxes the verifier gives under the floor are not even read
    assert [r.text for r in floored.read(image)] == ["XYZ9876"] and floored.detector.asked == 0.3


def test_small_plates_the_verifier_accepts_go_to_the_enhancer_at_their_own_size():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:  # plates 12 and 30 px high, and a 12-px box the verifier doubts (a time stamp)
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((10, 10, 48, 12), 0.9, 1.0, 0.9), Detection((10, 40, 120, 30), 0.9, 1.0, 0.9),
                    Detection((100, 10, 48, 12), 0.9, 1.0, 0.2)]

    class Recognizer:
        config = SimpleNamespace(formats=("br_old",))

        def read(self, crops, top_n=1):
            self.heights = [c.shape[0] for c in crops]
            return [Reading("ABC1234", (), 0.9, (("ABC1234", 0.9),)) for _ in crops]

    class Enhancer:  # doubles each crop, recording how it was asked
        def enhance(self, crops, mode="fixed"):
            self.calls = getattr(self, "calls", []) + [(mode, [c.shape[0] for c in crops])]
            return [np.repeat(np.repeat(c, 2, axis=0), 2, axis=1) for c in crops]

    image = np.full((80, 160, 3), 90, np.uint8)
    reader = ALPR(Detector(), Recognizer(), Enhancer(), region="br", min_confidence=0.0, margin=0.0, heights=(),
                  widths=())
    results = reader.read(image)
    assert [r.enhanced for r in results] == [True, False, False]  # the doubted box is read as it is
    assert reader.enhancer.calls == [("at_least_lr", [12])] and reader.recognizer.heights == [24, 30, 12]
    fixed = ALPR(Detector(), Recognizer(), Enhancer(), region="br", min_confidence=0.0, margin=0.0, heights=(),
                 widths=(), enhance_mode="fixed")
    fixed.read(image)
    assert fixed.enhancer.calls == [("fixed", [12])]


def test_fitted_and_searched_boxes_are_both_read():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:  # the fitted box covers the whole plate (grey 10), the search's only its left part
        def detect(self, image, threshold, base_scale, verify_threshold, fit=1, **options):
            self.fit = fit
            return [Detection((0, 0, 100, 20), 0.9, 1.0, 0.9, (0, 0, 40, 20) if fit else None)]

    class Recognizer:  # the whole plate reads ABC1234 (0.6), its left part ABC123 (0.9): neither fits alone
        config = SimpleNamespace(formats=("br_old",))

        def __init__(self):
            self.crops = 0

        def read(self, crops, top_n=1):
            self.crops += len(crops)
            texts = [("ABC1234", 0.6) if c.shape[1] > 60 else ("ABC123", 0.9) for c in crops]
            return [Reading(t, (), p, ((t, p),)) for t, p in texts]

    image = np.full((40, 120, 3), 10, np.uint8)
    both = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, heights=(), widths=(),
                read_searched=True)
    assert [r.text for r in both.read(image)] == ["ABC1234"] and both.recognizer.crops == 2
    assert both.read(image)[0].box == (0, 0, 100, 20) and both.detector.fit == 1
    fitted_only = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, heights=(), widths=())
    assert [r.text for r in fitted_only.read(image)] == ["ABC1234"] and fitted_only.recognizer.crops == 1
    unfitted = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, heights=(), widths=(),
                    fit=0)
    assert [r.text for r in unfitted.read(image)] == ["ABC1234"] and unfitted.detector.fit == 0
    with pytest.raises(ValueError, match="fit"):
        ALPR(Detector(), Recognizer(), region="br", fit=-1)


@pytest.fixture(scope="module")
def alpr():
    if not SHIPPED:
        pytest.skip("shipped weights are absent")
    from lprlab.pipeline import ALPR
    return ALPR()


@needs_weights
def test_reads_synthetic_scenes_with_known_plates(alpr):
    from lprlab.scene import ScenePreset, make_scene

    preset = ScenePreset("near", image_size=(480, 640), plate_height_px=(34, 44), yaw_deg=(-10, 10),
                         pitch_deg=(0, 8), roll_deg=(-3, 3), plates=(1, 1), negative_fraction=0.0)
    read = 0
    for seed in range(12):
        scene = make_scene(resolve_formats("br_old,eu"), np.random.default_rng([7, seed]), preset)
        results = alpr.read(scene.image)
        read += any(r.text == scene.plates[0].text for r in results)
    assert read >= 8


@needs_weights
def test_the_reader_searches_in_bfloat16_only_where_the_cpu_has_it(alpr):
    from lprlab.cli import build_parser
    from lprlab.models.detector import native_bfloat16

    assert alpr.detector.precision == ("bfloat16" if native_bfloat16() else "float32")
    parser = build_parser()
    assert parser.parse_args(["alpr", "photo.jpg"]).precision == "auto"
    assert parser.parse_args(["video", "0"]).precision == "auto"
    assert parser.parse_args(["detect", "photo.jpg"]).precision == "float32"  # the detector's own figures
    assert parser.parse_args(["video", "0"]).widths == () and parser.parse_args(["video", "0", "--widths", "0.7,1.2"]).widths == (0.7, 1.2)
    assert parser.parse_args(["alpr", "photo.jpg"]).widths == (0.7, 0.85, 1.15, 1.35)


@needs_weights
def test_several_margins_read_each_box_once(alpr):
    from lprlab.pipeline import ALPR
    from lprlab.scene import ScenePreset, make_scene

    preset = ScenePreset("near", image_size=(480, 640), plate_height_px=(34, 44), yaw_deg=(-5, 5),
                         pitch_deg=(0, 5), roll_deg=(-2, 2), plates=(1, 1), negative_fraction=0.0)
    scene = make_scene(resolve_formats("eu"), np.random.default_rng([8, 0]), preset)
    single = alpr.read(scene.image)
    several = ALPR(alpr.detector, alpr.recognizer, margin=(0.04, 0.08, 0.12)).read(scene.image)
    assert [r.box for r in several] == [r.box for r in single]  # one result per box, whatever the margins
    assert all(r.confidence >= 0 for r in several)


@needs_weights
def test_cli_alpr_json_contract_and_annotation(tmp_path):
    from lprlab.datasets import encode_image
    from lprlab.scene import make_scene

    paths = []
    for seed in range(2):
        scene = make_scene(resolve_formats("eu"), np.random.default_rng(seed), "parking")
        paths.append(tmp_path / f"s{seed}.png")
        paths[-1].write_bytes(encode_image(scene.image, ".png"))
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "alpr", *map(str, paths), "--json", "--region", "eu",
                          "--annotate", str(tmp_path / "ann")], capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert [r["image"] for r in records] == [str(p) for p in paths]
    for record in records:
        for plate in record["plates"]:
            assert len(plate["box"]) == 4 and isinstance(plate["text"], str) and 0 <= plate["confidence"] <= 1
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == ["s0.jpg", "s1.jpg"]
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "alpr", str(tmp_path / "none.png")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_bad_videos_give_clear_errors(tmp_path):
    from lprlab.video import read_video

    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty file"):
        read_video(empty, alpr=None)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(ValueError, match="cannot be opened|no readable frame"):
        read_video(junk, alpr=None)
    with pytest.raises(FileNotFoundError):
        read_video(tmp_path / "missing.mp4", alpr=None)


def test_tracker_follows_boxes_and_votes():
    from lprlab.video import PlateTracker

    tracker = PlateTracker()
    for frame in range(6):
        a = PlateResult((10 + 4 * frame, 10, 60, 20), "ABC1234" if frame != 2 else "A8C1234", 0.8, 0.9, None, "", ())
        b = PlateResult((300 - 4 * frame, 200, 60, 20), "XYZ9876", 0.7, 0.9, None, "", ())
        assert tracker.update(frame, [a, b] if frame % 2 else [b, a]) == ([2, 1] if frame % 2 else [1, 2])
    tracks = tracker.tracks()
    assert [t.text for t in tracks] == ["XYZ9876", "ABC1234"]  # numbered in order of first appearance
    assert tracks[1].first_frame == 0 and tracks[1].last_frame == 5 and tracks[1].frames == 6
    assert tracks[1].votes["A8C1234"] == pytest.approx(0.8)


@needs_weights
def test_video_made_on_the_spot(tmp_path, alpr):
    from lprlab.video import make_synthetic_video

    truth = make_synthetic_video(tmp_path / "clip.mp4", resolve_formats("eu,br_old"), seed=3, frames=24)
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "video", str(tmp_path / "clip.mp4"), "--json",
                          "--out", str(tmp_path / "annotated.mp4")], capture_output=True, text=True, check=True)
    tracks = [json.loads(line) for line in out.stdout.strip().splitlines()]
    for track in tracks:
        assert set(track) >= {"track", "text", "confidence", "first_frame", "last_frame"}
    texts = {t["text"] for t in tracks}
    assert all(p["text"] in texts for p in truth)  # every plate of the video is read by some track
    assert (tmp_path / "annotated.mp4").stat().st_size > 0 and (tmp_path / "annotated.csv").is_file()
    out = subprocess.run([sys.executable, "-m", "lprlab.cli", "video", str(tmp_path / "clip.mp4"), "--json",
                          "--precision", "bfloat16", "--max-frames", "12"], capture_output=True, text=True, check=True)
    assert {json.loads(line)["text"] for line in out.stdout.strip().splitlines()} & {p["text"] for p in truth}


@needs_weights
def test_demo_writes_the_report(tmp_path):
    from lprlab.demo import run_demo

    photos = tmp_path / "photos"
    photos.mkdir()
    from lprlab.datasets import encode_image
    from lprlab.scene import make_scene

    scene = make_scene(resolve_formats("eu"), np.random.default_rng(1), "parking")
    (photos / "car.jpg").write_bytes(encode_image(scene.image, ".jpg"))
    page = run_demo(tmp_path / "demo", photos=str(photos))
    text = page.read_text()
    assert "Real photos" in text and "alpr/photos/car.jpg" in text
    assert (tmp_path / "demo" / "alpr" / "photos" / "car.jpg").is_file()
    assert (tmp_path / "demo" / "formats.png").is_file()
    assert (tmp_path / "demo" / "enhance.png").is_file() and "Zoom and enhance" in text  # shipped enhancer


def test_box_height_views_read_a_box_cut_too_tall():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((10, 10, 80, 40), 0.9, 1.0, None)]

    class Recognizer:  # reads the plate only from a crop of the right height (34 px, the box at 0.85)
        config = SimpleNamespace(formats=("br_old",))

        def __init__(self):
            self.heights = []

        def read(self, crops, top_n=1):
            self.heights += [c.shape[0] for c in crops]
            return [Reading(t, (), p, ((t, p),)) for t, p in
                    (("ABC1234", 0.6) if c.shape[0] == 34 else ("A8C12", 0.9) for c in crops)]

    image = np.zeros((80, 120, 3), np.uint8)
    plain = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, heights=(), widths=())
    assert [r.text for r in plain.read(image)] == ["A8C12"] and plain.recognizer.heights == [40]
    views = ALPR(Detector(), Recognizer(), region="br", min_confidence=0.0, margin=0.0, heights=(0.85, 1.2), widths=())
    assert [r.text for r in views.read(image)] == ["ABC1234"] and views.recognizer.heights == [40, 34, 48]
    with pytest.raises(ValueError, match="heights"):
        ALPR(Detector(), Recognizer(), heights=(0.0,))


def test_reader_searches_at_its_offsets():
    from types import SimpleNamespace

    from lprlab.pipeline import ALPR

    class Detector:
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            self.options = options
            return []

    recognizer = SimpleNamespace(config=SimpleNamespace(formats=("br_old",)))
    image = np.zeros((80, 120, 3), np.uint8)
    for offsets in ((0, 4), (0,)):
        reader = ALPR(Detector(), recognizer, offsets=offsets)
        assert reader.read(image) == [] and reader.detector.options["offsets"] == offsets
    for bad in ((), (0, -4)):
        with pytest.raises(ValueError, match="offsets"):
            ALPR(Detector(), recognizer, offsets=bad)


def test_box_width_views_read_a_box_cut_short_of_the_plates_end():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((20, 10, 80, 20), 0.9, 1.0, None)]

    class Recognizer:  # reads the whole plate only from a crop 1.25 times the box's width (100 px)
        config = SimpleNamespace(formats=("eu",))

        def __init__(self):
            self.widths = []

        def read(self, crops, top_n=1):
            self.widths += [c.shape[1] for c in crops]
            return [Reading(t, (), p, ((t, p),)) for t, p in
                    (("AB123CD", 0.8) if c.shape[1] == 100 else ("AB123C", 0.3) for c in crops)]

    image = np.zeros((60, 160, 3), np.uint8)
    plain = ALPR(Detector(), Recognizer(), region="eu", min_confidence=0.0, margin=0.0, heights=(), widths=())
    assert [r.text for r in plain.read(image)] != ["AB123CD"] and plain.recognizer.widths == [80]
    views = ALPR(Detector(), Recognizer(), region="eu", min_confidence=0.0, margin=0.0, heights=(), widths=(1.25,))
    assert [r.text for r in views.read(image)] == ["AB123CD"] and views.recognizer.widths == [80, 100]
    with pytest.raises(ValueError, match="widths"):
        ALPR(Detector(), Recognizer(), widths=(-1.0,))


def test_narrower_box_views_read_a_box_that_reaches_past_the_plate():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR, READ_WIDTHS

    class Detector:  # a fitted box twice the plate's width (80 px plate at x 60..140)
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((20, 10, 160, 20), 0.9, 1.0, None)]

    class Recognizer:  # reads the plate only from a crop 0.7 times the box's width (112 px)
        config = SimpleNamespace(formats=("eu",))

        def read(self, crops, top_n=1):
            return [Reading(t, (), p, ((t, p),)) for t, p in
                    (("AB123CD", 0.8) if c.shape[1] == 112 else ("XAB123C", 0.2) for c in crops)]

    image = np.zeros((60, 220, 3), np.uint8)
    assert READ_WIDTHS[0] < 1 < READ_WIDTHS[-1]
    reader = ALPR(Detector(), Recognizer(), region="eu", min_confidence=0.0, margin=0.0, heights=())
    assert reader.widths == READ_WIDTHS
    assert [r.text for r in reader.read(image)] == ["AB123CD"]
    wider_only = ALPR(Detector(), Recognizer(), region="eu", min_confidence=0.0, margin=0.0, heights=(),
                      widths=(1.15, 1.35))
    assert [r.text for r in wider_only.read(image)] != ["AB123CD"]


def test_cli_parses_margins_and_height_factors_with_clear_errors():
    import argparse

    from lprlab.cli import _heights, _margins, _shifts

    assert _margins("0.08") == 0.08 and _margins("0.04,0.08") == (0.04, 0.08)
    assert _heights("0.85,1.2") == (0.85, 1.2) and _heights("") == ()
    assert _shifts("0.85:-0.1,0.7:0.15") == ((0.85, -0.1), (0.7, 0.15)) and _shifts("") == ()
    for parse, bad in ((_margins, "1.5"), (_margins, "x"), (_heights, "0"), (_heights, "a,b"), (_shifts, "0.85"),
                       (_shifts, "a:b"), (_shifts, "0:0.1"), (_shifts, "0.85:2")):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(bad)


def test_the_us_reader_prefers_a_zero_over_a_rare_letter_o():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((10, 10, 80, 40), 0.9, 1.0, 0.9)]

    class Recognizer:  # an O slightly more probable than a 0, as the synthetic prior makes it
        config = SimpleNamespace(formats=("us",))

        def read(self, crops, top_n=1):
            return [Reading("ABO123", (), 0.5, (("ABO123", 0.5), ("AB0123", 0.4))) for _ in crops]

    image = np.zeros((60, 100, 3), np.uint8)
    assert [r.text for r in ALPR(Detector(), Recognizer(), region="us").read(image)] == ["AB0123"]
    assert [r.text for r in ALPR(Detector(), Recognizer(), region="us", character_weights={}).read(image)] \
        == ["ABO123"]
    # the serial-layout prior alone: AB0123 fits a state's LLDDDD, ABO123 only a vanity text
    assert [r.text for r in ALPR(Detector(), Recognizer(), region="us", character_weights={},
                                 serial_weight=0.5).read(image)] == ["AB0123"]
    assert [r.text for r in ALPR(Detector(), Recognizer(), region="eu").read(image)] == ["ABO123"]
    with pytest.raises(ValueError, match="character_weights"):
        ALPR(Detector(), Recognizer(), character_weights={"O": -1.0})
    with pytest.raises(ValueError, match="serial_weight"):
        ALPR(Detector(), Recognizer(), region="us", serial_weight=0.0)


def test_a_reading_that_fits_but_is_unlikely_is_dropped():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((10, 10, 80, 40), 0.9, 1.0, 0.9)]

    class Recognizer:  # a tail lamp read as a US vanity text, with a low probability
        config = SimpleNamespace(formats=("us",))

        def read(self, crops, top_n=1):
            return [Reading("ST7138", (), 0.04, (("ST7138", 0.04),)) for _ in crops]

    image = np.zeros((60, 100, 3), np.uint8)
    assert ALPR(Detector(), Recognizer(), region="us").read(image) == []
    kept = ALPR(Detector(), Recognizer(), region="us", min_confidence=0.0).read(image)
    assert [(r.text, r.format) for r in kept] == [("ST7138", "us")]


def test_shifted_views_are_a_second_look_at_weakly_read_boxes_only():
    from types import SimpleNamespace

    from lprlab.models.detector import Detection
    from lprlab.models.recognizer import Reading
    from lprlab.pipeline import ALPR

    class Detector:  # two boxes 100 px wide; the first box's plate sits in its left part (x 20..90)
        def detect(self, image, threshold, base_scale, verify_threshold, **options):
            return [Detection((20, 10, 100, 20), 0.9, 1.0, None), Detection((20, 40, 100, 20), 0.9, 1.0, None)]

    image = np.zeros((60, 160, 3), np.uint8)
    image[:30] = 1  # the first box's rows

    class Split:  # tells the boxes apart by their rows; the first plate reads whole only in a 70 px crop
        config = SimpleNamespace(formats=("eu",))

        def __init__(self):
            self.crops = []

        def read(self, crops, top_n=1):
            self.crops += [(c.shape, int(c[0, 0, 0])) for c in crops]
            return [Reading(t, (), p, ((t, p),)) for t, p in (
                (("AB123CD", 0.9) if c.shape[1] == 70 else ("AB123C", 0.2)) if c[0, 0, 0] == 1
                else ("XY987ZW", 0.8) for c in crops)]

    plain = ALPR(Detector(), Split(), region="eu", min_confidence=0.0, margin=0.0, heights=(), widths=())
    assert [r.text for r in plain.read(image)] == ["B123C", "XY987ZW"]  # the edge trimmed to fit
    looked = ALPR(Detector(), Split(), region="eu", min_confidence=0.0, margin=0.0, heights=(), widths=(),
                  shifts=((0.7, -0.15),), shift_below=0.5)
    assert [r.text for r in looked.read(image)] == ["AB123CD", "XY987ZW"]
    # the second look reads only the weak box's shifted view: 2 first-look crops, then 1
    assert len(looked.recognizer.crops) == 3 and looked.recognizer.crops[2] == ((20, 70, 3), 1)
    # a shifted view that reads fewer characters never replaces a fitting reading
    class Chopped(Split):
        def read(self, crops, top_n=1):
            readings = super().read(crops, top_n)
            return [Reading("AB12", (), 0.9, (("AB12", 0.9),)) if c.shape[1] == 70 else r
                    for c, r in zip(crops, readings)]

    chopped = ALPR(Detector(), Chopped(), region="eu", min_confidence=0.0, margin=0.0, heights=(), widths=(),
                   shifts=((0.7, -0.15),))
    assert [r.text for r in chopped.read(image)] == ["B123C", "XY987ZW"]
    with pytest.raises(ValueError, match="shifts"):
        ALPR(Detector(), Split(), shifts=((0.0, 0.1),))
