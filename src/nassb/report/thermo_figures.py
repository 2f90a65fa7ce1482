"""Figures of the offline thermodynamics: the Na stability window (phase equilibria along the voltage axis) and the
interface reaction energy along the mixing line (``nassb.thermo``)."""

from __future__ import annotations

from nassb.report.figures import plotting_modules

WINDOW_COLOUR = "#2ca02c"
LINE_COLOUR = "#1f77b4"


def _segments(window, top_V: float):
    """(start_V, end_V, Na per formula unit, phases) for each region of the window's voltage axis."""
    steps = window.steps
    segments = []
    for index, step in enumerate(steps):
        end = steps[index + 1].voltage_V if index + 1 < len(steps) else top_V
        segments.append((max(step.voltage_V, 0.0), max(end, 0.0), step.na_per_formula_unit, step.phases))
    return segments


def window_figures(stability):
    """Na taken up (+) or given up (-) per formula unit against voltage vs Na/Na+, the window shaded; (PNG, HTML)."""
    plt, go, _ = plotting_modules()
    window = stability.window
    last = window.steps[-1].voltage_V if window.steps else 5.0
    top = max(5.0, last + 0.5)
    segments = [segment for segment in _segments(window, top) if segment[1] > segment[0]]
    title = (
        f"{stability.formula}: stable from {window.reduction_V:.2f} to {window.oxidation_V:.2f} V vs Na/Na+"
        if window.oxidation_V is not None
        else f"{stability.formula}: stable above {window.reduction_V:.2f} V vs Na/Na+"
    )

    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.axvspan(
        window.reduction_V,
        window.oxidation_V if window.oxidation_V is not None else top,
        color=WINDOW_COLOUR,
        alpha=0.15,
        label="stable",
    )
    for start, end, amount, phases in segments:
        axes.plot([start, end], [amount, amount], color=LINE_COLOUR, lw=2)
        axes.text((start + end) / 2, amount, "\n".join(phases), ha="center", va="bottom", fontsize=7)
    for (_, end, amount, _), (_, _, following, _) in zip(segments, segments[1:]):
        axes.plot([end, end], [amount, following], color=LINE_COLOUR, lw=1, ls=":")
    axes.axhline(0, color="0.6", lw=0.8)
    amounts = [segment[2] for segment in segments] + [0.0]
    span = max(max(amounts) - min(amounts), 1.0)
    axes.set_ylim(min(amounts) - 0.1 * span, max(amounts) + 0.2 * span)
    axes.set_xlim(0, top)
    axes.set_xlabel("Voltage vs Na/Na+ (V)")
    axes.set_ylabel(f"Na taken up per {stability.formula}")
    axes.set_title(title, fontsize=10)
    axes.legend(loc="upper right", fontsize=8)

    interactive = go.Figure()
    interactive.add_vrect(
        x0=window.reduction_V,
        x1=window.oxidation_V if window.oxidation_V is not None else top,
        fillcolor=WINDOW_COLOUR,
        opacity=0.15,
        line_width=0,
    )
    for start, end, amount, phases in segments:
        interactive.add_trace(
            go.Scatter(
                x=[start, end],
                y=[amount, amount],
                mode="lines",
                line=dict(color=LINE_COLOUR, width=3),
                showlegend=False,
                hovertext=f"{start:.2f}-{end:.2f} V: {' + '.join(phases)} ({amount:+.3g} Na)",
                hoverinfo="text",
            )
        )
    interactive.add_trace(
        go.Scatter(
            x=[(start + end) / 2 for start, end, _, _ in segments],
            y=[amount for _, _, amount, _ in segments],
            text=[" + ".join(phases) for _, _, _, phases in segments],
            mode="text",
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    interactive.update_layout(
        title=title,
        xaxis_title="Voltage vs Na/Na+ (V)",
        yaxis_title=f"Na taken up per {stability.formula}",
        template="plotly_white",
    )
    return figure, interactive


def _product_side(reaction: str) -> str:
    """'a A + b B -> c C + d D' -> 'C + D' (the products without coefficients)."""
    right = reaction.split("->")[-1]
    return " + ".join(term.split()[-1] for term in right.split(" + ") if term.strip())


def reaction_figures(reaction):
    """Reaction energy (eV/atom of mixture) against the molar fraction of A, kinks labelled; (PNG, HTML)."""
    plt, go, _ = plotting_modules()
    kinks = sorted(reaction.kinks, key=lambda kink: kink.molar_fraction_A)
    x = [kink.molar_fraction_A for kink in kinks]
    y = [kink.energy_eV_per_atom for kink in kinks]
    title = (
        f"{reaction.reactant_A} | {reaction.reactant_B}: {reaction.reaction_energy_eV_per_atom:.3f} eV/atom, "
        f"type {reaction.interface_type}"
    )

    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.plot(x, y, "o-", color=LINE_COLOUR)
    interior = [kink for kink in kinks if 0 < kink.molar_fraction_A < 1]
    for number, kink in enumerate(interior, start=1):
        axes.annotate(
            str(number),
            (kink.molar_fraction_A, kink.energy_eV_per_atom),
            fontsize=8,
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            va="bottom",
        )
    key = "\n".join(
        f"{number}: x = {kink.molar_fraction_A:.3f}, {kink.energy_eV_per_atom:.3f} eV/atom -> "
        f"{_product_side(kink.reaction)}"
        for number, kink in enumerate(interior, start=1)
    )
    axes.text(0, -0.16, key, transform=axes.transAxes, fontsize=8, va="top", ha="left")
    best = min(kinks, key=lambda kink: kink.energy_eV_per_atom)
    axes.plot(
        [best.molar_fraction_A],
        [best.energy_eV_per_atom],
        "*",
        color="#d62728",
        ms=14,
        label=f"most negative: x = {best.molar_fraction_A:.3f}",
    )
    axes.legend(loc="upper right", fontsize=8)
    low = min(y) if min(y) < 0 else -0.01
    axes.set_ylim(low * 1.25, max(0.0, max(y)) + abs(low) * 0.35)
    axes.axhline(0, color="0.6", lw=0.8)
    axes.set_xlabel(f"molar fraction of {reaction.reactant_A} in the mixture")
    axes.set_ylabel("reaction energy (eV/atom)")
    axes.set_title(title, fontsize=10)
    axes.set_xlim(0, 1)

    interactive = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines+markers",
            line=dict(color=LINE_COLOUR),
            hovertext=[kink.reaction for kink in kinks],
            hoverinfo="text+x+y",
        )
    )
    interactive.update_layout(
        title=title,
        xaxis_title=f"molar fraction of {reaction.reactant_A}",
        yaxis_title="reaction energy (eV/atom)",
        template="plotly_white",
    )
    return figure, interactive
