"""Models of the kNN vote for the hidden checks: the most frequent label among the
neighbours (nearest first), with the spec's tie rule and two wrong ones."""

from __future__ import annotations

import numpy as np


def smaller_label(votes):
    """Most frequent label, ties to the smaller label."""
    out = []
    for labels in votes:
        values, counts = np.unique(labels, return_counts=True)
        out.append(values[np.argmax(counts)])
    return np.array(out, dtype=float)


def first_occurrence(votes):
    """Most frequent label, ties to the label met first (Counter.most_common)."""
    out = []
    for labels in votes:
        counts = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        out.append(max(counts, key=lambda label: counts[label]))  # first max wins
    return np.array(out, dtype=float)


def larger_label(votes):
    """Most frequent label, ties to the larger label."""
    out = []
    for labels in votes:
        values, counts = np.unique(labels, return_counts=True)
        out.append(values[len(counts) - 1 - np.argmax(counts[::-1])])
    return np.array(out, dtype=float)
