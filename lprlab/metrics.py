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
