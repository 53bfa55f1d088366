"""Does the US slab-serif I (`lprlab.formats.SLAB_I`, 0.9.2) teach the recogniser to read T and L as I?

The shipped pair reads a plain, fully visible T or L as I on generator 0.35.0's clean synthetic test
set (README, "Recogniser results", session 37). This probe continues one network on fresh crops twice
from the same weights, seed and texts: once as the generator draws them, once with every slab I drawn
as the font's plain I (`--plain-i`; the random draws are the same, only that glyph changes). Then it
counts, on the clean synthetic test set, how often each letter is read as another, and reads the real
crops.

    .venv/bin/python benchmarks/slab_i_probe.py train --out data/runs/slab-with --count 80000 --seed 50
    .venv/bin/python benchmarks/slab_i_probe.py train --out data/runs/slab-plain --count 80000 --seed 50 --plain-i
    .venv/bin/python benchmarks/slab_i_probe.py score weights/recognizer_latin_both data/runs/slab-with/model \\
        data/runs/slab-plain/model
"""
import argparse
import collections
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import evaluation, render  # noqa: E402
from lprlab.formats import SLAB_I  # noqa: E402

LETTERS = "TLJFI"  # the letters a stem with a bar at one end makes, and I itself


def plain_i() -> None:
    """Draws `SLAB_I` as the font's own I from now on (this process and the workers it forks)."""
    render.PLATE_FORMS[SLAB_I] = lambda font_name: render._glyph_ink(font_name, "I")
    render._glyph_ink.cache_clear()


def train(args) -> None:
    from lprlab.models.recognizer import load_recognizer
    from lprlab.train import train_recognizer_synthetic

    if args.plain_i:
        plain_i()
    model, config, _ = load_recognizer(args.init)
    config = dataclasses.replace(config, seed=args.seed, free_text=0.25, learning_rate=args.learning_rate)
    data_dir = f"data/synth-slab-{'plain' if args.plain_i else 'with'}"
    train_recognizer_synthetic(config, args.out, args.count, 5000, args.epochs, 128, data_dir, verbose=2,
                               initial_model=model)


def score(args) -> None:
    from lprlab.recognition import load_recognizer

    print("| weights | clean top-1 | " + " | ".join(f"{c} read I" for c in LETTERS[:-1])
          + " | I read as another | I misread | all letters misread | real crops with patterns |")
    print("|---|---:|" + "---:|" * (len(LETTERS) + 3))
    clean = None
    for weights in args.weights:
        reader = load_recognizer(weights)
        if clean is None:
            clean = evaluation.synthetic_test_set(reader.config.formats, args.count, reader.config.image_size, "none")
        table, readings = evaluation.evaluate(reader, clean)
        seen, as_i, wrong = collections.Counter(), collections.Counter(), collections.Counter()
        for truth, reading in zip(clean.texts, readings):
            if len(truth) != len(reading.text):
                continue
            for a, b in zip(truth, reading.text):
                seen[a] += 1
                wrong[a] += a != b
                as_i[a] += b == "I" and a != "I"
        letters = sum(v for k, v in seen.items() if k.isalpha())
        letters_wrong = sum(v for k, v in wrong.items() if k.isalpha())
        real = sum(round(evaluation.evaluate(reader, s, patterns=True)[0]["all"]["plate"] * len(s.texts))
                   for s in evaluation.real_test_sets())
        print(f"| {weights} | {table['all']['plate']:.1%} | "
              + " | ".join(f"{as_i[c]} of {seen[c]}" for c in LETTERS[:-1])
              + f" | {wrong['I']} of {seen['I']} | {wrong['I'] / max(seen['I'], 1):.1%} | "
              f"{letters_wrong} of {letters} | {real} of 599 |", flush=True)


parser = argparse.ArgumentParser()
commands = parser.add_subparsers(dest="command", required=True)
run = commands.add_parser("train")
run.add_argument("--out", required=True)
run.add_argument("--init", default="weights/recognizer_latin_both")
run.add_argument("--count", type=int, default=80000)
run.add_argument("--epochs", type=int, default=1)
run.add_argument("--seed", type=int, default=50)
run.add_argument("--learning-rate", type=float, default=2e-4)
run.add_argument("--plain-i", action="store_true", help="draw every slab I as the font's plain I")
run.set_defaults(run=train)
check = commands.add_parser("score")
check.add_argument("weights", nargs="+")
check.add_argument("--count", type=int, default=3000, help="clean synthetic test crops")
check.set_defaults(run=score)
args = parser.parse_args()
args.run(args)
