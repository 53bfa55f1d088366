"""Continues recogniser weights on a synthetic crop set already on disk (the control of a generator
change: the same weights, steps and learning rate as `lprlab train recognizer --init`, on an older
generator's crops that the weights never saw).

    .venv/bin/python benchmarks/continue_on_folder.py --weights weights/recognizer_latin \
        --train data/synth/recognizer-...-v0.14.0-200000-s0 --val data/synth/recognizer-...-v0.14.0-5000-s1 \
        --out data/runs/rec-latin-control [--epochs 4] [--learning-rate 3e-4] [--seed 1]

The run folder is the same as `lprlab train recognizer`'s (checkpoints every epoch, resumable).
"""
import argparse
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab.models.recognizer import load_recognizer  # noqa: E402
from lprlab.train import load_plate_folder, train_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin")
parser.add_argument("--train", required=True, help="synthetic crop folder (images + labels.csv)")
parser.add_argument("--val", required=True, help="validation crop folder")
parser.add_argument("--out", required=True)
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--learning-rate", type=float, default=3e-4)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
model, config, _ = load_recognizer(args.weights)
config = dataclasses.replace(config, seed=args.seed, learning_rate=args.learning_rate)
train_recognizer(config, args.out, load_plate_folder(args.train, config), load_plate_folder(args.val, config),
                 args.epochs, initial_model=model, verbose=2)
print(args.out)
