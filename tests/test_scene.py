import cv2
import numpy as np
import pytest

from lprlab.backgrounds import PhotoBackgrounds
from lprlab.crops import CHARACTER_CLEARANCE, LOOSE_MAX, _loose_margins, _tight_margins, make_plate_crop
from lprlab.formats import resolve_formats
from lprlab.render import random_plate
from lprlab.scene import PRESETS, is_present, make_scene, make_window, project_plate

FORMATS = resolve_formats("all")


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_boxes_and_corners_lie_on_the_plate_inside_the_image(preset):
    plates = 0
    for i in range(12):
        scene = make_scene(FORMATS, np.random.default_rng([2, i]), preset)
        height, width = scene.image.shape[:2]
        assert (height, width) == PRESETS[preset].image_size and scene.image.dtype == np.uint8
        for plate in scene.plates:
            plates += 1
            corners = plate.corners
            assert corners.shape == (4, 2)
            assert np.all(corners >= 0) and np.all(corners[:, 0] <= width) and np.all(corners[:, 1] <= height)
            x, y, w, h = plate.box
            assert np.isclose(x, corners[:, 0].min()) and np.isclose(y + h, corners[:, 1].max())
            # the plate's own height (its left and right sides after pose), not the box's: a wide
            # EU plate rolled by 10 degrees has a box nearly twice as high as the plate
            low, high = PRESETS[preset].plate_height_px
            sides = np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])
            assert 0.4 * low <= max(sides) <= 2.0 * high and h >= 0.4 * low
    assert plates >= 8


def test_scene_plate_pixels_differ_from_background_at_the_box():
    scene = make_scene(FORMATS, np.random.default_rng(11), "parking")
    assert scene.plates
    x, y, w, h = (int(v) for v in scene.plates[0].box)
    patch = scene.image[y:y + h, x:x + w].astype(float)
    assert patch.std() > 10  # characters on a plate: high contrast inside the box


def test_projection_of_a_facing_plate_is_the_plate():
    corners = project_plate((20, 80), 0, 0, 0)
    np.testing.assert_allclose(corners, [[-40, -10], [40, -10], [40, 10], [-40, 10]], atol=1e-4)
    turned = project_plate((20, 80), 30, 0, 0)
    assert np.ptp(turned[:, 0]) < 80  # yaw narrows the plate


def test_windows_follow_deep_anpr_presence():
    for i in range(40):
        present = i % 2 == 0
        window = make_window(FORMATS, np.random.default_rng([4, i]), present)
        assert window.image.shape == (64, 128, 3) and window.present == present
        if window.plate is not None:
            assert is_present(window.plate.box, (64, 128)) == present
    assert is_present((10, 5, 90, 40), (64, 128))
    assert not is_present((10, 5, 120, 40), (64, 128))  # too wide
    assert not is_present((40, 5, 30, 20), (64, 128))  # too small
    assert not is_present((-5, 5, 90, 40), (64, 128))  # cut off


def test_plate_crop_contract_and_determinism():
    a = make_plate_crop(FORMATS, np.random.default_rng(8), (48, 160))
    b = make_plate_crop(FORMATS, np.random.default_rng(8), (48, 160))
    assert a.image.shape == (48, 160, 3) and a.image.dtype == np.uint8
    assert np.array_equal(a.image, b.image) and a.text == b.text
    with pytest.raises(ValueError, match="image_size"):
        make_plate_crop(FORMATS, np.random.default_rng(8), (4, 160))


def test_loose_crops_keep_every_character_and_vary_the_margins():
    render = resolve_formats(["eu", "us", "br_mercosur", "ar_old"])
    plain = make_plate_crop(render, np.random.default_rng(8), (32, 128))
    assert np.array_equal(plain.image, make_plate_crop(render, np.random.default_rng(8), (32, 128), loose=0.0).image)
    a = make_plate_crop(render, np.random.default_rng(9), (32, 128), loose=1.0)
    assert np.array_equal(a.image, make_plate_crop(render, np.random.default_rng(9), (32, 128), loose=1.0).image)
    cuts, wide = 0, 0
    for i in range(60):
        rng = np.random.default_rng([4, i])
        plate = random_plate(render[i % len(render)], rng, 64)
        h, w = plate.image.shape[:2]
        corners = project_plate((h, w), rng.uniform(-20, 20), rng.uniform(-12, 12), rng.uniform(-4, 4))
        before, after = _loose_margins(plate.char_boxes, (h, w), corners, rng)
        low, high = corners.min(axis=0), corners.max(axis=0)
        homography = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
        x, y, bw, bh = plate.char_boxes.T
        ink = cv2.perspectiveTransform(np.float32([np.c_[x, y], np.c_[x + bw, y + bh], np.c_[x + bw, y],
                                                   np.c_[x, y + bh]]).reshape(-1, 1, 2), homography).reshape(-1, 2)
        assert np.all(ink >= low - before - 1e-3) and np.all(ink <= high + after + 1e-3)  # no character is cut
        assert np.all(before <= LOOSE_MAX * (high - low) + 1e-3) and np.all(after <= LOOSE_MAX * (high - low) + 1e-3)
        cuts += int(np.any(before < 0) or np.any(after < 0))
        wide += int(np.any(before > 0.2 * (high - low)) or np.any(after > 0.2 * (high - low)))
    assert cuts > 10 and wide > 10  # both tight crops into the border and wide ones with surroundings


def test_tight_crops_reach_the_characters_without_cutting_them():
    render = resolve_formats(["eu", "us", "br_old"])
    closest = []
    for i in range(40):
        rng = np.random.default_rng([5, i])
        plate = random_plate(render[i % len(render)], rng, 64)
        h, w = plate.image.shape[:2]
        corners = project_plate((h, w), rng.uniform(-20, 20), rng.uniform(-12, 12), rng.uniform(-4, 4))
        before, after = _tight_margins(plate.char_boxes, (h, w), corners, (-0.02, 0.12), rng)
        low, high = corners.min(axis=0), corners.max(axis=0)
        span = high - low
        homography = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
        x, y, bw, bh = plate.char_boxes.T
        ink = cv2.perspectiveTransform(np.float32([np.c_[x, y], np.c_[x + bw, y + bh], np.c_[x + bw, y],
                                                   np.c_[x, y + bh]]).reshape(-1, 1, 2), homography).reshape(-1, 2)
        left, right = low[0] - before[0], high[0] + after[0]
        assert before[0] <= 0 and after[0] <= 0  # cut into the plate's border, or at its edge
        assert ink[:, 0].min() >= left - 1e-3 and ink[:, 0].max() <= right + 1e-3  # no character is cut
        closest.append(min(ink[:, 0].min() - left, right - ink[:, 0].max()) / span[0])
    assert min(closest) < 2 * CHARACTER_CLEARANCE  # some crops reach the characters


def test_unreadable_background_folders_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        PhotoBackgrounds(tmp_path / "missing")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError):
        PhotoBackgrounds(tmp_path / "file.txt")
    with pytest.raises(ValueError, match="holds no image"):
        PhotoBackgrounds(tmp_path)
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    photos = PhotoBackgrounds(tmp_path)
    with pytest.raises(ValueError, match="cannot be decoded"):
        photos.sample(np.random.default_rng(0), (32, 32))


def test_real_photo_backgrounds(shared_backgrounds):
    photos = PhotoBackgrounds(shared_backgrounds)
    scene = make_scene(FORMATS, np.random.default_rng(3), "cctv", photos)
    assert scene.image.shape == (720, 1280, 3)


def test_osd_is_small_text_in_a_corner_and_seeded():
    from lprlab.scene import draw_osd

    corners = set()
    for seed in range(40):
        image = np.full((720, 1280, 3), 100, np.uint8)
        rows = draw_osd(image, np.random.default_rng(seed))
        assert rows.dtype == np.float32 and 1 <= len(rows) <= 3
        changed = np.argwhere((image != 100).any(axis=2))
        low, high = changed.min(axis=0), changed.max(axis=0)
        assert high[0] - low[0] < 120 and high[1] - low[1] < 500  # small, as a camera's stamp is
        assert low[0] < 0.1 * 720 or high[0] > 0.9 * 720  # at the top or the bottom
        assert low[1] < 0.1 * 1280 or high[1] > 0.9 * 1280  # at the left or the right
        corners.add((bool(low[0] < 360), bool(low[1] < 640)))
        for x, y, w, h in rows:  # the row boxes hold the drawn text
            assert 0 <= x and 0 <= y and x + w <= 1280 and y + h <= 720 and 3 <= h <= 40 and w >= h
        again = np.full((720, 1280, 3), 100, np.uint8)
        draw_osd(again, np.random.default_rng(seed))
        assert np.array_equal(again, image)
    assert len(corners) == 4
