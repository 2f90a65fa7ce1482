"""The evaluation report: one self-contained HTML file (plotly.js inlined once, no network needed).

Sections: summary, design (every value with its source; defaults marked), energy and its breakdown, rate capability
(with the transport model used and why: single-ion or binary-salt), limiting process, Ragone, microstructure,
interfaces (chemical compatibility of every solid contact), failure risks (each failure mode's indicator, threshold,
verdict, evidence and the remedies ranked), cycle life (capacity and resistance contributions against cycle number),
comparison with the reported cell and the nearest literature cells.
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path

from nassb.cell.parameters import definition
from nassb.core.io import write_text_atomic
from nassb.core.units import convert
from nassb.core.value import Computation, DocumentedDefault, KnowledgeBaseRecord, Literature, UserInput
from nassb.report.cell_figures import (
    PROCESS_LABELS,
    breakdown_figures,
    discharge_figures,
    life_figures,
    overpotential_figures,
    ragone_figures,
    rate_capability_figures,
)

SECTIONS = (
    "Summary",
    "Design and sources",
    "Energy",
    "Rate capability",
    "Limiting process",
    "Ragone",
    "Microstructure",
    "Interfaces",
    "Failure risks",
    "Cycle life",
    "Literature comparison",
)


SOURCE_KINDS = {
    UserInput: "design file",
    KnowledgeBaseRecord: "knowledge base",
    Literature: "literature",
    Computation: "computed",
    DocumentedDefault: "default",
}


def _figure_div(figure) -> str:
    import matplotlib.pyplot as plt

    static, interactive = figure
    plt.close(static)
    interactive.update_layout(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50))
    return interactive.to_html(full_html=False, include_plotlyjs=False)


def render_report(evaluation) -> str:
    """The HTML text of the report of an `Evaluation`."""
    import jinja2
    from plotly.offline import get_plotlyjs

    import nassb

    resolved, energy = evaluation.resolved, evaluation.energy
    name = evaluation.design.cell.name
    figures = {
        "breakdown": _figure_div(
            breakdown_figures(energy.mass_breakdown(), energy.volume_breakdown(), "Mass and volume of the cell")
        )
    }
    if evaluation.rate:
        figures["discharge"] = _figure_div(
            discharge_figures(evaluation.discharges, resolved.active_loading_mg_per_cm2, "Discharge curves")
        )
        figures["rate"] = _figure_div(
            rate_capability_figures(
                evaluation.rate, resolved.practical_capacity_mAh_per_g, "Rate capability", evaluation.reference
            )
        )
        figures["overpotential"] = _figure_div(
            overpotential_figures(evaluation.rate, "Overpotentials at half discharge")
        )
        figures["ragone"] = _figure_div(
            ragone_figures(evaluation.rate, "Ragone plot (cell level)", energy.Wh_per_kg_cell)
        )
    failure = evaluation.failure
    if failure is not None and failure.life.per_cycle:
        figures["life"] = _figure_div(life_figures(failure.life.per_cycle, "Capacity and resistances over cycles"))
    provenance = [
        {
            "quantity": name,
            "material": resolved.material_of(name) or "",
            "meaning": definition(name).meaning,
            "value": f"{value.magnitude:.4g}",
            "unit": value.unit,
            "kind": SOURCE_KINDS[type(value.source)],
            "source": value.source.describe(),
        }
        for name, value in resolved.provenance
    ]
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["convert"] = convert
    template = environment.from_string(
        resources.files("nassb.report").joinpath("templates/cell_report.html.j2").read_text(encoding="utf-8")
    )
    return template.render(
        name=name,
        description=evaluation.design.cell.description,
        design_source=evaluation.design.source,
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        version=getattr(nassb, "__version__", ""),
        sections=SECTIONS,
        design=evaluation.design,
        resolved=resolved,
        energy=energy,
        rate=evaluation.rate,
        reference=evaluation.reference,
        literature=evaluation.literature_cells,
        provenance=provenance,
        interfaces=evaluation.interfaces,
        failure=failure,
        delivers_nothing=evaluation.delivers_nothing,
        defaults=[row for row in provenance if row["kind"] == "default"],
        figures=figures,
        process_labels=PROCESS_LABELS,
        process_columns={
            key: label
            for key, label in PROCESS_LABELS.items()
            if any(key in point.overpotentials_V for point in evaluation.rate)
        },
        transport=resolved.transport,
        binary_salt=resolved.binary_salt,
        plotly_js=get_plotlyjs(),
    )


def write_report(evaluation, path: str | Path) -> Path:
    """Write the report atomically to `path` (.html)."""
    path = Path(path)
    write_text_atomic(path, render_report(evaluation))
    return path
