"""Seeding of Python, NumPy, TensorFlow and Keras for entry points (notebooks, training)."""
from __future__ import annotations

import numpy as np


def seed_everything(seed: int, deterministic: bool = False) -> np.random.Generator:
    """Seeds Python, NumPy and TensorFlow (through Keras); returns the generator for host-side code.

    Args:
        seed: The seed.
        deterministic: Also enable TensorFlow's op determinism (slower: tests and final runs).

    Returns:
        ``np.random.default_rng(seed)``.
    """
    import keras  # noqa: PLC0415 (TensorFlow is imported only by entry points that train)

    keras.utils.set_random_seed(seed)
    if deterministic:
        import tensorflow as tf  # noqa: PLC0415

        tf.config.experimental.enable_op_determinism()
    return np.random.default_rng(seed)
