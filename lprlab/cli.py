"""The `lprlab` command: parses arguments and calls the package (no logic lives here)."""
from __future__ import annotations

import argparse
import os
import sys

EXPECTED_ERRORS = (KeyError, ValueError, FileNotFoundError, NotADirectoryError, PermissionError)


def _size(text: str) -> tuple[int, int]:
    try:
        height, width = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH in pixels, e.g. 64x128, got {text!r}") from None
    return height, width


def _ints(text: str) -> tuple[int, ...]:
    """``48,96,192``: positive integers, comma-separated (argparse type)."""
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 32,64,128, got {text!r}") from None
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _margins(text: str) -> float | tuple[float, ...]:
    """``0.08`` or ``0.04,0.08,0.12``: one crop margin or several (argparse type)."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a margin or comma-separated margins like 0.04,0.08, got {text!r}") from None
    if any(not 0 <= v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"margins must be in [0, 1), got {text!r}")
    return values if len(values) > 1 else values[0]


def _heights(text: str) -> tuple[float, ...]:
    """``0.85,1.2``, or ``""`` for none: box height or width factors (argparse type)."""
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated box factors like 0.85,1.2, got {text!r}") from None
    if any(not 0 < v <= 3 for v in values):
        raise argparse.ArgumentTypeError(f"box factors must be in (0, 3], got {text!r}")
    return values


def _shifts(text: str) -> tuple[tuple[float, float], ...]:
    """``0.85:-0.1,0.85:0.1`` (width factor:centre shift pairs), or ``""`` for none: the reader's
    shifted views (argparse type)."""
    try:
        pairs = tuple(tuple(float(v) for v in item.split(":")) for item in text.split(",") if item.strip())
    except ValueError:
        pairs = ((),)
    if any(len(p) != 2 for p in pairs):
        raise argparse.ArgumentTypeError(f"expected WIDTH:SHIFT pairs like 0.85:-0.1,0.85:0.1, got {text!r}")
    if any(not (0 < w <= 3 and -1 <= d <= 1) for w, d in pairs):
        raise argparse.ArgumentTypeError(f"widths must be in (0, 3] and shifts in [-1, 1], got {text!r}")
    return pairs


def _generate(args) -> None:
    from lprlab.datasets import DatasetSpec, generate_dataset  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415

    formats = tuple(f.name for f in resolve_formats(args.format))
    spec = DatasetSpec(args.kind, formats, args.count, args.seed, args.size, args.preset, args.augment,
                       os.path.abspath(args.backgrounds) if args.backgrounds else None)
    labels = generate_dataset(args.out, spec, workers=args.workers, scheduler=args.scheduler,
                              show_progress=not args.quiet)
    print(labels)


def _formats(args) -> None:
    from lprlab.formats import resolve_formats  # noqa: PLC0415

    for fmt in resolve_formats("all"):
        patterns = sorted({p for v in fmt.variants for p in v.patterns})
        print(f"{fmt.name:12s} {fmt.description}\n{'':12s} variants: {', '.join(v.name for v in fmt.variants)}"
              f"\n{'':12s} patterns: {' | '.join(patterns)}\n{'':12s} alphabet ({len(fmt.alphabet)}): {fmt.alphabet}")


def _demo(args) -> None:
    from lprlab.demo import run_demo  # noqa: PLC0415

    print(run_demo(args.out, args.seed, args.backgrounds, args.photos, args.limit))


def _train(args) -> None:
    from lprlab.models.recognizer import RecognizerConfig  # noqa: PLC0415
    from lprlab.plate_catalog import CJK_FORMATS, LATIN_FORMATS  # noqa: PLC0415
    from lprlab.train import finetune_recognizers, train_recognizer_synthetic  # noqa: PLC0415

    if args.finetune:
        from lprlab.recognition import DEFAULT_WEIGHTS  # noqa: PLC0415

        tuned, held = finetune_recognizers(args.weights or ",".join(str(w) for w in DEFAULT_WEIGHTS), args.finetune,
                                           args.out, holdout=args.holdout, epochs=args.epochs, seed=args.seed,
                                           verbose=2)
        print(f"{tuned} (held out {len(held)} crops, listed in holdout.json; read with --weights {tuned})")
        return
    from lprlab.formats import max_text_length, resolve_formats  # noqa: PLC0415

    if args.hard_pool and not args.init:
        raise SystemExit("--hard-pool mines with the weights of --init: give --init WEIGHTS")
    teacher = {}
    if args.teacher:
        if not 0.0 <= args.distill <= 1.0 or args.temperature < 1.0:
            raise SystemExit(f"--distill must be in [0, 1] and --temperature >= 1, got {args.distill} and "
                             f"{args.temperature}")
        from lprlab.recognition import load_recognizer as load_reader  # noqa: PLC0415

        try:
            teacher = {"teacher": load_reader(args.teacher), "distill": args.distill,
                       "temperature": args.temperature, "teacher_name": args.teacher}
        except (FileNotFoundError, ValueError) as error:
            raise SystemExit(f"--teacher {args.teacher}: {error}") from None
    if args.init:
        import dataclasses  # noqa: PLC0415

        from lprlab.models.recognizer import load_recognizer  # noqa: PLC0415

        model, config, _ = load_recognizer(args.init)
        if args.size and tuple(args.size) != tuple(config.image_size):
            from lprlab.models.recognizer import grow_recognizer  # noqa: PLC0415

            try:
                model, config = grow_recognizer(model, config, args.size)
            except ValueError as error:
                raise SystemExit(f"--size {args.size[0]}x{args.size[1]} with --init {args.init}: {error}") from None
        if args.alignment == "both" and config.alignment != "both":
            from lprlab.models.recognizer import add_right_slots  # noqa: PLC0415

            try:
                model, config = add_right_slots(model, config)
            except ValueError as error:
                raise SystemExit(f"--alignment both with --init {args.init}: {error}") from None
        elif args.alignment == "left" and config.alignment != "left":
            raise SystemExit(f"--alignment left with --init {args.init}: those weights read both alignments")
        if args.grey and not config.grey:
            from lprlab.models.recognizer import make_grey  # noqa: PLC0415

            model, config = make_grey(model, config)
        config = dataclasses.replace(config, seed=args.seed, free_text=args.free_text, loose_crops=args.loose_crops,
                                     learning_rate=args.learning_rate or config.learning_rate)
        train_recognizer_synthetic(config, args.out, args.count, args.val_count, args.epochs, args.batch_size,
                                   args.data_dir, verbose=2, initial_model=model, hard_pool=args.hard_pool, **teacher)
        print(args.out)
        return
    groups = {"latin": LATIN_FORMATS, "cjk": CJK_FORMATS}
    formats = resolve_formats(",".join(groups.get(args.formats) or args.formats.split(",")))
    config = RecognizerConfig(image_size=args.size or (32, 128), formats=tuple(f.name for f in formats), seed=args.seed,
                              alphabet="".join(sorted(set("".join(f.alphabet for f in formats)))),
                              max_chars=max(max_text_length(f) for f in formats), free_text=args.free_text,
                              loose_crops=args.loose_crops, context=args.context,
                              stem_filters=args.stem_filters, filters=args.filters,
                              convs=args.convs or (1,) + (2,) * (len(args.filters) - 1),
                              dense_units=args.dense_units, alignment=args.alignment or "left", grey=args.grey,
                              **({"learning_rate": args.learning_rate} if args.learning_rate else {}))
    train_recognizer_synthetic(config, args.out, args.count, args.val_count, args.epochs, args.batch_size,
                               args.data_dir, verbose=2, **teacher)
    print(args.out)


def _train_detector(args) -> None:
    from lprlab.formats import resolve_formats  # noqa: PLC0415
    from lprlab.models.detector import DetectorConfig  # noqa: PLC0415
    from lprlab.plate_catalog import LATIN_FORMATS  # noqa: PLC0415
    from lprlab.train_detector import train_detector_synthetic  # noqa: PLC0415

    names = LATIN_FORMATS if args.formats == "latin" else args.formats
    formats = tuple(f.name for f in resolve_formats(names if isinstance(names, str) else ",".join(names)))
    backgrounds = os.path.abspath(args.backgrounds) if args.backgrounds else None
    try:
        filters = tuple(int(f) for f in args.filters.split(","))
    except ValueError:
        raise ValueError(f"--filters must be comma-separated integers, got {args.filters!r}") from None
    config = DetectorConfig(formats=formats, seed=args.seed, filters=filters, head_units=args.head_units)
    train_detector_synthetic(config, args.out, args.count, args.val_count, args.epochs, args.batch_size,
                             args.data_dir, backgrounds, verbose=2, hard_negatives=args.hard_negatives,
                             hard_epochs=args.hard_epochs, init=args.init)
    print(args.out)


def _train_verifier(args) -> None:
    from lprlab.models.verifier import VerifierConfig  # noqa: PLC0415
    from lprlab.train_verifier import train_verifier_synthetic  # noqa: PLC0415

    backgrounds = os.path.abspath(args.backgrounds) if args.backgrounds else None
    train_verifier_synthetic(VerifierConfig(seed=args.seed), args.out, args.detector, args.images, args.val_images,
                             args.epochs, args.data_dir, backgrounds, verbose=2, wide=args.wide_positives,
                             wide_min_iou=args.wide_min_iou, photometric=args.photometric, camera=args.camera,
                             soft=args.soft_plates, soft_images=args.soft_images)
    print(args.out)


def _train_box_regressor(args) -> None:
    from lprlab.models.box_regressor import BoxRegressorConfig  # noqa: PLC0415
    from lprlab.formats import resolve_formats  # noqa: PLC0415
    from lprlab.train_box_regressor import LATIN_FORMATS, train_box_regressor_synthetic  # noqa: PLC0415

    names = LATIN_FORMATS if args.formats == "latin" else args.formats
    formats = tuple(f.name for f in resolve_formats(names if isinstance(names, str) else ",".join(names)))
    backgrounds = os.path.abspath(args.backgrounds) if args.backgrounds else None
    train_box_regressor_synthetic(BoxRegressorConfig(seed=args.seed), args.out, args.images, args.val_images,
                                  args.epochs, args.data_dir, backgrounds, formats, args.workers, args.batch_size,
                                  verbose=2, photometric=args.photometric, wild=args.wild, flank=args.flank)
    print(args.out)


def _train_enhancer(args) -> None:
    from lprlab.models.enhancer import EnhancerConfig, default_upsample_filters  # noqa: PLC0415
    from lprlab.train_enhancer import train_enhancer_synthetic  # noqa: PLC0415

    generator = None
    if args.init:
        import dataclasses  # noqa: PLC0415

        from lprlab.models.enhancer import load_enhancer  # noqa: PLC0415

        generator, config, _ = load_enhancer(args.init)
        config = dataclasses.replace(config, seed=args.seed, text_weight=args.text_weight,
                                     exact_share=args.exact_share,
                                     learning_rate=args.learning_rate or config.learning_rate)
    else:
        config = EnhancerConfig(scale=args.scale, filters=args.filters, blocks=args.blocks, seed=args.seed,
                                upsample_filters=default_upsample_filters(args.scale, args.filters),
                                upsampler=args.upsampler,
                                text_weight=args.text_weight, exact_share=args.exact_share,
                                **({"learning_rate": args.learning_rate} if args.learning_rate else {}))
    train_enhancer_synthetic(config, args.out, count=args.count, val_count=args.val_count,
                             pretrain_epochs=args.pretrain_epochs, gan_epochs=args.gan_epochs,
                             adversarial_weight=args.adversarial_weight, batch_size=args.batch_size,
                             data_dir=args.data_dir, verbose=2, generator=generator)
    print(args.out)


def _read(args) -> None:
    import json  # noqa: PLC0415

    from lprlab.images import read_image  # noqa: PLC0415
    from lprlab.recognition import ViewAverage, load_recognizer  # noqa: PLC0415

    images = [read_image(path) for path in args.images]  # every input checked before any output
    recognizer = load_recognizer(args.weights, args.precision)
    if args.tta:
        recognizer = ViewAverage(recognizer)
    for path, reading in zip(args.images, recognizer.read(images)):
        if args.json:
            print(json.dumps({"image": path, "text": reading.text, "confidence": round(reading.confidence, 4)},
                             ensure_ascii=False))
        else:
            print(f"{path}\t{reading.text}\t{reading.confidence:.3f}")


def _enhance(args) -> None:
    import json  # noqa: PLC0415

    from lprlab.enhancement import enhance_to_folder, load_enhancer  # noqa: PLC0415

    enhancer = load_enhancer(args.weights, args.scale)
    for path, output in zip(args.images, enhance_to_folder(enhancer, args.images, args.out, args.mode)):
        print(json.dumps({"image": path, "output": str(output)}, ensure_ascii=False))


def _serve(args) -> None:
    from lprlab.serve import serve  # noqa: PLC0415

    serve(args.host, args.port, args.max_concurrency)


def _detect(args) -> None:
    import json  # noqa: PLC0415

    from lprlab.detection import detect_files, load_detector  # noqa: PLC0415

    detector = load_detector(args.weights, args.precision,
                             verify=False if args.no_verify else (args.verifier or True), searcher=not args.no_search)
    found = detect_files(detector, args.images, threshold=args.threshold, base_scale=args.base_scale,
                         refine=args.refine, offsets=tuple(args.offsets), fit=args.fit,
                         verify_fitted=args.verify_fitted)
    for path, detections in zip(args.images, found):
        boxes = [{"box": [round(v, 1) for v in d.box], "score": round(d.score, 4)}
                 | ({} if d.verification is None else {"verification": round(d.verification, 4)}) for d in detections]
        if args.json:
            print(json.dumps({"image": path, "boxes": boxes}))
        else:
            print(f"{path}\t{len(boxes)} plate(s)" + "".join(f"\t{b['box']} {b['score']:.3f}" for b in boxes))


def _alpr(args) -> None:
    import json  # noqa: PLC0415
    import pathlib  # noqa: PLC0415

    from lprlab.images import read_image  # noqa: PLC0415
    from lprlab.pipeline import ALPR, annotate  # noqa: PLC0415

    images = [read_image(path) for path in args.images]  # every input checked before any output
    watchlist = None
    if args.watchlist:
        from lprlab.watchlist import Watchlist  # noqa: PLC0415

        watchlist = Watchlist(args.watchlist)
    from lprlab.detection import load_detector  # noqa: PLC0415

    recognizer = None
    detector = load_detector(args.detector_weights, args.precision,
                             verify=False if args.no_verify else (args.verifier or True), searcher=not args.no_search)
    if args.weights or args.precision == "bfloat16":
        from lprlab.recognition import load_recognizer  # noqa: PLC0415

        recognizer = load_recognizer(args.weights, "float32" if args.precision == "auto" else args.precision)
    enhancer = None
    if args.enhance:
        from lprlab.enhancement import load_enhancer  # noqa: PLC0415

        enhancer = load_enhancer()
    alpr = ALPR(detector, recognizer, enhancer, region=args.region, watchlist=watchlist, threshold=args.threshold,
                verify_threshold=args.verify_threshold, rescue_confidence=args.rescue,
                rescue_floor=args.rescue_floor, margin=args.margin,
                heights=args.heights, widths=args.widths, base_scale=args.base_scale, min_confidence=args.min_confidence,
                enhance_below_px=args.enhance_below, offsets=tuple(args.offsets), fit=args.fit,
                verify_fitted=args.verify_fitted, shifts=args.shifts, shift_below=args.shift_below,
                serial_weight=args.serial_weight)
    if args.annotate:
        pathlib.Path(args.annotate).mkdir(parents=True, exist_ok=True)
    for path, image in zip(args.images, images):
        results = alpr.read(image)
        if args.annotate:
            from lprlab.datasets import atomic_write, encode_image  # noqa: PLC0415

            target = pathlib.Path(args.annotate) / (pathlib.Path(path).stem + ".jpg")
            atomic_write(target, encode_image(annotate(image, results), ".jpg"))
        if args.json:
            print(json.dumps({"image": path, "plates": [r.as_json(args.alternatives) for r in results]},
                             ensure_ascii=False))
        else:
            print(f"{path}\t" + "\t".join(f"{r.text} {r.confidence:.2f} {[round(v) for v in r.box]}"
                                           + (f" WATCHLIST {r.watchlist['plate']}" if r.watchlist else "")
                                           for r in results))


def _video(args) -> None:
    import json  # noqa: PLC0415

    from lprlab.pipeline import ALPR  # noqa: PLC0415
    from lprlab.video import open_video, read_video  # noqa: PLC0415

    open_video(args.source)[0].release()  # a bad source fails before the models load
    watchlist = None
    if args.watchlist:
        from lprlab.watchlist import Watchlist  # noqa: PLC0415

        watchlist = Watchlist(args.watchlist)
    from lprlab.recognition import VIDEO_WEIGHTS, load_recognizer  # noqa: PLC0415

    from lprlab.detection import load_detector  # noqa: PLC0415

    detector = load_detector(precision=args.precision)
    recognizer = load_recognizer(args.weights or VIDEO_WEIGHTS, "bfloat16" if args.precision == "bfloat16" else "float32")
    alpr = ALPR(detector, recognizer, region=args.region, watchlist=watchlist, threshold=args.threshold,
                offsets=tuple(args.offsets), fit=args.fit, widths=args.widths)
    events = args.events or (os.path.splitext(args.out)[0] + ".csv" if args.out else None)
    tracks = read_video(args.source, alpr, args.out, events, args.max_frames, args.every, progress=not args.json)
    for track in tracks:
        if args.json:
            print(json.dumps(track.as_json(), ensure_ascii=False))
        else:
            print(f"track {track.track}\t{track.text}\t{track.confidence:.2f}\tframes {track.first_frame}-"
                  f"{track.last_frame}" + (f"\tWATCHLIST {track.watchlist['plate']}" if track.watchlist else ""))


def _watchlist(args) -> None:
    from lprlab.watchlist import Watchlist  # noqa: PLC0415

    if args.action in ("add", "remove", "lookup") and not args.plate:
        raise ValueError(f"watchlist {args.action} needs a PLATE")
    if args.action == "import" and not args.csv:
        raise ValueError("watchlist import needs --csv FILE")
    with Watchlist(args.db) as watchlist:
        if args.action == "add":
            entry = watchlist.add(args.plate, args.label, args.note)
            print(f"added {entry.plate} to {args.db}")
        elif args.action == "import":
            print(f"imported {watchlist.import_csv(args.csv)} plate(s) into {args.db}")
        elif args.action == "remove":
            print(("removed " if watchlist.remove(args.plate) else "not listed: ") + args.plate)
        elif args.action == "lookup":
            match = watchlist.lookup(args.plate, args.max_distance)
            print(f"{match.entry.plate}\t{match.entry.label}\tdistance {match.distance:g}" if match else "no match")
        else:
            for entry in watchlist.entries():
                print(f"{entry.plate}\t{entry.label}\t{entry.note}\t{entry.added}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `lprlab` command."""
    from lprlab.pipeline import READER_DETECTOR_PRECISION, VIDEO_WIDTHS  # noqa: PLC0415 (numpy and cv2, no TensorFlow)

    parser = argparse.ArgumentParser(prog="lprlab", description="licence plate lab")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write a synthetic dataset (images + labels.csv)")
    gen.add_argument("--format", required=True, help="format name(s), comma-separated, or 'all'")
    gen.add_argument("--count", type=int, required=True)
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--kind", choices=("plate", "scene", "window", "tile"), default="plate")
    gen.add_argument("--out", required=True)
    gen.add_argument("--size", type=_size, default=(64, 128), help="HEIGHTxWIDTH of plates and windows (px)")
    gen.add_argument("--preset", default="cctv", help="scene preset: cctv or parking")
    gen.add_argument("--augment", default="none", help="none, geometry, photometric, degradation or full")
    gen.add_argument("--backgrounds", help="folder of background photos (default: procedural)")
    gen.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    gen.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(run=_generate)
    formats = commands.add_parser("formats", help="list the plate formats")
    formats.set_defaults(run=_formats)
    demo = commands.add_parser("demo", help="galleries of the generator, then real photos read end to end, in an HTML report")
    demo.add_argument("--out", default="data/demo")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--backgrounds", help="folder of background photos")
    demo.add_argument("--photos", help="folder of photos to read (default: the openalpr-dev photos when present)")
    demo.add_argument("--limit", type=int, help="read at most this many photos per region")
    demo.set_defaults(run=_demo)
    read = commands.add_parser("read", help="read plate crops (PNG/JPEG)")
    read.add_argument("images", nargs="+", metavar="IMG")
    read.add_argument("--weights", help="weights path without suffix; A,B averages several (default: the shipped "
                      "pair weights/recognizer_latin_both,weights/recognizer_latin_h64_both; weights/recognizer_latin_both "
                      "alone is about 2.5x faster)")
    read.add_argument("--json", action="store_true", help="one JSON object per image (JSON Lines)")
    read.add_argument("--tta", action="store_true", help="read each crop in nine cuts (a little wider, narrower, "
                      "taller, shorter) and average them (test-time augmentation; nine times the work)")
    read.add_argument("--precision", default="float32", choices=("float32", "bfloat16"),
                      help="arithmetic (bfloat16: faster on CPUs with AVX512-BF16)")
    read.set_defaults(run=_read)
    enhance = commands.add_parser("enhance", help="super-resolve low-resolution plate crops (SRGAN)")
    enhance.add_argument("images", nargs="+", metavar="IMG")
    enhance.add_argument("--out", required=True, help="folder for the enhanced PNGs (<stem>_x<scale>.png)")
    enhance.add_argument("--scale", type=int, default=4, choices=(2, 4, 8), help="scale factor")
    enhance.add_argument("--weights", help="weights path without suffix (default: weights/enhancer_x<scale>)")
    enhance.add_argument("--mode", default="native", choices=("native", "at_least_lr", "fixed"),  # ENHANCE_MODES
                         help="native: each image at its own size (output = input x scale); at_least_lr: "
                              "images lower than the enhancer's LR input enlarged to it first, as the reader "
                              "does; fixed: every image resized to the LR input (output = the HR size)")
    enhance.set_defaults(run=_enhance)
    srv = commands.add_parser("serve", help="the web page and JSON service (FastAPI; uploads only)")
    srv.add_argument("--host", default="127.0.0.1", help="address to bind (loopback by default)")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--max-concurrency", type=int, default=2, help="inferences run at once")
    srv.set_defaults(run=_serve)
    detect = commands.add_parser("detect", help="find plates in photos (PNG/JPEG)")
    detect.add_argument("images", nargs="+", metavar="IMG")
    detect.add_argument("--weights", help="weights path without suffix (default: weights/detector)")
    detect.add_argument("--precision", default="float32", choices=("float32", "bfloat16", "auto"),
                        help="arithmetic of the search (auto: bfloat16 where the CPU has AVX512-BF16 or AMX)")
    detect.add_argument("--threshold", type=float, default=0.5, help="presence probability to keep a box")
    detect.add_argument("--no-verify", action="store_true", help="skip the verifier (weights/verifier)")
    detect.add_argument("--verifier", metavar="W[,W...]",
                        help="verifier weights instead of weights/verifier (a run's model, or A,B for an ensemble "
                             "averaging several)")
    detect.add_argument("--no-search", action="store_true",
                        help="search with the detector alone, without its first stage (weights/detector_search)")
    detect.add_argument("--base-scale", type=float, default=1.0,
                        help="first pyramid scale; 1.41 or 2 finds plates under ~32 px wide (slower)")
    detect.add_argument("--refine", type=float, default=0.0,
                        help="move boxes the verifier doubts but presence scores at least this to their "
                             "best-verified neighbour (higher recall, more false boxes; 0: off)")
    detect.add_argument("--verify-fitted", action="store_true",
                        help="a box the verifier doubts gets a second look at its fitted box (higher recall, "
                             "more false boxes)")
    detect.add_argument("--fit", type=int, default=1, metavar="N",
                        help="times the box regressor (weights/box_regressor) fits each box to its plate; "
                             "0: boxes as searched")
    detect.add_argument("--offsets", type=int, nargs="+", default=[0], metavar="PX",
                        help="pixel offsets at which the pyramid levels are searched; 0 4 adds windows at half "
                             "the stride on all levels but the first (more plates, more false boxes, ~1.5x time)")
    detect.add_argument("--json", action="store_true", help="one JSON object per image (JSON Lines)")
    detect.set_defaults(run=_detect)
    alpr = commands.add_parser("alpr", help="find and read the plates of photos (PNG/JPEG)")
    alpr.add_argument("images", nargs="+", metavar="IMG")
    alpr.add_argument("--region", help="post-process for a region's formats: br, eu, us, ar, mercosur, jp, kr, cn")
    alpr.add_argument("--json", action="store_true", help="one JSON object per image (JSON Lines)")
    alpr.add_argument("--alternatives", action="store_true", help="add the top-N alternatives to the JSON")
    alpr.add_argument("--annotate", metavar="DIR", help="write each image with boxes and texts drawn into DIR")
    alpr.add_argument("--watchlist", metavar="DB", help="check plates against this watch-list (SQLite)")
    alpr.add_argument("--threshold", type=float, default=0.2,
                       help="detector presence probability (lower than lprlab detect's 0.5: the verifier and the "
                            "reading drop what it adds)")
    alpr.add_argument("--base-scale", type=float, default=1.0, help="detector's first pyramid scale")
    alpr.add_argument("--min-confidence", type=float, default=0.1,
                      help="drop boxes whose reading is less likely than this (after post-processing)")
    alpr.add_argument("--weights", help="recogniser weights (default: weights/recognizer_latin_both,weights/recognizer_latin_h64_both); A,B reads with "
                                        "an ensemble of several")
    alpr.add_argument("--enhance", action="store_true", help="super-resolve small plates first (weights/enhancer_x4)")
    alpr.add_argument("--enhance-below", type=float, default=16.0, metavar="PX",
                      help="with --enhance: plates under this many pixels high go through the enhancer")
    alpr.add_argument("--precision", default=READER_DETECTOR_PRECISION, choices=("float32", "bfloat16", "auto"),
                      help="detector and recogniser arithmetic (default auto: the detector in bfloat16 where the CPU has "
                           "AVX512-BF16 or AMX, else float32; the recogniser in float32)")
    alpr.add_argument("--detector-weights", help="detector weights (default: weights/detector)")
    alpr.add_argument("--no-verify", action="store_true", help="skip the detector's verifier (weights/verifier)")
    alpr.add_argument("--verifier", metavar="W[,W...]",
                      help="verifier weights instead of weights/verifier (a run's model, or A,B for an ensemble "
                           "averaging several)")
    alpr.add_argument("--no-search", action="store_true",
                      help="search with the detector alone, without its first stage (weights/detector_search)")
    alpr.add_argument("--verify-threshold", type=float, default=0.5, help="verifier probability to keep a box")
    alpr.add_argument("--margin", type=_margins, default=(0.04, 0.08, 0.12), metavar="M[,M...]",
                      help="crop margin(s) around each box, a share of its size; with several, each box is read "
                           "at each and the reading that fits a format best is kept (default 0.04,0.08,0.12)")
    alpr.add_argument("--heights", type=_heights, default=(0.85, 1.2), metavar="F[,F...]",
                      help="also read each box with its height times these factors (default 0.85,1.2; '' for none)")
    alpr.add_argument("--widths", type=_heights, default=(0.7, 0.85, 1.15, 1.35), metavar="F[,F...]",
                      help="also read each box with its width times these factors (default 0.7,0.85,1.15,1.35; "
                           "'' for none)")
    alpr.add_argument("--shifts", type=_shifts, default=(), metavar="W:S[,W:S...]",
                      help="a second look at boxes read weakly: views W times the box's width, moved S of it "
                           "sideways, e.g. 0.85:-0.1,0.85:0.1,0.7:-0.15,0.7:0.15 (default none)")
    alpr.add_argument("--shift-below", type=float, default=0.5, metavar="P",
                      help="the reading probability under which a box gets the shifted views (default 0.5)")
    alpr.add_argument("--rescue", type=float, default=0.5, metavar="P",
                      help="also keep a box the verifier doubts (--rescue-floor to its threshold) when its reading "
                           "fits a format with probability >= P (default 0.5; 0: off)")
    alpr.add_argument("--serial-weight", type=float, default=None, metavar="W",
                      help="prior ratio of a reading that fits none of the region's serial layouts, e.g. 0.5 for "
                           "--region us, where vanity plates fit any text (default: none)")
    alpr.add_argument("--rescue-floor", type=float, default=0.001, metavar="P",
                      help="the verifier probability under which no reading rescues a box (default 0.001; "
                           "0.05 until 0.34.0)")
    alpr.add_argument("--verify-fitted", action="store_true",
                      help="a box the verifier doubts gets a second look at its fitted box (higher recall, "
                           "more false boxes)")
    alpr.add_argument("--fit", type=int, default=1, metavar="N",
                      help="times the box regressor (weights/box_regressor) fits each box to its plate; "
                           "0: boxes as searched")
    alpr.add_argument("--offsets", type=int, nargs="+", default=[0], metavar="PX",
                      help="pixel offsets at which the detector searches its pyramid levels (default 0, the plain "
                           "search; 0 4: windows at half the stride too, on all levels but the first)")
    alpr.set_defaults(run=_alpr)
    video = commands.add_parser("video", help="read the plates of a video file or camera, tracked across frames")
    video.add_argument("source", metavar="IN", help="a video file, or a camera index such as 0")
    video.add_argument("--out", help="annotated video to write (MP4); events CSV beside it")
    video.add_argument("--events", help="CSV of tracks (default: beside --out)")
    video.add_argument("--json", action="store_true", help="one JSON object per track on stdout")
    video.add_argument("--region", help="post-process for a region's formats: br, eu, us, ...")
    video.add_argument("--watchlist", metavar="DB", help="check plates against this watch-list (SQLite)")
    video.add_argument("--threshold", type=float, default=0.2,
                       help="detector presence probability (lower than lprlab detect's 0.5: the verifier and the "
                            "reading drop what it adds)")
    video.add_argument("--weights", help="recogniser weights (default: weights/recognizer_latin_both, the faster network "
                                         "of the shipped pair: each track votes over its frames); A,B averages several")
    video.add_argument("--precision", default=READER_DETECTOR_PRECISION, choices=("float32", "bfloat16", "auto"),
                       help="detector and recogniser arithmetic, as lprlab alpr (default auto: the detector in bfloat16 "
                            "where the CPU has AVX512-BF16 or AMX, else float32; the recogniser in float32)")
    video.add_argument("--max-frames", type=int, help="stop after this many frames (cameras run until then)")
    video.add_argument("--every", type=int, default=1, help="read every N-th frame")
    video.add_argument("--fit", type=int, default=1, metavar="N",
                       help="times the box regressor (weights/box_regressor) fits each box to its plate; "
                           "0: boxes as searched")
    video.add_argument("--offsets", type=int, nargs="+", default=[0], metavar="PX",
                       help="pixel offsets at which the detector searches (default 0: a moving plate falls on "
                            "other alignments in other frames; 0 4 as lprlab alpr, slower)")
    video.add_argument("--widths", type=_heights, default=VIDEO_WIDTHS, metavar="F[,F...]",
                       help="also read each box with its width times these factors (default: none; a track votes "
                            "over its frames; lprlab alpr reads 0.7,0.85,1.15,1.35)")
    video.set_defaults(run=_video)
    watch = commands.add_parser("watchlist", help="the plate watch-list (SQLite)")
    watch.add_argument("action", choices=("add", "import", "list", "remove", "lookup"))
    watch.add_argument("plate", nargs="?", help="plate text (add, remove, lookup)")
    watch.add_argument("--csv", help="CSV with a 'plate' column and optional 'label', 'note' (import)")
    watch.add_argument("--label", default="", help="why the plate is watched (add)")
    watch.add_argument("--note", default="")
    watch.add_argument("--max-distance", type=float, default=1.0, help="lookup tolerance (OCR-weighted edits)")
    watch.add_argument("--db", default="data/watchlist.sqlite", help="the watch-list file")
    watch.set_defaults(run=_watchlist)
    train = commands.add_parser("train", help="train a model").add_subparsers(dest="model", required=True)
    rec = train.add_parser("recognizer", help="train the plate recogniser on synthetic crops")
    rec.add_argument("--out", required=True, help="run folder (resumes if it holds a cut run)")
    rec.add_argument("--formats", default="latin", help="latin, cjk, or comma-separated format names")
    rec.add_argument("--size", type=_size, help="HEIGHTxWIDTH input (px; default 32x128); with --init, a taller "
                     "input than the weights' (same width) grows them (`grow_recognizer`)")
    rec.add_argument("--count", type=int, default=150_000, help="synthetic training crops")
    rec.add_argument("--val-count", type=int, default=5_000)
    rec.add_argument("--epochs", type=int, default=6)
    rec.add_argument("--batch-size", type=int, default=128)
    rec.add_argument("--seed", type=int, default=0)
    rec.add_argument("--free-text", type=float, default=0.25,
                     help="share of plates with any letter or digit at each position of a real layout")
    rec.add_argument("--loose-crops", type=float, default=0.0,
                     help="share of crops cut loosely, as the detector cuts real plates (0 to 1)")
    rec.add_argument("--context", default="gru", choices=("gru", "conv", "attention", "none"),
                     help="what the plate's columns learn of each other before the slots read them")
    rec.add_argument("--stem-filters", type=int, default=16, help="filters of the 5x5 stride-2 stem")
    rec.add_argument("--filters", type=_ints, default=(32, 64, 128), metavar="F,F,F",
                     help="filters per convolution stage (each stage ends in a 2x2 max-pool)")
    rec.add_argument("--convs", type=_ints, metavar="N,N,N",
                     help="3x3 convolutions per stage (default: 1 in the first stage, 2 in the others)")
    rec.add_argument("--dense-units", type=int, default=256, help="width of the column features and slot queries")
    rec.add_argument("--data-dir", default="data/synth", help="where the synthetic sets are written")
    rec.add_argument("--finetune", metavar="DIR", help="fine-tune --weights on DIR (images + labels.csv)")
    rec.add_argument("--weights", help="weights to fine-tune; A,B tunes each member on the same split, in OUT/member<i> "
                                        "(default: the shipped pair)")
    rec.add_argument("--holdout", type=float, default=0.5, help="share of DIR kept out of fine-tuning")
    rec.add_argument("--init", metavar="WEIGHTS",
                     help="continue these weights on fresh synthetic crops (their formats, size and network are "
                          "kept, but a taller --size grows them; --formats, --context and the network options are ignored); use a --seed other than theirs")
    rec.add_argument("--learning-rate", type=float, help="peak learning rate of the cosine decay (default 1e-3)")
    rec.add_argument("--hard-pool", type=int, default=0, metavar="N",
                     help="with --init: read N more synthetic crops with the initial weights and add those they "
                          "misread or doubt (plate confidence < 0.5) to the training crops (hard example mining)")
    rec.add_argument("--alignment", choices=("left", "both"),
                     help="left: one slot per character, left-aligned (the default); both: also right-aligned slots, "
                          "decoded together (with --init from left-aligned weights, the right slots are added)")
    rec.add_argument("--grey", action="store_true",
                     help="read grey levels only (a colour-blind network, for an ensemble; with --init from colour "
                          "weights, every weight is kept and the network learns to read grey crops)")
    rec.add_argument("--teacher", metavar="W[,W...]",
                     help="distil these recogniser weights (an ensemble when several) into the trained network: "
                          "it learns their slot distributions as well as the true characters (Hinton et al. 2015)")
    rec.add_argument("--distill", type=float, default=0.5, help="with --teacher: weight of the teacher's term, 0-1")
    rec.add_argument("--temperature", type=float, default=2.0, help="with --teacher: distillation temperature (>= 1)")
    rec.set_defaults(run=_train)
    det = train.add_parser("detector", help="train the plate detector on synthetic scene tiles")
    det.add_argument("--out", required=True, help="run folder (resumes if it holds a cut run)")
    det.add_argument("--formats", default="latin", help="latin, all, or comma-separated format names")
    det.add_argument("--count", type=int, default=50_000, help="synthetic training tiles")
    det.add_argument("--val-count", type=int, default=4_000)
    det.add_argument("--epochs", type=int, default=12)
    det.add_argument("--batch-size", type=int, default=64)
    det.add_argument("--seed", type=int, default=0)
    det.add_argument("--data-dir", default="data/synth", help="where the tile sets are written")
    det.add_argument("--backgrounds", help="folder of real background photos (default: procedural only)")
    det.add_argument("--hard-negatives", type=int, default=0,
                     help="then mine this many hard-negative tiles with the trained model and fine-tune on them")
    det.add_argument("--hard-epochs", type=int, default=3, help="fine-tuning epochs with the hard negatives")
    det.add_argument("--init", help="start from these detector weights (continued training on new tiles; "
                     "their architecture is kept)")
    det.add_argument("--filters", default="16,32,64", help="filters per convolution stage (stride 2 ** stages)")
    det.add_argument("--head-units", type=int, default=96, help="width of the window's dense layer")
    det.set_defaults(run=_train_detector)
    ver = train.add_parser("verifier", help="train the detector's second stage on the boxes it proposes")
    ver.add_argument("--out", required=True, help="run folder (resumes if it holds a cut run)")
    ver.add_argument("--detector", help="detector weights whose boxes are verified (default: weights/detector)")
    ver.add_argument("--images", type=int, default=4_000, help="synthetic scenes and photos searched for samples")
    ver.add_argument("--val-images", type=int, default=400)
    ver.add_argument("--epochs", type=int, default=8)
    ver.add_argument("--seed", type=int, default=0)
    ver.add_argument("--data-dir", default="data/synth", help="where the sample shards are written")
    ver.add_argument("--backgrounds", help="folder of real background photos (default: procedural only)")
    ver.add_argument("--wide-positives", type=int, default=0,
                     help="more positives per plate, on boxes jittered more widely (IoU >= 0.5 with the plate)")
    ver.add_argument("--wide-min-iou", type=float, default=0.5,
                     help="the IoU with the plate each of those boxes must reach (0.5 accepted boxes twice the "
                          "plate's size on real photos)")
    ver.add_argument("--photometric", type=float, default=0.0,
                     help="share of training crops darkened, dulled or brightened on their own (0.5: half)")
    ver.add_argument("--camera", type=float, default=0.0,
                     help="share of sample images that also show a camera's time stamp (OSD) in a corner and "
                          "lit tail lamps, as negatives")
    ver.add_argument("--soft-plates", type=float, default=0.0,
                     help="share of the plates pasted on photos seen at a lower resolution than their size "
                          "(blurred, as a far or moving plate), as positives")
    ver.add_argument("--soft-images", type=float, default=0.0,
                     help="share of sample images seen whole at 0.35-0.8 of their resolution and scaled back up "
                          "(a camera with fewer pixels: plates, cars and clutter alike)")
    ver.set_defaults(run=_train_verifier)
    box = train.add_parser("box-regressor", help="train the box regressor that fits a detection's box to its plate")
    box.add_argument("--out", required=True, help="run folder (resumes if it holds a cut run)")
    box.add_argument("--images", type=int, default=10_000, help="synthetic scenes and photos to take plates from")
    box.add_argument("--val-images", type=int, default=500)
    box.add_argument("--epochs", type=int, default=8)
    box.add_argument("--batch-size", type=int, default=128)
    box.add_argument("--seed", type=int, default=0)
    box.add_argument("--workers", type=int, default=2, help="processes making the samples")
    box.add_argument("--formats", default="latin", help="'latin', 'all' or comma-separated format names")
    box.add_argument("--data-dir", default="data/synth", help="where the sample shards are written")
    box.add_argument("--backgrounds", help="folder of real background photos (default: procedural only)")
    box.add_argument("--photometric", type=float, default=0.0,
                     help="share of training crops darkened, dulled or brightened on their own (0.5: half)")
    box.add_argument("--wild", type=float, default=0.0,
                     help="share of boxes spoilt 2-2.5x more widely (far off-centre or too wide; 0.3: 30%%)")
    box.add_argument("--flank", type=float, default=0.0,
                     help="share of plates with lit lamps or a lit recess drawn beside them (0.5: half)")
    box.set_defaults(run=_train_box_regressor)
    enh = train.add_parser("enhancer", help="train the SRGAN plate enhancer (SRResNet pretraining, then adversarial)")
    enh.add_argument("--out", required=True, help="run folder (resumes if it holds a cut run)")
    enh.add_argument("--scale", type=int, default=4, choices=(2, 4, 8), help="scale factor")
    enh.add_argument("--count", type=int, default=24_000, help="synthetic HR plate crops")
    enh.add_argument("--val-count", type=int, default=1_000)
    enh.add_argument("--pretrain-epochs", type=int, default=5, help="epochs on pixel and text-aware losses")
    enh.add_argument("--gan-epochs", type=int, default=2, help="then epochs with the adversarial loss")
    enh.add_argument("--adversarial-weight", type=float, default=1e-3)
    enh.add_argument("--text-weight", type=float, default=0.02, help="weight of the recogniser cross-entropy loss")
    enh.add_argument("--exact-share", type=float, default=0.5, help="share of exact x-scale LR pairs")
    enh.add_argument("--filters", type=int, default=32)
    enh.add_argument("--blocks", type=int, default=6)
    enh.add_argument("--upsampler", choices=("progressive", "direct"), default="progressive",
                     help="x2 sub-pixel stages (SRGAN) or one depth-to-space by the scale factor at the LR (ESPCN)")
    enh.add_argument("--batch-size", type=int, default=32)
    enh.add_argument("--seed", type=int, default=0)
    enh.add_argument("--data-dir", default="data/synth", help="where the HR crop sets are written")
    enh.add_argument("--init", metavar="WEIGHTS",
                     help="continue these generator weights (their scale and network are kept; --scale, --filters "
                          "and --blocks are ignored); use a --seed other than theirs")
    enh.add_argument("--learning-rate", type=float, help="peak learning rate of the cosine decay (default 5e-4)")
    enh.set_defaults(run=_train_enhancer)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (2 with a one-line error on bad input)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up notices, unless asked for
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except EXPECTED_ERRORS as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"lprlab: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
