"""How the end-to-end reader's choice among its views of a box costs or gains plates, per recogniser.

`lprlab.ALPR` reads each detected box at five views (margins 0.04, 0.08, 0.12; heights 0.85 and 1.2
at the middle margin) and keeps the reading that fits a region pattern with the highest probability.
For every true plate of the real end-to-end photos that the detector finds (IoU >= 0.4, boxes down
to the verifier's rescue floor 0.05, before the reader's confidence floors), this counts the plates
read right by each view alone, by any view (the ceiling of any choice), and by each rule of choice:
``max`` (the reader's: the fitting reading of highest probability), ``sum`` (the text whose
probabilities summed over the views is highest), ``majority`` (the most frequent text), ``mean``
(the views' slot probabilities averaged, then decoded and post-processed once: test-time
augmentation at the level of characters), ``geo`` (the same with the geometric mean), ``mean4``
(``mean`` without the 1.2-height view), and ``max+mean`` (``max`` over the five views and the
averaged reading).

    .venv/bin/python benchmarks/view_selection.py [--recognizer W [W ...]] [--dump views.jsonl]

With --dump, every plate's readings at ALPR's views and at `EXTRA_VIEWS` (fits a pattern,
probability, text, raw top-5 alternatives) are written one JSON object per plate and recogniser,
for studying other rules without running the detector again.
"""
import argparse
import collections
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from lprlab import evaluation, metrics  # noqa: E402
from lprlab.detection import load_detector  # noqa: E402
from lprlab.images import resize_batch  # noqa: E402
from lprlab.models.recognizer import decode  # noqa: E402
from lprlab.pipeline import _scale_height, crop_box  # noqa: E402
from lprlab.postprocess import (  # noqa: E402
    REGION_CHARACTER_WEIGHTS, colour_preferred_formats, postprocess, region_formats, reweight)
from lprlab.recognition import load_recognizer  # noqa: E402

VIEWS = ((1.0, 0.04), (1.0, 0.08), (1.0, 0.12), (0.85, 0.08), (1.2, 0.08))  # (height factor, margin): ALPR's
EXTRA_VIEWS = tuple((f, m) for f in (0.85, 1.0, 1.2) for m in (0.0, 0.04, 0.08, 0.12, 0.16) if (f, m) not in VIEWS)

parser = argparse.ArgumentParser()
parser.add_argument("--recognizer", nargs="+", default=["weights/recognizer_latin"])
parser.add_argument("--detector", default="weights/detector")
parser.add_argument("--verifier", default="weights/verifier")
parser.add_argument("--dump", help="write every plate's readings at every view here (JSON lines)")
args = parser.parse_args()
dump = open(args.dump, "w") if args.dump else None
detector = load_detector(args.detector, verify=args.verifier)
recognizers = {name: load_recognizer(name) for name in args.recognizer}
columns = ["plates", "any view", *(f"view h{f:g} m{m:g}" for f, m in VIEWS), "max (ALPR)", "sum", "majority", "mean", "geo",
           "mean4", "max+mean"]
print("| recogniser | region | " + " | ".join(columns) + " |\n|---|---|" + "---:|" * len(columns))
for photo_set in evaluation.real_photo_sets():
    counts = {name: collections.Counter() for name in recognizers}
    for image, boxes, texts in zip(photo_set.images, photo_set.boxes, photo_set.texts):
        found = detector.detect(image, verify_threshold=0.05)
        if not found:
            continue
        iou = metrics.iou_matrix(np.asarray(boxes, np.float32).reshape(-1, 4), np.array([d.box for d in found]))
        for i, truth in enumerate(texts):
            j = int(iou[i].argmax())
            if iou[i, j] < 0.4:
                continue
            all_views = VIEWS + (EXTRA_VIEWS if dump else ())
            every_crop = [crop_box(image, _scale_height(found[j].box, f), m) for f, m in all_views]
            crops = every_crop[:len(VIEWS)]
            for name, recognizer in recognizers.items():
                formats = region_formats(photo_set.name, tuple(recognizer.config.formats))
                weights = REGION_CHARACTER_WEIGHTS.get(photo_set.name, {})

                def fit(reading, crop=crops[1]):
                    text, probability, fmt = postprocess(reweight(reading.alternatives, weights), formats,
                                                         colour_preferred_formats(crop, formats))
                    return fmt is not None, probability, text

                slots = recognizer._forward(resize_batch(every_crop, recognizer.config.image_size))
                every_reading = decode(np.asarray(slots, np.float64), recognizer.config, 5)
                every_candidate = [fit(r, c) for c, r in zip(every_crop, every_reading)]
                if dump:
                    dump.write(json.dumps({"recognizer": name, "region": photo_set.name, "truth": truth, "views": [
                        {"height": f, "margin": m, "fits": bool(c[0]), "probability": float(c[1]), "text": c[2],
                         "alternatives": [[t, float(p)] for t, p in r.alternatives]}
                        for (f, m), c, r in zip(all_views, every_candidate, every_reading)]}) + "\n")
                slots = np.asarray(slots, np.float64)[:len(VIEWS)]
                candidates = every_candidate[:len(VIEWS)]
                geo = np.exp(np.log(np.clip(slots, 1e-12, 1)).mean(axis=0))
                fused = {"mean": fit(decode(slots.mean(axis=0)[None], recognizer.config, 5)[0]),
                         "geo": fit(decode((geo / geo.sum(axis=1, keepdims=True))[None], recognizer.config, 5)[0]),
                         "mean4": fit(decode(slots[:4].mean(axis=0)[None], recognizer.config, 5)[0])}
                for rule, candidate in fused.items():
                    counts[name][rule] += candidate[2] == truth
                counts[name]["max+mean"] += max(candidates + [fused["mean"]], key=lambda c: (c[0], c[1]))[2] == truth
                summed = collections.defaultdict(float)
                for _, probability, text in candidates:
                    summed[text] += probability
                tally = counts[name]
                tally["plates"] += 1
                tally["any view"] += any(c[2] == truth for c in candidates)
                for (f, m), candidate in zip(VIEWS, candidates):
                    tally[f"view h{f:g} m{m:g}"] += candidate[2] == truth
                tally["max (ALPR)"] += max(candidates, key=lambda c: (c[0], c[1]))[2] == truth
                tally["sum"] += max(summed, key=summed.get) == truth
                tally["majority"] += collections.Counter(c[2] for c in candidates).most_common(1)[0][0] == truth
    for name, tally in counts.items():
        print(f"| {name} | {photo_set.name} | " + " | ".join(str(tally[c]) for c in columns) + " |", flush=True)
