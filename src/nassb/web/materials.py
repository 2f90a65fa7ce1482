"""The Materials page: one structure through `nassb material analyse` (and optionally `nassb material stability`) as
a background job, and a browser of the screen stores found in the workspace (`nassb screen status` and `report`).

The structure is a name of the library (`nassb.structures`) or an uploaded CIF/POSCAR ("upload:<id>"). An upload is
parsed when the analysis is asked for, with limits (`MAX_STRUCTURE_BYTES`, `MAX_STRUCTURE_SITES`): a malformed or
oversized file gets a one-line 400 naming the file before any job starts. The job writes the analysis JSON, the
BVSE slices (PNG), the isosurface and the window (plotly JSON) into its folder; the page draws them with the local
plotly.js.

Screen stores are the folders holding a screen (`nassb.screen.store.Store`) found by listing the workspace; a request
names one by its listed name, which is looked up among them and never joined to a path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from nassb.core.errors import InputError
from nassb.core.io import write_atomic, write_text_atomic
from nassb.report.notebook import format_value, material_rows, stability_rows
from nassb.web.app import render
from nassb.web.workspace import LIBRARY_LOCK

router = APIRouter()
NAV = ("/materials", "Materials")

MAX_STRUCTURE_BYTES = 2 * 1024 * 1024
MAX_STRUCTURE_SITES = 500
RESOLUTION_LIMITS_A = (0.1, 1.0)  # finer grids take minutes and gigabytes; coarser ones miss bottlenecks
DEFAULT_RESOLUTION_A = 0.2
ISOSURFACE_ABOVE_BARRIER_EV = 0.05  # the level `write_material_figures` draws for `nassb material analyse`
STABILITY_CHOICES = {
    "none": "none",
    "formula": "the lowest reference entry of its formula (seconds)",
    "relax": "this structure relaxed with CHGNet (minutes)",
}
UPLOAD_PREFIX = "upload:"
MATERIAL_JOB, SCREEN_REPORT_JOB = "material", "screen-report"
DEFAULT_REPORT_TOP_K, MAX_REPORT_TOP_K = 5, 20
SCREEN_SEARCH_DEPTH = 3
WORKSPACE_OWN_FOLDERS = ("uploads", "jobs")
RECENT_JOBS_SHOWN = 10


def _workspace(request: Request):
    return request.app.state.workspace


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _write_json(path: Path, document: Any) -> None:
    write_text_atomic(path, json.dumps(document, indent=1, ensure_ascii=False, default=_json_default))


# one structure -----------------------------------------------------------------------------------------------------
def library_structures() -> list[dict[str, str]]:
    """The library as `nassb material list` shows it."""
    from nassb import structures

    rows = []
    for name in structures.names():
        record = structures.info(name)
        rows.append(
            {
                "name": name,
                "formula": record.formula,
                "space_group": record.space_group,
                "source_kind": record.source_kind,
                "source": structures.citation(name),
            }
        )
    return rows


def read_uploaded_structure(workspace, upload_id: str):
    """(path, original name, structure) of an uploaded CIF/POSCAR parsed with the page's limits; an InputError naming
    the file otherwise."""
    from nassb.chem.structure import read_structure

    upload = workspace.upload(upload_id)
    name = upload.original_name
    if upload.kind != "structure" or upload.extension not in (".cif", ".vasp"):
        raise InputError(name, "file type", "a CIF or VASP POSCAR structure file", upload.kind)
    if upload.size_bytes > MAX_STRUCTURE_BYTES:
        raise InputError(name, "size", f"a structure file of at most {MAX_STRUCTURE_BYTES} bytes", upload.size_bytes)
    path = workspace.upload_path(upload_id)
    try:
        structure = read_structure(path)
    except InputError as error:
        raise InputError(name, error.field, error.expected, error.got) from None
    if len(structure) > MAX_STRUCTURE_SITES:
        raise InputError(name, "sites", f"at most {MAX_STRUCTURE_SITES} sites in the cell", len(structure))
    return path, name, structure


def _material_job(reference: str | Path, label: str, source: str, resolution_A: float, stability_of: str | None):
    """The job: `analyse_material` with its figures and, when `stability_of` is given (a formula, a library name or
    a file), `phase_stability` of it, all written into the job folder."""

    def run(context) -> dict[str, Any]:
        from nassb.evaluate.material import analyse_material
        from nassb.report.structure_figures import landscape_isosurface_figure, landscape_slices_png

        context.progress(0.05, "BVSE landscape and descriptors")
        analysis = analyse_material(reference, resolution_A=resolution_A)
        analysis.name, analysis.source = label, source
        context.progress(0.5, "BVSE figures")
        with LIBRARY_LOCK:
            landscape_slices_png(analysis.bvse, context.path("bvse_slices", "bvse-slices.png"))
        analysis.figures = {"bvse_slices": "bvse-slices.png"}
        barrier_eV = analysis.bvse.highest_barrier_eV
        if barrier_eV is not None:
            surface = landscape_isosurface_figure(analysis.bvse.landscape, barrier_eV + ISOSURFACE_ABOVE_BARRIER_EV)
            surface.update_layout(height=560, margin=dict(l=0, r=0, t=40, b=0))
            write_text_atomic(context.path("bvse_isosurface", "bvse-isosurface.json"), surface.to_json())
            analysis.figures["bvse_isosurface"] = "bvse-isosurface.json"
        document = analysis.to_dict()
        if stability_of is not None:
            document["stability"] = _stability(context, stability_of)
        _write_json(context.path("analysis", "analysis.json"), document)
        return {"formula": analysis.formula, "Ea_3D_eV": document["bvse"]["Ea_3D_eV"]}

    return run


def _stability(context, target: str) -> dict[str, Any]:
    """`nassb material stability` of `target`, its window figure (PNG and plotly JSON) in the job folder."""
    import matplotlib.pyplot as plt

    from nassb.report.thermo_figures import window_figures
    from nassb.thermo.stability import phase_stability

    context.progress(0.6, "phase stability and Na window")
    result = phase_stability(target, progress=lambda message: context.progress(0.7, message))
    if result.window is not None:
        with LIBRARY_LOCK:
            static, interactive = window_figures(result)
            write_atomic(
                context.path("window_png", "window.png"), lambda path: static.savefig(path, format="png", dpi=120)
            )
            plt.close(static)
        interactive.update_layout(height=420)
        write_text_atomic(context.path("window", "window.json"), interactive.to_json())
    return result.to_dict()


def submit_analysis(request: Request, structure: str, resolution_A: float, stability: str):
    """Check the request (an upload is parsed with limits) and start the analysis job; returns the Job."""
    from nassb import structures

    low, high = RESOLUTION_LIMITS_A
    if not low <= resolution_A <= high:
        raise InputError("request", "resolution_A", f"a BVSE grid spacing from {low} to {high} Angstrom", resolution_A)
    if stability not in STABILITY_CHOICES:
        raise InputError("request", "stability", f"one of {', '.join(STABILITY_CHOICES)}", stability)
    if structure.startswith(UPLOAD_PREFIX):
        reference, label, parsed = read_uploaded_structure(_workspace(request), structure.removeprefix(UPLOAD_PREFIX))
        source, formula = f"uploaded file {label}", parsed.composition.reduced_formula
    elif structure in structures.names():
        reference, label, source = structure, structure, structures.citation(structure)
        formula = structures.load(structure).composition.reduced_formula
    else:
        raise InputError(
            "request", "structure", f"a library name or {UPLOAD_PREFIX}<id> of an uploaded file", structure
        )
    stability_of = {"none": None, "formula": formula, "relax": str(reference)}[stability]
    title = f"{label}: BVSE and descriptors" if stability_of is None else f"{label}: BVSE, descriptors and stability"
    function = _material_job(reference, label, source, resolution_A, stability_of)
    return request.app.state.jobs.submit(MATERIAL_JOB, title, function)


@router.post("/materials/analyse")
def analyse_form(
    request: Request,
    structure: str = Form(...),
    resolution_A: float = Form(DEFAULT_RESOLUTION_A),
    stability: str = Form("none"),
):
    job = submit_analysis(request, structure, resolution_A, stability)
    return RedirectResponse(f"/materials/jobs/{job.id}", status_code=303)


@router.post("/api/materials/analyse")
def analyse_api(
    request: Request,
    structure: str = Form(...),
    resolution_A: float = Form(DEFAULT_RESOLUTION_A),
    stability: str = Form("none"),
):
    job = submit_analysis(request, structure, resolution_A, stability)
    return {"job": job.id, "page": f"/materials/jobs/{job.id}"}


def _plot_div(workspace, job, label: str, div_id: str) -> str | None:
    """The plotly figure stored as result `label` of `job`, as a div for the page's own plotly.js."""
    import plotly.io

    if label not in job.results:
        return None
    figure = plotly.io.from_json(workspace.result_path(job.id, label).read_text(encoding="utf-8"))
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False})


def _sources(document: dict) -> list[str]:
    """Where the numbers come from: the structure, the BVSE and descriptor settings, the stability entry."""
    bvse = document["bvse"]
    settings = bvse["settings"]
    lines = [
        f"structure: {document['source']} ({document['n_sites_published']} sites as published, "
        f"{document['n_atoms_ordered']} atoms ordered for BVSE)",
        f"BVSE: percolation barriers of {document['descriptors']['settings']['mobile_ion']} (charge "
        f"{settings['mobile_charge']:+d}) on a {settings['resolution_A']} Å "
        f"grid {tuple(settings['grid_shape'])}, cutoff {settings['cutoff_A']} Å, screening factor "
        f"{settings['screening_factor']}, oxidation states from the {settings['oxidation_states']} (softBV parameters)",
        f"descriptors: Shannon radii ({document['descriptors']['settings']['radii']}), percolation of the free radius",
    ]
    stability = document.get("stability")
    if stability:
        entry = stability["entry"]
        lines.append(
            f"stability: {stability['origin']} {entry.get('id', '')} ({entry.get('source', '')}); "
            f"{stability['scheme']} energies, convex hull by pymatgen PhaseDiagram"
        )
        window = stability["quantities"].get("window_reduction_limit")
        if window:
            lines.append(f"window: {window['method']}")
        if entry.get("flag"):
            lines.append(f"flag: {entry['flag']}")
        if stability.get("note"):
            lines.append(stability["note"])
    return lines


@router.get("/materials/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    workspace = _workspace(request)
    job = workspace.job(job_id)
    if job.kind not in (MATERIAL_JOB, SCREEN_REPORT_JOB):
        raise InputError("request", "job", "a job of the Materials page", job_id)
    context: dict[str, Any] = {"job": job}
    if job.status == "done" and job.kind == MATERIAL_JOB:
        document = json.loads(workspace.result_path(job_id, "analysis").read_text(encoding="utf-8"))
        stability = document.get("stability")
        context.update(
            document=document,
            rows=[(quantity, format_value(value), unit) for quantity, value, unit in material_rows(document)],
            stability_rows=[(q, format_value(v), u) for q, v, u in stability_rows(stability)] if stability else [],
            sources=_sources(document),
            isosurface=_plot_div(workspace, job, "bvse_isosurface", "bvse-isosurface"),
            window=_plot_div(workspace, job, "window", "stability-window"),
        )
    return render(request, "materials_job.html", **context)


@router.get("/materials/jobs/{job_id}/report")
def screen_report_file(request: Request, job_id: str):
    """The screen report of a report job, served inline for the page's frame."""
    workspace = _workspace(request)
    if workspace.job(job_id).kind != SCREEN_REPORT_JOB:
        raise InputError("request", "job", "a screen report job", job_id)
    return FileResponse(workspace.result_path(job_id, "report"), media_type="text/html")


# screen stores -----------------------------------------------------------------------------------------------------
def screen_stores(workspace) -> dict[str, Path]:
    """The screen folders found by listing the workspace (not its uploads and jobs, no symbolic links, at most
    `SCREEN_SEARCH_DEPTH` levels down): listed name (the path relative to the workspace) -> folder."""
    from nassb.screen.store import Store

    found: dict[str, Path] = {}

    def visit(folder: Path, depth: int) -> None:
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.is_symlink() or (depth == 1 and child.name in WORKSPACE_OWN_FOLDERS):
                continue
            if Store(child).exists():
                found[child.relative_to(workspace.root).as_posix()] = child
            elif depth < SCREEN_SEARCH_DEPTH:
                visit(child, depth + 1)

    visit(workspace.root, 1)
    return found


def screen_store(workspace, name: str):
    """The Store listed under `name`; an InputError for any other name (a path, '..')."""
    from nassb.screen.store import Store

    stores = screen_stores(workspace)
    if name not in stores:
        listed = ", ".join(stores) or "none in this workspace"
        raise InputError("request", "store", f"the name of a screen found in the workspace ({listed})", name)
    return Store(stores[name])


def screen_view(store, rank_by: str | None) -> dict[str, Any]:
    """What `nassb screen status` and the report's ranked table show: settings, counts by tier, failures, the ranked
    rows (at most the report's MAX_TABLE_ROWS) and the columns some row has a value for."""
    from nassb.report.screen_report import MAX_TABLE_ROWS
    from nassb.screen.ranking import COLUMNS, ranked_table
    from nassb.screen.tiers import rank_key

    settings = store.settings()
    rank_by = rank_by or settings.get("rank_by", "Ea_3D_eV")
    rank_key(rank_by)
    rows = ranked_table(store.results(), rank_by)
    columns = [column for column in COLUMNS if any(row.get(column.field) is not None for row in rows)]
    failures = [dict(zip(("name", "tier", "error", "attempts"), failure)) for failure in store.failures()]
    return {
        "settings": settings,
        "rank_by": rank_by,
        "counts": store.status(),
        "failures": failures,
        "n_candidates": len(rows),
        "rows": rows[:MAX_TABLE_ROWS],
        "columns": columns,
    }


@router.get("/api/materials/screens")
def screens_api(request: Request):
    return [{"name": name} for name in screen_stores(_workspace(request))]


@router.get("/api/materials/screen")
def screen_api(request: Request, store: str = Query(...), rank_by: str | None = Query(None)):
    view = screen_view(screen_store(_workspace(request), store), rank_by)
    fields = [column.field for column in view["columns"]]
    view["rows"] = [{key: row.get(key) for key in ("name", "tier_reached", *fields)} for row in view["rows"]]
    view["columns"] = fields
    return json.loads(json.dumps({"name": store, **view}, default=_json_default))


@router.get("/materials/screen", response_class=HTMLResponse)
def screen_page(request: Request, store: str = Query(...), rank_by: str | None = Query(None)):
    from nassb.screen.tiers import NUMERIC_FIELDS

    view = screen_view(screen_store(_workspace(request), store), rank_by)
    table = [
        (row["name"], row["tier_reached"], [format_value(row.get(column.field), 3) for column in view["columns"]])
        for row in view["rows"]
    ]
    rankable = [column for column in view["columns"] if column.field in NUMERIC_FIELDS]
    return render(
        request,
        "materials_screen.html",
        store=store,
        view=view,
        table=table,
        rankable=rankable,
        top_k=DEFAULT_REPORT_TOP_K,
        max_top_k=MAX_REPORT_TOP_K,
    )


def _screen_report_job(store, name: str, top_k: int, rank_by: str | None):
    def run(context) -> dict[str, Any]:
        from nassb.report.screen_report import write_screen_report

        context.progress(0.05, f"ranking the screen and drawing the top {top_k}")
        write_screen_report(store, context.path("report", "screen-report.html"), top_k, rank_by, context.steps)
        return {"store": name, "top_k": top_k, "rank_by": rank_by or store.settings().get("rank_by", "Ea_3D_eV")}

    return run


@router.post("/materials/screen/report")
def screen_report_form(
    request: Request, store: str = Form(...), top_k: int = Form(DEFAULT_REPORT_TOP_K), rank_by: str = Form("")
):
    from nassb.screen.tiers import rank_key

    found = screen_store(_workspace(request), store)
    if not 1 <= top_k <= MAX_REPORT_TOP_K:
        raise InputError("request", "top_k", f"a number of candidates from 1 to {MAX_REPORT_TOP_K}", top_k)
    if rank_by:
        rank_key(rank_by)
    job = request.app.state.jobs.submit(
        SCREEN_REPORT_JOB, f"screen report of {store}", _screen_report_job(found, store, top_k, rank_by or None)
    )
    return RedirectResponse(f"/materials/jobs/{job.id}", status_code=303)


# the page ----------------------------------------------------------------------------------------------------------
@router.get("/materials", response_class=HTMLResponse)
def page(request: Request):
    workspace = _workspace(request)
    uploads = [upload for upload in workspace.list_uploads() if upload.kind == "structure"]
    jobs = [job for job in workspace.list_jobs() if job.kind in (MATERIAL_JOB, SCREEN_REPORT_JOB)]
    return render(
        request,
        "materials.html",
        library=library_structures(),
        uploads=uploads,
        upload_prefix=UPLOAD_PREFIX,
        stability_choices=STABILITY_CHOICES,
        resolution_limits=RESOLUTION_LIMITS_A,
        default_resolution=DEFAULT_RESOLUTION_A,
        max_sites=MAX_STRUCTURE_SITES,
        jobs=jobs[:RECENT_JOBS_SHOWN],
        screens=list(screen_stores(workspace)),
    )
