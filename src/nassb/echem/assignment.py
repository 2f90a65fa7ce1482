"""Physical assignment of fitted impedance arcs: bulk, grain boundary, surface layer, electrode interface.

Each arc is a parallel R||CPE (or R||C) element. Its effective capacitance (Brug et al. 1984 J.
Electroanal. Chem. 176, 275; Hsu and Mansfeld 2001 Corrosion 57, 747), normalised by the cell constant,
is compared with the ranges of Irvine, Sinclair and West 1990 (Adv. Mater. 2, 132, Table 1); resistances
then give sigma = L / (A R) (seed 004 Eq.3), the brick-layer specific grain-boundary conductivity, and
the area-specific resistance of interfaces (seed 002 Eq.8).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed
from nassb.core.value import Value

ELECTRODES = ("blocking", "reversible")
ASSIGNMENT_METHOD = (
    "arc assignment by capacitance (Irvine, Sinclair and West 1990); C of R||CPE by Brug 1984; "
    "sigma = L / (A R) (seed 004 Eq.3); ASR = R A, halved for a symmetric cell (seed 002 Eq.8)"
)
_SUMMARY_QUANTITIES = (
    ("sigma_bulk_S_per_cm", "S/cm", "sigma_bulk_stderr_S_per_cm"),
    ("sigma_gb_total_S_per_cm", "S/cm", "sigma_gb_total_stderr_S_per_cm"),
    ("sigma_gb_specific_S_per_cm", "S/cm", "sigma_gb_specific_stderr_S_per_cm"),
    ("sigma_total_S_per_cm", "S/cm", "sigma_total_stderr_S_per_cm"),
    ("asr_interface_ohm_cm2", "Ohm cm2", "asr_interface_stderr_ohm_cm2"),
    ("R_total_ohm", "Ohm", None),
)


@dataclass(frozen=True)
class Arc:
    """One parallel R||CPE arc: R in Ohm, CPE Q in S s^n (= F s^(n-1)), exponent 0 < n <= 1.

    With n = 1 the element is an ideal capacitor and Q is its capacitance in F. Standard errors are
    optional; an n without a standard error is treated as fixed in the fit (exact).
    """

    R_ohm: float
    Q: float
    n: float = 1.0
    R_stderr_ohm: float | None = None
    Q_stderr: float | None = None
    n_stderr: float | None = None

    @property
    def C_F(self) -> float:
        """Effective capacitance in F (`brug_capacitance_F`)."""
        return brug_capacitance_F(self.R_ohm, self.Q, self.n)

    @property
    def peak_frequency_Hz(self) -> float:
        """Frequency at the top of the arc, f = 1 / (2 pi (R Q)^(1/n)) = 1 / (2 pi R C)."""
        return 1.0 / (2.0 * math.pi * (self.R_ohm * self.Q) ** (1.0 / self.n))


@dataclass(frozen=True)
class CapacitanceRanges:
    """Class boundaries for capacitance normalised by the cell constant, C x L/A in F/cm.

    Irvine, Sinclair and West 1990, Table 1, for a cell constant L/A = 1 cm^-1: bulk ~1e-12 F
    (2e-13 to 1e-11), grain boundary 1e-11 to 1e-8, surface layer 1e-9 to 1e-7, sample-electrode
    interface 1e-7 to 1e-5, electrochemical reactions ~1e-4. Where the table's ranges overlap (grain
    boundary and surface layer, 1e-9 to 1e-8) the boundary is the grain-boundary upper limit; the
    electrode class extends to 1e-4 F/cm to include the table's electrochemical reactions. Outside
    [bulk_min, electrode_interface_max] an arc is "unassigned".
    """

    bulk_min_F_per_cm: float = 2e-13
    bulk_max_F_per_cm: float = 1e-11
    grain_boundary_max_F_per_cm: float = 1e-8
    surface_layer_max_F_per_cm: float = 1e-7
    electrode_interface_max_F_per_cm: float = 1e-4

    def __post_init__(self) -> None:
        bounds = [
            self.bulk_min_F_per_cm,
            self.bulk_max_F_per_cm,
            self.grain_boundary_max_F_per_cm,
            self.surface_layer_max_F_per_cm,
            self.electrode_interface_max_F_per_cm,
        ]
        if not all(0 < low < high for low, high in zip(bounds, bounds[1:])):
            raise InputError("capacitance ranges", "boundaries", "positive and strictly increasing boundaries", bounds)


IRVINE_SINCLAIR_WEST = CapacitanceRanges()


@dataclass(frozen=True)
class Contribution:
    """One assigned arc (or the series intercept) with what it means physically.

    `sigma_S_per_cm` = L / (A R) for bulk and grain boundary (the grain-boundary value is the total,
    macroscopic one); `asr_ohm_cm2` = R A, halved for a symmetric cell, for interfacial contributions.
    `arc_index` is the arc's position in the input list (None for the series resistance).
    """

    kind: str
    R_ohm: float
    R_stderr_ohm: float | None
    C_F: float | None
    C_stderr_F: float | None
    C_normalised_F_per_cm: float | None
    peak_frequency_Hz: float | None
    sigma_S_per_cm: float | None
    sigma_stderr_S_per_cm: float | None
    asr_ohm_cm2: float | None
    asr_stderr_ohm_cm2: float | None
    arc_index: int | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AssignmentSummary:
    """Conductivities and resistances of one spectrum after assignment; None where not resolved.

    sigma_bulk = L/(A R_bulk); sigma_gb_total = L/(A R_gb); sigma_gb_specific = (C_bulk/C_gb) L/(A R_gb)
    (brick-layer model: needs a resolved bulk arc); sigma_total = L/(A (R_bulk + R_gb)) (seed 004 Eq.3);
    R_total = R_bulk + R_gb + R_interface (seed 002 Eq.4). `bulk_source` is "arc", "series intercept"
    or None.
    """

    thickness_cm: float
    area_cm2: float
    cell_constant_per_cm: float
    symmetric: bool
    electrodes: str
    bulk_source: str | None
    R_bulk_ohm: float | None
    R_bulk_stderr_ohm: float | None
    C_bulk_F: float | None
    sigma_bulk_S_per_cm: float | None
    sigma_bulk_stderr_S_per_cm: float | None
    R_gb_ohm: float | None
    R_gb_stderr_ohm: float | None
    C_gb_F: float | None
    sigma_gb_total_S_per_cm: float | None
    sigma_gb_total_stderr_S_per_cm: float | None
    sigma_gb_specific_S_per_cm: float | None
    sigma_gb_specific_stderr_S_per_cm: float | None
    sigma_total_S_per_cm: float | None
    sigma_total_stderr_S_per_cm: float | None
    R_interface_ohm: float | None
    R_interface_stderr_ohm: float | None
    asr_interface_ohm_cm2: float | None
    asr_interface_stderr_ohm_cm2: float | None
    R_series_ohm: float | None
    R_total_ohm: float | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Assignment:
    """The contributions, ordered from high to low frequency (series first), and their summary."""

    contributions: tuple[Contribution, ...]
    summary: AssignmentSummary

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def quantities(self, fit_settings: Mapping[str, Any]) -> dict[str, Value | None]:
        """R, C, peak frequency, sigma and ASR of each contribution as "kind.field" (a repeated kind is numbered
        from its second: kind_2) and the summary's conductivities, interfacial ASR and R_total; the settings
        are the fit's (`fit_settings`) and the geometry."""
        summary = self.summary
        settings = {
            **fit_settings,
            "thickness_cm": summary.thickness_cm,
            "area_cm2": summary.area_cm2,
            "symmetric": summary.symmetric,
            "electrodes": summary.electrodes,
        }
        values: dict[str, Value | None] = {}
        seen: Counter[str] = Counter()
        for contribution in self.contributions:
            kind = contribution.kind
            seen[kind] += 1
            name = kind if seen[kind] == 1 else f"{kind}_{seen[kind]}"
            for field, unit, stderr in (
                ("R_ohm", "Ohm", contribution.R_stderr_ohm),
                ("C_F", "F", contribution.C_stderr_F),
                ("peak_frequency_Hz", "Hz", None),
                ("sigma_S_per_cm", "S/cm", contribution.sigma_stderr_S_per_cm),
                ("asr_ohm_cm2", "Ohm cm2", contribution.asr_stderr_ohm_cm2),
            ):
                value = getattr(contribution, field)
                values[f"{name}.{field}"] = computed(value, unit, ASSIGNMENT_METHOD, settings, stderr)
        for field, unit, stderr in _SUMMARY_QUANTITIES:
            values[field] = computed(
                getattr(summary, field),
                unit,
                ASSIGNMENT_METHOD,
                settings,
                None if stderr is None else getattr(summary, stderr),
            )
        return values


def brug_capacitance_F(R_ohm: float, Q: float, n: float) -> float:
    """Effective capacitance C = (R^(1-n) Q)^(1/n) of a parallel R||CPE, in F (Q in S s^n).

    Brug et al. 1984 (J. Electroanal. Chem. 176, 275); Hsu and Mansfeld 2001 (Corrosion 57, 747) for the
    parallel element. For n = 1 it is Q.
    """
    if not (R_ohm > 0 and Q > 0 and 0 < n <= 1):
        raise InputError("Brug capacitance", "R_ohm, Q, n", "R > 0, Q > 0 and 0 < n <= 1", (R_ohm, Q, n))
    return (R_ohm ** (1.0 - n) * Q) ** (1.0 / n)


def classify_capacitance(
    C_F: float, cell_constant_per_cm: float = 1.0, ranges: CapacitanceRanges = IRVINE_SINCLAIR_WEST
) -> str:
    """ "bulk", "grain_boundary", "surface_layer", "electrode_interface" or "unassigned".

    The capacitance is normalised to C x L/A (F/cm; `cell_constant_per_cm` = thickness/area) before it
    is compared with `ranges` (Irvine, Sinclair and West 1990, Table 1, stated for L/A = 1 cm^-1). A
    value on a boundary goes to the lower class. Bulk and grain-boundary capacitances scale with A/L
    (geometric capacitance); interfacial ones scale with A alone, so their normalisation is approximate.
    """
    if not (C_F > 0 and cell_constant_per_cm > 0):
        raise InputError(
            "capacitance classification", "C_F, cell_constant_per_cm", "positive values", (C_F, cell_constant_per_cm)
        )
    value = C_F * cell_constant_per_cm
    if value < ranges.bulk_min_F_per_cm or value > ranges.electrode_interface_max_F_per_cm:
        return "unassigned"
    if value <= ranges.bulk_max_F_per_cm:
        return "bulk"
    if value <= ranges.grain_boundary_max_F_per_cm:
        return "grain_boundary"
    if value <= ranges.surface_layer_max_F_per_cm:
        return "surface_layer"
    return "electrode_interface"


def _optional_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _relative(stderr: float | None, value: float) -> float | None:
    return None if stderr is None else stderr / value


def _ln_capacitance_terms(arc: Arc, sign: float = 1.0) -> list[tuple[float, float | None]]:
    """(d ln C / d parameter, parameter stderr) for ln R, ln Q and n; a missing n stderr means n fixed."""
    ln_r, ln_q, n = math.log(arc.R_ohm), math.log(arc.Q), arc.n
    return [
        (sign * (1.0 - n) / n, _relative(arc.R_stderr_ohm, arc.R_ohm)),
        (sign / n, _relative(arc.Q_stderr, arc.Q)),
        (sign * -(ln_r + ln_q) / n**2, arc.n_stderr or 0.0),
    ]


def _combine(terms: Sequence[tuple[float, float | None]]) -> float | None:
    """First-order error of a function of independent inputs: None if any needed stderr is missing."""
    if any(stderr is None for _, stderr in terms):
        return None
    return math.sqrt(sum((partial * stderr) ** 2 for partial, stderr in terms))


def _check_arc(arc: Arc, index: int, source: str) -> None:
    if not (arc.R_ohm > 0 and arc.Q > 0 and 0 < arc.n <= 1):
        raise InputError(source, f"arc {index}", "R_ohm > 0, Q > 0 and 0 < n <= 1", (arc.R_ohm, arc.Q, arc.n))
    for name in ("R_stderr_ohm", "Q_stderr", "n_stderr"):
        value = getattr(arc, name)
        if value is not None and not value >= 0:
            raise InputError(source, f"arc {index} {name}", "a non-negative standard error or None", value)


def _assign_classes(
    arcs: Sequence[Arc], cell_constant: float, ranges: CapacitanceRanges
) -> tuple[list[str], list[str]]:
    """Capacitance class of each arc, then one arc at most in bulk and in grain boundary.

    When several arcs share the bulk (or grain-boundary) class, the one with the highest peak frequency
    keeps it and the others move to the next class (bulk -> grain_boundary -> surface_layer), bulk first,
    so a displaced bulk-range arc can in turn displace a lower-frequency grain-boundary one.
    """
    classes = [classify_capacitance(arc.C_F, cell_constant, ranges) for arc in arcs]
    notes = [""] * len(arcs)
    for kind, next_kind in (("bulk", "grain_boundary"), ("grain_boundary", "surface_layer")):
        members = sorted((i for i, c in enumerate(classes) if c == kind), key=lambda i: -arcs[i].peak_frequency_Hz)
        for i in members[1:]:
            classes[i] = next_kind
            notes[i] = (
                f"in the {kind} capacitance range, but arc {members[0]} has a higher peak frequency; "
                f"counted as {next_kind}"
            )
    return classes, notes


ARC_CLASSES = ("bulk", "grain_boundary", "surface_layer", "electrode_interface", "unassigned")


def series_classes(
    arcs_per_spectrum: Sequence[Sequence[Arc]],
    thickness_cm: float,
    area_cm2: float,
    ranges: CapacitanceRanges = IRVINE_SINCLAIR_WEST,
) -> list[str]:
    """One class per arc for a whole series of fits of the same circuit (arc k is the same process in
    every spectrum when each fit seeds the next): the classes of arcs with the median effective
    capacitance and median peak frequency of the series, so that an arc whose capacitance drifts
    across a range boundary with temperature keeps one label."""
    median_arcs = []
    for k in range(len(arcs_per_spectrum[0])):
        capacitance = float(np.median([arcs[k].C_F for arcs in arcs_per_spectrum]))
        frequency = float(np.median([arcs[k].peak_frequency_Hz for arcs in arcs_per_spectrum]))
        resistance = 1.0 / (2.0 * math.pi * frequency * capacitance)
        median_arcs.append(Arc(resistance, capacitance, 1.0))
    return _assign_classes(median_arcs, thickness_cm / area_cm2, ranges)[0]


def assign_contributions(
    arcs: Sequence[Arc],
    thickness_cm: float,
    area_cm2: float,
    series_R_ohm: float | None = None,
    series_R_stderr_ohm: float | None = None,
    symmetric: bool = False,
    electrodes: str = "blocking",
    ranges: CapacitanceRanges = IRVINE_SINCLAIR_WEST,
    source: str = "arc assignment",
    classes: Sequence[str] | None = None,
) -> Assignment:
    """Assign fitted arcs to bulk, grain boundary, surface layer and electrode interface.

    Classes come from the normalised effective capacitance (`classify_capacitance`), with at most one
    bulk and one grain-boundary arc (see `_assign_classes`: the higher-frequency arc keeps the class).
    When no bulk arc is resolved (its semicircle lies above the frequency window, common for sulfides
    at room temperature) the series resistance is taken as R_bulk (kind "bulk (series intercept)"; it
    may also hold lead and unresolved grain-boundary resistance); when a bulk arc is resolved the series
    resistance is reported as kind "series" (leads and contacts) and not used. Surface-layer and
    electrode-interface arcs add up to R_interface, with ASR = R A, halved when `symmetric` (two
    identical interfaces; seed 002 Eq.8). With `electrodes="blocking"` (ion-blocking electrodes) an arc
    in the electrode range is not an ion-transfer resistance: it gets no ASR and stays out of
    R_interface. `classes` imposes the class of each arc (e.g. one decided for a whole temperature
    series, see `series_classes`) instead of classifying this spectrum alone. Errors are first-order propagation of the
    given standard errors, inputs taken as
    independent (the thickness and area as exact); a result whose inputs lack a stderr gets None.
    """
    if not (thickness_cm > 0 and area_cm2 > 0):
        raise InputError(source, "thickness_cm, area_cm2", "a positive thickness and area", (thickness_cm, area_cm2))
    if electrodes not in ELECTRODES:
        raise InputError(
            source,
            "electrodes",
            "'blocking' (ion-blocking, e.g. Au, steel) or 'reversible' (e.g. Na metal)",
            electrodes,
        )
    if series_R_ohm is not None and not series_R_ohm >= 0:
        raise InputError(source, "series_R_ohm", "a non-negative resistance or None", series_R_ohm)
    for index, arc in enumerate(arcs):
        _check_arc(arc, index, source)
    cell_constant = thickness_cm / area_cm2
    asr_factor = area_cm2 / (2.0 if symmetric else 1.0)
    if classes is None:
        classes, class_notes = _assign_classes(arcs, cell_constant, ranges)
    else:
        classes, class_notes = list(classes), ["class decided for the whole series"] * len(arcs)
        if len(classes) != len(arcs) or any(kind not in ARC_CLASSES for kind in classes):
            raise InputError(source, "classes", f"one of {ARC_CLASSES} per arc", classes)
    order = sorted(range(len(arcs)), key=lambda i: -arcs[i].peak_frequency_Hz)
    has_bulk_arc = "bulk" in classes

    contributions = []
    if series_R_ohm is not None and (has_bulk_arc or series_R_ohm > 0):
        kind = "series" if has_bulk_arc else "bulk (series intercept)"
        note = (
            "high-frequency intercept: leads and contacts (a bulk arc is resolved)"
            if has_bulk_arc
            else "no bulk arc in the frequency window: the series intercept is taken as R_bulk (may include leads "
            "and unresolved grain-boundary resistance)"
        )
        sigma = None if has_bulk_arc else cell_constant / series_R_ohm
        sigma_err = None
        if sigma is not None and series_R_stderr_ohm is not None:
            sigma_err = sigma * series_R_stderr_ohm / series_R_ohm
        contributions.append(
            Contribution(
                kind,
                float(series_R_ohm),
                _optional_float(series_R_stderr_ohm),
                None,
                None,
                None,
                None,
                sigma,
                sigma_err,
                None,
                None,
                None,
                note,
            )
        )
    for i in order:
        arc, kind = arcs[i], classes[i]
        c_value = arc.C_F
        c_rel = _combine(_ln_capacitance_terms(arc))
        sigma = sigma_err = asr = asr_err = None
        note = class_notes[i]
        if kind in ("bulk", "grain_boundary"):
            sigma = cell_constant / arc.R_ohm
            rel = _relative(arc.R_stderr_ohm, arc.R_ohm)
            sigma_err = None if rel is None else sigma * rel
        elif kind == "surface_layer" or (kind == "electrode_interface" and electrodes == "reversible"):
            asr = arc.R_ohm * asr_factor
            asr_err = None if arc.R_stderr_ohm is None else arc.R_stderr_ohm * asr_factor
        elif kind == "electrode_interface":
            note = "; ".join(filter(None, [note, "blocking electrodes: not an ion-transfer resistance, no ASR"]))
        contributions.append(
            Contribution(
                kind,
                float(arc.R_ohm),
                _optional_float(arc.R_stderr_ohm),
                c_value,
                None if c_rel is None else c_value * c_rel,
                c_value * cell_constant,
                arc.peak_frequency_Hz,
                sigma,
                sigma_err,
                asr,
                asr_err,
                i,
                note,
            )
        )
    summary = _summarise(arcs, contributions, thickness_cm, area_cm2, symmetric, electrodes)
    return Assignment(tuple(contributions), summary)


def _arc_fields(label: str, sigma_label: str, contribution: Contribution | None) -> dict[str, float | None]:
    """AssignmentSummary's R (Ohm), its standard error, C (F) and sigma (S/cm, with its standard error) of one
    assigned arc, named R_{label}_ohm ... sigma_{sigma_label}_S_per_cm; all None when the arc is not resolved."""
    names = (
        f"R_{label}_ohm",
        f"R_{label}_stderr_ohm",
        f"C_{label}_F",
        f"sigma_{sigma_label}_S_per_cm",
        f"sigma_{sigma_label}_stderr_S_per_cm",
    )
    if contribution is None:
        return dict.fromkeys(names)
    c = contribution
    return dict(zip(names, (c.R_ohm, c.R_stderr_ohm, c.C_F, c.sigma_S_per_cm, c.sigma_stderr_S_per_cm)))


def _sum_errors(stderrs: Sequence[float | None]) -> float | None:
    return None if any(s is None for s in stderrs) else math.sqrt(sum(s**2 for s in stderrs))


def _summarise(arcs, contributions, thickness_cm, area_cm2, symmetric, electrodes) -> AssignmentSummary:
    cell_constant = thickness_cm / area_cm2
    notes = []
    by_kind = {c.kind: c for c in contributions}
    bulk = by_kind.get("bulk") or by_kind.get("bulk (series intercept)")
    bulk_source = None if bulk is None else ("arc" if bulk.kind == "bulk" else "series intercept")
    if bulk is None:
        notes.append("no bulk arc and no series resistance: bulk and total conductivity not available")
    elif bulk_source == "series intercept":
        notes.append("R_bulk from the series intercept (bulk arc above the frequency window)")
    gb = by_kind.get("grain_boundary")
    if gb is None and bulk_source == "series intercept":
        notes.append(
            "no grain-boundary arc resolved: the series intercept holds the bulk and any grain-boundary arc above the "
            "frequency window, so 'bulk' here is bulk + grain boundary; a temperature series (nassb eis arrhenius) "
            "splits them where the colder spectra resolve both arcs"
        )
    elif gb is None:
        notes.append("no grain-boundary arc resolved: sigma_total uses R_bulk alone")

    sigma_specific = sigma_specific_err = None
    if gb is not None and bulk_source == "arc":
        bulk_arc, gb_arc = arcs[bulk.arc_index], arcs[gb.arc_index]
        sigma_specific = (bulk.C_F / gb.C_F) * cell_constant / gb.R_ohm
        gb_terms = _ln_capacitance_terms(gb_arc, -1.0)
        gb_terms[0] = (gb_terms[0][0] - 1.0, gb_terms[0][1])
        rel = _combine(_ln_capacitance_terms(bulk_arc) + gb_terms)
        sigma_specific_err = None if rel is None else sigma_specific * rel
    elif gb is not None:
        notes.append("brick-layer specific grain-boundary conductivity needs a resolved bulk arc (C_bulk)")

    sigma_total = sigma_total_err = None
    if bulk is not None:
        resistances = [bulk] + ([gb] if gb else [])
        r_sum = sum(c.R_ohm for c in resistances)
        sigma_total = cell_constant / r_sum
        r_err = _sum_errors([c.R_stderr_ohm for c in resistances])
        sigma_total_err = None if r_err is None else sigma_total * r_err / r_sum

    interfacial = [c for c in contributions if c.asr_ohm_cm2 is not None]
    r_interface = sum(c.R_ohm for c in interfacial) if interfacial else None
    r_interface_err = _sum_errors([c.R_stderr_ohm for c in interfacial]) if interfacial else None
    asr_factor = area_cm2 / (2.0 if symmetric else 1.0)
    if any(c.kind == "unassigned" for c in contributions):
        notes.append("some arcs fall outside every capacitance range (unassigned) and are left out of the totals")
    parts = [c.R_ohm for c in (bulk, gb) if c is not None] + ([r_interface] if r_interface is not None else [])
    series = by_kind.get("series")
    return AssignmentSummary(
        thickness_cm=thickness_cm,
        area_cm2=area_cm2,
        cell_constant_per_cm=cell_constant,
        symmetric=symmetric,
        electrodes=electrodes,
        bulk_source=bulk_source,
        **_arc_fields("bulk", "bulk", bulk),
        **_arc_fields("gb", "gb_total", gb),
        sigma_gb_specific_S_per_cm=sigma_specific,
        sigma_gb_specific_stderr_S_per_cm=sigma_specific_err,
        sigma_total_S_per_cm=sigma_total,
        sigma_total_stderr_S_per_cm=sigma_total_err,
        R_interface_ohm=r_interface,
        R_interface_stderr_ohm=r_interface_err,
        asr_interface_ohm_cm2=None if r_interface is None else r_interface * asr_factor,
        asr_interface_stderr_ohm_cm2=None if r_interface_err is None else r_interface_err * asr_factor,
        R_series_ohm=None if series is None else series.R_ohm,
        R_total_ohm=sum(parts) if bulk is not None else None,
        notes=tuple(notes),
    )
