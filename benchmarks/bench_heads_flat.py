"""Dense head vs slot-attention head on the easiest data: 4,000 flat br_mercosur plates (32x128),
5 epochs of 64 (315 steps), scored on 400 others. Prints one line per head (README table).

    .venv/bin/python benchmarks/bench_heads_flat.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from lprlab.formats import get_format  # noqa: E402
from lprlab.metrics import char_accuracy, plate_accuracy  # noqa: E402
from lprlab.models.recognizer import RecognizerConfig, build_recognizer, decode, encode_texts  # noqa: E402
from lprlab.render import random_plate  # noqa: E402


def flat_plates(seed: int, count: int):
    plates = [random_plate(get_format("br_mercosur"), np.random.default_rng([seed, i]), 32) for i in range(count)]
    images = np.stack([cv2.resize(p.image, (128, 32), interpolation=cv2.INTER_AREA) for p in plates])
    return images.astype(np.float32) / 255, [p.text for p in plates]


images, texts = flat_plates(0, 4000)
val_images, val_texts = flat_plates(1, 400)
for name, options in (("dense 256", dict(slot_attention=False, dropout=0.3)), ("slot attention", {})):
    config = RecognizerConfig(max_chars=7, formats=("br_mercosur",), **options)
    keras.utils.set_random_seed(0)
    model = build_recognizer(config)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.fit(images, encode_texts(texts, config), batch_size=64, epochs=5, verbose=0)
    reads = [r.text for r in decode(model.predict(val_images, verbose=0), config)]
    print(f"{name}: character accuracy {char_accuracy(val_texts, reads):.1%}, "
          f"plate accuracy {plate_accuracy(val_texts, reads):.1%}")
