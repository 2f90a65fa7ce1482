"""The FastAPI application: pages, the upload and job API, and one-line errors instead of tracebacks.

FastAPI with server-rendered Jinja2 pages and plotly figures was chosen over Panel because every page is a form and
a report that the library already renders to HTML (the cell report, the screen report, plotly figures): FastAPI
serves them as they are, keeps the security rules (upload size and type, generated names) in one place that plain
HTTP tests can check, and needs no running kernel per user.
"""

from __future__ import annotations

import importlib
import json
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from nassb.core.errors import NassbError
from nassb.web.workspace import DEFAULT_MAX_UPLOAD_BYTES, JobRunner, Workspace

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# page modules, each with a `router` (fastapi.APIRouter) and a `NAV` (path, label) for the menu
PAGES = ("kb", "designer", "measurements", "materials")
NAV: list[tuple[str, str]] = []


def plotly_js_path() -> Path:
    """The plotly.js bundle shipped inside the plotly package (served locally: no network needed)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page of the application with the menu."""
    return TEMPLATES.TemplateResponse(
        request, template, {"nav": NAV, "path": request.url.path, **context}, status_code=status_code
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, message: str, status_code: int) -> Response:
    """The one-line message of the CLI, as JSON for the API and as a page for a browser."""
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code)
    return render(request, "error.html", status_code=status_code, message=message, status=status_code)


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"field '{where}': {item.get('msg', 'invalid')}")
    return "request: " + "; ".join(parts)


def create_app(workspace: str | Path, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES, workers: int = 2) -> FastAPI:
    """The application on `workspace` (created if missing); uploads above `max_upload_bytes` get 413."""
    space = Workspace(workspace, max_upload_bytes)
    runner = JobRunner(space, workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        runner.shutdown()

    app = FastAPI(title="nassb", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.workspace = space
    app.state.jobs = runner

    @app.exception_handler(NassbError)
    async def _nassb_error(request: Request, error: NassbError) -> Response:
        return error_response(request, str(error), getattr(error, "status", 400))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, _validation_message(error), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else json.dumps(error.detail)
        return error_response(request, message, error.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        return error_response(request, f"internal error: {type(error).__name__}: {error}", 500)

    @app.middleware("http")
    async def _limit_body(request: Request, call_next):
        """Refuse a body announced above the limit before reading it (413)."""
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > space.max_upload_bytes + 64 * 1024:
            return error_response(
                request, f"request body of {length} bytes is above the limit of {space.max_upload_bytes} bytes", 413
            )
        return await call_next(request)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return render(request, "home.html", uploads=space.list_uploads()[:20], jobs=space.list_jobs()[:20])

    @app.get("/static/plotly.min.js")
    def plotly_js():
        return FileResponse(plotly_js_path(), media_type="application/javascript")

    @app.get("/static/{name}")
    def static(name: str):
        allowed = {"style.css": "text/css", "app.js": "application/javascript"}
        if name not in allowed:
            raise StarletteHTTPException(404, f"no static file {name!r}")
        return FileResponse(Path(__file__).parent / "static" / name, media_type=allowed[name])

    @app.post("/api/upload")
    async def upload(file: UploadFile = File(...)):
        data = await file.read(space.max_upload_bytes + 1)
        stored = space.save_upload(file.filename or "upload", data)
        return {"id": stored.id, "name": stored.original_name, "kind": stored.kind, "size_bytes": stored.size_bytes}

    @app.get("/api/uploads")
    def uploads():
        return [u.__dict__ for u in space.list_uploads()]

    @app.get("/api/jobs")
    def jobs():
        return [j.__dict__ for j in space.list_jobs()]

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str):
        return space.job(job_id).__dict__

    @app.get("/jobs", response_class=HTMLResponse)
    def jobs_page(request: Request):
        return render(request, "jobs.html", jobs=space.list_jobs())

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        return render(request, "job.html", job=space.job(job_id))

    @app.get("/jobs/{job_id}/files/{label}")
    def job_file(job_id: str, label: str):
        path = space.result_path(job_id, label)
        inline = path.suffix in (".html", ".png", ".svg", ".json")  # shown in a frame or a tab; others download
        return FileResponse(path, filename=path.name, content_disposition_type="inline" if inline else "attachment")

    NAV.clear()
    for name in PAGES:
        module = importlib.import_module(f"nassb.web.{name}")
        app.include_router(module.router)
        NAV.append(module.NAV)
    NAV.append(("/jobs", "Jobs"))

    return app
