"""The Knowledge base page: `nassb db query`, `db show` and `db plot arrhenius/window` in a browser.

The filters go through the options of the `nassb db query` command itself (its parsing and range checks) and then
`nassb.kb.select`, so a filter the CLI refuses is refused here with the same one-line message. The maps are the
library's figures; the page only adds a trace that rings the selected records.
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

import typer
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from nassb.cli import _USAGE_ERROR, db_app  # importing nassb.cli adds the range checks to db_app's options
from nassb.cli._output import format_number, reported_value
from nassb.core.errors import DataError, NassbError
from nassb.kb import OUTPUT_COLUMNS, RecordFilter, default_knowledge_base, select, to_plain_records
from nassb.kb.schema import FAMILIES, OTHER_PROPERTY, PROPERTIES, ROLES
from nassb.web.workspace import LIBRARY_LOCK

router = APIRouter()
NAV = ("/kb", "Knowledge base")

# form field -> the `nassb db query` option it stands for
FILTER_OPTIONS = {
    "family": "--family",
    "role": "--role",
    "property": "--property",
    "min": "--min",
    "max": "--max",
    "tmin_K": "--tmin-K",
    "tmax_K": "--tmax-K",
    "text": "--text",
}
# which customdata entries of a map's traces are record ids (the Arrhenius map: the conductivity record; the
# window map: the oxidation-limit record and the conductivity record)
ARRHENIUS_ID_POSITIONS = (0,)
WINDOW_ID_POSITIONS = (0, 1)
_figures_lock = LIBRARY_LOCK


@lru_cache(maxsize=1)
def _query_command():
    """The click command behind `nassb db query`, with the range checks `nassb.cli` adds to its options."""
    return typer.main.get_command(db_app).commands["query"]


def parse_filters(form: dict[str, str]) -> RecordFilter:
    """A RecordFilter from the form's fields, parsed and checked as `nassb db query` parses and checks its options."""
    arguments = [f"{FILTER_OPTIONS[name]}={value}" for name, value in form.items() if value]
    command_path = "nassb db query"
    try:
        options = _query_command().make_context(command_path, arguments).params
    except _USAGE_ERROR as error:
        raise NassbError(f"{command_path}: {error.format_message()}") from None
    record_filter = RecordFilter(
        family=options["family"],
        role=options["role"],
        property=options["property"],
        min_value=options["min_value"],
        max_value=options["max_value"],
        min_temperature_K=options["tmin_K"],
        max_temperature_K=options["tmax_K"],
        text=options["text"],
    )
    record_filter.check()
    return record_filter


def _form(request: Request) -> dict[str, str]:
    """The filter fields of the request's query string ('' where not given)."""
    return {name: request.query_params.get(name, "").strip() for name in FILTER_OPTIONS}


def _selection(form: dict[str, str]):
    return select(default_knowledge_base(), parse_filters(form))


@lru_cache(maxsize=1)
def _base_figures():
    """The plotly Arrhenius and window maps of the whole knowledge base (drawn once per process)."""
    from nassb.report.figures import plotting_modules
    from nassb.report.kb_figures import arrhenius_figures, arrhenius_points, window_figures, window_points

    plt, _, _ = plotting_modules()
    knowledge_base = default_knowledge_base()
    static_arrhenius, arrhenius = arrhenius_figures(arrhenius_points(knowledge_base))
    static_window, window = window_figures(window_points(knowledge_base))
    plt.close(static_arrhenius)
    plt.close(static_window)
    return arrhenius, window


def base_figures():
    """`_base_figures` drawn by one thread at a time (pyplot is not thread-safe)."""
    with _figures_lock:
        return _base_figures()


def highlighted(figure, record_ids: set[str] | None, id_positions: tuple[int, ...]) -> dict:
    """`figure` as a plotly JSON dict; with `record_ids`, the other points faded and the selected ones ringed in a
    trace of their own named 'selection (N)', first in the legend."""
    import plotly.graph_objects as go

    copy = go.Figure(figure)
    copy.update_layout(height=520, margin={"l": 60, "r": 20, "t": 60, "b": 50}, legend={"font": {"size": 10}})
    if record_ids is not None:
        xs, ys, ids = [], [], []
        for trace in figure.data:
            for x, y, custom in zip(trace.x, trace.y, trace.customdata, strict=True):
                matched = [str(custom[i]) for i in id_positions if str(custom[i]) in record_ids]
                if matched:
                    xs.append(x)
                    ys.append(y)
                    ids.append(matched[0])
        copy.update_traces(opacity=0.35)
        copy.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=f"selection ({len(ids)})",
                legendrank=1,
                marker={"size": 14, "color": "rgba(0,0,0,0)", "line": {"color": "black", "width": 2}},
                customdata=[[record_id] for record_id in ids],
                hovertemplate="selected: %{customdata[0]}<extra></extra>",
            )
        )
    return json.loads(copy.to_json())


def _rows(selection) -> list[dict]:
    rows = []
    for row in selection.itertuples():
        reported = reported_value(row)
        rows.append(
            {
                "record_id": row.record_id,
                "system": row.system,
                "family": row.family,
                "role": row.role,
                "property": row.property,
                "reported": f"{reported} {row.unit}",
                "value_canonical": row.value_canonical,
                "value_canonical_text": format_number(row.value_canonical),
                "canonical_unit": row.canonical_unit,
                "temperature_K": row.temperature_K,
                "temperature_K_text": format_number(row.temperature_K),
                "seed": row.seed_file[:3],
                "locator": row.locator,
                "ref": row.ref,
                "flags": row.flags.replace(";", " "),
            }
        )
    return rows


@router.get("/kb")
def page(request: Request):
    """The filter form, the selection's table and downloads, and both maps with the selection ringed. A filter the
    CLI refuses shows its message above the form (status 200: the form is the answer, to be corrected)."""
    from nassb.web.app import render

    form = _form(request)
    filtered = any(form.values())
    try:
        selection, error = _selection(form), ""
    except NassbError as refused:
        selection, error = None, str(refused)
    record_ids = set(selection["record_id"]) if selection is not None and filtered else None
    arrhenius, window = base_figures()
    return render(
        request,
        "kb.html",
        form=form,
        error=error,
        filtered=filtered,
        total_records=len(default_knowledge_base()),
        rows=_rows(selection) if selection is not None else [],
        download_query=urlencode({name: value for name, value in form.items() if value}),
        families=FAMILIES,
        roles=ROLES,
        properties=(*PROPERTIES, OTHER_PROPERTY),
        canonical_units={name: unit for name, (unit, _) in PROPERTIES.items()},
        arrhenius_figure=highlighted(arrhenius, record_ids, ARRHENIUS_ID_POSITIONS),
        window_figure=highlighted(window, record_ids, WINDOW_ID_POSITIONS),
    )


@router.get("/api/kb/selection.json")
def selection_json(request: Request):
    """The selected records as `nassb db query --format json` prints them."""
    plain = to_plain_records(_selection(_form(request)))
    return Response(
        json.dumps(plain, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="kb-selection.json"'},
    )


@router.get("/api/kb/selection.csv")
def selection_csv(request: Request):
    """The selected records as `nassb db query --format csv` prints them."""
    text = _selection(_form(request))[list(OUTPUT_COLUMNS)].to_csv(index=False)
    return Response(
        text, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="kb-selection.csv"'}
    )


def _record(record_id: str):
    """The record and its cited value, or 404 when there is no record with this id."""
    knowledge_base = default_knowledge_base()
    try:
        return knowledge_base.record(record_id), knowledge_base.value(record_id)
    except DataError as error:
        raise HTTPException(404, str(error)) from None


@router.get("/api/kb/records/{record_id}")
def record_json(record_id: str):
    """Every field of one record and its number as a cited Value (`nassb db show`)."""
    row, value = _record(record_id)
    return JSONResponse({"record": to_plain_records(row.to_frame().T)[0], "value": value.to_dict()})


@router.get("/kb/records/{record_id}")
def record_page(request: Request, record_id: str):
    """One record: its citation, its cited value and every field (`nassb db show`)."""
    from nassb.web.app import render

    row, value = _record(record_id)
    fields = [
        (column, format_number(row[column]) if isinstance(row[column], float) else str(row[column]))
        for column in OUTPUT_COLUMNS
    ]
    return render(request, "kb_record.html", row=row, value=str(value), fields=fields)
