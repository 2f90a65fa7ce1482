"""The screen report: one self-contained HTML file (plotly.js inlined once, PNGs embedded) with the ledger's
counts and failures, the ranked table of every candidate with each column's method and tier, the Pareto plots
(barrier against oxidation limit, barrier against energy above hull, the front marked) and a section per top
candidate with its numbers and the `nassb material analyse` figures (BVSE slices and isosurface)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nassb.core.io import write_text_atomic
from nassb.report.figures import plotting_modules
from nassb.screen.ranking import COLUMNS, PARETO_OBJECTIVES, Column, pareto_front, ranked_table

MAX_TABLE_ROWS = 1000  # rows of the ranked table in the page; the export holds every candidate
_STYLE = """body { font-family: sans-serif; max-width: 1300px; margin: auto; } table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 13px; }
.num { text-align: right; } .front { background: #fff2c6; } h2 { color: #1f4e79; border-bottom: 1px solid #ccc; }
.small { color: #555; font-size: 12px; }"""


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return html.escape(str(value))
    return f"{value:.3g}"


def _present(rows: list[dict]) -> list:
    """The COLUMNS some row has a value for, and the MD diffusion coefficient at each temperature run."""
    diffusion = sorted(
        {key for row in rows for key in row if key.startswith("md_D_") and "stderr" not in key},
        key=lambda key: float(key.split("_")[2].removesuffix("K")),
    )
    extra = tuple(
        Column(key, f"MD D* {key.split('_')[2]}", "cm²/s", 3, "CHGNet NVT MD, GLS fit of the Na MSD")
        for key in diffusion
    )
    return [column for column in COLUMNS + extra if any(row.get(column.field) is not None for row in rows)]


def pareto_figure(rows: list[dict], front: set[str]):
    """Two panels: Ea 3D against the oxidation limit and against the energy above hull, front marked."""
    _, go, make_subplots = plotting_modules()
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("barrier against oxidation limit", "barrier against energy above hull")
    )
    complete = [row for row in rows if all(row.get(field) is not None for field, _ in PARETO_OBJECTIVES)]
    for on_front, name, symbol in ((False, "candidates", "circle"), (True, "Pareto front", "star")):
        chosen = [row for row in complete if (row["name"] in front) == on_front]
        if not chosen:
            continue
        text = [f"{row['name']} ({row.get('formula', '')})" for row in chosen]
        hull = [row["e_above_hull_eV"] for row in chosen]
        marker = dict(
            symbol=symbol,
            size=13 if on_front else 8,
            color=hull,
            colorscale="Viridis",
            cmin=0,
            cmax=max(0.1, max(row["e_above_hull_eV"] for row in complete)),
            colorbar=dict(title="E hull (eV/atom)") if not on_front else None,
            line=dict(width=1, color="black"),
        )
        x_ox = [row["oxidation_limit_V"] for row in chosen]
        y_ea = [row["Ea_3D_eV"] for row in chosen]
        figure.add_trace(go.Scatter(x=x_ox, y=y_ea, mode="markers", name=name, text=text, marker=marker), row=1, col=1)
        figure.add_trace(
            go.Scatter(x=hull, y=y_ea, mode="markers", name=name, text=text, marker=marker, showlegend=False),
            row=1,
            col=2,
        )
    figure.update_xaxes(title_text="oxidation limit (V vs Na/Na+), higher is better", row=1, col=1)
    figure.update_xaxes(title_text="energy above hull (eV/atom), lower is better", row=1, col=2)
    figure.update_yaxes(title_text="BVSE Ea 3D (eV), lower is better", row=1, col=1)
    figure.update_layout(
        template="plotly_white",
        height=520,
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
    )
    return figure


def _candidate_section(row: dict, structure_json: str, resolution_A: float) -> str:
    """One top candidate: its numbers and the BVSE slices (PNG, embedded) and isosurface (plotly)."""
    from pymatgen.core import Structure

    from nassb.report.structure_figures import landscape_isosurface_figure, landscape_slices_figure
    from nassb.transport.bvse import bvse_barriers

    structure = Structure.from_dict(json.loads(structure_json))
    bvse = bvse_barriers(structure, "Na", resolution_A)
    plt, _, _ = plotting_modules()
    slices = landscape_slices_figure(bvse)
    png = io.BytesIO()
    slices.savefig(png, dpi=110, bbox_inches="tight", format="png")
    plt.close(slices)
    image = base64.b64encode(png.getvalue()).decode()
    figures = f'<img src="data:image/png;base64,{image}" style="max-width:100%">'
    if bvse.highest_barrier_eV is not None:
        surface = landscape_isosurface_figure(bvse.landscape, bvse.highest_barrier_eV + 0.05)
        figures += surface.to_html(full_html=False, include_plotlyjs=False)
    numbers = "".join(
        f"<tr><td>{html.escape(column.label)}</td><td class='num'>{_number(row.get(column.field))}</td>"
        f"<td>{html.escape(column.unit)}</td></tr>"
        for column in _present([row])
    )
    extra = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{html.escape(str(row[key]))}</td><td></td></tr>"
        for key in ("decomposition", "na_interface_type", "cathode_interface_type", "hsab_verdict", "md_note")
        if row.get(key)
    )
    anchor = html.escape(row["name"])
    return (
        f"<h3 id='c-{anchor}'>{anchor}: {html.escape(str(row.get('formula', '')))}</h3>"
        f"<table>{numbers}{extra}</table>{figures}"
    )


def render_screen_report(
    store, top: int = 5, rank_by: str | None = None, progress: Callable[[int, int], None] | None = None
) -> str:
    """The HTML text of the report of a screen `store`, with sections for the `top` best by `rank_by` (default the
    screen's own ranking field)."""
    from plotly.offline import get_plotlyjs

    settings = store.settings()
    rank_by = rank_by or settings.get("rank_by", "Ea_3D_eV")
    rows = ranked_table(store.results(), rank_by)
    front = pareto_front(rows)
    columns = _present(rows)
    escape = html.escape
    head = "".join(
        f"<th>{escape(column.label)}<br><span class='small'>{escape(column.unit)}</span></th>" for column in columns
    )
    truncated = ""
    if len(rows) > MAX_TABLE_ROWS:
        truncated = (
            f"<p>The first {MAX_TABLE_ROWS} of {len(rows)} candidates; <code>nassb screen export</code> has all.</p>"
        )
    body = []
    for rank, row in enumerate(rows[:MAX_TABLE_ROWS], start=1):
        cells = "".join(f"<td class='num'>{_number(row.get(column.field))}</td>" for column in columns)
        marker = " class='front'" if row["name"] in front else ""
        link = f"<a href='#c-{escape(row['name'])}'>{escape(row['name'])}</a>" if rank <= top else escape(row["name"])
        body.append(f"<tr{marker}><td>{rank}</td><td>{link}</td><td class='num'>{row['tier_reached']}</td>{cells}</tr>")
    provenance = "".join(
        f"<tr><td>{escape(column.label)}</td><td><code>{escape(column.field)}</code></td><td>{column.tier}</td>"
        f"<td>{escape(column.method)}</td></tr>"
        for column in columns
    )
    counts = store.status()
    count_rows = "".join(
        f"<tr><td>{escape(tier)}</td>"
        + "".join(f"<td class='num'>{statuses.get(status, 0)}</td>" for status in ("pending", "done", "failed"))
        + "</tr>"
        for tier, statuses in sorted(counts.items())
    )
    failures = "".join(
        f"<tr><td>{escape(name)}</td><td>{tier}</td><td>{attempts}</td><td>{escape(error or '')}</td></tr>"
        for name, tier, error, attempts in store.failures()
    )
    if failures:
        header = "<tr><th>candidate</th><th>tier</th><th>attempts</th><th>error</th></tr>"
        failures = f"<h3>Failures</h3><table>{header}{failures}</table>"
    top_rows = rows[:top]
    structures = store.structures([row["name"] for row in top_rows]) if top_rows else {}
    sections = []
    for index, row in enumerate(top_rows):
        sections.append(_candidate_section(row, structures[row["name"]][0], settings.get("resolution_A", 0.2)))
        if progress is not None:
            progress(index + 1, len(top_rows))
    pareto = (
        pareto_figure(rows, front).to_html(full_html=False, include_plotlyjs=False)
        if any(row.get("oxidation_limit_V") is not None for row in rows)
        else "<p>No candidate has tier-2 results (oxidation limit, energy above hull): run the screen with "
        "<code>--tiers 0,1,2</code> for the Pareto plots.</p>"
    )
    shown = {key: settings.get(key) for key in ("tiers", "filters", "cathode", "rank_by", "top_k", "resolution_A")}
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>nassb screen</title>
<style>{_STYLE}</style><script>{get_plotlyjs()}</script></head><body>
<h1>Screen {escape(str(store.directory))}</h1>
<p>generated {_dt.datetime.now():%Y-%m-%d %H:%M} by nassb {escape(str(settings.get("nassb_version", "")))} ·
candidates from {escape(str(settings.get("candidates", "")))} · settings <code>{escape(json.dumps(shown))}</code></p>
<h2 id="ledger">Ledger</h2>
<table><tr><th>tier</th><th>pending</th><th>done</th><th>failed</th></tr>{count_rows}</table>
{failures}
<h2 id="ranking">Ranking by {escape(rank_by)}</h2>
{truncated}
<p class="small">Highlighted rows are on the Pareto front of (BVSE Ea 3D low, oxidation limit high, energy above hull
low). Tier reached: the last tier with a result (a candidate stops where it fails a filter or a tier).</p>
<div style="overflow-x: auto"><table><tr><th>#</th><th>candidate</th><th>tier</th>{head}</tr>{"".join(body)}
</table></div>
<h3>Where each column comes from</h3>
<table><tr><th>column</th><th>field</th><th>tier</th><th>method</th></tr>{provenance}</table>
<h2 id="pareto">Pareto plots</h2>{pareto}
<h2 id="top">Top {len(top_rows)} candidates</h2>{"".join(sections)}
</body></html>"""


def write_screen_report(store, path: str | Path, top: int = 5, rank_by: str | None = None, progress=None) -> Path:
    """Write the report atomically to `path`."""
    return write_text_atomic(Path(path), render_screen_report(store, top, rank_by, progress))
