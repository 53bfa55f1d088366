import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lprlab.data import make_folder_dataset, make_synthetic_dataset  # noqa: E402
from lprlab.datasets import DatasetSpec, generate_dataset  # noqa: E402


def test_on_the_fly_stream_contract_and_worker_independence():
    kwargs = dict(formats="eu,kr", image_size=(32, 96), batch_size=4, seed=2, augment="full", num_batches=2)
    local = list(make_synthetic_dataset(workers=0, **kwargs))
    pooled = list(make_synthetic_dataset(workers=2, **kwargs))
    assert len(local) == 2
    images, texts = local[0]
    assert images.shape == (4, 32, 96, 3) and images.dtype == tf.float32
    assert 0.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
    assert texts.shape == (4,)
    for (a, ta), (b, tb) in zip(local, pooled):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert list(ta.numpy()) == list(tb.numpy())


def test_folder_dataset_reads_what_generate_wrote(tmp_path):
    generate_dataset(tmp_path, DatasetSpec("plate", ("br_mercosur",), 5, 0, (32, 96)), show_progress=False)
    batches = list(make_folder_dataset(tmp_path, image_size=(32, 96), batch_size=2))
    assert [b[0].shape[0] for b in batches] == [2, 2, 1]
    texts = [t.decode() for b in batches for t in b[1].numpy()]
    assert len(texts) == 5 and all(len(t) == 7 for t in texts)
    (tmp_path / "0000000.png").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        make_folder_dataset(tmp_path)
