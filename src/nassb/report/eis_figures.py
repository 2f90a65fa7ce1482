"""Impedance figures: Nyquist and Bode with a fit, residuals, Kramers-Kronig residuals, DRT,
Arrhenius per contribution and a chronoamperogram. Each function returns (matplotlib, plotly)
figures for `write_png_and_html`; the inputs are plain arrays so scripts can call them directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nassb.core.constants import ZERO_CELSIUS_K
from nassb.echem.spectrum import Spectrum
from nassb.report.figures import plotting_modules

_DATA_COLOUR = "#1f4e79"
_FIT_COLOUR = "#c0392b"
_CONTRIBUTION_COLOURS = {
    "bulk": "#1f77b4",
    "grain_boundary": "#ff7f0e",
    "total": "#2ca02c",
    "electrode_interface": "#9467bd",
}


def _nyquist_limits(*impedances: np.ndarray) -> tuple[float, float, float, float]:
    """Axis limits with equal scales, so that semicircles look like semicircles."""
    real = np.concatenate([z.real for z in impedances])
    minus_imag = np.concatenate([-z.imag for z in impedances])
    low, high = min(real.min(), 0.0), real.max()
    span = max(high - low, minus_imag.max() - min(minus_imag.min(), 0.0)) * 1.05
    return low - 0.02 * span, low + span, min(minus_imag.min(), 0.0) - 0.02 * span, min(minus_imag.min(), 0.0) + span


def _add_impedance_traces(interactive, go, frequency_Hz, impedance_ohm, mode, names, style, hover=None) -> None:
    """Plotly traces of one impedance array (Ohm) against frequency (Hz): Nyquist in panel (1, 1) (with the
    `hover` text, in the legend), |Z| in (1, 2) and -phase in degrees in (2, 2) (not in the legend); `names`
    label the three traces (None: unnamed), `style` is the marker or line of all three."""
    z = impedance_ohm
    panels = ((z.real, -z.imag, 1, 1), (frequency_Hz, np.abs(z), 1, 2), (frequency_Hz, -np.degrees(np.angle(z)), 2, 2))
    for (x, y, row, col), name in zip(panels, names):
        nyquist = (row, col) == (1, 1)
        trace = go.Scatter(
            x=x,
            y=y,
            mode=mode,
            name=name,
            text=hover if nyquist else None,
            showlegend=None if nyquist else False,
            **style,
        )
        interactive.add_trace(trace, row, col)


def impedance_fit_figures(
    spectrum: Spectrum,
    title: str,
    fit_frequency_Hz: np.ndarray | None = None,
    fit_impedance_ohm: np.ndarray | None = None,
    residual_real: np.ndarray | None = None,
    residual_imag: np.ndarray | None = None,
    fit_label: str = "fit",
):
    """Nyquist, Bode (|Z| and phase) and relative residuals (in %) of a spectrum and its fit."""
    plt, go, make_subplots = plotting_modules()
    z = spectrum.impedance_ohm
    f = spectrum.frequency_Hz
    has_fit = fit_impedance_ohm is not None
    figure, axes = plt.subplots(2, 2, figsize=(11, 8))
    nyquist, residuals, modulus, phase = axes[0, 0], axes[1, 0], axes[0, 1], axes[1, 1]
    nyquist.plot(z.real, -z.imag, "o", ms=4, mfc="none", color=_DATA_COLOUR, label="measured")
    modulus.loglog(f, np.abs(z), "o", ms=4, mfc="none", color=_DATA_COLOUR, label="measured")
    phase.semilogx(f, -np.degrees(np.angle(z)), "o", ms=4, mfc="none", color=_DATA_COLOUR, label="measured")
    if has_fit:
        nyquist.plot(fit_impedance_ohm.real, -fit_impedance_ohm.imag, "-", color=_FIT_COLOUR, label=fit_label)
        modulus.loglog(fit_frequency_Hz, np.abs(fit_impedance_ohm), "-", color=_FIT_COLOUR, label=fit_label)
        phase.semilogx(
            fit_frequency_Hz, -np.degrees(np.angle(fit_impedance_ohm)), "-", color=_FIT_COLOUR, label=fit_label
        )
        nyquist.axis(_nyquist_limits(z, fit_impedance_ohm))
    else:
        nyquist.axis(_nyquist_limits(z))
    nyquist.set_aspect("equal", adjustable="box")
    nyquist.set(xlabel="Z' (Ohm)", ylabel="-Z'' (Ohm)", title="Nyquist")
    modulus.set(xlabel="frequency (Hz)", ylabel="|Z| (Ohm)", title="Bode")
    phase.set(xlabel="frequency (Hz)", ylabel="-phase (deg)")
    if residual_real is not None:
        residuals.semilogx(f, 100 * residual_real, "o-", ms=3, label="real")
        residuals.semilogx(f, 100 * residual_imag, "s-", ms=3, label="imaginary")
        residuals.axhline(0, color="grey", lw=0.8)
        residuals.set(xlabel="frequency (Hz)", ylabel="residual (% of |Z|)", title="relative residuals")
        residuals.legend()
    else:
        residuals.axis("off")
    for axis in (nyquist, modulus, phase):
        axis.legend()
    figure.suptitle(title)
    figure.tight_layout()

    interactive = make_subplots(
        rows=2, cols=2, subplot_titles=("Nyquist", "Bode |Z|", "relative residuals (% of |Z|)", "Bode phase")
    )
    hover = [f"{value:.4g} Hz" for value in f]
    measured = ("measured", "|Z| measured", "phase measured")
    _add_impedance_traces(interactive, go, f, z, "markers", measured, {"marker": dict(color=_DATA_COLOUR)}, hover)
    if has_fit:
        fit_names = (fit_label, None, None)
        style = {"line": dict(color=_FIT_COLOUR)}
        _add_impedance_traces(interactive, go, fit_frequency_Hz, fit_impedance_ohm, "lines", fit_names, style)
    if residual_real is not None:
        interactive.add_trace(go.Scatter(x=f, y=100 * residual_real, mode="lines+markers", name="residual real"), 2, 1)
        interactive.add_trace(
            go.Scatter(x=f, y=100 * residual_imag, mode="lines+markers", name="residual imaginary"), 2, 1
        )
    interactive.update_xaxes(title_text="Z' (Ohm)", row=1, col=1)
    interactive.update_yaxes(title_text="-Z'' (Ohm)", scaleanchor="x", scaleratio=1, row=1, col=1)
    for row, col in ((1, 2), (2, 1), (2, 2)):
        interactive.update_xaxes(type="log", title_text="frequency (Hz)", row=row, col=col)
    interactive.update_yaxes(type="log", title_text="|Z| (Ohm)", row=1, col=2)
    interactive.update_yaxes(title_text="-phase (deg)", row=2, col=2)
    interactive.update_layout(title=title, height=800)
    return figure, interactive


def circuit_fit_figures(spectrum: Spectrum, fit, title: str):
    """`impedance_fit_figures` of a spectrum and a `FitResult`, the fit drawn on 400 log-spaced frequencies."""
    dense_Hz = np.geomspace(spectrum.frequency_Hz.min(), spectrum.frequency_Hz.max(), 400)[::-1]
    return impedance_fit_figures(
        spectrum, title, dense_Hz, fit.predict(dense_Hz), fit.residuals_real, fit.residuals_imag
    )


def kk_figures(spectrum: Spectrum, residual_real: np.ndarray, residual_imag: np.ndarray, threshold: float, title: str):
    """Lin-KK relative residuals (in %) against frequency, with the validity threshold band."""
    plt, go, _ = plotting_modules()
    f = spectrum.frequency_Hz
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.semilogx(f, 100 * residual_real, "o-", ms=3, label="real")
    axis.semilogx(f, 100 * residual_imag, "s-", ms=3, label="imaginary")
    axis.axhspan(
        -100 * threshold, 100 * threshold, color="grey", alpha=0.15, label=f"±{100 * threshold:.2g}% threshold"
    )
    axis.set(xlabel="frequency (Hz)", ylabel="residual (% of |Z|)", title=title)
    axis.legend()
    figure.tight_layout()
    interactive = go.Figure()
    interactive.add_trace(go.Scatter(x=f, y=100 * residual_real, mode="lines+markers", name="real"))
    interactive.add_trace(go.Scatter(x=f, y=100 * residual_imag, mode="lines+markers", name="imaginary"))
    interactive.add_hrect(y0=-100 * threshold, y1=100 * threshold, fillcolor="grey", opacity=0.15, line_width=0)
    interactive.update_layout(
        title=title, xaxis=dict(type="log", title="frequency (Hz)"), yaxis_title="residual (% of |Z|)"
    )
    return figure, interactive


def drt_figures(
    tau_s: np.ndarray, gamma_ohm: np.ndarray, peak_tau_s: Sequence[float], peak_labels: Sequence[str], title: str
):
    """gamma(ln tau) in Ohm against tau, peaks marked with their resistance and capacitance."""
    plt, go, _ = plotting_modules()
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.semilogx(tau_s, gamma_ohm, "-", color=_DATA_COLOUR)
    axis.fill_between(tau_s, gamma_ohm, color=_DATA_COLOUR, alpha=0.15)
    peak_gamma = np.interp(np.log(peak_tau_s), np.log(tau_s), gamma_ohm) if len(peak_tau_s) else []
    for tau, gamma, label in zip(peak_tau_s, peak_gamma, peak_labels):
        axis.plot([tau], [gamma], "v", color=_FIT_COLOUR)
        axis.annotate(label, (tau, gamma), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    axis.set(xlabel="relaxation time tau (s)", ylabel="gamma (Ohm)", title=title)
    axis.set_ylim(bottom=0, top=max(float(np.max(gamma_ohm)) * 1.25, 1e-12))
    figure.tight_layout()
    interactive = go.Figure()
    interactive.add_trace(go.Scatter(x=tau_s, y=gamma_ohm, mode="lines", fill="tozeroy", name="gamma"))
    interactive.add_trace(
        go.Scatter(
            x=list(peak_tau_s),
            y=list(peak_gamma),
            mode="markers+text",
            text=list(peak_labels),
            textposition="top center",
            name="peaks",
            marker=dict(symbol="triangle-down", size=10, color=_FIT_COLOUR),
        )
    )
    interactive.update_layout(
        title=title, xaxis=dict(type="log", title="relaxation time tau (s)"), yaxis_title="gamma (Ohm)"
    )
    return figure, interactive


def arrhenius_series_figures(series: dict[str, dict], form: str, title: str):
    """log10 of sigma (or sigma*T) against 1000/T for each contribution, with its fitted line(s).

    `series` maps a contribution name to {"temperature_K": [...], "sigma_S_per_cm": [...],
    "fit_temperature_K": [...], "fit_sigma_S_per_cm": [...], "label": str}.
    """
    plt, go, _ = plotting_modules()
    ylabel = "log10(sigma T / S K cm^-1)" if form == "sigmaT" else "log10(sigma / S cm^-1)"

    def ordinate(temperature_K, sigma) -> np.ndarray:
        values = np.asarray(sigma, dtype=float) * (np.asarray(temperature_K, dtype=float) if form == "sigmaT" else 1.0)
        return np.log10(values)

    figure, axis = plt.subplots(figsize=(8, 5.5))
    interactive = go.Figure()
    for name, data in series.items():
        colour = _CONTRIBUTION_COLOURS.get(name, "#333333")
        x = 1000.0 / np.asarray(data["temperature_K"], dtype=float)
        axis.plot(
            x, ordinate(data["temperature_K"], data["sigma_S_per_cm"]), "o", color=colour, label=f"{name} (measured)"
        )
        fit_x = 1000.0 / np.asarray(data["fit_temperature_K"], dtype=float)
        fit_y = ordinate(data["fit_temperature_K"], data["fit_sigma_S_per_cm"])
        axis.plot(fit_x, fit_y, "-", color=colour, label=data["label"])
        interactive.add_trace(
            go.Scatter(
                x=x,
                y=ordinate(data["temperature_K"], data["sigma_S_per_cm"]),
                mode="markers",
                name=f"{name} (measured)",
                marker=dict(color=colour),
            )
        )
        interactive.add_trace(go.Scatter(x=fit_x, y=fit_y, mode="lines", name=data["label"], line=dict(color=colour)))
    axis.set(xlabel="1000/T (1/K)", ylabel=ylabel, title=title)
    top = axis.secondary_xaxis(
        "top",
        functions=(lambda x: 1000.0 / np.maximum(x, 1e-9) - ZERO_CELSIUS_K, lambda t: 1000.0 / (t + ZERO_CELSIUS_K)),
    )
    top.set_xlabel("temperature (degC)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    interactive.update_layout(title=title, xaxis_title="1000/T (1/K)", yaxis_title=ylabel)
    return figure, interactive


def chronoamperometry_figures(time_s: np.ndarray, current_A: np.ndarray, I0_A: float, Iss_A: float, title: str):
    """Current against time of a DC polarisation, with the initial and steady-state currents marked."""
    plt, go, _ = plotting_modules()
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.plot(time_s, 1e6 * np.asarray(current_A), "-", color=_DATA_COLOUR, label="current")
    axis.axhline(1e6 * I0_A, color=_FIT_COLOUR, ls="--", label=f"I0 = {1e6 * I0_A:.4g} uA")
    axis.axhline(1e6 * Iss_A, color="#2ca02c", ls="--", label=f"Iss = {1e6 * Iss_A:.4g} uA")
    axis.set(xlabel="time (s)", ylabel="current (uA)", title=title)
    axis.legend()
    figure.tight_layout()
    interactive = go.Figure()
    interactive.add_trace(go.Scatter(x=time_s, y=1e6 * np.asarray(current_A), mode="lines", name="current"))
    interactive.add_hline(y=1e6 * I0_A, line_dash="dash", annotation_text="I0")
    interactive.add_hline(y=1e6 * Iss_A, line_dash="dash", annotation_text="Iss")
    interactive.update_layout(title=title, xaxis_title="time (s)", yaxis_title="current (uA)")
    return figure, interactive


def drt_result_figures(label: str, spectrum: Spectrum, result) -> dict[str, tuple]:
    """The figures of `nassb eis drt` for one spectrum, by file-name suffix: "drt" (gamma against tau with the
    peaks labelled by R and C) and "drt-fit" (the DRT reconstruction against the data, with relative residuals)."""
    peak_labels = [f"{k}: R={peak.R_ohm:.3g} Ohm, C={peak.C_F:.2g} F" for k, peak in enumerate(result.peaks, start=1)]
    residuals = result.residuals_ohm / np.abs(spectrum.impedance_ohm)
    return {
        "drt": drt_figures(
            result.tau_s, result.gamma_ohm, [peak.tau_s for peak in result.peaks], peak_labels, f"{label}: DRT"
        ),
        "drt-fit": impedance_fit_figures(
            spectrum,
            f"{label}: DRT reconstruction",
            spectrum.frequency_Hz,
            result.Z_fit_ohm,
            residuals.real,
            residuals.imag,
            fit_label="DRT",
        ),
    }
