"""Cycling figures: voltage and current against time (steps and a detected short marked), capacity
and Coulombic efficiency against cycle, dQ/dV, and the overpotential of a current-density ramp.
Each function returns (matplotlib, plotly) figures for `write_png_and_html`; inputs are plain arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nassb.report.figures import plotting_modules

_VOLTAGE = "#1f4e79"
_CURRENT = "#7f7f7f"
_SHORT = "#c0392b"


def _time_axis(time_s: np.ndarray) -> tuple[np.ndarray, str, float]:
    """Time in hours when the record is longer than two hours, else in seconds."""
    time_s = np.asarray(time_s, dtype=float)
    if time_s.size and time_s[-1] - time_s[0] > 7200:
        return time_s / 3600.0, "time (h)", 3600.0
    return time_s, "time (s)", 1.0


def voltage_time_figures(
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    current_A: np.ndarray,
    title: str,
    short_time_s: float | None = None,
    step_starts_s: Sequence[float] = (),
    step_labels: Sequence[str] = (),
):
    """Voltage (left axis) and current (right axis) against time; step boundaries and a short marked."""
    plt, go, make_subplots = plotting_modules()
    t, label, scale = _time_axis(time_s)
    figure, axis = plt.subplots(figsize=(10, 4.8))
    axis.plot(t, voltage_V, "-", lw=0.8, color=_VOLTAGE, label="voltage")
    axis.set(xlabel=label, ylabel="voltage (V)", title=title)
    current_axis = axis.twinx()
    current_axis.plot(t, 1e3 * np.asarray(current_A), "-", lw=0.6, color=_CURRENT, alpha=0.6)
    current_axis.set_ylabel("current (mA)", color=_CURRENT)
    for start, text in zip(step_starts_s, step_labels):
        axis.axvline(start / scale, color="grey", lw=0.5, ls=":")
        axis.annotate(text, (start / scale, 1.0), xycoords=("data", "axes fraction"), rotation=90, va="top", fontsize=7)
    if short_time_s is not None:
        axis.axvline(
            short_time_s / scale, color=_SHORT, lw=1.5, label=f"short at {short_time_s / scale:.4g} {label[6:-1]}"
        )
        axis.legend(loc="lower left")
    figure.tight_layout()
    interactive = make_subplots(specs=[[{"secondary_y": True}]])
    interactive.add_trace(
        go.Scattergl(x=t, y=voltage_V, mode="lines", name="voltage (V)", line=dict(color=_VOLTAGE)), secondary_y=False
    )
    interactive.add_trace(
        go.Scattergl(x=t, y=1e3 * np.asarray(current_A), mode="lines", name="current (mA)", line=dict(color=_CURRENT)),
        secondary_y=True,
    )
    for start, text in zip(step_starts_s, step_labels):
        interactive.add_vline(
            x=start / scale,
            line_color="grey",
            line_dash="dot",
            line_width=1,
            annotation_text=text,
            annotation_textangle=-90,
        )
    if short_time_s is not None:
        interactive.add_vline(x=short_time_s / scale, line_color=_SHORT, annotation_text="short")
    interactive.update_layout(title=title, xaxis_title=label)
    interactive.update_yaxes(title_text="voltage (V)", secondary_y=False)
    interactive.update_yaxes(title_text="current (mA)", secondary_y=True)
    return figure, interactive


def capacity_figures(
    cycles: Sequence[int],
    charge: Sequence[float],
    discharge: Sequence[float],
    efficiency: Sequence[float],
    unit: str,
    title: str,
):
    """Charge and discharge capacity (left axis, in `unit`) and Coulombic efficiency (right, %) per cycle."""
    plt, go, make_subplots = plotting_modules()
    figure, axis = plt.subplots(figsize=(8, 4.8))
    axis.plot(cycles, charge, "o", mfc="none", label="charge")
    axis.plot(cycles, discharge, "s", label="discharge")
    axis.set(xlabel="cycle", ylabel=f"capacity ({unit})", title=title)
    efficiency_axis = axis.twinx()
    efficiency_axis.plot(
        cycles, 100 * np.asarray(efficiency, dtype=float), "^-", color="#2ca02c", ms=4, label="Coulombic efficiency"
    )
    efficiency_axis.set_ylabel("Coulombic efficiency (%)", color="#2ca02c")
    axis.legend(loc="lower left")
    figure.tight_layout()
    interactive = make_subplots(specs=[[{"secondary_y": True}]])
    interactive.add_trace(go.Scatter(x=list(cycles), y=list(charge), mode="markers", name="charge"), secondary_y=False)
    interactive.add_trace(
        go.Scatter(x=list(cycles), y=list(discharge), mode="markers", name="discharge"), secondary_y=False
    )
    interactive.add_trace(
        go.Scatter(
            x=list(cycles), y=list(100 * np.asarray(efficiency, dtype=float)), mode="lines+markers", name="CE (%)"
        ),
        secondary_y=True,
    )
    interactive.update_layout(title=title, xaxis_title="cycle")
    interactive.update_yaxes(title_text=f"capacity ({unit})", secondary_y=False)
    interactive.update_yaxes(title_text="Coulombic efficiency (%)", secondary_y=True)
    return figure, interactive


def dqdv_figures(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], title: str):
    """dQ/dV (mAh/V) against voltage, one curve per (label, voltage_V, dQdV) entry."""
    plt, go, _ = plotting_modules()
    figure, axis = plt.subplots(figsize=(8, 4.8))
    interactive = go.Figure()
    for label, voltage, dqdv in curves:
        axis.plot(voltage, dqdv, "-", lw=1, label=label)
        interactive.add_trace(go.Scatter(x=voltage, y=dqdv, mode="lines", name=label))
    axis.axhline(0, color="grey", lw=0.6)
    axis.set(xlabel="voltage (V)", ylabel="dQ/dV (mAh/V)", title=title)
    if len(curves) <= 12:
        axis.legend(fontsize=7)
    figure.tight_layout()
    interactive.update_layout(title=title, xaxis_title="voltage (V)", yaxis_title="dQ/dV (mAh/V)")
    return figure, interactive


def ramp_figures(
    current_mA_per_cm2: Sequence[float], overpotential_mV: Sequence[float], ccd_mA_per_cm2: float | None, title: str
):
    """Overpotential of each step of a current-density ramp, with the critical current density marked."""
    plt, go, _ = plotting_modules()
    figure, axis = plt.subplots(figsize=(7, 4.8))
    axis.plot(current_mA_per_cm2, overpotential_mV, "o-", color=_VOLTAGE)
    if ccd_mA_per_cm2 is not None:
        axis.axvline(ccd_mA_per_cm2, color=_SHORT, ls="--", label=f"CCD = {ccd_mA_per_cm2:.3g} mA/cm2")
        axis.legend()
    axis.set(xlabel="current density (mA/cm2)", ylabel="overpotential (mV)", title=title)
    figure.tight_layout()
    interactive = go.Figure(
        go.Scatter(x=list(current_mA_per_cm2), y=list(overpotential_mV), mode="lines+markers", name="overpotential")
    )
    if ccd_mA_per_cm2 is not None:
        interactive.add_vline(x=ccd_mA_per_cm2, line_dash="dash", line_color=_SHORT, annotation_text="CCD")
    interactive.update_layout(title=title, xaxis_title="current density (mA/cm2)", yaxis_title="overpotential (mV)")
    return figure, interactive


def cycling_summary_figures(
    name: str, result, time_s, voltage_V, current_A, per_gram: bool, first_step: str, max_dqdv_cycles: int = 10
) -> tuple[dict[str, tuple], list[str]]:
    """The figures of `nassb cycling summary`, by file-name suffix: "voltage" (against time), "capacity" (charge,
    discharge and CE per complete cycle, mAh/g when `per_gram`) and "dqdv" (of up to `max_dqdv_cycles` cycles); and
    a warning for each dQ/dV curve that cannot be computed (a half-cycle too short for the smoothing window)."""
    from nassb.core.errors import NassbError
    from nassb.echem.full_cell import differential_capacity

    figures = {"voltage": voltage_time_figures(time_s - time_s[0], voltage_V, current_A, name)}
    complete = [c for c in result.cycles if c.complete]
    if not complete:
        return figures, []
    unit = "mAh/g" if per_gram else "mAh"
    charge = [c.charge_mAh_per_g if per_gram else c.charge_mAh for c in complete]
    discharge = [c.discharge_mAh_per_g if per_gram else c.discharge_mAh for c in complete]
    efficiency = [np.nan if c.coulombic_efficiency is None else c.coulombic_efficiency for c in complete]
    cycles = [c.cycle for c in complete]
    figures["capacity"] = capacity_figures(cycles, charge, discharge, efficiency, unit, f"{name}: capacity and CE")
    curves, warnings = [], []
    for c in complete[:: max(1, len(complete) // max_dqdv_cycles)]:
        for direction in ("charge", "discharge"):
            try:
                dqdv = differential_capacity(
                    time_s,
                    voltage_V,
                    current_A,
                    cycle_number=c.cycle,
                    direction=direction,
                    first_step=first_step,
                    source=name,
                )
            except NassbError as error:
                warnings.append(f"no dQ/dV for cycle {c.cycle} {direction}: {error}")
                continue
            curves.append((f"cycle {c.cycle} {direction}", dqdv.voltage_V, dqdv.dQdV_mAh_per_V))
    if curves:
        figures["dqdv"] = dqdv_figures(curves, f"{name}: dQ/dV")
    return figures, warnings


def ccd_result_figures(name: str, time_s, voltage_V, current_A, result) -> dict[str, tuple]:
    """The figures of `nassb cycling ccd`, by file-name suffix: "ccd-voltage" (the ramp against time, steps and the
    short marked) and "ccd" (overpotential against current density, the CCD marked unless it is a lower bound)."""
    bound = ">" if result.ccd_lower_bound else "="
    ccd = "" if result.ccd_mA_per_cm2 is None else f"{result.ccd_mA_per_cm2:.4g}"
    ramp = [(s.current_mA_per_cm2, s.overpotential_mV) for s in result.steps if s.overpotential_mV is not None]
    return {
        "ccd-voltage": voltage_time_figures(
            time_s,
            voltage_V,
            current_A,
            f"{name}: CCD {bound} {ccd} mA/cm2",
            result.short_time_s,
            [step.start_time_s for step in result.steps],
            [f"{step.current_mA_per_cm2:.3g} mA/cm2" for step in result.steps],
        ),
        "ccd": ramp_figures(
            [j for j, _ in ramp],
            [v for _, v in ramp],
            None if result.ccd_lower_bound else result.ccd_mA_per_cm2,
            f"{name}: overpotential per step",
        ),
    }
