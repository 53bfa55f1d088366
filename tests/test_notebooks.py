"""Runs every numbered notebook headless in quick mode, in order, into a temporary folder."""
import pathlib

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_quick_mode(notebook, tmp_path_factory):
    papermill = pytest.importorskip("papermill")
    artifacts = tmp_path_factory.getbasetemp() / "artifacts"
    artifacts.mkdir(exist_ok=True)
    papermill.execute_notebook(str(notebook), str(tmp_path_factory.mktemp("out") / notebook.name),
                               cwd=str(notebook.parent), parameters={"QUICK": True, "ARTIFACTS": str(artifacts)},
                               progress_bar=False, kernel_name="python3")
