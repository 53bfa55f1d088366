import albumentations as A
import numpy as np
import pytest

from lprlab.augment import PIPELINE_NAMES, PlateDownscale, augment, make_pipeline, single_transforms
from lprlab.crops import make_plate_crop
from lprlab.formats import resolve_formats

IMAGE = make_plate_crop(resolve_formats("eu"), np.random.default_rng(0), (64, 128)).image


@pytest.mark.parametrize("name", PIPELINE_NAMES)
def test_pipelines_keep_shape_dtype_range_and_are_seeded(name):
    pipeline = make_pipeline(name)
    outputs = [augment(IMAGE, pipeline, np.random.default_rng([1, i])) for i in range(8)]
    for out in outputs:
        assert out.shape == IMAGE.shape and out.dtype == np.uint8
    again = augment(IMAGE, pipeline, np.random.default_rng([1, 0]))
    assert np.array_equal(outputs[0], again)
    if name != "none":
        assert any(not np.array_equal(o, IMAGE) for o in outputs)
        assert any(not np.array_equal(outputs[0], o) for o in outputs[1:])


def test_transforms_do_not_fire_together():
    """With albumentations' own seeding every p=0.5 child gets the same coin; ours must not."""
    pipeline = A.Compose([A.HorizontalFlip(p=0.5), A.VerticalFlip(p=0.5)])
    both, one = 0, 0
    for i in range(60):
        out = augment(IMAGE, pipeline, np.random.default_rng([2, i]))
        h = np.array_equal(out, IMAGE[:, ::-1]) or np.array_equal(out, IMAGE[::-1, ::-1])
        v = np.array_equal(out, IMAGE[::-1]) or np.array_equal(out, IMAGE[::-1, ::-1])
        both += np.array_equal(out, IMAGE[::-1, ::-1])
        one += (h or v) and not np.array_equal(out, IMAGE[::-1, ::-1])
    assert one > 5 and both > 3


def test_plate_downscale_reaches_the_target_height():
    transform = A.Compose([PlateDownscale(height_range=(8, 8), plate_fraction=1.0, p=1)])
    out = augment(IMAGE, transform, np.random.default_rng(0))
    assert out.shape == IMAGE.shape
    # an 8-px image upscaled back has almost no vertical detail above 8 samples
    assert np.abs(np.diff(out.astype(float), axis=0)).mean() < np.abs(np.diff(IMAGE.astype(float), axis=0)).mean()
    with pytest.raises(ValueError, match="height_range"):
        PlateDownscale(height_range=(0, 8))


def test_plate_downscale_can_pixel_double_and_compress_at_the_low_resolution():
    blocky = A.Compose([PlateDownscale(height_range=(8, 8), plate_fraction=1.0, nearest=1.0, p=1)])
    out = augment(IMAGE, blocky, np.random.default_rng(0))
    assert out.shape == IMAGE.shape and out.dtype == np.uint8
    # nearest-neighbour upscaling: runs of equal rows, as many distinct rows as LR rows
    assert len({row.tobytes() for row in out}) <= 8 < len({row.tobytes() for row in IMAGE})
    smooth = augment(IMAGE, A.Compose([PlateDownscale(height_range=(8, 8), plate_fraction=1.0, p=1)]),
                     np.random.default_rng(0))
    assert len({row.tobytes() for row in smooth}) > 8
    compressed = A.Compose([PlateDownscale(height_range=(16, 16), plate_fraction=1.0, nearest=1.0, lr_jpeg=1.0,
                                           lr_jpeg_quality=(10, 10), p=1)])
    plain = A.Compose([PlateDownscale(height_range=(16, 16), plate_fraction=1.0, nearest=1.0, p=1)])
    a, b = (augment(IMAGE, t, np.random.default_rng(3)) for t in (compressed, plain))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, augment(IMAGE, compressed, np.random.default_rng(3)))  # seeded
    with pytest.raises(ValueError, match="probabilities"):
        PlateDownscale(nearest=1.5)


def test_each_single_effect_changes_the_image():
    for name, transform in single_transforms().items():
        out = augment(IMAGE, A.Compose([transform]), np.random.default_rng(1))
        assert out.shape == IMAGE.shape and not np.array_equal(out, IMAGE), name


def test_errors():
    with pytest.raises(KeyError, match="known: none"):
        make_pipeline("sparkle")
    with pytest.raises(ValueError, match="uint8"):
        augment(IMAGE.astype(np.float32), make_pipeline("none"), np.random.default_rng(0))
    with pytest.raises(ValueError, match="non-empty"):
        augment(np.zeros((0, 5, 3), np.uint8), make_pipeline("none"), np.random.default_rng(0))


def test_blur_sizes_scale_with_the_crop_height():
    def gaussian(pipeline):
        one_of = next(t for t in pipeline.transforms if isinstance(t, A.OneOf))
        return next(t for t in one_of.transforms if isinstance(t, A.GaussianBlur))

    full_size = gaussian(make_pipeline("degradation", 64))
    half_size = gaussian(make_pipeline("degradation", 32))
    assert half_size.sigma_limit[1] == pytest.approx(full_size.sigma_limit[1] / 2)
