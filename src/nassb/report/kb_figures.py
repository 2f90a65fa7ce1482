"""Knowledge-base figures: the Arrhenius map of all conductivities and the stability-window map."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nassb.kb.query import RecordFilter, select
from nassb.kb.store import ROOM_TEMPERATURE_WINDOW_K, KnowledgeBase

_HOVER_COLUMNS = ["record_id", "system", "seed_file", "locator", "flags"]


def arrhenius_points(knowledge_base: KnowledgeBase, family: str | None = None) -> pd.DataFrame:
    """Ionic conductivities with a known temperature: 1000/T (1/K) and log10 sigma (S/cm)."""
    records = select(knowledge_base, RecordFilter(property="ionic_conductivity", family=family, role="electrolyte"))
    records = records[np.isfinite(records["temperature_K"]) & (records["value_canonical"] > 0)]
    return records.assign(
        inverse_temperature_per_kK=1000.0 / records["temperature_K"],
        log10_sigma_S_per_cm=np.log10(records["value_canonical"]),
    )


def window_points(knowledge_base: KnowledgeBase) -> pd.DataFrame:
    """Per formula: the highest room-temperature conductivity and each reported oxidation limit.

    An oxidation limit is an `oxidation_limit` record, or the upper end of an
    `electrochemical_window` range. One row per (formula, oxidation-limit record).
    """
    low, high = ROOM_TEMPERATURE_WINDOW_K
    sigma = select(knowledge_base, RecordFilter(property="ionic_conductivity", min_temperature_K=low, max_temperature_K=high))
    sigma = sigma[(sigma["reduced_formula"] != "") & (sigma["value_canonical"] > 0)]
    best = sigma.sort_values("value_canonical").groupby("reduced_formula").tail(1)
    limits = knowledge_base.records[
        (knowledge_base.records["property"] == "oxidation_limit")
        | ((knowledge_base.records["property"] == "electrochemical_window") & (knowledge_base.records["qualifier"] == "range"))
    ]
    limits = limits[limits["reduced_formula"] != ""].assign(
        oxidation_limit_V=lambda frame: frame["value_max_canonical"].where(frame["qualifier"] == "range", frame["value_canonical"])
    )
    joined = limits.merge(
        best[["reduced_formula", "value_canonical", "record_id", "family"]].rename(
            columns={"value_canonical": "sigma_rt_S_per_cm", "record_id": "sigma_record_id", "family": "sigma_family"}
        ),
        on="reduced_formula",
    )
    return joined[np.isfinite(joined["oxidation_limit_V"])]


def _colours(families: list[str]) -> dict[str, str]:
    import matplotlib

    palette = matplotlib.colormaps["tab20"]
    return {family: matplotlib.colors.to_hex(palette(index % 20)) for index, family in enumerate(sorted(families))}


def arrhenius_figures(points: pd.DataFrame):
    """(matplotlib figure, plotly figure) of log10 sigma against 1000/T coloured by family."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    colours = _colours(list(points["family"].unique()))
    static, axes = plt.subplots(figsize=(7.5, 5.5))
    interactive = go.Figure()
    for family, group in points.groupby("family"):
        axes.scatter(group["inverse_temperature_per_kK"], group["log10_sigma_S_per_cm"], s=22,
                     color=colours[family], label=f"{family} ({len(group)})", alpha=0.8, edgecolor="none")
        interactive.add_trace(go.Scatter(
            x=group["inverse_temperature_per_kK"], y=group["log10_sigma_S_per_cm"], mode="markers",
            name=f"{family} ({len(group)})", marker={"color": colours[family], "size": 8},
            customdata=group[_HOVER_COLUMNS].to_numpy(),
            hovertemplate="%{customdata[1]}<br>log10 σ = %{y:.2f} at 1000/T = %{x:.3f}<br>"
                          "%{customdata[0]}: %{customdata[2]}, %{customdata[3]}<br>flags: %{customdata[4]}<extra></extra>",
        ))
    _add_temperature_axis(axes)
    axes.set_xlabel("1000 / T (1/K)")
    axes.set_ylabel("log10 σ (S/cm)")
    axes.set_title(f"Na-ion conductivities reported in the seed reviews ({len(points)} records)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, ncols=2, loc="lower left")
    interactive.update_layout(
        title=f"Na-ion conductivities reported in the seed reviews ({len(points)} records)",
        xaxis_title="1000 / T (1/K)", yaxis_title="log10 σ (S/cm)", template="plotly_white",
    )
    return static, interactive


def _add_temperature_axis(axes) -> None:
    top = axes.secondary_xaxis("top", functions=(lambda x: 1000.0 / np.maximum(x, 1e-9) - 273.15,
                                                 lambda t: 1000.0 / (np.asarray(t) + 273.15)))
    top.set_xlabel("temperature (°C)")


def window_figures(points: pd.DataFrame):
    """(matplotlib, plotly) figures of room-temperature sigma against the oxidation limit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    colours = _colours(list(points["sigma_family"].unique()))
    static, axes = plt.subplots(figsize=(7.5, 5.5))
    interactive = go.Figure()
    for family, group in points.groupby("sigma_family"):
        marker = {"computed": "^", "experiment": "o"}
        for method, subset in group.groupby("method"):
            axes.scatter(subset["oxidation_limit_V"], np.log10(subset["sigma_rt_S_per_cm"]), s=40,
                         marker=marker.get(method, "s"), color=colours[family],
                         label=f"{family}, {method}", alpha=0.85)
        for _, row in group.iterrows():
            axes.annotate(row["reduced_formula"], (row["oxidation_limit_V"], math.log10(row["sigma_rt_S_per_cm"])),
                          fontsize=6, xytext=(3, 3), textcoords="offset points")
        interactive.add_trace(go.Scatter(
            x=group["oxidation_limit_V"], y=np.log10(group["sigma_rt_S_per_cm"]), mode="markers+text",
            text=group["reduced_formula"], textposition="top right", name=family,
            marker={"color": colours[family], "size": 10},
            customdata=group[["record_id", "sigma_record_id", "method", "locator"]].to_numpy(),
            hovertemplate="%{text}: oxidation limit %{x:.2f} V (%{customdata[2]}, %{customdata[0]}, "
                          "%{customdata[3]})<br>log10 σ(RT) = %{y:.2f} (%{customdata[1]})<extra></extra>",
        ))
    axes.set_xlabel("oxidation limit (V vs Na/Na+)")
    axes.set_ylabel("log10 σ at room temperature (S/cm)")
    axes.set_title("Conductivity against oxidative stability (seed reviews)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7)
    interactive.update_layout(
        title="Conductivity against oxidative stability (seed reviews)",
        xaxis_title="oxidation limit (V vs Na/Na+)", yaxis_title="log10 σ at room temperature (S/cm)",
        template="plotly_white",
    )
    return static, interactive
