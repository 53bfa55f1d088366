"""Metrics: plate and character accuracy (exact, and with look-alikes merged), per group, and the
character confusion matrix (scikit-learn)."""
from __future__ import annotations

import collections

import numpy as np

LOOKALIKES = str.maketrans({"O": "0", "I": "1"})


def merge_lookalikes(text: str) -> str:
    """`text` with O read as 0 and I as 1: some ground truths confuse them."""
    return text.translate(LOOKALIKES)


def plate_accuracy(truths, predictions, merge: bool = False) -> float:
    """Top-1 plate accuracy: the share of exact text matches (after `merge_lookalikes` if `merge`).

    Raises:
        ValueError: the two sequences differ in length or are empty.
    """
    _check(truths, predictions)
    same = [(merge_lookalikes(t) if merge else t) == (merge_lookalikes(p) if merge else p)
            for t, p in zip(truths, predictions)]
    return float(np.mean(same))


def char_accuracy(truths, predictions, merge: bool = False) -> float:
    """Character accuracy: matches by position over the longer of each pair's lengths, summed."""
    _check(truths, predictions)
    correct = total = 0
    for truth, prediction in zip(truths, predictions):
        if merge:
            truth, prediction = merge_lookalikes(truth), merge_lookalikes(prediction)
        correct += sum(a == b for a, b in zip(truth, prediction))
        total += max(len(truth), len(prediction), 1)
    return correct / total


def accuracy_by_group(truths, predictions, groups) -> dict[str, dict[str, float]]:
    """Per group (and ``all``): count, plate accuracy exact and merged, character accuracy."""
    _check(truths, predictions)
    members = collections.defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    members["all"] = list(range(len(truths)))
    table = {}
    for group, indices in members.items():
        t, p = [truths[i] for i in indices], [predictions[i] for i in indices]
        table[group] = {"n": len(indices), "plate": plate_accuracy(t, p), "plate_merged": plate_accuracy(t, p, True),
                        "char": char_accuracy(t, p)}
    return table


def character_confusion(truths, predictions, alphabet: str) -> np.ndarray:
    """(len(alphabet), len(alphabet)) int counts of true (rows) vs read (columns) characters, over
    pairs of equal length (scikit-learn's `confusion_matrix`)."""
    from sklearn.metrics import confusion_matrix  # noqa: PLC0415

    true_chars, read_chars = [], []
    for truth, prediction in zip(truths, predictions):
        if len(truth) == len(prediction):
            for a, b in zip(truth, prediction):
                if a in alphabet and b in alphabet:
                    true_chars.append(a)
                    read_chars.append(b)
    return confusion_matrix(true_chars, read_chars, labels=list(alphabet))


def _check(truths, predictions) -> None:
    if len(truths) != len(predictions) or not len(truths):
        raise ValueError(f"need equally many truths and predictions, at least one: got {len(truths)} and "
                         f"{len(predictions)}")


def iou_matrix(boxes_a, boxes_b) -> np.ndarray:
    """Intersection over union of every pair of boxes.

    Args:
        boxes_a: (n, 4) boxes (x, y, w, h) in pixels.
        boxes_b: (m, 4) boxes (x, y, w, h) in pixels.

    Returns:
        (n, m) float64 IoU in [0, 1]; zero-area boxes give 0.
    """
    a = np.asarray(boxes_a, np.float64).reshape(-1, 4)
    b = np.asarray(boxes_b, np.float64).reshape(-1, 4)
    ax1, ay1 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx1, by1 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax1[:, None], bx1[None]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    ih = np.clip(np.minimum(ay1[:, None], by1[None]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = iw * ih
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def paired_iou(boxes_a, boxes_b) -> np.ndarray:
    """(n,) float64 IoU of ``boxes_a[i]`` with ``boxes_b[i]``, both (n, 4) (x, y, w, h); 0 where
    both are empty."""
    a = np.asarray(boxes_a, np.float64).reshape(-1, 4)
    b = np.asarray(boxes_b, np.float64).reshape(-1, 4)
    x0, y0 = np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])
    x1, y1 = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]), np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def match_detections(truths, detections, scores, iou_threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Greedy matching of one image's detections to its true boxes, best score first (PASCAL VOC).

    Args:
        truths: (n, 4) true boxes (x, y, w, h) px.
        detections: (m, 4) detected boxes (x, y, w, h) px.
        scores: (m,) detection scores.
        iou_threshold: A detection matches an unmatched truth with IoU >= this.

    Returns:
        ((m,) bool: detection i is a true positive, (n,) int: index of the detection matched to
        truth j, or -1).
    """
    truths = np.asarray(truths, np.float64).reshape(-1, 4)
    detections = np.asarray(detections, np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    ious = iou_matrix(detections, truths)
    hit = np.zeros(len(detections), bool)
    matched = np.full(len(truths), -1)
    for i in order:
        if not len(truths):
            break
        candidates = np.where(matched < 0, ious[i], -1.0)
        j = int(np.argmax(candidates))
        if candidates[j] >= iou_threshold:
            hit[i], matched[j] = True, i
    return hit, matched


def ignored_detections(detections, hit, ignore, iou_threshold: float = 0.5) -> np.ndarray:
    """(m,) bool: detections that matched no truth (`hit` False) but overlap an *ignore* box with
    IoU >= `iou_threshold`: another real plate the ground truth leaves out, counted neither as
    found nor as false (PASCAL VOC's "difficult" objects, Everingham et al. 2010).

    Args:
        detections: (m, 4) boxes (x, y, w, h) px; hit: (m,) bool from `match_detections`;
        ignore: (k, 4) boxes (x, y, w, h) px, or None.
    """
    detections = np.asarray(detections, np.float64).reshape(-1, 4)
    ignore = np.zeros((0, 4)) if ignore is None else np.asarray(ignore, np.float64).reshape(-1, 4)
    if not len(ignore) or not len(detections):
        return np.zeros(len(detections), bool)
    return ~np.asarray(hit, bool) & (iou_matrix(detections, ignore).max(axis=1) >= iou_threshold)


def detection_scores(images, iou_threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall, false positives per image and average precision over a set of images.

    AP is the area under the precision-recall curve with precision made monotone (all-point
    interpolation of PASCAL VOC 2010+, Everingham et al.); precision, recall and false positives
    count the detections as given (already thresholded).

    Args:
        images: Iterable of (truth boxes (n, 4), detected boxes (m, 4), scores (m,)) or of those
            and ignore boxes (k, 4) (see `ignored_detections`: left out of every count), boxes
            (x, y, w, h) px.
        iou_threshold: IoU for a detection to count as finding a truth.

    Returns:
        {"precision", "recall", "ap", "fp_per_image", "truths", "detections", "images", "ignored"}.
    """
    all_scores, all_hits, truths_count, count, ignored = [], [], 0, 0, 0
    for truths, detections, scores, *rest in images:
        hit, _ = match_detections(truths, detections, scores, iou_threshold)
        keep = ~ignored_detections(detections, hit, rest[0] if rest else None, iou_threshold)
        ignored += int((~keep).sum())
        all_scores.append(np.asarray(scores, np.float64).reshape(-1)[keep])
        all_hits.append(hit[keep])
        truths_count += len(np.asarray(truths).reshape(-1, 4))
        count += 1
    scores = np.concatenate(all_scores) if all_scores else np.zeros(0)
    hits = np.concatenate(all_hits) if all_hits else np.zeros(0, bool)
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(hits[order])
    fp = np.cumsum(~hits[order])
    recall_curve = tp / max(truths_count, 1)
    precision_curve = tp / np.maximum(tp + fp, 1)
    envelope = np.maximum.accumulate(precision_curve[::-1])[::-1] if len(order) else np.zeros(0)
    recall_steps = np.diff(np.concatenate([[0.0], recall_curve]))
    return {"precision": float(hits.sum() / max(len(hits), 1)), "recall": float(hits.sum() / max(truths_count, 1)),
            "ap": float(np.sum(recall_steps * envelope)), "fp_per_image": float((~hits).sum() / max(count, 1)),
            "truths": truths_count, "detections": int(len(hits)), "images": count, "ignored": ignored}


def mcnemar(correct_a, correct_b) -> dict[str, float]:
    """Exact McNemar test of two readers scored on the same items (McNemar 1947, in its exact
    binomial form: under the null both readers are as likely to be the only one right).

    Args:
        correct_a, correct_b: Equal-length sequences of bool, item i right for reader A / B.

    Returns:
        {"items", "both", "only_a", "only_b", "neither", "p_value"}: counts, and the two-sided
        p-value of the discordant split (1.0 when no item is discordant).

    Raises:
        ValueError: if the sequences differ in length.
    """
    from scipy.stats import binomtest  # noqa: PLC0415

    a, b = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"correct_a and correct_b must be 1-D and of one length, got {a.shape} and {b.shape}")
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    p_value = binomtest(only_a, only_a + only_b, 0.5).pvalue if only_a + only_b else 1.0
    return {"items": int(a.size), "both": int((a & b).sum()), "only_a": only_a, "only_b": only_b,
            "neither": int((~a & ~b).sum()), "p_value": float(p_value)}
