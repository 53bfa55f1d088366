import hashlib
import pathlib
import subprocess
import sys

import pytest

from lprlab import datasets
from lprlab.cli import main
from lprlab.datasets import DatasetSpec, generate_dataset, read_labels
from lprlab.formats import get_format, match_text

SPEC = DatasetSpec("plate", ("eu", "jp"), 40, 3, (32, 96), augment="full")


def _digest(folder: pathlib.Path) -> str:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()


@pytest.fixture(autouse=True)
def small_shards(monkeypatch):
    monkeypatch.setattr(datasets, "SHARD_SIZE", 8)


def test_same_bytes_with_one_and_two_workers(tmp_path):
    one = generate_dataset(tmp_path / "one", SPEC, workers=1, show_progress=False).parent
    two = generate_dataset(tmp_path / "two", SPEC, workers=2, show_progress=False).parent
    assert _digest(one) == _digest(two)
    rows = read_labels(one)
    assert len(rows) == 40 and rows[0].keys() >= {"file", "text", "format", "seed"}
    for row in rows:
        assert match_text(get_format(row["format"]), row["text"])
        assert (one / row["file"]).is_file()


def test_resume_after_interruption_completes_the_same_set(tmp_path, monkeypatch):
    reference = generate_dataset(tmp_path / "ref", SPEC, show_progress=False).parent
    calls = {"n": 0}
    real = datasets.write_shard

    def dying(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the run is killed in its third shard
        return real(*args)

    monkeypatch.setattr(datasets, "write_shard", dying)
    with pytest.raises(KeyboardInterrupt):
        generate_dataset(tmp_path / "cut", SPEC, show_progress=False)
    assert not (tmp_path / "cut" / "labels.csv").exists()
    assert not list((tmp_path / "cut").glob(".*.tmp-*"))  # no half-written file left
    monkeypatch.setattr(datasets, "write_shard", real)
    generate_dataset(tmp_path / "cut", SPEC, show_progress=False)
    assert _digest(tmp_path / "cut") == _digest(reference)


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    generate_dataset(tmp_path, SPEC, show_progress=False)
    with pytest.raises(ValueError, match="other settings"):
        generate_dataset(tmp_path, DatasetSpec("plate", ("eu",), 40, 4), show_progress=False)


@pytest.mark.parametrize("kind", ["scene", "window"])
def test_scene_and_window_labels(tmp_path, kind):
    spec = DatasetSpec(kind, ("br_old", "us"), 6, 1, preset="parking")
    rows = read_labels(generate_dataset(tmp_path, spec, show_progress=False).parent)
    assert {"x", "y", "w", "h", "x1", "y4"} <= rows[0].keys()
    if kind == "window":
        assert {r["presence"] for r in rows} <= {"0", "1"}


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    local = generate_dataset(tmp_path / "local", SPEC, show_progress=False).parent
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = generate_dataset(tmp_path / "dask", SPEC, scheduler=cluster.scheduler_address,
                                   show_progress=False).parent
    assert _digest(local) == _digest(on_dask)


def test_cli_generate_and_errors(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["generate", "--format", "cn", "--count", "5", "--seed", "0", "--out", str(out), "--quiet"]) == 0
    assert len(read_labels(out)) == 5
    assert main(["generate", "--format", "atlantis", "--count", "5", "--seed", "0", "--out", str(out)]) == 2
    assert "unknown plate format 'atlantis'" in capsys.readouterr().err
    assert main(["generate", "--format", "eu", "--count", "2", "--seed", "0", "--kind", "scene", "--out",
                 str(tmp_path / "s"), "--backgrounds", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_generator_side_never_imports_tensorflow():
    code = ("import sys, lprlab.datasets, lprlab.scene, lprlab.augment, lprlab.cli; "
            "sys.exit(int(any(m.startswith(('tensorflow', 'keras')) for m in sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_read_labels_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no labels.csv"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("name,plate\n")
    with pytest.raises(ValueError, match="lacks the column"):
        read_labels(tmp_path)


@pytest.mark.parametrize("field", ["free_text", "loose_crops"])
def test_shares_outside_zero_to_one_are_refused(field):
    with pytest.raises(ValueError, match=f"{field} must be a probability"):
        DatasetSpec("plate", ("eu",), 10, 0, **{field: 1.5})
