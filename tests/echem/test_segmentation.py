"""The array check and the half-cycle runs that the full-cell and symmetric-cell analyses share."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.segmentation import check_cycling_arrays, half_cycle_runs


def test_errors_count_rows_from_zero():
    t, v, i = np.arange(5.0), np.zeros(5), np.ones(5)
    with pytest.raises(InputError, match=r"current_A \(row 2\)"):
        check_cycling_arrays(t, v, np.r_[1.0, 1.0, np.nan, 1.0, 1.0], "test")
    with pytest.raises(InputError, match=r"time_s \(row 3\)"):
        check_cycling_arrays(np.r_[0.0, 1.0, 2.0, 1.5, 4.0], v, i, "test")
    with pytest.raises(InputError, match="at least 3 points"):
        check_cycling_arrays(t[:2], v[:2], i[:2], "test", min_points=3)
    with pytest.raises(InputError, match="step"):
        check_cycling_arrays(t, v, i, "test", step=[1, 2])


def test_runs_leave_rests_out_and_split_at_reversals_and_step_changes():
    current = np.array([0.0, 1.0, 1.0, 0.0, -1.0, -1.0, 1.0, 1.0, 1.0])
    assert half_cycle_runs(current) == [(1, 3, 1), (4, 6, -1), (6, 9, 1)]
    step = np.array([0, 1, 1, 2, 3, 3, 4, 4, 5])
    assert half_cycle_runs(current, step=step) == [(1, 3, 1), (4, 6, -1), (6, 8, 1), (8, 9, 1)]
    assert half_cycle_runs(current, rest_current_A=1.0) == []


def _plating_stripping(current_mA: np.ndarray):
    """1 s samples of a symmetric cell at the given current (mA), with a little noise."""
    from nassb.echem.segmentation import segment_half_cycles

    rng = np.random.default_rng(7)
    current_A = current_mA * 1e-3 * (1 + 1e-4 * rng.standard_normal(current_mA.size))
    time_s = np.arange(current_mA.size, dtype=float)
    return segment_half_cycles(time_s, 0.02 * np.sign(current_A), current_A)


def test_a_drifting_current_before_a_short_stays_one_half_cycle():
    drift = np.r_[np.full(300, 1.0), np.linspace(1.0, 1.08, 300)]  # 8 % drift over the second half
    assert len(_plating_stripping(np.r_[drift, -np.ones(600)])) == 2


def test_a_real_step_in_current_starts_a_new_half_cycle():
    step = np.r_[np.full(300, 1.0), np.full(300, 1.2)]
    halves = _plating_stripping(np.r_[step, -np.ones(600)])
    assert len(halves) == 3
    assert abs(halves[1].current_A) == pytest.approx(1.2e-3, rel=1e-3)
