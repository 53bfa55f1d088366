import numpy as np
import pytest

from lprlab.metrics import accuracy_by_group, char_accuracy, character_confusion, merge_lookalikes, plate_accuracy
from lprlab.real import load_openalpr_crops, load_openalpr_endtoend, openalpr_root


def test_plate_and_char_accuracy():
    truths, reads = ["ABC1234", "OIL0101", "XY"], ["ABC1234", "0IL0101", "XYZ"]
    assert plate_accuracy(truths, reads) == pytest.approx(1 / 3)
    assert plate_accuracy(truths, reads, merge=True) == pytest.approx(2 / 3)
    assert char_accuracy(truths, reads) == pytest.approx((7 + 6 + 2) / (7 + 7 + 3))
    assert merge_lookalikes("OI") == "01"
    table = accuracy_by_group(truths, reads, ["br", "us", "us"])
    assert table["us"]["n"] == 2 and table["all"]["plate"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="equally many"):
        plate_accuracy(["A"], [])


def test_confusion_counts_aligned_characters():
    matrix = character_confusion(["AB", "AB", "ABC"], ["AB", "A8", "AB"], "AB8C")
    assert matrix.shape == (4, 4)
    assert matrix[0, 0] == 2 and matrix[1, 1] == 1 and matrix[1, 2] == 1 and matrix.sum() == 4


def test_real_loaders():
    try:
        openalpr_root()
    except FileNotFoundError:
        pytest.skip("../shared/real/openalpr-dev is absent")
    crops = load_openalpr_crops(region="us")
    assert len(crops) == 374 and all(c.image.ndim == 3 and c.text.isalnum() for c in crops)
    br = load_openalpr_endtoend(region="br")
    assert len(br) == 61 and all(len(p.text) == 7 for p in br)
    assert all(np.asarray(p.image.shape[:2]).min() > 5 for p in br)


def test_the_shipped_truth_completions_fit_the_real_photos():
    import pathlib

    from lprlab.evaluation import complete_photo_set, real_photo_sets

    try:
        openalpr_root()
    except FileNotFoundError:
        pytest.skip("../shared/real/openalpr-dev is absent")
    completions = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "openalpr_dev_completions.csv"
    for photo_set in real_photo_sets():
        fuller = complete_photo_set(photo_set, completions)
        for image, ignore in zip(fuller.images, fuller.ignore):
            height, width = image.shape[:2]
            assert all(0 <= x and 0 <= y and x + w <= width + 1 and y + h <= height + 1 for x, y, w, h in ignore)


def test_missing_real_folder_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="git clone"):
        openalpr_root(tmp_path / "nope")


def test_margin_sweep_cuts_each_margin_around_the_true_box(tmp_path):
    import types

    import cv2

    from lprlab.evaluation import margin_sweep

    folder = tmp_path / "endtoend" / "eu"
    folder.mkdir(parents=True)
    cv2.imwrite(str(folder / "car.jpg"), np.full((200, 300, 3), 128, np.uint8))
    (folder / "car.txt").write_text("car.jpg 100 80 100 20 AB123\n")

    class WidthReader:  # reads the plate only when the crop holds the whole 100 px box
        def read(self, images):
            return [types.SimpleNamespace(text="AB123" if image.shape[1] >= 100 else "B123") for image in images]

    sweep = margin_sweep(WidthReader(), (-0.1, 0.0, 0.2), root=tmp_path, regions=("eu",), patterns=False)
    assert sweep == {"eu": [0.0, 1.0, 1.0]}
    with pytest.raises(ValueError, match="margins must be > -0.5"):
        margin_sweep(WidthReader(), (-0.5,), root=tmp_path, regions=("eu",))


def test_mcnemar_counts_discordant_plates_and_tests_their_split():
    from lprlab.metrics import mcnemar

    a = [True] * 10 + [True] * 12 + [False] * 2 + [False] * 5
    b = [True] * 10 + [False] * 12 + [True] * 2 + [False] * 5
    test = mcnemar(a, b)
    assert (test["items"], test["both"], test["only_a"], test["only_b"], test["neither"]) == (29, 10, 12, 2, 5)
    assert test["p_value"] == pytest.approx(2 * (1 + 14 + 91) / 2 ** 14)  # twice P(X <= 2), X ~ Binomial(14, 0.5)
    assert mcnemar(a, a)["p_value"] == 1.0  # nothing discordant
    assert mcnemar([True, False], [False, True])["p_value"] == 1.0  # an even split
    with pytest.raises(ValueError, match="one length"):
        mcnemar([True], [True, False])


def test_alpr_outcomes_line_up_each_true_plate_with_its_matched_reading():
    from types import SimpleNamespace

    from lprlab.evaluation import PhotoSet, alpr_outcomes, score_alpr

    truths = [np.float32([[0, 0, 40, 10], [100, 0, 40, 10]]), np.float32([[0, 0, 40, 10]])]
    photos = PhotoSet("br", [None, None], truths, [("ABC1234", "XYZ9876"), ("DEF5678",)], ["a.jpg", "b.jpg"])
    read = [[SimpleNamespace(box=(101, 0, 40, 10), text="XYZ9876", confidence=0.9, detection_score=0.8,
                             alternatives=())],
            [SimpleNamespace(box=(0, 0, 40, 10), text="DEF5G78", confidence=0.4, detection_score=0.9,
                             alternatives=())]]
    outcomes = alpr_outcomes(photos, read)
    assert [(o["photo"], o["truth"], o["text"], o["read"]) for o in outcomes] == [
        ("a.jpg", "ABC1234", "", False), ("a.jpg", "XYZ9876", "XYZ9876", True), ("b.jpg", "DEF5678", "DEF5G78", False)]
    assert sum(o["read"] for o in outcomes) / len(outcomes) == pytest.approx(score_alpr(photos, read)["top1"])


def test_reader_comparison_plot_draws_a_bar_per_reader_and_set():
    import matplotlib

    matplotlib.use("Agg")
    from lprlab.plots import plot_reader_comparison

    fig = plot_reader_comparison({"a": {"br": 0.9, "eu": 0.7}, "b": {"br": 0.8, "eu": 0.75}})
    assert len(fig.axes[0].patches) == 4
    with pytest.raises(ValueError, match="same sets"):
        plot_reader_comparison({"a": {"br": 0.9}, "b": {"eu": 0.8}})
    with pytest.raises(ValueError, match="empty"):
        plot_reader_comparison({})
