"""Averages the weights of recognisers of one architecture (a uniform "model soup", Wortsman et al.
2022, "Model soups: averaging weights of multiple fine-tuned models improves accuracy without
increasing inference time").

The shipped members and the runs continued from them on later generators share one parent, so their
weights lie in one basin and can be averaged (every weight, batch-norm statistics included). The soup
reads at a single network's speed; `benchmarks/eval_recognizer.py --weights SOUP[,OTHER]` scores it.

    .venv/bin/python benchmarks/weight_soup.py data/runs/soup/s64_all weights/recognizer_latin_h64_both \\
        data/runs/rec-latin-h64-v31a/model data/runs/rec-latin-h64-v35a/model

Raises ValueError when the recognisers differ in configuration (input size, alphabet, layers).
"""
import argparse
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab.models.recognizer import load_recognizer, save_recognizer  # noqa: E402

# fields that training choices (seed, learning rate, data) change without changing the network
TRAINING_FIELDS = ("seed", "learning_rate", "free_text", "loose_crops")

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("out", help="where to save the soup (<out>.keras and <out>.json)")
parser.add_argument("weights", nargs="+", help="two or more recognisers of one architecture")
args = parser.parse_args()
if len(args.weights) < 2:
    parser.error("give two or more recognisers")

loaded = [load_recognizer(path) for path in args.weights]
model, config, _ = loaded[0]


def network(c):
    """The configuration without the fields that only training choices change."""
    return dataclasses.replace(c, **{f: getattr(config, f) for f in TRAINING_FIELDS})


for path, (_, other, _) in zip(args.weights[1:], loaded[1:]):
    if network(other) != network(config):
        raise ValueError(f"{path}: configuration {other} differs from {args.weights[0]}'s {config}")
weights = [m.get_weights() for m, _, _ in loaded]
model.set_weights([np.mean([w[i] for w in weights], axis=0).astype(weights[0][i].dtype)
                   for i in range(len(weights[0]))])
save_recognizer(model, config, args.out, {"soup_of": list(args.weights)})
print(f"saved {args.out}: the mean of {len(args.weights)} recognisers")
