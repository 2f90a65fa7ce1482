"""Cell figures: discharge curves, rate capability, overpotential breakdown, Ragone, mass and volume breakdown.

Each function returns (matplotlib, plotly) figures for `write_png_and_html`; inputs are plain numbers and
the result types of `nassb.cell` / `nassb.evaluate`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nassb.core.units import convert
from nassb.report.figures import plotting_modules

PROCESS_LABELS = {
    "separator_ohmic": "separator (ohmic)",
    "interface_asr": "interfaces (ASR)",
    "anode_kinetics": "anode kinetics",
    "catholyte_ohmic": "catholyte network (ohmic)",
    "electronic_ohmic": "electronic (ohmic)",
    "cathode_kinetics": "cathode charge transfer",
    "solid_diffusion": "solid-state diffusion",
    "salt_concentration": "salt gradient / depletion (t+ < 1)",
}
_COLOURS = ["#1f4e79", "#2e86c1", "#48c9b0", "#f4d03f", "#e67e22", "#c0392b", "#7d3c98", "#7f8c8d", "#34495e"]


def _colour(index: int) -> str:
    return _COLOURS[index % len(_COLOURS)]


def _finish(static, axis, interactive, title: str, xlabel: str, ylabel: str, legend_size: int | None = None):
    """Title and axis labels on both figures (and the static legend); returns the pair."""
    axis.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if legend_size is not None:
        axis.legend(fontsize=legend_size)
    static.tight_layout()
    interactive.update_layout(title=title, xaxis_title=xlabel, yaxis_title=ylabel)
    return static, interactive


def discharge_figures(discharges, active_loading_mg_per_cm2: float, title: str):
    """Voltage against specific capacity (mAh per g of active material) at each C-rate."""
    plt, go, _ = plotting_modules()
    static, axis = plt.subplots(figsize=(7, 4.5))
    interactive = go.Figure()
    for index, discharge in enumerate(discharges):
        capacity = np.asarray(discharge.capacity_mAh_per_cm2) / convert(active_loading_mg_per_cm2, "mg/cm2", "g/cm2")
        label = f"{discharge.c_rate:g}C ({discharge.current_density_mA_per_cm2:.3g} mA/cm2)"
        axis.plot(capacity, discharge.voltage_V, color=_colour(index), lw=1.4, label=label)
        interactive.add_trace(
            go.Scatter(x=capacity, y=discharge.voltage_V, mode="lines", name=label, line=dict(color=_colour(index)))
        )
    return _finish(static, axis, interactive, title, "capacity (mAh/g active)", "cell voltage (V)", legend_size=8)


def rate_capability_figures(
    rate_points, practical_capacity_mAh_per_g: float, title: str, reference: dict | None = None
):
    """Delivered capacity against C-rate (log axis), with the material's practical capacity and a reported point."""
    plt, go, _ = plotting_modules()
    rates = [point.c_rate for point in rate_points]
    capacities = [point.capacity_mAh_per_g for point in rate_points]
    static, axis = plt.subplots(figsize=(6, 4.2))
    axis.semilogx(rates, capacities, "o-", color=_colour(0), label="predicted")
    axis.axhline(
        practical_capacity_mAh_per_g, color="grey", ls="--", lw=0.8, label="practical capacity of the material"
    )
    interactive = go.Figure(
        go.Scatter(x=rates, y=capacities, mode="lines+markers", name="predicted", line=dict(color=_colour(0)))
    )
    interactive.add_hline(
        y=practical_capacity_mAh_per_g, line_dash="dash", line_color="grey", annotation_text="practical capacity"
    )
    if reference and reference.get("reported_capacity_mAh_per_g"):
        axis.plot(
            [reference["c_rate_used"]],
            [reference["reported_capacity_mAh_per_g"]],
            "s",
            color=_colour(5),
            label="reported",
        )
        interactive.add_trace(
            go.Scatter(
                x=[reference["c_rate_used"]],
                y=[reference["reported_capacity_mAh_per_g"]],
                mode="markers",
                name="reported",
                marker=dict(symbol="square", size=10, color=_colour(5)),
            )
        )
    axis.set(ylim=(0, None))
    interactive.update_layout(xaxis_type="log", yaxis_rangemode="tozero")
    return _finish(static, axis, interactive, title, "C-rate (1/h)", "capacity (mAh/g active)", legend_size=8)


def overpotential_figures(rate_points, title: str):
    """Stacked overpotentials at half the delivered capacity, per C-rate: which process limits."""
    plt, go, _ = plotting_modules()
    labels = [f"{point.c_rate:g}C" for point in rate_points]
    static, axis = plt.subplots(figsize=(7, 4.2))
    interactive = go.Figure()
    bottom = np.zeros(len(rate_points))
    for index, (key, name) in enumerate(PROCESS_LABELS.items()):
        if not any(key in point.overpotentials_V for point in rate_points):
            continue
        values = np.array([convert(point.overpotentials_V.get(key, 0.0), "V", "mV") for point in rate_points])
        axis.bar(labels, values, bottom=bottom, color=_colour(index), label=name)
        interactive.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=_colour(index)))
        bottom += values
    interactive.update_layout(barmode="stack")
    return _finish(static, axis, interactive, title, "C-rate", "overpotential at half discharge (mV)", legend_size=7)


def ragone_figures(rate_points, title: str, theoretical_Wh_per_kg: float | None = None):
    """Specific energy against specific power of the cell (log-log), one point per C-rate."""
    plt, go, _ = plotting_modules()
    power = [point.power_W_per_kg for point in rate_points]
    energy = [point.energy_Wh_per_kg for point in rate_points]
    text = [f"{point.c_rate:g}C" for point in rate_points]
    static, axis = plt.subplots(figsize=(6, 4.2))
    axis.loglog(power, energy, "o-", color=_colour(1))
    for x, y, label in zip(power, energy, text):
        axis.annotate(label, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    interactive = go.Figure(
        go.Scatter(
            x=power,
            y=energy,
            mode="lines+markers+text",
            text=text,
            textposition="top right",
            name="this cell",
            line=dict(color=_colour(1)),
        )
    )
    if theoretical_Wh_per_kg:
        axis.axhline(
            theoretical_Wh_per_kg, color="grey", ls="--", lw=0.8, label="stack energy at the practical capacity"
        )
        axis.legend(fontsize=8)
        interactive.add_trace(
            go.Scatter(
                x=[min(power) / 2, max(power) * 2],
                y=[theoretical_Wh_per_kg] * 2,
                mode="lines",
                name="at the practical capacity",
                line=dict(color="grey", dash="dash"),
            )
        )
    interactive.update_layout(xaxis_type="log", yaxis_type="log")
    return _finish(static, axis, interactive, title, "specific power (W/kg cell)", "specific energy (Wh/kg cell)")


def breakdown_figures(mass_shares: dict[str, float], volume_shares: dict[str, float], title: str):
    """Mass and volume of the cell by component, as two stacked horizontal bars (percent)."""
    plt, go, _ = plotting_modules()
    static, axis = plt.subplots(figsize=(8, 2.8))
    interactive = go.Figure()
    names: Sequence[str] = list(mass_shares)
    left = np.zeros(2)
    for index, name in enumerate(names):
        values = np.array(
            [convert(mass_shares.get(name, 0.0), "1", "%"), convert(volume_shares.get(name, 0.0), "1", "%")]
        )
        axis.barh(["mass", "volume"], values, left=left, color=_colour(index), label=name)
        interactive.add_trace(
            go.Bar(
                y=["mass", "volume"],
                x=values,
                name=name,
                orientation="h",
                marker_color=_colour(index),
                hovertemplate="%{x:.1f} %",
            )
        )
        left += values
    axis.set(xlabel="share of the cell (%)", title=title, xlim=(0, 100))
    axis.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.35))
    static.tight_layout()
    interactive.update_layout(barmode="stack", title=title, xaxis_title="share of the cell (%)", height=320)
    return static, interactive


def life_figures(per_cycle, title: str):
    """Discharge capacity and each resistance contribution (log scale) against cycle number."""
    plt, go, make_subplots = plotting_modules()
    cycles = [record.cycle for record in per_cycle]
    static, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    interactive = make_subplots(rows=2, cols=1, shared_xaxes=True)
    capacity = [record.discharge_mAh_per_cm2 for record in per_cycle]
    top.plot(cycles, capacity, color=_colour(0), lw=1.5)
    top.set(ylabel="discharge (mAh/cm2)", title=title)
    interactive.add_trace(go.Scatter(x=cycles, y=capacity, name="discharge capacity"), row=1, col=1)
    names = [
        name
        for name in (per_cycle[0].resistances_ohm_cm2 if per_cycle else {})
        if any(record.resistances_ohm_cm2[name] > 0 for record in per_cycle)
    ]
    for index, name in enumerate(names):
        values = [max(record.resistances_ohm_cm2[name], 1e-6) for record in per_cycle]
        bottom.plot(cycles, values, color=_colour(index + 1), lw=1.2, label=name.replace("_", " "))
        interactive.add_trace(go.Scatter(x=cycles, y=values, name=name.replace("_", " ")), row=2, col=1)
    bottom.set(yscale="log", xlabel="cycle", ylabel="resistance (Ohm cm2)")
    if names:  # a cell whose interfaces add no resistance has nothing to label
        bottom.legend(fontsize=7)
    static.tight_layout()
    interactive.update_yaxes(type="log", row=2, col=1)
    interactive.update_layout(
        title=title, xaxis2_title="cycle", yaxis_title="discharge (mAh/cm2)", yaxis2_title="resistance (Ohm cm2)"
    )
    return static, interactive
