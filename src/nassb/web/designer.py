"""The Cell designer page: a form over the whole design schema, live validation, TOML in and out, evaluation as a
background job with its report in the page, and two designs side by side.

The form is generated from the schema itself (`nassb.cell.design.schema_fields`: every field with its unit, bounds,
default and description), so a schema change shows up without editing the page; material fields offer the names of
the material library. Form values travel as a flat mapping of TOML paths to text (``cathode.thickness_um``,
``interlayer[0].type``, ``materials[2].value``); `form_data` nests them into the dict a TOML file would give, and the
schema's own validation (`design_from_dict`, the CLI's one-line messages naming the file and the field) judges it.
Evaluation is what `nassb evaluate` does: `evaluate_design`, then `write_report`, here in a background job.

A design is read from the request body (TOML of at most `DESIGN_MAX_BYTES`, nesting and lengths limited), from an
example by its name in a fixed list, or from a saved design or a job by its generated identifier: never from a path
the request names.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import urllib.parse
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from nassb.cell.design import CellDesign, SchemaField, _field_path, design_from_dict, schema_fields
from nassb.core.errors import InputError
from nassb.core.io import write_text_atomic
from nassb.web.workspace import LIBRARY_LOCK, JobContext, UploadRejected

router = APIRouter()
NAV = ("/designer", "Cell designer")

DESIGN_MAX_BYTES = 256 * 1024  # a design file; the examples are below 5 kB
BODY_OVERHEAD_BYTES = 16 * 1024  # JSON quoting or multipart headers around a design
TOML_MAX_DEPTH = 6  # nested tables and arrays; a design uses 3 (the file, [materials], its "NAME" table)
TOML_MAX_ITEMS = 1000  # keys of a table, items of an array
TEXT_MAX_CHARS = 10_000  # one string or one form value
FORM_MAX_FIELDS = 2000
LIST_MAX_ENTRIES = 50  # interlayers, material override rows
EXAMPLE_FOLDERS = ("cells", "designs")
DESIGN_FILE = "design.toml"  # the evaluated design, in its job's folder
DEFAULT_SOURCE = "design.toml"
MAPPING_COLUMNS = ("material", "property", "value")  # a row of [materials."NAME"] overrides
# the library role whose entries a material field suggests (other fields named `material` suggest every entry)
MATERIAL_ROLES = {
    "cathode.active": "cathode",
    "cathode.catholyte": "electrolyte",
    "cathode.pore_electrolyte": "electrolyte",
    "cathode.carbon": "carbon",
    "cathode.binder": "binder",
    "separator.material": "electrolyte",
    "anode.material": "anode",
    "current_collectors.cathode.material": "current_collector",
    "current_collectors.anode.material": "current_collector",
}
# headline numbers of an evaluation (the job's summary): key, label, unit
HEADLINES = (
    ("Wh_per_kg_cell", "Specific energy, cell", "Wh/kg"),
    ("Wh_per_L_cell", "Energy density, cell", "Wh/L"),
    ("Wh_per_kg_stack", "Specific energy, electrode stack", "Wh/kg"),
    ("areal_capacity_mAh_per_cm2", "Areal capacity", "mAh/cm2"),
    ("cell_voltage_V", "Mean cell voltage", "V"),
    ("np_ratio", "N/P ratio", ""),
    ("practical_capacity_mAh_per_g", "Practical capacity of the active material", "mAh/g"),
    ("lowest_c_rate", "Lowest C-rate simulated", "C"),
    ("capacity_at_lowest_rate_mAh_per_g", "Capacity delivered at the lowest C-rate", "mAh/g"),
    ("highest_c_rate", "Highest C-rate simulated", "C"),
    ("limited_at_highest_rate_by", "Limited at the highest C-rate by", ""),
    ("reported_capacity_mAh_per_g", "Reported capacity of the reference cell", "mAh/g"),
    ("predicted_capacity_mAh_per_g", "Predicted at the reference rate", "mAh/g"),
)
UNIT_LABELS = {"degC": "°C", "1": ""}
BOUND_SYMBOLS = {"gt": "<", "ge": "≤", "lt": "<", "le": "≤"}
# one evaluation at a time: two PyBaMM solves in two threads break each other, and the report draws with pyplot
EVALUATION_LOCK = LIBRARY_LOCK


# reading designs ------------------------------------------------------------------------------------------------------
def source_label(name: str | None) -> str:
    """A file name as a label for messages (printable, short); it is never used as a path."""
    label = re.sub(r"[^\w.\- ()]", "_", Path(str(name or "")).name)[:100].strip()
    return label or DEFAULT_SOURCE


def _check_nesting(data: dict, source: str) -> None:
    """Refuse nesting deeper than TOML_MAX_DEPTH, tables or arrays above TOML_MAX_ITEMS, strings above
    TEXT_MAX_CHARS (what tomllib accepts but no design needs)."""
    pending: list[tuple[str, Any, int]] = [("", data, 1)]
    while pending:
        path, value, depth = pending.pop()
        where = path or "(top level)"
        if isinstance(value, str) and len(value) > TEXT_MAX_CHARS:
            raise InputError(
                source, where, f"a text of at most {TEXT_MAX_CHARS} characters", f"{len(value)} characters"
            )
        if not isinstance(value, dict | list):
            continue
        if depth > TOML_MAX_DEPTH:
            raise InputError(source, where, f"tables and arrays nested at most {TOML_MAX_DEPTH} deep")
        if len(value) > TOML_MAX_ITEMS:
            raise InputError(source, where, f"at most {TOML_MAX_ITEMS} items", f"{len(value)} items")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            child = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
            pending.append((child, item, depth + 1))


def parse_design_toml(content: bytes | str, source: str) -> dict:
    """The parsed TOML of a design (not yet validated); a one-line InputError for a file that is too large
    (413), not UTF-8, not TOML, or nested or long beyond the limits."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    if len(data) > DESIGN_MAX_BYTES:
        raise UploadRejected(f"{source}: {len(data)} bytes is above the limit of {DESIGN_MAX_BYTES} bytes", 413)
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(source, "(file)", "UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(source, "(syntax)", f"valid TOML ({error})") from None
    except RecursionError:
        raise InputError(source, "(syntax)", f"tables and arrays nested at most {TOML_MAX_DEPTH} deep") from None
    _check_nesting(parsed, source)
    return parsed


@cache
def examples() -> dict[str, Path]:
    """The example designs of the repository (name -> file), the only files the page opens by name."""
    from nassb.evaluate.systems import repository_examples

    folder = repository_examples()
    if folder is None:
        return {}
    return {path.stem: path for name in EXAMPLE_FOLDERS for path in sorted((folder / name).glob("*.toml"))}


def example_path(name: str) -> Path:
    """The file of example `name`; an InputError for any name not in the list (a path included)."""
    found = examples()
    if name not in found:
        raise InputError("request", "example", f"the name of an example ({', '.join(found) or 'none found'})", name)
    return found[name]


def example_source(name: str) -> str:
    return example_path(name).name


def saved_designs(request: Request) -> list:
    return [upload for upload in request.app.state.workspace.list_uploads() if upload.kind == "design"]


def saved_design(request: Request, upload_id: str) -> tuple[bytes, str]:
    """(TOML bytes, label) of a design saved in the workspace, looked up by its generated id."""
    upload = request.app.state.workspace.upload(upload_id)
    if upload.kind != "design":
        raise InputError("request", "saved", "the id of a saved design", upload_id)
    path = request.app.state.workspace.upload_path(upload_id)
    if path.stat().st_size > DESIGN_MAX_BYTES:
        raise UploadRejected(f"{upload.original_name}: above the limit of {DESIGN_MAX_BYTES} bytes for a design", 413)
    return path.read_bytes(), source_label(upload.original_name)


def design_reference(request: Request, reference: str) -> tuple[dict, str]:
    """(parsed TOML, label) of ``example:NAME`` or ``saved:ID``."""
    kind, _, name = str(reference).partition(":")
    if kind == "example":
        source = example_source(name)
        return parse_design_toml(example_path(name).read_bytes(), source), source
    if kind == "saved":
        content, source = saved_design(request, name)
        return parse_design_toml(content, source), source
    raise InputError("request", "design", "example:NAME or saved:ID", reference)


# form <-> design ------------------------------------------------------------------------------------------------------
def _number_or_text(text: str) -> float | str:
    """A number where the text is one (the TOML value it stands for), else the text for the schema to refuse."""
    try:
        return float(text)
    except ValueError:
        return text


def _typed(field: SchemaField, text: str) -> Any:
    if field.kind == "number":
        return _number_or_text(text)
    if field.kind == "integer":
        return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else _number_or_text(text)
    if field.kind == "numbers":
        return [_number_or_text(part.strip()) for part in text.split(",") if part.strip()]
    if field.kind == "flag":
        return {"true": True, "false": False}.get(text, text)
    return text


def entry_indices(values: Mapping[str, str], base: str) -> list[int]:
    """The indices of the entries of list `base` (``interlayer[3].type`` -> 3) that the form values hold."""
    pattern = re.compile(re.escape(base) + r"\[(\d{1,4})\]\.")
    found = sorted({int(match.group(1)) for key in values if (match := pattern.match(key))})
    if len(found) > LIST_MAX_ENTRIES:
        raise InputError("designer form", base, f"at most {LIST_MAX_ENTRIES} entries", len(found))
    return found


def _table_data(fields: tuple[SchemaField, ...], values: Mapping[str, str], prefix: str) -> dict:
    data: dict[str, Any] = {}
    for field in fields:
        key = prefix + field.name
        if field.kind == "table":
            table = _table_data(field.fields, values, key + ".")
            if table or field.required:
                data[field.name] = table
        elif field.kind == "tables":
            entries = [_table_data(field.fields, values, f"{key}[{index}].") for index in entry_indices(values, key)]
            if entries:
                data[field.name] = entries
        elif field.kind == "mapping":
            mapping: dict[str, dict[str, Any]] = {}
            for index in entry_indices(values, key):
                material, name, text = (values.get(f"{key}[{index}].{part}", "").strip() for part in MAPPING_COLUMNS)
                if material or text:
                    mapping.setdefault(material, {})[name] = _number_or_text(text)
            if mapping:
                data[field.name] = mapping
        else:
            text = values.get(key, "").strip()
            if text:
                data[field.name] = _typed(field, text)
    return data


def form_data(values: Mapping[str, str]) -> dict:
    """The design dict (as its TOML file would give it) of flat form values; blank fields are left out, so that
    the schema's defaults apply and are reported as defaults."""
    return _table_data(schema_fields(), values, "")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def form_values(data: dict, source: str = DEFAULT_SOURCE) -> tuple[dict[str, str], list[str]]:
    """(flat form values, paths the form cannot hold) of a parsed design: keys outside the schema, or a value
    where a table belongs."""
    values: dict[str, str] = {}
    left_out: list[str] = []

    def check_count(key: str, count: int) -> None:
        if count > LIST_MAX_ENTRIES:
            raise InputError(source, key, f"at most {LIST_MAX_ENTRIES} entries", count)

    def fill(fields: tuple[SchemaField, ...], table: dict, prefix: str) -> None:
        by_name = {field.name: field for field in fields}
        left_out.extend(prefix + name for name in table if name not in by_name)
        for name, value in table.items():
            field, key = by_name.get(name), prefix + name
            if field is None:
                continue
            if field.kind == "table" and isinstance(value, dict):
                fill(field.fields, value, key + ".")
            elif field.kind == "tables" and isinstance(value, list) and all(isinstance(e, dict) for e in value):
                check_count(key, len(value))
                for index, entry in enumerate(value):
                    fill(field.fields, entry, f"{key}[{index}].")
            elif field.kind == "mapping" and isinstance(value, dict):
                rows = [(m, p, v) for m, props in value.items() if isinstance(props, dict) for p, v in props.items()]
                left_out.extend(f"{key}.{m}" for m, props in value.items() if not isinstance(props, dict))
                check_count(key, len(rows))
                for index, row in enumerate(rows):
                    for column, item in zip(MAPPING_COLUMNS, row):
                        values[f"{key}[{index}].{column}"] = _text(item)
            elif field.kind == "numbers" and isinstance(value, list):
                values[key] = ", ".join(_text(item) for item in value)
            elif field.kind in ("table", "tables", "mapping"):
                left_out.append(key)
            else:
                values[key] = _text(value)

    fill(schema_fields(), data, "")
    return values, left_out


def _encodable(text: str) -> bool:
    """False for a text with lone surrogates (JSON allows them, UTF-8 and TOML do not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_form_values(raw: Any) -> dict[str, str]:
    """Form values from a request: a mapping of short keys to short texts (numbers and booleans allowed)."""
    if not isinstance(raw, Mapping):
        raise InputError("request", "form", "an object of field paths to values")
    if len(raw) > FORM_MAX_FIELDS:
        raise InputError("request", "form", f"at most {FORM_MAX_FIELDS} fields", len(raw))
    values = {}
    for key, value in raw.items():
        if not isinstance(value, str | int | float | bool) or len(str(key)) > 200:
            raise InputError("request", f"form.{str(key)[:200]}", "a short field path with a text value")
        text = _text(value)
        if len(text) > TEXT_MAX_CHARS or not _encodable(f"{key}{text}"):
            raise InputError("request", f"form.{key}", f"a UTF-8 text of at most {TEXT_MAX_CHARS} characters")
        values[str(key)] = text
    return values


# validation -----------------------------------------------------------------------------------------------------------
def field_errors(data: dict, source: str) -> list[dict[str, str]]:
    """Every problem the schema finds, as {field, message} with the CLI's one-line message for each."""
    try:
        CellDesign.model_validate({**data, "source": source})
    except ValidationError as error:
        found = []
        for item in error.errors():
            # as `design_from_dict` words its first error
            got = item.get("input") if item["type"] not in ("model_type", "value_error") else None
            expected = item["msg"].removeprefix("Value error, ")
            path = _field_path(item["loc"])
            message = str(InputError(source, path, expected, None if isinstance(got, dict) else got))
            found.append({"field": path, "message": message})
        return found
    return []


def check_design(data: dict, source: str) -> tuple[CellDesign | None, str, list[dict[str, str]]]:
    """(the design or None, the CLI's one-line message for its first problem, every problem by field)."""
    try:
        return design_from_dict(data, source), "", []
    except InputError as first:
        return None, str(first), field_errors(data, source) or [{"field": first.field, "message": str(first)}]


# TOML out -------------------------------------------------------------------------------------------------------------
def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else {"inf": "inf", "-inf": "-inf"}.get(repr(value), "nan")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {type(value).__name__}")


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(item, dict) for item in value)


def _section(header: str, table: dict) -> list[str]:
    return ["", header, *(f"{_toml_key(key)} = {_toml_value(value)}" for key, value in table.items())]


def design_toml(design: CellDesign) -> str:
    """The TOML file of a validated design: the fields it sets (defaults left to the schema), in schema order; a
    table per section, [[name]] per entry of a list of tables, [name."KEY"] per entry of a mapping."""
    kinds = {field.name: field.kind for field in schema_fields()}
    data = design.model_dump(exclude_unset=True)
    top = {key: value for key, value in data.items() if not isinstance(value, dict) and not _is_table_list(value)}
    lines = ["# written by the nassb cell designer", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in top.items())]
    for key, value in data.items():
        if key in top:
            continue
        if kinds.get(key) == "mapping":
            for name, entry in value.items():
                lines += _section(f"[{_toml_key(key)}.{_toml_key(name)}]", entry)
        elif isinstance(value, dict):
            lines += _section(f"[{_toml_key(key)}]", value)
        else:
            for entry in value:
                lines += _section(f"[[{_toml_key(key)}]]", entry)
    return "\n".join(lines) + "\n"


# evaluation -----------------------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """numpy scalars and arrays as JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def headline_numbers(evaluation) -> dict[str, Any]:
    """The numbers the page shows of an `Evaluation` (all read from it: energy, rate capability, reference)."""
    from nassb.report.cell_figures import PROCESS_LABELS

    energy = evaluation.energy.to_dict()
    numbers: dict[str, Any] = {
        "design": evaluation.design.cell.name,
        "delivers_nothing": evaluation.delivers_nothing,
        **{key: energy[key] for key, _, _ in HEADLINES if key in energy},
        "practical_capacity_mAh_per_g": evaluation.resolved.practical_capacity_mAh_per_g,
    }
    if evaluation.rate:
        lowest, highest = evaluation.rate[0], evaluation.rate[-1]
        numbers.update(
            lowest_c_rate=lowest.c_rate,
            capacity_at_lowest_rate_mAh_per_g=lowest.capacity_mAh_per_g,
            highest_c_rate=highest.c_rate,
            limited_at_highest_rate_by=PROCESS_LABELS[highest.limiting_process],
        )
    reference = evaluation.reference or {}
    if reference.get("reported_capacity_mAh_per_g") is not None:
        numbers["reported_capacity_mAh_per_g"] = reference["reported_capacity_mAh_per_g"]
        numbers["predicted_capacity_mAh_per_g"] = reference["predicted_capacity_mAh_per_g"]
    return json.loads(json.dumps(numbers, default=_plain))


def _evaluation_job(design: CellDesign):
    """The job of `nassb evaluate` on `design`: the report, the JSON and the headline numbers as its summary."""

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.evaluate import evaluate_design
        from nassb.report.cell_report import write_report

        context.path("design", DESIGN_FILE)  # written by the request that started the job
        context.progress(0.0, "waiting for another evaluation to finish")

        def simulated(done: int, total: int) -> None:
            after = "; cycling the cell and judging its failure modes" if done == total else ""
            context.progress(0.05 + 0.75 * done / total, f"simulated {done} of {total} C-rates{after}")

        with EVALUATION_LOCK:
            context.progress(0.02, "resolving the materials, simulating the discharge")
            evaluation = evaluate_design(design, progress=simulated)
            context.progress(0.85, "writing the report")
            write_report(evaluation, context.path("report", "report.html"))
        payload = json.dumps(evaluation.to_dict(), indent=2, ensure_ascii=False, default=_plain)
        write_text_atomic(context.path("evaluation", "evaluation.json"), payload)
        return headline_numbers(evaluation)

    return run


def submit_evaluation(request: Request, design: CellDesign) -> str:
    """Start the evaluation of a validated design; its TOML goes into the job's folder. Returns the job id."""
    space = request.app.state.workspace
    job = request.app.state.jobs.submit("design-evaluation", f"Evaluate {design.cell.name}", _evaluation_job(design))
    write_text_atomic(space.job_dir(job.id) / DESIGN_FILE, design_toml(design))
    return job.id


def evaluation_view(request: Request, job_id: str) -> dict[str, Any]:
    """A design-evaluation job for the templates: the job, its headline rows and the address of its report."""
    job = request.app.state.workspace.job(job_id)
    if job.kind != "design-evaluation":
        raise InputError("request", "job", "the id of a design evaluation", job_id)
    rows = []
    for key, label, unit in HEADLINES:
        value = job.summary.get(key)
        if value is None:
            continue
        text = f"{value:.4g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        rows.append({"key": key, "label": label, "unit": unit, "value": value, "text": text})
    report = f"/designer/report/{job.id}" if job.status == "done" and "report" in job.results else None
    return {"job": job, "rows": rows, "report": report, "name": job.summary.get("design", job.title)}


# requests -------------------------------------------------------------------------------------------------------------
async def read_body(request: Request) -> bytes:
    """The request body, refused (413) above a design's limit, whether announced or streamed."""
    limit = DESIGN_MAX_BYTES + BODY_OVERHEAD_BYTES
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > limit:
        raise UploadRejected(f"request body of {announced} bytes is above the limit of {limit} bytes for a design", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise UploadRejected(f"request body above the limit of {limit} bytes for a design", 413)
    return bytes(body)


async def json_body(request: Request) -> dict:
    try:
        payload = json.loads(await read_body(request))
    except (ValueError, RecursionError):
        raise InputError("request", "body", "a JSON object") from None
    if not isinstance(payload, dict):
        raise InputError("request", "body", "a JSON object")
    return payload


async def form_body(request: Request) -> dict[str, str]:
    """The designer form's values (URL-encoded), limited in count and length."""
    try:
        text = (await read_body(request)).decode("utf-8")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=FORM_MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise InputError("request", "form", f"a form of at most {FORM_MAX_FIELDS} UTF-8 fields") from None
    return read_form_values(dict(pairs))


async def uploaded_design(request: Request) -> tuple[bytes, str]:
    """(content, label) of the TOML file of a multipart upload (field `design_file`)."""
    body = await read_body(request)

    async def chunks():
        yield body

    try:
        form = await MultiPartParser(request.headers, chunks(), max_files=1, max_fields=5).parse()
    except MultiPartException as error:
        raise InputError("request", "design_file", f"one uploaded TOML file ({error.message})") from None
    upload = form.get("design_file")
    if not isinstance(upload, UploadFile):
        raise InputError("request", "design_file", "one uploaded TOML file")
    return await upload.read(), source_label(upload.filename)


def design_payload(payload: dict) -> tuple[dict, str]:
    """(design dict, label) of an API body: {"toml": TEXT, "source": NAME} or {"form": VALUES}."""
    if isinstance(payload.get("toml"), str):
        source = source_label(payload.get("source"))
        return parse_design_toml(payload["toml"], source), source
    if "form" in payload:
        values = read_form_values(payload["form"])
        return form_data(values), source_label(values.get("source"))
    raise InputError("request", "body", "a JSON object with 'toml' (the text of a design file) or 'form'")


# pages ----------------------------------------------------------------------------------------------------------------
def range_text(bounds: Mapping[str, float]) -> str:
    """``{"gt": 0, "le": 100}`` -> ``0 < x ≤ 100``."""
    lower = next(((k, v) for k, v in bounds.items() if k in ("gt", "ge")), None)
    upper = next(((k, v) for k, v in bounds.items() if k in ("lt", "le")), None)
    text = f"{lower[1]:g} {BOUND_SYMBOLS[lower[0]]} x" if lower else "x"
    if upper:
        text += f" {BOUND_SYMBOLS[upper[0]]} {upper[1]:g}"
    elif lower:
        text = f"{'>' if lower[0] == 'gt' else '≥'} {lower[1]:g}"
    return text if bounds else ""


@cache
def material_choices() -> dict[str, list[tuple[str, str]]]:
    """Library names (with their formula and aliases) by role, and all of them under "all"."""
    from nassb.cell.materials import load_library

    choices: dict[str, list[tuple[str, str]]] = {"all": []}
    for name, entry in load_library().items():
        note = ", ".join(dict.fromkeys(item for item in (entry.role, entry.formula, *entry.aliases) if item != name))
        choices.setdefault(entry.role, []).append((name, note))
        choices["all"].append((name, note))
    return choices


def override_properties() -> list[tuple[str, str]]:
    """(key, unit) of what a [materials."NAME"] table may set."""
    from nassb.cell.materials import OVERRIDE_KEYS, PROPERTY_UNITS

    return [(key, PROPERTY_UNITS.get(key, "")) for key in OVERRIDE_KEYS]


def render_designer(
    request: Request,
    values: Mapping[str, str] | None = None,
    source: str = DEFAULT_SOURCE,
    status_code: int = 200,
    job_id: str | None = None,
    notice: str = "",
    left_out: list[str] | None = None,
) -> Response:
    """The designer page with `values` in the form, their validation beside each field (for a form with values)
    and the evaluation of `job_id`."""
    from nassb.web.app import render

    values = dict(values or {})
    message, errors = "", []
    if values:
        _, message, errors = check_design(form_data(values), source)
    return render(
        request,
        "designer.html",
        status_code=status_code,
        fields=schema_fields(),
        values=values,
        source=source,
        message=message,
        errors=errors,
        notice=notice,
        left_out=left_out or [],
        evaluation=evaluation_view(request, job_id) if job_id else None,
        examples=list(examples()),
        saved=saved_designs(request),
        materials=material_choices(),
        material_roles=MATERIAL_ROLES,
        properties=override_properties(),
        range_text=range_text,
        unit_labels=UNIT_LABELS,
        entry_indices=entry_indices,
    )


def _loaded(request: Request, data: dict, source: str, **page: Any) -> Response:
    values, left_out = form_values(data, source)
    return render_designer(request, {**values, "source": source}, source, left_out=left_out, **page)


@router.get("/designer")
def page(
    request: Request,
    example: str | None = None,
    saved: str | None = None,
    job: str | None = None,
    source: str = DEFAULT_SOURCE,
):
    """The designer: empty, or with an example, a saved design or an evaluated one (`source` labels the last)."""
    if example is not None:
        return _loaded(request, *design_reference(request, f"example:{example}"))
    if saved is not None:
        data, source = design_reference(request, f"saved:{saved}")
        return _loaded(request, data, source, notice=f"{source} is saved in the workspace.")
    if job is not None:
        path = request.app.state.workspace.job_dir(job) / DESIGN_FILE
        if not path.is_file():
            raise InputError("request", "job", "the id of a design evaluation", job)
        source = source_label(source)
        return _loaded(request, parse_design_toml(path.read_bytes(), source), source, job_id=job)
    return render_designer(request)


@router.post("/designer/load")
async def load(request: Request):
    content, source = await uploaded_design(request)
    return _loaded(request, parse_design_toml(content, source), source)


def _valid_or_page(request: Request, values: dict[str, str]) -> CellDesign | Response:
    """The design of the form, or the page with the form and its messages (400)."""
    source = source_label(values.get("source"))
    design, _, _ = check_design(form_data(values), source)
    return design if design is not None else render_designer(request, values, source, status_code=400)


@router.post("/designer/evaluate")
async def evaluate(request: Request):
    design = _valid_or_page(request, await form_body(request))
    if isinstance(design, Response):
        return design
    query = urllib.parse.urlencode({"job": submit_evaluation(request, design), "source": design.source})
    return RedirectResponse(f"/designer?{query}#evaluation", status_code=303)


def download_name(design: CellDesign) -> str:
    return (re.sub(r"[^A-Za-z0-9]+", "-", design.cell.name).strip("-").lower()[:60] or "design") + ".toml"


@router.post("/designer/save")
async def save(request: Request):
    design = _valid_or_page(request, await form_body(request))
    if isinstance(design, Response):
        return design
    disposition = f'attachment; filename="{download_name(design)}"'
    return Response(design_toml(design), media_type="application/toml", headers={"Content-Disposition": disposition})


@router.post("/designer/store")
async def store(request: Request):
    design = _valid_or_page(request, await form_body(request))
    if isinstance(design, Response):
        return design
    upload = request.app.state.workspace.save_upload(download_name(design), design_toml(design).encode("utf-8"))
    return RedirectResponse(f"/designer?saved={upload.id}", status_code=303)


@router.get("/designer/result/{job_id}")
def result(request: Request, job_id: str):
    """The evaluation part of the page (headline numbers and report frame), for the page to insert when done."""
    from nassb.web.app import render

    return render(request, "designer_result.html", view=evaluation_view(request, job_id))


@router.get("/designer/report/{job_id}")
def report(request: Request, job_id: str):
    """The HTML report of an evaluation, inline (for the page's frame)."""
    return FileResponse(request.app.state.workspace.result_path(job_id, "report"), media_type="text/html")


@router.get("/designer/compare")
def compare_page(
    request: Request, left: str | None = None, right: str | None = None, left_design: str = "", right_design: str = ""
):
    """Two evaluations side by side (`left`, `right`: job ids; `*_design`: the choices that started them)."""
    from nassb.web.app import render

    sides = [evaluation_view(request, job_id) for job_id in (left, right) if job_id]
    headlines = [(key, label, unit) for key, label, unit in HEADLINES if any(key in s["job"].summary for s in sides)]
    return render(
        request,
        "designer_compare.html",
        sides=sides,
        headlines=headlines,
        examples=list(examples()),
        saved=saved_designs(request),
        chosen={"left": left_design, "right": right_design},
    )


@router.post("/designer/compare")
async def compare(request: Request):
    values = await form_body(request)
    designs = [design_from_dict(*design_reference(request, values.get(side, ""))) for side in ("left", "right")]
    jobs = [submit_evaluation(request, design) for design in designs]
    query = {"left": jobs[0], "right": jobs[1], "left_design": values["left"], "right_design": values["right"]}
    return RedirectResponse(f"/designer/compare?{urllib.parse.urlencode(query)}", status_code=303)


@router.get("/api/design/example")
def example_api(request: Request, name: str):
    """An example design as form values."""
    data, source = design_reference(request, f"example:{name}")
    return {"name": name, "source": source, "form": form_values(data, source)[0]}


@router.post("/api/design/validate")
async def validate_api(request: Request):
    """The schema's verdict on a TOML text or form values: {valid, message, errors: [{field, message}]}."""
    data, source = design_payload(await json_body(request))
    design, message, errors = check_design(data, source)
    return {"valid": design is not None, "source": source, "message": message, "errors": errors}


@router.post("/api/design/evaluate")
async def evaluate_api(request: Request):
    """Start the evaluation of a valid design (400 with the first problem otherwise): {job, page}."""
    data, source = design_payload(await json_body(request))
    job_id = submit_evaluation(request, design_from_dict(data, source))
    return {"job": job_id, "page": f"/designer?job={job_id}"}
