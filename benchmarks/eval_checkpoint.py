"""Real-set top-1 (raw and with region patterns) of a training run's checkpoint, while the run goes
on: the learning curve on real plates, epoch by epoch.

    .venv/bin/python benchmarks/eval_checkpoint.py RUN_DIR [last|best] [--with WEIGHTS[,WEIGHTS]]

With ``--with`` the checkpoint is read averaged with those weights (`lprlab.recognition.Ensemble`),
as a candidate member of the shipped pair would be.

Copies ``RUN_DIR/<which>.keras`` first (the run rewrites it at each epoch end) and reads its
network configuration from ``RUN_DIR/config.json``.
"""
import json
import os
import shutil
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from lprlab import evaluation  # noqa: E402
from lprlab.models.recognizer import RecognizerConfig  # noqa: E402
from lprlab.recognition import Ensemble, Recognizer, load_recognizer  # noqa: E402

arguments = sys.argv[1:]
partners = []
if "--with" in arguments:
    at = arguments.index("--with")
    partners = [p for p in arguments[at + 1].split(",") if p]
    del arguments[at:at + 2]
run = arguments[0]
which = arguments[1] if len(arguments) > 1 else "last"
folder = tempfile.mkdtemp()
shutil.copy(os.path.join(run, f"{which}.keras"), os.path.join(folder, "model.keras"))
with open(os.path.join(run, "config.json")) as handle:
    config = RecognizerConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in json.load(handle).items()})
recognizer = Recognizer(keras.models.load_model(os.path.join(folder, "model.keras"), compile=False), config, {})
shutil.rmtree(folder)
if partners:
    recognizer = Ensemble([recognizer] + [load_recognizer(p) for p in partners])
    print(f"{run}/{which} averaged with {', '.join(partners)}")
raw_total = pattern_total = 0
for eval_set in evaluation.real_test_sets():
    raw, _ = evaluation.evaluate(recognizer, eval_set)
    fitted, _ = evaluation.evaluate(recognizer, eval_set, patterns=True)
    n = raw["all"]["n"]
    raw_total += round(raw["all"]["plate"] * n)
    pattern_total += round(fitted["all"]["plate"] * n)
    print(f"{eval_set.name:14s} n={n:4d} raw {raw['all']['plate']:.1%}  patterns {fitted['all']['plate']:.1%}",
          flush=True)
print(f"real plates read: raw {raw_total}, with patterns {pattern_total}")
