"""Percolation levels of a periodic scalar field: the lowest level at which the sub-level set spans the crystal.

A connected component of {field <= E} in the periodic cell is infinite in the crystal when it joins one of its own
lattice images. The lattice translations that do so (its winding vectors) form a sublattice; the rank of that
sublattice (0-3) is the number of independent directions in which the component is infinite. This is the
topological criterion of Delgado-Friedrichs & O'Keeffe (2003, Acta Cryst. A 59, 351) for periodic nets, applied
to voxel components as in percolation analyses of bond-valence maps (Adams & Rao 2011, Phys. Status Solidi A 208,
1746) and of void networks (Willems et al. 2012, Microporous Mesoporous Mater. 149, 134).
"""

from __future__ import annotations

import math

import numpy as np

from nassb.core.errors import InputError

# One of each pair of opposite neighbour steps of the 26-neighbourhood (scipy.ndimage connectivity 3).
_HALF_STEPS = (np.array(list(np.ndindex(3, 3, 3)), dtype=np.int64) - 1)[14:]
_FULL_NEIGHBOURHOOD = np.ones((3, 3, 3), dtype=bool)


def _shell_indices(shape: tuple[int, int, int]) -> np.ndarray:
    """(k, 3) indices of the grid points on the faces of the cell, the only ones with neighbours across it."""
    shell = np.zeros(shape, dtype=bool)
    shell[0, :, :] = shell[-1, :, :] = True
    shell[:, 0, :] = shell[:, -1, :] = True
    shell[:, :, 0] = shell[:, :, -1] = True
    return np.argwhere(shell)


def _periodic_edges(labels: np.ndarray, shell: np.ndarray) -> np.ndarray:
    """Unique rows (label_a, label_b, t1, t2, t3): component a in the home cell touches component b in cell t."""
    shape = np.array(labels.shape)
    points = shell[labels[tuple(shell.T)] > 0]
    target = (points[:, None, :] + _HALF_STEPS[None, :, :]).reshape(-1, 3)
    source = np.repeat(labels[tuple(points.T)].astype(np.int64), len(_HALF_STEPS))
    cell = np.floor_divide(target, shape)
    crosses = np.flatnonzero(cell.any(axis=1))
    cell = cell[crosses]
    target_label = labels[tuple((target[crosses] - cell * shape).T)].astype(np.int64)
    joined = target_label > 0
    pair = source[crosses][joined] * (labels.size + 1) + target_label[joined]
    keys = np.unique(pair * 27 + (cell[joined] + 1) @ np.array([9, 3, 1]))
    cell = np.column_stack([keys % 27 // 9, keys % 9 // 3, keys % 3]) - 1
    pair = keys // 27
    return np.column_stack([pair // (labels.size + 1), pair % (labels.size + 1), cell])


def _dimension(mask: np.ndarray, shell: np.ndarray) -> int:
    """Largest number of independent lattice directions in which one component of `mask` is infinite."""
    from scipy import ndimage

    labels, _ = ndimage.label(mask, structure=_FULL_NEIGHBOURHOOD)
    edges = _periodic_edges(labels, shell)
    parent: dict[int, int] = {}
    offset: dict[int, np.ndarray] = {}
    windings: dict[int, np.ndarray] = {}

    def find(label: int) -> tuple[int, np.ndarray]:
        """Root of `label` and the cell of `label`'s home copy relative to the root's home copy."""
        start, shift = label, np.zeros(3, dtype=np.int64)
        while parent.setdefault(label, label) != label:
            shift = shift + offset[label]
            label = parent[label]
        if start != label:
            parent[start], offset[start] = label, shift
        return label, shift

    best = 0
    for a, b, *cell in edges.tolist():
        root_a, shift_a = find(a)
        root_b, shift_b = find(b)
        if root_a != root_b:
            parent[root_b] = root_a
            offset[root_b] = shift_a + np.asarray(cell) - shift_b
            vectors = [v for v in (windings.pop(root_a, None), windings.pop(root_b, None)) if v is not None]
            if vectors:
                windings[root_a] = np.concatenate(vectors)
            root = root_a
        else:
            loop = shift_a + np.asarray(cell) - shift_b
            if not loop.any():
                continue
            windings[root_a] = np.vstack([windings.get(root_a, np.zeros((0, 3), dtype=np.int64)), loop])
            root = root_a
        if root in windings:
            rank = int(np.linalg.matrix_rank(windings[root].astype(float)))
            best = max(best, rank)
            if best == 3:
                return 3
    return best


def percolation_levels(field: np.ndarray) -> dict[int, float]:
    """Lowest levels E at which {field <= E} holds a component infinite in at least 1, 2 and 3 lattice directions.

    `field` is a periodic 3-D grid over the unit cell (index axes along the cell vectors). Grid points are joined
    to their 26 neighbours (faces, edges and corners, as in bvlain and Adams & Rao 2011), across the cell faces too.
    Each component's winding vectors (lattice translations joining it to its own image) come from a union-find
    over the components that touch the cell faces; their rank is the component's percolation dimension
    (Delgado-Friedrichs & O'Keeffe 2003, Acta Cryst. A 59, 351). The dimension grows monotonically with E, so each
    level is found exactly by a galloping then bisecting search over the sorted distinct field values.
    NaN and +inf points never join.
    Returns {1: E_1D, 2: E_2D, 3: E_3D} in the field's units, math.inf where no finite level percolates.
    """
    field = np.asarray(field, dtype=float)
    if field.ndim != 3 or min(field.shape) < 1:
        raise InputError(
            "percolation_levels", "field", "a 3-D array over the periodic cell", getattr(field, "shape", None)
        )
    values = np.unique(field[np.isfinite(field) | (field == -math.inf)])
    shell = _shell_indices(field.shape)
    known: dict[int, int] = {}

    def dimension_at(index: int) -> int:
        if index not in known:
            known[index] = _dimension(field <= values[index], shell)
        return known[index]

    levels: dict[int, float] = {}
    low = 0
    for wanted in (1, 2, 3):
        if values.size == 0 or dimension_at(values.size - 1) < wanted:
            levels[wanted] = math.inf
            continue
        high, step = low, 1
        while dimension_at(high) < wanted:  # gallop up from the previous level: equivalent saddles sit close by
            low, high, step = high + 1, min(high + step, values.size - 1), 2 * step
        while low < high:
            middle = (low + high) // 2
            if dimension_at(middle) >= wanted:
                high = middle
            else:
                low = middle + 1
        levels[wanted] = float(values[low])
    return levels
