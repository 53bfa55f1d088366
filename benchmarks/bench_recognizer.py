"""Recogniser candidates compared on the same synthetic data: accuracy after a short training and
speed on this machine. Prints a Markdown table (the README's architecture table).

    .venv/bin/python benchmarks/bench_recognizer.py [--train 40000] [--epochs 2]

Uses (and creates if needed) the synthetic sets of `lprlab train recognizer` under data/synth/.
"""
import argparse
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import __version__, evaluation  # noqa: E402
from lprlab.metrics import char_accuracy, plate_accuracy  # noqa: E402
from lprlab.models.recognizer import RecognizerConfig  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402
from lprlab.train import make_synthetic_set, train_recognizer  # noqa: E402

CANDIDATES = {
    "stem + (32,64,128; 1,2,2), attention head, GRU context": RecognizerConfig(context="gru"),
    "stem + (32,64,128; 1,2,2), attention head, conv context": RecognizerConfig(context="conv"),
    "stem + (32,64,128; 1,2,2), attention head, attention context": RecognizerConfig(context="attention"),
    "stem + (32,64,128; 1,2,2), attention head, no context": RecognizerConfig(context="none"),
    "stem + (32,64,128; 1,2,2), dense head 256": RecognizerConfig(slot_attention=False, dropout=0.3),
    "stem + (32,64,128; 1,1,1), attention head": RecognizerConfig(convs=(1, 1, 1)),
    "48x128, stem + (32,64,128; 1,2,2), attention head": RecognizerConfig(image_size=(48, 128)),
}

parser = argparse.ArgumentParser()
parser.add_argument("--train", type=int, default=40_000)
parser.add_argument("--val", type=int, default=2_000)
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--only", help="substring of the candidates to run")
args = parser.parse_args()
try:
    real = evaluation.real_test_sets()[0]  # the real US crops: a check on generalisation, not a target
except FileNotFoundError:
    real = None
print(f"| candidate | params | val char acc | val plate acc | real US crops | batched plates/s | one plate |  "
      f"({args.train} crops, {args.epochs} epochs)")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, config in CANDIDATES.items():
    if args.only and args.only not in name:
        continue
    size = f"{config.image_size[0]}x{config.image_size[1]}"
    train = make_synthetic_set(config, args.train, 0, f"data/synth/bench-{size}-{args.train}-s0-v{__version__}")
    val = make_synthetic_set(config, args.val, 1, f"data/synth/bench-{size}-{args.val}-s1-v{__version__}")
    with tempfile.TemporaryDirectory() as run:
        train_recognizer(config, run, train, val, args.epochs, verbose=0)
        recognizer = load_recognizer(os.path.join(run, "model"))
    readings = recognizer.read(list(val[0]))
    texts = [r.text for r in readings]
    speed = evaluation.measure_speed(recognizer)
    real_top1 = "-"
    if real is not None:
        real_top1 = f"{plate_accuracy(real.texts, [r.text for r in recognizer.read(real.images)]):.1%}"
    print(f"| {name} | {recognizer.model.count_params():,} | {char_accuracy(val[1], texts):.1%} | "
          f"{plate_accuracy(val[1], texts):.1%} | {real_top1} | {speed['plates_per_s']:,.0f} | "
          f"{speed['ms_per_plate']:.2f} ms |",
          flush=True)
