import pathlib

import numpy as np
import pytest

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def shared_backgrounds():
    folder = SHARED / "backgrounds"
    if not folder.is_dir():
        pytest.skip("../shared/backgrounds is absent")
    return folder
