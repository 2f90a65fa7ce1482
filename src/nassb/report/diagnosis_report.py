"""The diagnosis report: one self-contained HTML file (plotly.js inlined once) with the verdict, the evidence of
every mode against its threshold, the calibrated numbers and the plots that show the evidence (the interfacial
resistance and capacitance over the impedance series with the fitted growth law, each voltage trace with its short
marked, the first and last dQ/dV of a full cell)."""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

import numpy as np

from nassb.core.io import write_text_atomic


def _div(figures) -> str:
    import matplotlib.pyplot as plt

    static, interactive = figures
    plt.close(static)
    interactive.update_layout(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50))
    return interactive.to_html(full_html=False, include_plotlyjs=False)


def growth_figures(series: dict):
    """Interfacial ASR (markers) with the fitted growth law (line) and the interfacial capacitance against time."""
    from nassb.report.figures import plotting_modules

    plt, go, make_subplots = plotting_modules()
    x = np.asarray(series["abscissa"], float)
    asr = np.asarray(series["interface_asr_ohm_cm2"], float)
    capacitance = np.asarray(series["interface_capacitance_F"], float)
    unit = series["abscissa_unit"]
    static, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    interactive = make_subplots(rows=2, cols=1, shared_xaxes=True)
    top.plot(x, asr, "o", label="fitted spectra")
    interactive.add_trace(go.Scatter(x=x, y=asr, mode="markers", name="interfacial ASR"), row=1, col=1)
    growth = series.get("growth")
    if growth:
        fine = np.linspace(x.min(), x.max(), 200)
        scale = np.sqrt(fine * 3600.0) if growth["law"] == "parabolic" else fine * 3600.0
        model = growth["intercept"] + growth["slope"] * scale
        label = f"{growth['law']} law"
        top.plot(fine, model, "-", label=label)
        interactive.add_trace(go.Scatter(x=fine, y=model, mode="lines", name=label), row=1, col=1)
    top.set(ylabel="ASR per interface (Ohm cm2)", title="Interfacial resistance over the impedance series")
    top.legend(fontsize=7)
    bottom.plot(x, 1e6 * capacitance, "s-", color="tab:green")
    bottom.set(xlabel=unit, ylabel="interfacial C (uF)")
    interactive.add_trace(go.Scatter(x=x, y=1e6 * capacitance, name="interfacial C (uF)"), row=2, col=1)
    interactive.update_layout(xaxis2_title=unit, yaxis_title="ASR (Ohm cm2)", yaxis2_title="C (uF)")
    static.tight_layout()
    return static, interactive


def render_diagnosis(diagnosis, manifest: str) -> str:
    """The HTML text of the report of a `Diagnosis`."""
    from plotly.offline import get_plotlyjs

    from nassb.report.cycling_figures import dqdv_figures, voltage_time_figures

    figures = []
    if diagnosis.series.get("eis", {}).get("interface_asr_ohm_cm2"):
        figures.append(("Impedance series", _div(growth_figures(diagnosis.series["eis"]))))
    for name, plot in diagnosis.plots.items():
        if plot["kind"] == "trace":
            drawn = voltage_time_figures(
                plot["time_s"], plot["voltage_V"], plot["current_A"], name, short_time_s=plot["short_time_s"]
            )
        else:
            drawn = dqdv_figures(plot["curves"], f"{name}: dQ/dV of the first and last complete cycles")
        figures.append((name, _div(drawn)))
    escape = html.escape
    rows = []
    for mode in diagnosis.modes:
        for item in mode["evidence"]:
            value = "–" if item["value"] is None else f"{item['value']:.3g}"
            unit = "" if item["unit"] == "1" else item["unit"]
            verdict = "passed" if item["passed"] else "not met"
            rows.append(
                f"<tr><td>{escape(mode['mode'].replace('_', ' '))}</td><td>{escape(item['test'])}</td>"
                f"<td class='num'>{value} {escape(unit)}</td><td class='num'>{item['threshold']:.4g}</td>"
                f"<td class='{verdict.replace(' ', '-')}'>{verdict}</td><td>{escape(item['file'])}</td></tr>"
            )
    ranking = "".join(
        f"<tr><td>{escape(mode['mode'].replace('_', ' '))}</td><td class='num'>{mode['score']:.2f}</td>"
        f"<td>{escape(', '.join(mode['remedies'])) or '–'}</td></tr>"
        for mode in diagnosis.modes
    )
    calibrated = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td class='num'>{item['value']:.4g}</td>"
        f"<td class='num'>{'–' if item['stderr'] is None else format(item['stderr'], '.2g')}</td>"
        f"<td>{escape(item['unit'])}</td><td>{escape(item['source'])}</td></tr>"
        for name, item in diagnosis.calibrated.items()
    )
    dominant = diagnosis.dominant_mode.replace("_", " ") if diagnosis.dominant_mode else "no mode above its threshold"
    plots = "".join(f"<h3>{escape(title)}</h3>{div}" for title, div in figures)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>nassb diagnosis</title>
<style>body {{ font-family: sans-serif; max-width: 1100px; margin: auto; }} table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }}
.num {{ text-align: right; }} .passed {{ background: #f6c6c6; }} .not-met {{ color: #777; }}
h2 {{ color: #1f4e79; border-bottom: 1px solid #ccc; }}</style>
<script>{get_plotlyjs()}</script></head><body>
<h1>Diagnosis of {escape(manifest)}</h1>
<p>generated {_dt.datetime.now():%Y-%m-%d %H:%M} by nassb · {len(diagnosis.files)} files</p>
<h2 id="verdict">Verdict</h2><p>Dominant mode: <b>{escape(dominant)}</b>.</p>
<table><tr><th>mode</th><th>score</th><th>remedies (knowledge-base records)</th></tr>{ranking}</table>
<h2 id="evidence">Evidence</h2>
<table><tr><th>mode</th><th>test</th><th>value</th><th>threshold</th><th>result</th><th>file</th></tr>{"".join(rows)}</table>
<p>Score of a mode: the sum over its passed tests of min(value / threshold, 3); a detected short makes dendrite
dominant (nassb.interface.diagnosis).</p>
<h2 id="calibrated">Calibrated numbers</h2>
<table><tr><th>parameter</th><th>value</th><th>standard error</th><th>unit</th><th>from</th></tr>{calibrated}</table>
<h2 id="plots">Plots</h2>{plots}
</body></html>"""


def write_diagnosis_report(diagnosis, manifest: str, path: str | Path) -> Path:
    """Write the report atomically to `path`."""
    return write_text_atomic(Path(path), render_diagnosis(diagnosis, manifest))
