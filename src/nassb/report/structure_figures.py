"""Figures of one material's transport results: slices through a BVSE landscape (PNG), an interactive isosurface of
the region a mobile ion reaches below a given energy (HTML), and the MD diffusion and Arrhenius plot (PNG).

They draw what `nassb.transport` computed (barriers, MSD curves, fitted lines) and compute no physics themselves."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from nassb.core.constants import ROOM_TEMPERATURE_K
from nassb.core.errors import InputError
from nassb.core.io import write_atomic
from nassb.report.figures import plotting_modules

INLINE_LIMIT_BYTES = 5 * 2**20
_ISOSURFACE_MAX_POINTS = 11_000  # Cartesian resampling points: with plotly.js inline the page stays under 5 MiB


def _default_level_eV(bvse) -> float:
    """The highest percolation barrier of the BVSE result, else (no path) the 90th percentile of the energies."""
    if bvse.highest_barrier_eV is not None:
        return bvse.highest_barrier_eV
    energy = bvse.landscape.energy_eV
    return float(np.percentile(energy[np.isfinite(energy)], 90))


def _check_level(level_eV) -> float:
    try:
        level = float(level_eV)
    except (TypeError, ValueError):
        raise InputError("landscape figure", "level_eV", "a finite energy in eV above the minimum", level_eV) from None
    if not math.isfinite(level):
        raise InputError("landscape figure", "level_eV", "a finite energy in eV above the minimum", level_eV)
    return level


def _slice_corners(lattice_A: np.ndarray, axes: tuple[int, int], counts: tuple[int, int]):
    """Cartesian (x, y) of the voxel corners of a slice spanned by two cell vectors, x along the first vector."""
    u, v = lattice_A[axes[0]], lattice_A[axes[1]]
    e1 = u / np.linalg.norm(u)
    e2 = v - (v @ e1) * e1
    e2 /= np.linalg.norm(e2)
    s, t = np.meshgrid(
        (np.arange(counts[0] + 1) - 0.5) / counts[0], (np.arange(counts[1] + 1) - 0.5) / counts[1], indexing="ij"
    )
    points = s[..., None] * u + t[..., None] * v
    return points @ e1, points @ e2


def _slices(landscape):
    """The three slices through the minimum: (values, x, y, names of the x and y vectors, title), longer vector on x."""
    energy = landscape.energy_eV
    minimum = np.unravel_index(np.argmin(np.where(np.isfinite(energy), energy, np.inf)), energy.shape)
    lengths = np.linalg.norm(landscape.lattice_matrix_A, axis=1)
    out = []
    for normal in (2, 1, 0):
        first, second = sorted({0, 1, 2} - {normal}, key=lambda axis: (-lengths[axis], axis))
        values = np.take(energy, minimum[normal], axis=normal)
        if first > second:
            values = values.T
        x, y = _slice_corners(landscape.lattice_matrix_A, (first, second), values.shape)
        title = f"{'abc'[first]}{'abc'[second]} plane at {'abc'[normal]} = {minimum[normal] / energy.shape[normal]:.3f}"
        out.append((values, x, y, "abc"[first], "abc"[second], title))
    return out


def landscape_slices_png(bvse, path: str | Path, level_eV: float | None = None) -> Path:
    """Three slices through the minimum of the landscape of `bvse` (a BVSEResult), each spanned by two cell vectors
    and drawn to scale.

    Colours run from 0 to `level_eV` + 0.5 eV, higher energies are clipped; the white contour marks `level_eV`
    (default: the highest percolation barrier), the region inside it is reachable at that energy.
    Panels sit side by side, or one above the other when a slice is more than 1.6 times wider than high.
    """
    plt, _, _ = plotting_modules()
    figure = landscape_slices_figure(bvse, level_eV)
    target = write_atomic(path, lambda temporary: figure.savefig(temporary, dpi=150, bbox_inches="tight", format="png"))
    plt.close(figure)
    return target


def landscape_slices_figure(bvse, level_eV: float | None = None):
    """The matplotlib figure of `landscape_slices_png`."""
    plt, _, _ = plotting_modules()
    landscape = bvse.landscape
    level = _default_level_eV(bvse) if level_eV is None else _check_level(level_eV)
    top = level + 0.5
    slices = _slices(landscape)
    aspects = [np.ptp(x) / np.ptp(y) for _, x, y, *_ in slices]
    if max(aspects) <= 1.6:
        figure, axes = plt.subplots(
            1, 3, figsize=(4.2 * sum(aspects) + 2.5, 5.2), layout="constrained", gridspec_kw=dict(width_ratios=aspects)
        )
    else:
        figure, axes = plt.subplots(
            3,
            1,
            figsize=(10.5, 2.8 + 8.0 * sum(1 / a for a in aspects)),
            layout="constrained",
            gridspec_kw=dict(height_ratios=[1 / a for a in aspects]),
        )
    mesh = None
    for axis, (values, x, y, first, second, title) in zip(axes, slices):
        finite = np.where(np.isfinite(values), values, top)
        mesh = axis.pcolormesh(x, y, np.minimum(finite, top), cmap="viridis", vmin=0.0, vmax=top, shading="flat")
        if finite.min() < level < finite.max():
            centre_x = 0.25 * (x[:-1, :-1] + x[1:, :-1] + x[:-1, 1:] + x[1:, 1:])
            centre_y = 0.25 * (y[:-1, :-1] + y[1:, :-1] + y[:-1, 1:] + y[1:, 1:])
            axis.contour(centre_x, centre_y, finite, levels=[level], colors="white", linewidths=1.2)
        axis.set_aspect("equal")
        axis.set(xlabel=f"along {first} (Å)", ylabel=f"towards {second} (Å)", title=title)
    colour_bar = figure.colorbar(mesh, ax=axes, shrink=0.9, extend="max")
    colour_bar.set_label("E - E_min (eV)")
    figure.suptitle(
        f"BVSE of {landscape.mobile_ion} in {landscape.formula}: slices through the minimum, "
        f"white contour at {level:.3f} eV"
    )
    return figure


def _cartesian_box(landscape, ceiling_eV: float, max_points: int):
    """The landscape resampled (periodic trilinear interpolation) on a Cartesian grid over the cell's bounding box.

    Plotly's isosurface needs a rectilinear grid; cells that are not orthogonal show their periodic continuation
    in the corners of the box. Energies above `ceiling_eV` (and +inf) are clipped to it before interpolating.
    """
    from scipy.ndimage import map_coordinates

    lattice = landscape.lattice_matrix_A
    corners = np.array(np.meshgrid([0, 1], [0, 1], [0, 1], indexing="ij")).reshape(3, -1).T @ lattice
    low, high = corners.min(axis=0), corners.max(axis=0)
    spacing = (np.prod(high - low) / max_points) ** (1 / 3)
    axes = [np.linspace(lo, hi, max(2, int(round((hi - lo) / spacing)) + 1)) for lo, hi in zip(low, high)]
    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    energy = np.where(np.isfinite(landscape.energy_eV), np.minimum(landscape.energy_eV, ceiling_eV), ceiling_eV)
    index = (points @ np.linalg.inv(lattice) * np.array(energy.shape)).T
    return points, map_coordinates(energy, index, order=1, mode="grid-wrap")


def landscape_isosurface_html(landscape, path: str | Path, level_eV: float) -> Path:
    """Interactive isosurface E = `level_eV` (eV above the minimum) around the unit cell, with the cell edges.

    The landscape is resampled on at most 11000 Cartesian points so that the page, with plotly.js embedded,
    normally stays under 5 MiB and opens offline; a page that would exceed 5 MiB loads plotly.js from the plotly
    CDN instead (and then needs a network connection to display).
    """
    figure = landscape_isosurface_figure(landscape, level_eV)
    html = figure.to_html(include_plotlyjs=True, full_html=True)
    if len(html.encode("utf-8")) >= INLINE_LIMIT_BYTES:
        html = figure.to_html(include_plotlyjs="cdn", full_html=True)
    return write_atomic(path, lambda temporary: temporary.write_text(html, encoding="utf-8"))


def landscape_isosurface_figure(landscape, level_eV: float):
    """The plotly figure of `landscape_isosurface_html`."""
    _, go, _ = plotting_modules()
    level = _check_level(level_eV)
    points, values = _cartesian_box(landscape, level + 1.0, _ISOSURFACE_MAX_POINTS)
    figure = go.Figure(
        go.Isosurface(
            x=points[:, 0].astype(np.float32),
            y=points[:, 1].astype(np.float32),
            z=points[:, 2].astype(np.float32),
            value=values.astype(np.float32),
            isomin=level,
            isomax=level,
            surface_count=1,
            caps=dict(x_show=False, y_show=False, z_show=False),
            colorscale=[[0, "#1f77b4"], [1, "#1f77b4"]],
            showscale=False,
            opacity=0.6,
            name=f"E = {level:.3f} eV",
        )
    )
    x, y, z = [], [], []
    for start, step in ((s, e) for s in np.ndindex(2, 2, 2) for e in np.eye(3, dtype=int) if np.dot(s, e) == 0):
        segment = np.array([start, np.add(start, step)]) @ landscape.lattice_matrix_A
        x += [*segment[:, 0], None]
        y += [*segment[:, 1], None]
        z += [*segment[:, 2], None]
    figure.add_trace(go.Scatter3d(x=x, y=y, z=z, mode="lines", name="unit cell", line=dict(color="black", width=3)))
    figure.update_layout(
        title=f"BVSE of {landscape.mobile_ion} in {landscape.formula}: surface E = {level:.3f} eV",
        scene=dict(aspectmode="data", xaxis_title="x (Å)", yaxis_title="y (Å)", zaxis_title="z (Å)"),
    )
    return figure


def md_conductivity_png(conductivity, path: str | Path) -> Path:
    """Left: the Na MSD at each temperature with its GLS line; right: D* against 1000/T with error bars, the
    Arrhenius line and its extrapolation to 298.15 K (when three or more temperatures resolved diffusion)."""
    plt, _, _ = plotting_modules()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
    colours = plt.cm.plasma(np.linspace(0.1, 0.85, len(conductivity.temperatures_K)))
    for curve, fit, temperature, colour in zip(
        conductivity.msd_curves, conductivity.diffusion, conductivity.temperatures_K, colours
    ):
        left.plot(curve.lag_ps, curve.msd_A2, color=colour, label=f"{temperature:g} K")
        window = (curve.lag_ps >= fit.start_ps) & (curve.lag_ps <= fit.end_ps)
        left.plot(
            curve.lag_ps[window], fit.fitted_msd_A2(curve.lag_ps[window]), color=colour, linestyle="--", linewidth=1
        )
    left.set(xlabel="lag time (ps)", ylabel="Na mean squared displacement (Å²)", title="MSD and GLS fit (dashed)")
    left.legend()
    inverse = 1000.0 / np.array(conductivity.temperatures_K)
    d_values = np.array(conductivity.D_cm2_per_s)
    d_errors = np.array(conductivity.D_stderr_cm2_per_s)
    positive = d_values > 0
    right.errorbar(
        inverse[positive],
        d_values[positive],
        yerr=d_errors[positive],
        fmt="o",
        color="C0",
        capsize=3,
        label="MD D* ± GLS stderr",
    )
    arrhenius = conductivity.arrhenius
    if arrhenius is not None:
        line_inverse = np.linspace(inverse[positive].min(), 1000.0 / ROOM_TEMPERATURE_K, 50)
        right.plot(
            line_inverse,
            arrhenius.D_cm2_per_s_at(1000.0 / line_inverse),
            color="C1",
            label=f"Arrhenius Ea = {arrhenius.Ea_eV:.3f} ± {arrhenius.Ea_stderr_eV:.3f} eV",
        )
        right.errorbar(
            [1000.0 / ROOM_TEMPERATURE_K],
            [arrhenius.D_298K_cm2_per_s],
            yerr=[arrhenius.D_298K_stderr_cm2_per_s],
            fmt="s",
            color="C1",
            capsize=3,
            label=f"298 K: σ = {arrhenius.sigma_298K_S_per_cm:.2e} S/cm (H_R = {arrhenius.haven_ratio:g})",
        )
    right.set_yscale("log")
    right.set(xlabel="1000 / T (1/K)", ylabel="D* (cm²/s)", title="tracer diffusion and extrapolation")
    right.legend(fontsize=8)
    target = write_atomic(path, lambda temporary: figure.savefig(temporary, dpi=150, bbox_inches="tight", format="png"))
    plt.close(figure)
    return target


def write_material_figures(analysis, folder: Path) -> dict[str, str]:
    """The figures of a `MaterialAnalysis` in `folder`: BVSE slices (PNG), an isosurface 0.05 eV above the highest
    barrier (HTML) when there is a path, and the MD plot when MD was run; figure name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = analysis.name.replace(" ", "_")
    figures = {"bvse_slices": str(landscape_slices_png(analysis.bvse, folder / f"{stem}-bvse-slices.png"))}
    barrier_eV = analysis.bvse.highest_barrier_eV
    if barrier_eV is not None:
        isosurface = folder / f"{stem}-bvse-isosurface.html"
        figures["bvse_isosurface"] = str(
            landscape_isosurface_html(analysis.bvse.landscape, isosurface, barrier_eV + 0.05)
        )
    if analysis.md is not None:
        figures["md"] = str(md_conductivity_png(analysis.md, folder / f"{stem}-md-msd-arrhenius.png"))
    return figures
