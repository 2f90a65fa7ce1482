"""Peaks of a sampled curve by topographic prominence, shared by the DRT and the circuit-fit starting values.

The prominence of a local maximum is its height above the higher of the two lowest points that separate
it from higher ground on either side (or from the ends of the curve); it is the measure of
scipy.signal.peak_prominences and of the topographic literature. A peak's basin runs from the lowest
point between it and its left neighbour to the lowest point between it and its right neighbour.
"""

from __future__ import annotations

import numpy as np


def prominent_peaks(y: np.ndarray, min_prominence: float) -> tuple[np.ndarray, np.ndarray]:
    """Interior local maxima of y (y[i] > y[i-1] and y[i] >= y[i+1]) with a prominence of at least
    `min_prominence`: their indices and prominences. Pad y to let a peak sit at an end."""
    indices, prominences = [], []
    for i in range(1, y.size - 1):
        if not (y[i] > y[i - 1] and y[i] >= y[i + 1]):
            continue
        higher_left = np.flatnonzero(y[:i] > y[i])
        higher_right = np.flatnonzero(y[i + 1 :] > y[i])
        left = y[(higher_left[-1] + 1 if higher_left.size else 0) : i].min()
        right = y[i + 1 : (i + 1 + higher_right[0] if higher_right.size else y.size)].min()
        prominence = y[i] - max(left, right)
        if prominence >= min_prominence:
            indices.append(i)
            prominences.append(prominence)
    return np.array(indices, dtype=int), np.array(prominences)


def basin_boundaries(y: np.ndarray, peaks: np.ndarray) -> list[int]:
    """Index of the lowest point between each pair of neighbouring peaks (the first one where several tie)."""
    return [int(lo + np.argmin(y[lo : hi + 1])) for lo, hi in zip(peaks[:-1], peaks[1:])]
