"""Knowledge-base figures: the Arrhenius map of all conductivities and the stability-window map."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nassb.core.constants import ROOM_TEMPERATURE_K, ROOM_TEMPERATURE_RANGE_K, ZERO_CELSIUS_K
from nassb.kb.query import RecordFilter, select
from nassb.kb.store import KnowledgeBase
from nassb.report.figures import plotting_modules

_HOVER_COLUMNS = ["record_id", "system", "seed_file", "locator", "flags"]


def arrhenius_points(knowledge_base: KnowledgeBase, family: str | None = None) -> pd.DataFrame:
    """Electrolyte ionic conductivities as 1000/T (1/K) and log10 sigma (S/cm).

    Records whose seed states no temperature are kept with `temperature_stated` False and placed
    at 25 degC (298.15 K) for drawing only; the figures draw them hollow and say so.
    """
    records = select(knowledge_base, RecordFilter(property="ionic_conductivity", family=family, role="electrolyte"))
    records = records[records["value_canonical"] > 0]
    stated = np.isfinite(records["temperature_K"])
    drawn_at_K = records["temperature_K"].where(stated, ROOM_TEMPERATURE_K)
    return records.assign(
        temperature_stated=stated,
        inverse_temperature_per_kK=1000.0 / drawn_at_K,
        log10_sigma_S_per_cm=np.log10(records["value_canonical"]),
    )


def window_points(knowledge_base: KnowledgeBase) -> pd.DataFrame:
    """Per formula: the highest room-temperature conductivity and each reported oxidation limit.

    A conductivity whose seed states no temperature stands in only when the formula has no
    stated room-temperature value; `temperature_stated` says which.

    An oxidation limit is an `oxidation_limit` record, or the upper end of an
    `electrochemical_window` range. One row per (formula, oxidation-limit record).
    """
    low, high = ROOM_TEMPERATURE_RANGE_K
    sigma = select(knowledge_base, RecordFilter(property="ionic_conductivity"))
    sigma = sigma[(sigma["reduced_formula"] != "") & (sigma["value_canonical"] > 0)]
    at_room_temperature = sigma["temperature_K"].between(low, high)
    sigma = sigma[at_room_temperature | sigma["temperature_K"].isna()].assign(
        temperature_stated=lambda frame: frame["temperature_K"].notna()
    )
    best = sigma.sort_values(["temperature_stated", "value_canonical"]).groupby("reduced_formula").tail(1)
    limits = knowledge_base.records[
        (knowledge_base.records["property"] == "oxidation_limit")
        | (
            (knowledge_base.records["property"] == "electrochemical_window")
            & (knowledge_base.records["qualifier"] == "range")
        )
    ]
    limits = limits[limits["reduced_formula"] != ""].assign(
        oxidation_limit_V=lambda frame: frame["value_max_canonical"].where(
            frame["qualifier"] == "range", frame["value_canonical"]
        )
    )
    joined = limits.merge(
        best[["reduced_formula", "value_canonical", "record_id", "family", "temperature_stated"]].rename(
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
    plt, go, _ = plotting_modules()
    colours = _colours(list(points["family"].unique()))
    static, axes = plt.subplots(figsize=(7.5, 5.5))
    interactive = go.Figure()
    for family, group in points.groupby("family"):
        stated = group[group["temperature_stated"]]
        unstated = group[~group["temperature_stated"]]
        axes.scatter(
            stated["inverse_temperature_per_kK"],
            stated["log10_sigma_S_per_cm"],
            s=22,
            color=colours[family],
            label=f"{family} ({len(group)})",
            alpha=0.85,
            edgecolor="none",
        )
        axes.scatter(
            unstated["inverse_temperature_per_kK"],
            unstated["log10_sigma_S_per_cm"],
            s=22,
            facecolor="none",
            edgecolor=colours[family],
            linewidth=1.0,
            alpha=0.85,
        )
        for _, series in stated.groupby(["seed_file", "system"]):
            if series["temperature_K"].nunique() >= 2:
                ordered = series.sort_values("inverse_temperature_per_kK")
                axes.plot(
                    ordered["inverse_temperature_per_kK"],
                    ordered["log10_sigma_S_per_cm"],
                    color=colours[family],
                    lw=0.8,
                    alpha=0.6,
                )
        for subset, hollow in ((stated, False), (unstated, True)):
            if subset.empty:
                continue
            interactive.add_trace(
                go.Scatter(
                    x=subset["inverse_temperature_per_kK"],
                    y=subset["log10_sigma_S_per_cm"],
                    mode="markers",
                    name=f"{family} ({len(subset)}{', T not stated' if hollow else ''})",
                    legendgroup=family,
                    marker={
                        "color": "white" if hollow else colours[family],
                        "size": 8,
                        "line": {"color": colours[family], "width": 1.5},
                    },
                    customdata=subset[_HOVER_COLUMNS].to_numpy(),
                    hovertemplate="%{customdata[1]}<br>log10 σ = %{y:.2f} at 1000/T = %{x:.3f}"
                    + (" (temperature not stated, drawn at 25 °C)" if hollow else "")
                    + "<br>%{customdata[0]}: %{customdata[2]}, %{customdata[3]}"
                    "<br>flags: %{customdata[4]}<extra></extra>",
                )
            )
    axes.scatter([], [], facecolor="none", edgecolor="grey", label="hollow: T not stated, drawn at 25 °C")
    _add_temperature_axis(axes)
    axes.set_xlabel("1000 / T (1/K)")
    axes.set_ylabel("log10 σ (S/cm)")
    axes.set_title(f"Na-ion conductivities reported in the seed reviews ({len(points)} records)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, ncols=2, loc="lower left")
    interactive.update_layout(
        title=f"Na-ion conductivities reported in the seed reviews ({len(points)} records)",
        xaxis_title="1000 / T (1/K)",
        yaxis_title="log10 σ (S/cm)",
        template="plotly_white",
    )
    return static, interactive


def _add_temperature_axis(axes) -> None:
    top = axes.secondary_xaxis(
        "top",
        functions=(
            lambda x: 1000.0 / np.maximum(x, 1e-9) - ZERO_CELSIUS_K,
            lambda t: 1000.0 / (np.asarray(t) + ZERO_CELSIUS_K),
        ),
    )
    top.set_xlabel("temperature (°C)")


def window_figures(points: pd.DataFrame):
    """(matplotlib, plotly) figures of room-temperature sigma against the oxidation limit."""
    plt, go, _ = plotting_modules()
    colours = _colours(list(points["sigma_family"].unique()))
    markers = {"computed": "^", "experiment": "o"}
    static, axes = plt.subplots(figsize=(7.5, 5.5))
    interactive = go.Figure()
    for (family, method), group in points.groupby(["sigma_family", "method"]):
        log_sigma = np.log10(group["sigma_rt_S_per_cm"])
        hollow = ~group["temperature_stated"].astype(bool)
        for mask, face in ((~hollow, colours[family]), (hollow, "none")):
            axes.scatter(
                group["oxidation_limit_V"][mask],
                log_sigma[mask],
                s=45,
                marker=markers.get(method, "s"),
                facecolor=face,
                edgecolor=colours[family],
                alpha=0.9,
                label=f"{family}, {method}" if face != "none" or not (~hollow).any() else None,
            )
        symbol = "triangle-up" if method == "computed" else "circle"
        interactive.add_trace(
            go.Scatter(
                x=group["oxidation_limit_V"],
                y=log_sigma,
                mode="markers+text",
                name=f"{family}, {method or 'method not stated'}",
                text=group["reduced_formula"],
                textposition="top right",
                marker={
                    "color": colours[family],
                    "size": 11,
                    "symbol": [symbol + "-open" if is_hollow else symbol for is_hollow in hollow],
                },
                customdata=group[["record_id", "sigma_record_id", "locator", "reduced_formula"]].to_numpy(),
                hovertemplate="%{customdata[3]}: oxidation limit %{x:.2f} V (%{customdata[0]}, %{customdata[2]})"
                "<br>log10 σ(RT) = %{y:.2f} (%{customdata[1]}; open marker: σ temperature not stated)<extra></extra>",
            )
        )
    for formula, group in points.groupby("reduced_formula"):
        first = group.sort_values("oxidation_limit_V").iloc[0]
        note = f" ({len(group)} limits quoted)" if len(group) > 1 else ""
        axes.annotate(
            formula + note,
            (first["oxidation_limit_V"], math.log10(first["sigma_rt_S_per_cm"])),
            fontsize=7,
            xytext=(4, 6),
            textcoords="offset points",
        )
    axes.scatter([], [], facecolor="none", edgecolor="grey", label="hollow: σ temperature not stated")
    axes.set_xlabel("oxidation limit (V vs Na/Na+)")
    axes.set_ylabel("log10 σ at room temperature (S/cm)")
    axes.set_title("Conductivity against oxidative stability (seed reviews)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7)
    interactive.update_layout(
        title="Conductivity against oxidative stability (seed reviews)",
        xaxis_title="oxidation limit (V vs Na/Na+)",
        yaxis_title="log10 σ at room temperature (S/cm)",
        template="plotly_white",
    )
    return static, interactive
