"""Peaks by topographic prominence: known heights and basins on small hand-made curves."""

from __future__ import annotations

import numpy as np

from nassb.echem.peaks import basin_boundaries, prominent_peaks


def test_prominence_is_the_height_above_the_higher_saddle():
    y = np.array([0.0, 3.0, 1.0, 2.0, 0.5, 5.0, 0.0])
    indices, prominences = prominent_peaks(y, 0.0)
    assert indices.tolist() == [1, 3, 5]
    assert prominences.tolist() == [2.5, 1.0, 5.0]
    assert prominent_peaks(y, 1.5)[0].tolist() == [1, 5]


def test_a_padded_end_can_be_a_peak_and_basins_split_at_the_lowest_point():
    y = np.array([4.0, 1.0, 3.0, 0.5, 2.0])
    padded = prominent_peaks(np.concatenate([[-np.inf], y, [-np.inf]]), 0.1)[0] - 1
    assert padded.tolist() == [0, 2, 4]
    assert basin_boundaries(y, padded) == [1, 3]
