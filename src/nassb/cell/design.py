"""`CellDesign`: one solid-state sodium cell as the user writes it in TOML, validated field by field.

A design names materials (looked up in `nassb.cell.materials`) and gives the geometry and composition of
the composite cathode, the solid-electrolyte separator, the anode, optional interlayers and the current
collectors, plus the operating conditions. Every rule (fractions summing to 100, positive thicknesses,
one way of giving the loading) is checked here; a broken rule becomes an `InputError` naming the file,
the field and the rule. `schema_fields` lists every field the file may set, with the unit its name carries, its
bounds and its default (for forms such as the web designer's).
"""

from __future__ import annotations

import inspect
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nassb.core.constants import ZERO_CELSIUS_K
from nassb.core.errors import InputError

FRACTION_SUM_TOLERANCE = 0.01  # percent points


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    """The literature cell a design reproduces: knowledge-base cell id and what it reported."""

    kb_cell: str | None = None
    seed_file: str | None = None
    locator: str | None = None
    c_rate: float | None = Field(default=None, gt=0)
    current_density_mA_per_cm2: float | None = Field(default=None, gt=0)
    discharge_capacity_mAh_per_g: float | None = Field(default=None, gt=0)
    capacity_record: str | None = None
    capacity_retention_percent: float | None = Field(default=None, gt=0, le=150)
    retention_cycles: int | None = Field(default=None, ge=1)
    retention_record: str | None = None
    note: str = ""


class CellConditions(_Strict):
    """Operating conditions and packaging of the whole cell."""

    name: str
    description: str = ""
    temperature_C: float = Field(default=25.0, gt=-100.0, lt=500.0)
    stack_pressure_MPa: float | None = Field(default=None, ge=0)
    area_cm2: float | None = Field(default=None, gt=0)
    voltage_min_V: float = Field(gt=0)
    voltage_max_V: float = Field(gt=0)
    packaging_mass_fraction: float = Field(default=0.2, ge=0, lt=1)
    packaging_volume_fraction: float = Field(default=0.2, ge=0, lt=1)
    double_sided: bool = False
    c_rates: tuple[float, ...] = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
    cycles: int | None = Field(default=None, ge=1, le=1_000_000)
    cycling_c_rate: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _window(self) -> CellConditions:
        if self.voltage_max_V <= self.voltage_min_V:
            raise ValueError("voltage_max_V must be above voltage_min_V")
        if any(not (rate > 0) for rate in self.c_rates):
            raise ValueError("c_rates must all be positive")
        return self

    @property
    def temperature_K(self) -> float:
        return self.temperature_C + ZERO_CELSIUS_K


class Composition(_Strict):
    """Parts of the composite in percent (by weight or by volume); they must sum to 100."""

    active: float = Field(gt=0, le=100)
    catholyte: float = Field(default=0.0, ge=0, le=100)
    carbon: float = Field(default=0.0, ge=0, le=100)
    binder: float = Field(default=0.0, ge=0, le=100)

    @model_validator(mode="after")
    def _sums_to_100(self) -> Composition:
        total = self.active + self.catholyte + self.carbon + self.binder
        if abs(total - 100.0) > FRACTION_SUM_TOLERANCE:
            raise ValueError(f"active + catholyte + carbon + binder must sum to 100 %, they sum to {total:g} %")
        return self

    def fractions(self) -> dict[str, float]:
        """The parts as fractions of 1, leaving out absent ones."""
        parts = {"active": self.active, "catholyte": self.catholyte, "carbon": self.carbon, "binder": self.binder}
        return {name: share / 100.0 for name, share in parts.items() if share > 0}


class Cathode(_Strict):
    """The composite cathode: materials, composition, loading or thickness, porosity and particle sizes."""

    active: str
    catholyte: str | None = None
    carbon: str | None = None
    binder: str | None = None
    composition_wt: Composition | None = None
    composition_vol: Composition | None = None
    active_loading_mg_per_cm2: float | None = Field(default=None, gt=0)
    composite_loading_mg_per_cm2: float | None = Field(default=None, gt=0)
    thickness_um: float | None = Field(default=None, gt=0)
    porosity: float = Field(default=0.0, ge=0, lt=1)
    pore_electrolyte: str | None = None
    active_particle_radius_um: float | None = Field(default=None, gt=0)
    catholyte_particle_radius_um: float | None = Field(default=None, gt=0)
    conductivity_model: Literal["bruggeman", "percolation"] = "bruggeman"

    @model_validator(mode="after")
    def _one_of_each(self) -> Cathode:
        if (self.composition_wt is None) == (self.composition_vol is None):
            raise ValueError("give exactly one of composition_wt and composition_vol")
        given = [
            name
            for name in ("active_loading_mg_per_cm2", "composite_loading_mg_per_cm2", "thickness_um")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of active_loading_mg_per_cm2, composite_loading_mg_per_cm2 and thickness_um"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.pore_electrolyte is not None and self.porosity <= 0:
            raise ValueError("a pore_electrolyte needs a porosity above 0 to fill")
        composition = self.composition
        for part in ("catholyte", "carbon", "binder"):
            if getattr(composition, part) > 0 and getattr(self, part) is None:
                raise ValueError(f"the composition has {part} but no '{part}' material is named")
        return self

    @property
    def composition(self) -> Composition:
        return self.composition_wt if self.composition_wt is not None else self.composition_vol

    @property
    def composition_basis(self) -> Literal["wt", "vol"]:
        return "wt" if self.composition_wt is not None else "vol"


class Separator(_Strict):
    """The solid-electrolyte separator pellet or film."""

    material: str
    thickness_um: float = Field(gt=0)
    porosity: float = Field(default=0.0, ge=0, lt=1)
    flaw_size_um: float | None = Field(default=None, gt=0, le=1000)


class Anode(_Strict):
    """Na metal (thickness or N/P ratio), a Na alloy (thickness or loading), or anode-free (plated Na only)."""

    type: Literal["na_metal", "alloy", "anode_free"]
    material: str | None = None
    thickness_um: float | None = Field(default=None, gt=0)
    loading_mg_per_cm2: float | None = Field(default=None, gt=0)
    np_ratio: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _sizing(self) -> Anode:
        given = [name for name in ("thickness_um", "loading_mg_per_cm2", "np_ratio") if getattr(self, name) is not None]
        if self.type == "anode_free":
            if given:
                raise ValueError("an anode_free cell has no anode to size: remove " + ", ".join(given))
            return self
        if len(given) != 1:
            raise ValueError("give exactly one of thickness_um, loading_mg_per_cm2 and np_ratio for the anode")
        if self.type == "alloy" and self.material is None:
            raise ValueError("an alloy anode needs its material, such as 'Na15Sn4'")
        return self

    @property
    def material_name(self) -> str | None:
        if self.type == "na_metal":
            return self.material or "Na"
        return self.material


class Interlayer(_Strict):
    """A layer between the separator and an electrode: a few uL of liquid, a polymer film or a coating."""

    type: Literal["liquid", "polymer", "coating", "alloy"]
    position: Literal["anode", "cathode"]
    material: str | None = None
    thickness_um: float | None = Field(default=None, gt=0)
    liquid_uL: float | None = Field(default=None, gt=0)
    density_g_per_cm3: float | None = Field(default=None, gt=0)
    asr_ohm_cm2: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _liquid_volume(self) -> Interlayer:
        if self.type == "liquid" and self.liquid_uL is None and self.thickness_um is None:
            raise ValueError("a liquid interlayer needs liquid_uL (with cell.area_cm2) or thickness_um")
        return self


class CurrentCollector(_Strict):
    material: str
    thickness_um: float = Field(gt=0)


class CurrentCollectors(_Strict):
    cathode: CurrentCollector | None = None
    anode: CurrentCollector | None = None


class Interfaces(_Strict):
    """Interfacial area-specific resistances (Ohm cm2) measured or assumed, beyond the interlayers, the initial
    contact fractions of the anode and of the active particles (1 = full contact), and a measured growth constant of
    the anode interphase resistance."""

    cathode_asr_ohm_cm2: float | None = Field(default=None, ge=0)
    anode_asr_ohm_cm2: float | None = Field(default=None, ge=0)
    anode_contact_fraction: float | None = Field(default=None, gt=0, le=1)
    cathode_contact_fraction: float | None = Field(default=None, gt=0, le=1)
    # measured parabolic growth of the anode interphase, R^2 = 2 k_R t per interface (`nassb diagnose`)
    anode_interphase_growth_ohm2_cm4_per_s: float | None = Field(default=None, gt=0)
    # measured critical current density of the Na | separator contact (a CCD ramp) and fraction of the active
    # material's contact lost per cycle (full-cell fade with shrinking dQ/dV peaks), both from `nassb diagnose`
    anode_ccd_mA_per_cm2: float | None = Field(default=None, gt=0)
    cathode_contact_loss_per_cycle: float | None = Field(default=None, ge=0, lt=1)


class CellDesign(_Strict):
    """A whole cell: conditions, cathode, separator, anode, interlayers, collectors, property overrides."""

    cell: CellConditions
    cathode: Cathode
    separator: Separator
    anode: Anode
    interlayer: tuple[Interlayer, ...] = ()
    current_collectors: CurrentCollectors = CurrentCollectors()
    interfaces: Interfaces = Interfaces()
    materials: dict[str, dict[str, float | str]] = Field(default_factory=dict)
    reference: Reference | None = None
    source: str = Field(default="design", exclude=True)

    @model_validator(mode="after")
    def _liquid_needs_area(self) -> CellDesign:
        for layer in self.interlayer:
            if layer.liquid_uL is not None and layer.thickness_um is None and self.cell.area_cm2 is None:
                raise ValueError("a liquid interlayer given in uL needs cell.area_cm2 to become a thickness")
        return self


def _field_path(location: tuple) -> str:
    parts = []
    for item in location:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        elif item not in ("function-after", "function-before") and not str(item).startswith("function-"):
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def design_from_dict(data: dict, source: str = "design") -> CellDesign:
    """Validate a design given as nested dicts (the parsed TOML); errors name `source` and the field."""
    try:
        design = CellDesign.model_validate({**data, "source": source})
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        got = first.get("input") if first["type"] not in ("model_type", "value_error") else None
        if isinstance(got, dict):
            got = None
        raise InputError(source, _field_path(first["loc"]), message, got) from None
    _check_material_tables(design)
    return design


def _check_material_tables(design: CellDesign) -> None:
    """Every key of a [materials."NAME"] table is a property nassb knows (a typo is named), every number finite."""
    from nassb.cell.materials import OVERRIDE_KEYS

    for name, overrides in design.materials.items():
        for key, value in overrides.items():
            if key not in OVERRIDE_KEYS:
                raise InputError(
                    design.source, f"materials.{name}.{key}", f"one of the known keys ({', '.join(OVERRIDE_KEYS)})", key
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise InputError(design.source, f"materials.{name}.{key}", "a finite number", value)


CALIBRATION_TABLES = ("interfaces",)  # what a calibration file (`nassb diagnose --calibration`) may set


def _read_toml(path: Path, what: str) -> dict:
    if not path.is_file():
        raise InputError(str(path), "(file)", f"an existing {what} TOML file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), "(syntax)", f"valid TOML ({error})") from None


def read_design(path: str | Path, calibration: str | Path | None = None) -> CellDesign:
    """Read and validate a cell design TOML file; a `calibration` file (from `nassb diagnose --calibration`) sets
    the measured values of its [interfaces] table over the design's."""
    path = Path(path)
    data = _read_toml(path, "cell design")
    source = str(path)
    if calibration is not None:
        overlay = _read_toml(Path(calibration), "calibration")
        unknown = [table for table in overlay if table not in CALIBRATION_TABLES]
        if unknown:
            raise InputError(str(calibration), unknown[0], f"only the tables {', '.join(CALIBRATION_TABLES)}")
        for table, values in overlay.items():
            data[table] = {**data.get(table, {}), **values}
        source = f"{path} calibrated by {calibration}"
    return design_from_dict(data, source=source)


# The schema as a list of fields, for forms and documentation ---------------------------------------------------

# a field's unit is the end of its name (the naming rule of the schema); a suffix that ends another (`_cm2` of
# `_mg_per_cm2`) comes after it
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_ohm2_cm4_per_s", "Ohm2 cm4/s"),
    ("_mA_per_cm2", "mA/cm2"),
    ("_mAh_per_g", "mAh/g"),
    ("_mg_per_cm2", "mg/cm2"),
    ("_g_per_cm3", "g/cm3"),
    ("_ohm_cm2", "Ohm cm2"),
    ("_per_cycle", "1/cycle"),
    ("_percent", "%"),
    ("_fraction", "1"),
    ("_c_rate", "C"),
    ("_ratio", "1"),
    ("_cm2", "cm2"),
    ("_MPa", "MPa"),
    ("_um", "um"),
    ("_uL", "uL"),
    ("_C", "degC"),
    ("_V", "V"),
)
UNIT_NAMES = {"porosity": "1", "c_rate": "C", "c_rates": "C", "cycles": "cycles", "retention_cycles": "cycles"}
# the parts of a table named `*_wt` or `*_vol` are percentages by weight or by volume (`Composition`)
TABLE_UNIT_SUFFIXES = (("_wt", "wt%"), ("_vol", "vol%"))
BOUND_KINDS = ("gt", "ge", "lt", "le")


@dataclass(frozen=True)
class SchemaField:
    """One field of a design schema: its TOML path, kind, unit, bounds, default and, for tables, its fields.

    `kind` is one of number, integer, text, flag, choice (`choices`), numbers (a list of numbers), table (a nested
    model, `fields`), tables (a list of such tables, `path` ends in ``[]``) and mapping (free keys, such as the
    [materials] overrides). `unit` is None where the name carries none, "1" for a dimensionless number."""

    path: str
    name: str
    kind: str
    required: bool
    default: Any = None
    unit: str | None = None
    bounds: dict[str, float] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    description: str = ""
    fields: tuple[SchemaField, ...] = ()


def field_unit(name: str, table: str = "") -> str | None:
    """The unit of field `name` of `table` by the schema's naming rule (None where the name carries none)."""
    if name in UNIT_NAMES:
        return UNIT_NAMES[name]
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return next((unit for suffix, unit in TABLE_UNIT_SUFFIXES if table.endswith(suffix)), None)


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def schema_fields(model: type[BaseModel] = CellDesign, prefix: str = "") -> tuple[SchemaField, ...]:
    """Every field a design file may set, in schema order, read from the pydantic model itself (internal fields
    excluded from the file, such as `source`, are left out)."""
    found = []
    table = prefix.rstrip(".").removesuffix("[]")
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        path = f"{prefix}{name}"
        annotation = _without_none(info.annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        required, description = info.is_required(), info.description or ""
        if _is_model(annotation) or (origin is tuple and args and _is_model(args[0])):
            repeated = not _is_model(annotation)
            entry = args[0] if repeated else annotation
            path = f"{path}[]" if repeated else path
            kind = "tables" if repeated else "table"
            description = description or inspect.cleandoc(entry.__doc__ or "")
            fields = schema_fields(entry, f"{path}.")
            found.append(SchemaField(path, name, kind, required, description=description, fields=fields))
            continue
        if annotation is bool:
            kind = "flag"
        elif origin is Literal:
            kind = "choice"
        elif origin is tuple:
            kind = "numbers"
        elif origin is dict:
            kind = "mapping"
        else:
            kind = {int: "integer", float: "number"}.get(annotation, "text")
        default = None if required or info.default_factory is not None else info.default
        found.append(
            SchemaField(
                path,
                name,
                kind,
                required,
                default=list(default) if isinstance(default, tuple) else default,
                unit=field_unit(name, table) if kind in ("number", "integer", "numbers") else None,
                bounds={
                    bound: getattr(item, bound)
                    for item in info.metadata
                    for bound in BOUND_KINDS
                    if hasattr(item, bound)
                },
                choices=tuple(str(arg) for arg in args) if kind == "choice" else (),
                description=description,
            )
        )
    return tuple(found)
