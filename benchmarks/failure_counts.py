"""Failure counts of a recogniser on the real sets: US crops read longer than their truth, BR plates
whose first-letter O is read D or Q (with patterns), and raw look-alike substitutions in readings of
the true length (over the four real sets).

    .venv/bin/python benchmarks/failure_counts.py WEIGHTS
"""
import collections
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import evaluation  # noqa: E402
from lprlab.recognition import load_recognizer  # noqa: E402

recognizer = load_recognizer(sys.argv[1] if len(sys.argv) > 1 else None)
substitutions = collections.Counter()
longer = first_o = 0
for eval_set in evaluation.real_test_sets():
    _, raw = evaluation.evaluate(recognizer, eval_set)
    _, fitted = evaluation.evaluate(recognizer, eval_set, patterns=True)
    for truth, reading, raw_reading in zip(eval_set.texts, fitted, raw):
        if eval_set.name == "crops/us" and len(raw_reading.text) > len(truth):
            longer += 1
        if len(raw_reading.text) == len(truth):
            substitutions.update((a, b) for a, b in zip(truth, raw_reading.text) if a != b)
        if eval_set.region == "br" and reading.text != truth and truth[0] == "O" and reading.text[:1] in ("D", "Q"):
            first_o += 1
print(f"weights {sys.argv[1] if len(sys.argv) > 1 else 'weights/recognizer_latin'}")
print("US crops read longer than their truth (raw):", longer)
print("BR plates whose first-letter O is read D or Q (patterns):", first_o)
print("raw substitutions in readings of the true length:",
      ", ".join(f"{a}->{b} {n}" for (a, b), n in substitutions.most_common(16)))
