"""Percolation levels of periodic fields: analytic channels, sheets and saddles, invariances, a known threshold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.transport.percolation import percolation_levels


def fractional_grid(n: int):
    return np.meshgrid(*(np.arange(n) / n,) * 3, indexing="ij")


def test_channel_along_a_percolates_in_1d_at_its_highest_point():
    x, y, z = fractional_grid(24)
    field = np.ones_like(x)
    channel = (np.abs(y - 0.5) < 0.1) & (np.abs(z - 0.5) < 0.1)
    field[channel] = 0.2 + 0.3 * np.sin(np.pi * x[channel]) ** 2  # the barrier 0.5 sits at x = 1/2
    assert percolation_levels(field) == {1: pytest.approx(0.5), 2: 1.0, 3: 1.0}


def test_sheet_percolates_in_1d_over_its_low_saddle_and_in_2d_over_the_high_one():
    x, y, z = fractional_grid(24)
    field = np.ones_like(x)
    sheet = np.abs(z - 0.5) < 0.06
    # crossing y costs 0.1 + 0.2 (at x = 0), crossing x costs 0.1 + 0.4 (at y = 0); the background is 1
    field[sheet] = 0.1 + 0.4 * np.sin(np.pi * x[sheet]) ** 2 + 0.2 * np.sin(np.pi * y[sheet]) ** 2
    levels = percolation_levels(field)
    assert levels[1] == pytest.approx(0.3)
    assert levels[2] == pytest.approx(0.5)
    assert levels[3] == 1.0


def test_cosine_potential_percolates_through_its_saddles():
    # E = cos 2pi x + cos 2pi y + cos 2pi z: minima -3 at (1/2,1/2,1/2), saddle points -1 between them
    x, y, z = fractional_grid(20)
    field = np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y) + np.cos(2 * np.pi * z)
    assert percolation_levels(field) == {d: pytest.approx(-1.0) for d in (1, 2, 3)}


def test_diagonal_channel_crossing_cell_edges_is_1d():
    n = 18
    i, j, k = np.meshgrid(*(np.arange(n),) * 3, indexing="ij")
    field = np.ones((n, n, n))
    field[((i - j) % n == 0) & (np.abs(k - n // 2) <= 1)] = 0.25  # a [110] line, joined only through corners/edges
    assert percolation_levels(field) == {1: 0.25, 2: 1.0, 3: 1.0}


def test_blocked_channel_never_percolates_and_nan_never_joins():
    x, y, z = fractional_grid(16)
    field = np.full_like(x, np.nan)
    channel = (np.abs(y - 0.5) < 0.1) & (np.abs(z - 0.5) < 0.1)
    field[channel] = 0.2
    assert percolation_levels(field)[1] == 0.2
    field[0] = np.inf
    assert percolation_levels(field) == {1: math.inf, 2: math.inf, 3: math.inf}


def test_levels_do_not_depend_on_origin_or_axis_order():
    field = np.random.default_rng(3).random((14, 17, 20))
    levels = percolation_levels(field)
    assert levels[1] <= levels[2] <= levels[3]
    assert percolation_levels(np.roll(field, (5, -3, 11), axis=(0, 1, 2))) == levels
    assert percolation_levels(field.transpose(2, 0, 1)) == levels


def test_random_field_spans_at_the_26_neighbour_site_percolation_threshold():
    # Uniform noise: {field <= p} is random site percolation with occupation p. Threshold of the simple cubic
    # lattice with NN+2NN+3NN (26) neighbours: p_c = 0.0976 (Kurzawski & Malarz 2012, Rep. Math. Phys. 70, 163).
    levels = [percolation_levels(np.random.default_rng(seed).random((40, 40, 40)))[3] for seed in (0, 1)]
    assert np.mean(levels) == pytest.approx(0.0976, abs=0.01)


def test_rejects_a_field_that_is_not_3d():
    with pytest.raises(InputError):
        percolation_levels(np.zeros((4, 4)))
