"""The server's workspace folder: uploads stored under generated names and background jobs with their progress.

Layout: ``uploads/<id><ext>`` plus ``uploads/<id>.json`` (the original name, the detected kind, the size), and
``jobs/<id>/job.json`` (kind, title, status, progress, error, the names of its result files) beside the job's
result files. Identifiers are generated here (uuid4 hex); a name or identifier from a request is only ever matched
against `ID_PATTERN` and looked up, never joined to a path, so no request can reach outside the workspace.

Jobs run on a thread pool inside the server process (`JobRunner`); each job writes only inside its own folder and
every file through `nassb.core.io.write_atomic`, so two jobs at once cannot touch each other's results and a
reader never sees half a file. A job that raises ends as "failed" with the one-line message the CLI would print.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nassb.core.errors import InputError, NassbError
from nassb.core.io import write_atomic, write_text_atomic

ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
# PyBaMM's solvers and matplotlib's pyplot keep global state: two threads using either at once break each other (seen:
# two cell evaluations at once failed inside PyBaMM). Every job or page that solves a cell model or draws with pyplot
# holds this one lock while it does; the rest of a job (BVSE, fits, thermodynamics) runs in parallel.
LIBRARY_LOCK = threading.RLock()
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadRejected(NassbError):
    """An upload the server refuses (size, type, name); `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def check_id(value: str, what: str = "id") -> str:
    """`value` if it is a generated identifier, else an InputError (a path, '..', anything else)."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise InputError("request", what, "a 32-character identifier the server generated", value)
    return value


def _looks_binary(head: bytes) -> bool:
    return b"\x00" in head[:4096]


# binary instrument formats the readers take -> how their first bytes start (offset, magic)
BINARY_MAGIC: dict[str, tuple[tuple[int, bytes], ...]] = {
    ".mpr": ((0, b"BIO-LOGIC MODULAR FILE"),),
    ".res": ((0, b"Standard Jet DB"), (4, b"Standard Jet DB")),
    ".nda": ((0, b"NEWARE"),),
    ".ndax": ((0, b"PK\x03\x04"),),
    ".xlsx": ((0, b"PK\x03\x04"),),
    ".xlsm": ((0, b"PK\x03\x04"),),
}
BINARY_KIND = {".mpr": "impedance_or_cycling", ".res": "cycling", ".nda": "cycling", ".ndax": "cycling"}
BINARY_KIND |= {".xlsx": "cycling", ".xlsm": "cycling"}


def _measurement_text_extensions() -> set[str]:
    """Every text extension the impedance and cycling readers take (their own format tables)."""
    from nassb.echem.readers import _EXTENSIONS as impedance
    from nassb.echem.readers._cycling import _EXTENSIONS as cycling

    return {extension for extension in {*impedance, *cycling} if extension not in BINARY_MAGIC}


def sniff_kind(head: bytes, filename: str) -> tuple[str, str]:
    """(kind, extension) of an upload from its first bytes and its name: a binary instrument file must start with
    its format's magic bytes, a text file must decode; the extension then picks the reader, as the readers' own
    format tables do. Raises UploadRejected (415) for content no reader takes."""
    suffix = Path(filename).suffix.lower()
    for extension, signatures in BINARY_MAGIC.items():
        if any(head[offset : offset + len(magic)] == magic for offset, magic in signatures):
            if suffix == extension or (extension == ".mpr" and not suffix):
                return BINARY_KIND[extension], extension
    if suffix in BINARY_MAGIC and suffix != ".res":  # a text .res is a SHELX / AIRSS structure (pymatgen reads it)
        raise UploadRejected(f"{filename}: does not start as a {suffix} file does", 415)
    if _looks_binary(head):
        raise UploadRejected(f"{filename}: binary content that no nassb reader takes", 415)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    stripped = text.lstrip()
    if suffix == ".cif" or stripped.startswith("data_") or "_cell_length_a" in text:
        return "structure", ".cif"
    if suffix in (".vasp", ".poscar") or Path(filename).name.upper().startswith(("POSCAR", "CONTCAR")):
        return "structure", ".vasp"
    if suffix == ".res" and "TITL" in text[:4096]:
        return "structure", ".res"
    if suffix == ".toml":
        return "design", ".toml"
    if suffix == ".json":
        return "structure", ".json"
    if suffix in _measurement_text_extensions():
        return "impedance_or_cycling", suffix if suffix != ".dta" else ".DTA"
    if stripped.startswith("EXPLAIN"):
        return "impedance_or_cycling", ".DTA"
    if "EC-Lab ASCII FILE" in text[:200]:
        return "impedance_or_cycling", ".mpt"
    if not suffix and ("," in text or "\t" in text):
        return "impedance_or_cycling", ".csv"
    raise UploadRejected(f"{filename}: content not recognised as a file nassb reads", 415)


@dataclass
class Upload:
    id: str
    original_name: str
    kind: str
    extension: str
    size_bytes: int
    created: float

    @property
    def filename(self) -> str:
        return f"{self.id}{self.extension}"


@dataclass
class Job:
    id: str
    kind: str
    title: str
    status: str = "queued"  # queued, running, done, failed
    progress: float = 0.0  # 0..1
    message: str = ""
    error: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None
    results: dict[str, str] = field(default_factory=dict)  # label -> file name inside the job folder
    summary: dict[str, Any] = field(default_factory=dict)


class Workspace:
    """A folder holding uploads and jobs (created if missing)."""

    def __init__(self, root: str | Path, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES):
        self.root = Path(root).expanduser().resolve()
        self.max_upload_bytes = int(max_upload_bytes)
        self.uploads = self.root / "uploads"
        self.jobs = self.root / "jobs"
        for folder in (self.root, self.uploads, self.jobs):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # uploads -------------------------------------------------------------------------------------------------
    def save_upload(self, original_name: str, data: bytes) -> Upload:
        """Store `data` under a generated name after the size and content checks; the original name is kept
        as a label only (any folder part or '..' in it is refused)."""
        name = original_name or "upload"
        if "/" in name or "\\" in name or name in (".", "..") or ".." in Path(name).parts or "\x00" in name:
            raise UploadRejected(f"{name!r}: a file name, not a path, was expected", 400)
        if len(data) > self.max_upload_bytes:
            raise UploadRejected(
                f"{name}: {len(data)} bytes is above the upload limit of {self.max_upload_bytes} bytes", 413
            )
        if not data:
            raise UploadRejected(f"{name}: the file is empty", 400)
        kind, extension = sniff_kind(data[:65536], name)
        upload = Upload(uuid.uuid4().hex, name, kind, extension, len(data), time.time())
        write_atomic(self.uploads / upload.filename, lambda path: path.write_bytes(data))
        write_text_atomic(self.uploads / f"{upload.id}.json", json.dumps(asdict(upload)))
        return upload

    def upload(self, upload_id: str) -> Upload:
        check_id(upload_id, "upload")
        meta = self.uploads / f"{upload_id}.json"
        if not meta.is_file():
            raise InputError("request", "upload", "the id of an uploaded file", upload_id)
        return Upload(**json.loads(meta.read_text()))

    def upload_path(self, upload_id: str) -> Path:
        return self.uploads / self.upload(upload_id).filename

    def list_uploads(self) -> list[Upload]:
        items = [Upload(**json.loads(p.read_text())) for p in self.uploads.glob("*.json")]
        return sorted(items, key=lambda u: u.created, reverse=True)

    # jobs ----------------------------------------------------------------------------------------------------
    def job_dir(self, job_id: str) -> Path:
        return self.jobs / check_id(job_id, "job")

    def save_job(self, job: Job) -> None:
        with self._lock:
            write_text_atomic(self.job_dir(job.id) / "job.json", json.dumps(asdict(job), indent=1))

    def job(self, job_id: str) -> Job:
        path = self.job_dir(job_id) / "job.json"
        if not path.is_file():
            raise InputError("request", "job", "the id of a job of this workspace", job_id)
        return Job(**json.loads(path.read_text()))

    def list_jobs(self) -> list[Job]:
        items = []
        for path in self.jobs.glob("*/job.json"):
            try:
                items.append(Job(**json.loads(path.read_text())))
            except (OSError, ValueError, TypeError):
                continue
        return sorted(items, key=lambda j: j.created, reverse=True)

    def result_path(self, job_id: str, label: str) -> Path:
        """The file of result `label` of a job (looked up in the job's own record, never built from `label`)."""
        job = self.job(job_id)
        if label not in job.results:
            raise InputError("request", "result", f"one of {', '.join(job.results) or 'no results yet'}", label)
        return self.job_dir(job_id) / job.results[label]


class JobContext:
    """What a job function gets: its folder, a progress callback and a way to record result files."""

    def __init__(self, workspace: Workspace, job: Job):
        self.workspace = workspace
        self.job = job
        self.folder = workspace.job_dir(job.id)
        self._last_saved = 0.0

    def progress(self, fraction: float, message: str = "") -> None:
        self.job.progress = max(0.0, min(1.0, float(fraction)))
        if message:
            self.job.message = message
        now = time.monotonic()
        if now - self._last_saved > 0.25 or self.job.progress >= 1.0:
            self._last_saved = now
            self.workspace.save_job(self.job)

    def steps(self, done: int, total: int) -> None:
        """A `progress(done, total)` callback of the library's long functions."""
        self.progress(done / total if total else 0.0, f"{done} of {total}")

    def path(self, label: str, filename: str) -> Path:
        """Where to write result `label` (a file name chosen by the job code, not by the request)."""
        self.job.results[label] = filename
        return self.folder / filename


JobFunction = Callable[[JobContext], dict[str, Any] | None]


class JobRunner:
    """Runs job functions in the background on a thread pool; state lives in the workspace."""

    def __init__(self, workspace: Workspace, workers: int = 2):
        self.workspace = workspace
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nassb-job")

    def submit(self, kind: str, title: str, function: JobFunction) -> Job:
        job = Job(uuid.uuid4().hex, kind, title)
        self.workspace.job_dir(job.id).mkdir(parents=True)
        self.workspace.save_job(job)
        self.pool.submit(self._run, job, function)
        return job

    def _run(self, job: Job, function: JobFunction) -> None:
        context = JobContext(self.workspace, job)
        job.status = "running"
        self.workspace.save_job(job)
        try:
            summary = function(context)
            job.summary = summary or {}
            job.status, job.progress = "done", 1.0
        except NassbError as error:
            job.status, job.error = "failed", str(error)
        except Exception as error:  # noqa: BLE001 - a job's failure is reported, the server goes on
            job.status = "failed"
            job.error = f"{type(error).__name__}: {error}"
            (context.folder / "traceback.txt").write_text(traceback.format_exc())
        job.finished = time.time()
        self.workspace.save_job(job)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
