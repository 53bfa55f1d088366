"""Every recogniser figure of the README: synthetic test set (augmented and clean), the real openalpr
sets (exact and O/0 I/1 merged; raw, and fitted to the region's plate patterns as the end-to-end
reader does), speed, and with --finetune the fine-tuned model on held-out real crops.

    .venv/bin/python benchmarks/eval_recognizer.py [--weights weights/recognizer_latin_both[,weights/recognizer_latin_h64_both]] [--finetune]
        [--precision bfloat16]
    .venv/bin/python benchmarks/eval_recognizer.py --weights weights/recognizer_cjk --synthetic-only
    .venv/bin/python benchmarks/eval_recognizer.py --per-plate a.csv   # each real crop's outcome, with patterns
                                                                       # (compare two: benchmarks/compare_readers.py)
"""
import argparse
import csv
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lprlab import evaluation  # noqa: E402
from lprlab.images import read_image  # noqa: E402
from lprlab.recognition import ViewAverage, load_recognizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="weights/recognizer_latin_both,weights/recognizer_latin_h64_both",
                    help="A,B averages several (default: the shipped pair; --finetune tunes every member)")
parser.add_argument("--precision", default="float32", choices=("float32", "bfloat16"))
parser.add_argument("--count", type=int, default=3000, help="synthetic test crops")
parser.add_argument("--finetune", action="store_true", help="also fine-tune on half the real crops (every member, the same split) and score both readers on the other half")
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--per-plate", help="write each real crop's reading with patterns here (CSV)")
parser.add_argument("--real-only", action="store_true", help="only the real sets (no synthetic rows, no speed)")
parser.add_argument("--decode", choices=("left", "right"),
                    help="read only one alignment of a two-alignment recogniser (default: both together)")
parser.add_argument("--us-character-weights", type=lambda v: {} if v == "none" else
                    {k: float(w) for k, w in (item.split("=") for item in v.split(","))},
                    help="the US sets' character prior ratios for the 'us patterns' rows, e.g. O=0.5,I=1 "
                         "(default: lprlab.postprocess.REGION_CHARACTER_WEIGHTS)")
parser.add_argument("--us-serial-weight", type=float, default=None,
                    help="the US sets' prior ratio of a reading that fits no serial layout, for the 'us patterns' "
                         "rows (lprlab.postprocess.prefer_serials; default: REGION_SERIAL_WEIGHTS, none)")
parser.add_argument("--tta", action="store_true",
                    help="read every crop in the nine cuts of lprlab.recognition.TTA_VIEWS, averaged (ViewAverage)")
parser.add_argument("--synthetic-only", action="store_true", help="skip the real sets (CJK: none exist here)")
args = parser.parse_args()
recognizer = load_recognizer(args.weights, args.precision)
if args.tta:
    recognizer = ViewAverage(recognizer)
recognizer.alignment = args.decode
config = recognizer.config


def show(name, table):
    row = table["all"]
    groups = "  ".join(f"{g} {r['plate']:.1%}" for g, r in sorted(table.items()) if g != "all")
    print(f"| {name} | {row['n']} | {row['plate']:.1%} | {row['plate_merged']:.1%} | {row['char']:.1%} | {groups} |",
          flush=True)


print(f"weights {args.weights}, {args.precision}" + (", nine views averaged (--tta)" if args.tta else "")
      + ("" if args.us_character_weights is None else f", US character weights {args.us_character_weights}")
      + ("" if args.us_serial_weight is None else f", US serial weight {args.us_serial_weight}"))
print("| set | n | plate top-1 | O/0 I/1 merged | characters | per group |")
print("|---|---:|---:|---:|---:|---|")
for augment in () if args.real_only else ("full", "none"):
    eval_set = evaluation.synthetic_test_set(config.formats, args.count, config.image_size, augment)
    show(f"synthetic ({augment})", evaluation.evaluate(recognizer, eval_set)[0])
real_sets = [] if args.synthetic_only else evaluation.real_test_sets()
outcomes = []
for eval_set in real_sets:
    show(eval_set.name, evaluation.evaluate(recognizer, eval_set)[0])
    table, readings = evaluation.evaluate(recognizer, eval_set, patterns=True, weights=(
        args.us_character_weights if eval_set.region == "us" else None),
        serial_weight=args.us_serial_weight if eval_set.region == "us" else None)
    show(f"{eval_set.name}, {eval_set.region} patterns", table)
    outcomes += [{"region": eval_set.name, "photo": str(i), "truth": truth, "text": reading.text,
                  "confidence": float(reading.confidence), "read": reading.text == truth}
                 for i, (truth, reading) in enumerate(zip(eval_set.texts, readings))]
    if eval_set.region == "br":
        show(f"{eval_set.name}, {eval_set.region} patterns, no colours",
             evaluation.evaluate(recognizer, eval_set, patterns=True, colours=False)[0])
    if eval_set.region == "us":  # the US's rare O and I as a prior (lprlab.postprocess.REGION_CHARACTER_WEIGHTS)
        show(f"{eval_set.name}, {eval_set.region} patterns, no priors",
             evaluation.evaluate(recognizer, eval_set, patterns=True, priors=False)[0])
        if args.us_serial_weight is not None:
            show(f"{eval_set.name}, {eval_set.region} patterns, no serial prior",
                 evaluation.evaluate(recognizer, eval_set, patterns=True, weights=args.us_character_weights)[0])
if not args.synthetic_only and not args.real_only:  # Brazil's two formats with patterns, with and without the crop's colours
    for augment in ("full", "none"):
        br = evaluation.synthetic_test_set(("br_mercosur", "br_old"), 2000, config.image_size, augment)
        br = evaluation.EvalSet(f"synthetic br ({augment})", br.images, br.texts, br.groups, "br")
        show(f"{br.name}, br patterns", evaluation.evaluate(recognizer, br, patterns=True)[0])
        show(f"{br.name}, br patterns, no colours", evaluation.evaluate(recognizer, br, patterns=True, colours=False)[0])
if args.per_plate and outcomes:
    with open(args.per_plate, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(outcomes[0]))
        writer.writeheader()
        writer.writerows(outcomes)
if not args.real_only:
    speed = evaluation.measure_speed(recognizer)
    print(f"speed: {speed['plates_per_s']:,.0f} plates/s batched, {speed['ms_per_plate']:.2f} ms one plate")
if args.finetune:
    from lprlab.datasets import read_labels
    from lprlab.real import export_plates, load_openalpr_crops, load_openalpr_endtoend
    from lprlab.train import finetune_recognizers

    plates = load_openalpr_crops(region="us") + [p for r in ("br", "eu", "us") for p in load_openalpr_endtoend(region=r)]
    with tempfile.TemporaryDirectory() as folder:
        export_plates(plates, os.path.join(folder, "crops"))
        tuned_weights, held = finetune_recognizers(args.weights, os.path.join(folder, "crops"), os.path.join(folder, "run"),
                                                   epochs=args.epochs, verbose=0)
        tuned = load_recognizer(tuned_weights, args.precision)
        rows = {r["file"]: r for r in read_labels(os.path.join(folder, "crops"))}
        held_set = evaluation.EvalSet("held-out", [read_image(os.path.join(folder, "crops", f)) for f in held],
                                      [rows[f]["text"] for f in held], [rows[f]["format"] for f in held])
        show("held-out real, synthetic only", evaluation.evaluate(recognizer, held_set)[0])
        show("held-out real, fine-tuned", evaluation.evaluate(tuned, held_set)[0])
