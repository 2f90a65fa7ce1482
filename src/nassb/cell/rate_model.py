"""Rate model of a composite cathode | solid-electrolyte separator | Na anode (single-ion conductor).

A pseudo-two-dimensional porous-electrode model (Doyle, Fuller, Newman, J. Electrochem. Soc. 140 (1993)
1526) reduced to a single-ion conductor: with transference number 1 there is no salt gradient, so the
electrolyte only carries an ohmic loss (catholyte network and separator). Physics: Fick diffusion in
spherical active particles, symmetric Butler-Volmer kinetics at the active/catholyte interface with
i0(x) = i0_ref 2 sqrt(x (1 - x)), ohmic conduction of ions and electrons in the composite, Butler-Volmer
kinetics at the Na anode (eta = (2RT/F) asinh(I / 2 i0)), and series interfacial ASRs at the anode and at the
cathode | separator interface. Temperature enters through RT/F here and through the conductivities,
diffusivity and exchange currents, which the caller evaluates at T (Arrhenius). Built on PyBaMM (Sulzer
et al., J. Open Res. Softw. 9 (2021) 14) as a custom model; `model="dfn"` runs PyBaMM's half-cell DFN set up
to the same physics as the reference.

Polymer and gel electrolytes (a salt with t+ < 1, `nassb.cell.polymer`) take `model="binary-salt"`: the same
PyBaMM DFN with a real binary salt (Doyle, Fuller, Newman 1993): salt diffusion and migration with transference
number t+ < 1 and thermodynamic factor 1 (ideal solution), the polymer membrane as the separator (its thickness, its
electrolyte fraction 1 - porosity with Bruggeman 1.5, so its resistance is the separator's), the catholyte volume
fraction as the cathode's electrolyte fraction with the Bruggeman exponent that reproduces kappa_eff (conduction and
diffusion share the tortuosity), constant conductivity and diffusivity at the cell temperature, and an exchange
current i0 (c_e / c0)^(1/2) (the usual alpha = 1/2 dependence on the salt). The current builds a salt gradient of
i (1 - t+) / (F D); the discharge also stops when the salt concentration anywhere falls to
`MIN_SALT_FRACTION` of its initial value (depletion, the limiting current of `polymer.limiting_current_density`).
With t+ -> 1 it is the single-ion model.

OCV: U(x) = U_avg + s (0.5 - x) + (RT/F) ln((1 - x)/x), a regular-solution (Frumkin) insertion isotherm:
Nernstian ideal mixing plus a linear interaction term (Armand, in "Materials for Advanced Batteries",
Plenum 1980; Thomas and Newman, J. Electrochem. Soc. 150 (2003) A176). Its mean over 0 <= x <= 1 is U_avg.
A negative s is an attractive interaction that flattens the curve; s must stay above -4RT/F, where the
isotherm becomes flat at x = 0.5 (the critical point): just above it a two-phase plateau (NVP) is represented
by a single monotonic curve.

Overpotentials (V, positive = loss during discharge) split V exactly as
V = <U(x_bulk)> - U_anode - sum(overpotentials), <> the average through the cathode: separator and interface
I R drops, anode kinetics, catholyte ohmic phi_e(separator side) - <phi_e>, electronic ohmic
<phi_s> - phi_s(collector), cathode kinetics -<eta>, solid diffusion <U(x_bulk) - U(x_surface)>.

Discharge stops when V < lower_cutoff_V or the surface stoichiometry reaches 0.999 in any cell of the mesh.
Mesh (PyBaMM finite volumes): 10 cells through the cathode clustered at both faces (tanh, stretch 2) and 15
shells along the radius clustered at the surface (exponential, stretch 3), chosen by a convergence check
against 80- and 160-point meshes: for designs near the test design (60-100 um, D 1e-11 to 1e-10 cm2/s,
kappa_eff 1e-4 to 3e-4 S/cm) the delivered capacity is within 0.3 % up to 2C and 0.6 % at 5C (a uniform
10 x 10 mesh: 2.3-4.3 % at 5C). Designs limited by a sharp reaction front (kappa_eff or sigma_eff 1e-5 S/cm,
150 um) or by solid diffusion (D 1e-12 cm2/s) at utilisations below ~40 % converge more slowly (2-3.5 %),
because the stop is set by the first cell that saturates; 10 shells rather than 15 leave the diffusion-limited
case 36 % off at 5C.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np

from nassb.core.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from nassb.core.errors import InputError, ModelError
from nassb.core.units import convert

SOURCE = "rate model"
MODELS = ("single-ion", "dfn", "binary-salt")
MIN_SALT_FRACTION = 1e-3  # binary-salt: the discharge stops when c_e falls to this share of c0 (depletion)
CRITICAL_SLOPE_THERMAL_VOLTAGES = -4.0  # dU/dx = 0 at x = 0.5 when s = -4RT/F (Frumkin critical interaction)
OVERPOTENTIAL_KEYS = (
    "separator_ohmic",
    "interface_asr",
    "anode_kinetics",
    "catholyte_ohmic",
    "electronic_ohmic",
    "cathode_kinetics",
    "solid_diffusion",
)
SALT_KEY = "salt_concentration"  # binary-salt only: the diffusion potential 2 (1 - t+) (RT/F) ln(c_anode / c_cathode)
MAX_SURFACE_STOICHIOMETRY = 0.999
MESH_X = (10, "both", 2.0)
MESH_R = (15, "right", 3.0)

_INPUTS = (
    "T [K]",
    "L [m]",
    "R [m]",
    "a [m-1]",
    "c_max [mol.m-3]",
    "U_avg [V]",
    "U_slope [V]",
    "D [m2.s-1]",
    "i0 [A.m-2]",
    "kappa [S.m-1]",
    "sigma [S.m-1]",
    "R_sep [Ohm.m2]",
    "R_asr [Ohm.m2]",
    "i0_anode [A.m-2]",
    "U_anode [V]",
    "V_min [V]",
    "x0",
    "I_1C [A.m-2]",
    "I [A.m-2]",
)


@dataclass(frozen=True)
class RateModelParameters:
    """One cell design for the rate model; practical units as named (cm, S/cm, mA/cm2, Ohm cm2)."""

    temperature_K: float
    cathode_thickness_cm: float
    active_volume_fraction: float
    particle_radius_cm: float
    areal_capacity_mAh_per_cm2: float
    average_voltage_V: float
    ocv_slope_V: float
    solid_diffusivity_cm2_per_s: float
    exchange_current_density_mA_per_cm2: float
    ionic_conductivity_eff_S_per_cm: float
    electronic_conductivity_eff_S_per_cm: float
    separator_resistance_ohm_cm2: float
    cathode_interface_asr_ohm_cm2: float = 0.0
    anode_interface_asr_ohm_cm2: float = 0.0
    anode_exchange_current_density_mA_per_cm2: float = 10.0
    anode_potential_V: float = 0.0
    lower_cutoff_V: float = field(kw_only=True)
    initial_stoichiometry: float = 0.005
    anode_capacity_fraction: float = 1.0


@dataclass(frozen=True)
class BinarySaltElectrolyte:
    """The salt of a polymer or gel electrolyte for `model="binary-salt"` (units as named).

    `conductivity_S_per_cm` is the bulk conductivity at the cell temperature (VTF, `nassb.cell.polymer`); the
    separator is the electrolyte film, `separator_thickness_cm` thick with pores `separator_porosity` (0: dense);
    `cathode_electrolyte_volume_fraction` is the share of the composite cathode the electrolyte fills."""

    transference_number: float
    salt_diffusivity_cm2_per_s: float
    salt_concentration_mol_per_L: float
    conductivity_S_per_cm: float
    separator_thickness_cm: float
    cathode_electrolyte_volume_fraction: float
    separator_porosity: float = 0.0


# BinarySaltElectrolyte field -> (cell parameter, unit)
BINARY_SALT_INPUTS: dict[str, tuple[str, str]] = {
    "transference_number": ("separator.transference_number", "1"),
    "salt_diffusivity_cm2_per_s": ("separator.salt_diffusivity", "cm2/s"),
    "salt_concentration_mol_per_L": ("separator.salt_concentration", "mol/L"),
    "conductivity_S_per_cm": ("separator.ionic_conductivity", "S/cm"),
    "separator_thickness_cm": ("separator.thickness", "cm"),
    "cathode_electrolyte_volume_fraction": ("cathode.catholyte.volume_fraction", "1"),
    "separator_porosity": ("separator.porosity", "1"),
}


def binary_salt_electrolyte(parameters) -> BinarySaltElectrolyte:
    """The binary-salt inputs read by name from a cell `ParameterSet`."""
    return BinarySaltElectrolyte(
        **{field_name: parameters.get(name, unit) for field_name, (name, unit) in BINARY_SALT_INPUTS.items()}
    )


# RateModelParameters field -> (cell parameter, unit): the parameters the rate model declares by name.
RATE_MODEL_INPUTS: dict[str, tuple[str, str]] = {
    "temperature_K": ("cell.temperature", "K"),
    "cathode_thickness_cm": ("cathode.thickness", "cm"),
    "active_volume_fraction": ("cathode.active.volume_fraction", "1"),
    "particle_radius_cm": ("cathode.active.particle_radius", "cm"),
    "areal_capacity_mAh_per_cm2": ("cathode.areal_capacity", "mAh/cm2"),
    "average_voltage_V": ("cathode.active.average_voltage", "V"),
    "ocv_slope_V": ("cathode.active.ocv_slope", "V"),
    "solid_diffusivity_cm2_per_s": ("cathode.active.diffusivity", "cm2/s"),
    "exchange_current_density_mA_per_cm2": ("cathode.active.exchange_current_density", "mA/cm2"),
    "ionic_conductivity_eff_S_per_cm": ("cathode.ionic_conductivity_effective", "S/cm"),
    "electronic_conductivity_eff_S_per_cm": ("cathode.electronic_conductivity_effective", "S/cm"),
    "separator_resistance_ohm_cm2": ("separator.area_resistance", "Ohm cm2"),
    "cathode_interface_asr_ohm_cm2": ("cathode.series_asr", "Ohm cm2"),
    "anode_interface_asr_ohm_cm2": ("anode.series_asr", "Ohm cm2"),
    "anode_exchange_current_density_mA_per_cm2": ("anode.exchange_current_density", "mA/cm2"),
    "anode_potential_V": ("anode.potential", "V"),
    "lower_cutoff_V": ("cell.voltage_min", "V"),
    "initial_stoichiometry": ("cathode.active.initial_stoichiometry", "1"),
    "anode_capacity_fraction": ("anode.capacity_fraction", "1"),
}


# where the solver has been seen to converge; a failure names the inputs outside these ranges
USUAL_RANGES: dict[str, tuple[float, float]] = {
    "cathode_thickness_cm": (1e-4, 0.5),
    "particle_radius_cm": (1e-6, 5e-3),
    "solid_diffusivity_cm2_per_s": (1e-16, 1e-6),
    "exchange_current_density_mA_per_cm2": (1e-6, 1e3),
    "ionic_conductivity_eff_S_per_cm": (1e-8, 1.0),
    "electronic_conductivity_eff_S_per_cm": (1e-8, 1e6),
    "separator_resistance_ohm_cm2": (0.0, 1e5),
    "active_volume_fraction": (0.05, 0.95),
}


def solver_failure(p: RateModelParameters, c_rate: float, error: Exception, model: str = "rate model") -> ModelError:
    """A short ModelError for a solver that found no solution: its first line, and the cell parameters whose values
    lie outside `USUAL_RANGES` (the likely cause), or all the model's inputs when none does."""
    first_line = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
    first_line = first_line.split(" with inputs")[0]
    unusual = [
        f"{RATE_MODEL_INPUTS[name][0]} = {getattr(p, name):.3g} {RATE_MODEL_INPUTS[name][1]} "
        f"(usual {low:g} to {high:g})"
        for name, (low, high) in USUAL_RANGES.items()
        if not low <= getattr(p, name) <= high
    ]
    hint = (
        ("outside their usual range: " + "; ".join(unusual))
        if unusual
        else ("none is outside its usual range; check " + ", ".join(name for name, _ in RATE_MODEL_INPUTS.values()))
    )
    current = c_rate * p.areal_capacity_mAh_per_cm2
    return ModelError(
        f"{model}: no solution at {c_rate:g}C = {current:.3g} mA/cm2 ({first_line[:160]}); parameters {hint}"
    )


def rate_model_parameters(parameters) -> RateModelParameters:
    """The rate model's inputs read by name from a cell `ParameterSet` (`nassb.cell.parameters`)."""
    return RateModelParameters(
        **{field_name: parameters.get(name, unit) for field_name, (name, unit) in RATE_MODEL_INPUTS.items()}
    )


@dataclass(frozen=True)
class DischargeResult:
    """One constant-current discharge; overpotentials (V, positive = loss) at half the delivered capacity."""

    c_rate: float
    current_density_mA_per_cm2: float
    time_h: np.ndarray
    voltage_V: np.ndarray
    capacity_mAh_per_cm2: np.ndarray
    delivered_capacity_mAh_per_cm2: float
    energy_mWh_per_cm2: float
    utilisation: float
    overpotentials_V: dict[str, float]
    limiting_process: str
    min_salt_fraction: float | None = None  # binary-salt: lowest c_e / c0 in the cathode at the end; else None


def ocv_V(stoichiometry, average_voltage_V: float, ocv_slope_V: float, temperature_K: float):
    """Open-circuit potential vs Na/Na+ (V) at sodium stoichiometry 0 < x < 1 (see the module docstring)."""
    x = np.asarray(stoichiometry, dtype=float)
    thermal_V = GAS_CONSTANT_J_PER_MOL_K * temperature_K / FARADAY_C_PER_MOL
    return average_voltage_V + ocv_slope_V * (0.5 - x) + thermal_V * np.log((1.0 - x) / x)


def simulate_discharge(
    parameters: RateModelParameters,
    c_rates: Sequence[float],
    model: str = "single-ion",
    progress: Callable[[int, int], None] | None = None,
    electrolyte: BinarySaltElectrolyte | None = None,
) -> list[DischargeResult]:
    """Constant-current discharges (sodiation of the cathode from initial_stoichiometry), one per C-rate, until
    V < lower_cutoff_V or the surface stoichiometry reaches 0.999; 1C = areal_capacity_mAh_per_cm2 per hour.

    `model="single-ion"` is the fast custom model (built once per process, every design value an input),
    `model="dfn"` PyBaMM's half-cell DFN reference (default mesh), `model="binary-salt"` the DFN with the salt of a
    polymer or gel `electrolyte` (t+ < 1; it also stops when the salt is depleted). A design already below the
    cut-off under load at the start gives a one-point result with zero capacity. `progress(done, total)` after
    each rate."""
    if model not in MODELS:
        raise InputError(SOURCE, "model", f"one of {MODELS}", model)
    _check(parameters)
    if model == "binary-salt":
        if electrolyte is None:
            raise InputError(SOURCE, "electrolyte", "the salt of the electrolyte (BinarySaltElectrolyte)", None)
        _check_binary_salt(parameters, electrolyte)
    elif electrolyte is not None:
        raise InputError(SOURCE, "electrolyte", 'model="binary-salt" to use a binary-salt electrolyte', model)
    rates = list(c_rates)
    for c_rate in rates:
        if not (isinstance(c_rate, numbers.Real) and math.isfinite(c_rate) and c_rate > 0):
            raise InputError(SOURCE, "c_rates", "positive finite C-rates", c_rate)
    if model == "binary-salt":

        def solve(p: RateModelParameters, c_rate: float) -> DischargeResult:
            return _solve_binary_salt(p, electrolyte, c_rate)
    else:
        solve = _solve_single_ion if model == "single-ion" else _solve_dfn
    results = []
    for k, c_rate in enumerate(rates):
        results.append(solve(parameters, float(c_rate)))
        if progress is not None:
            progress(k + 1, len(rates))
    return results


def _check(p: RateModelParameters) -> None:
    def need(name: str, ok: bool, expected: str) -> None:
        value = getattr(p, name)
        if not (isinstance(value, numbers.Real) and math.isfinite(value) and ok):
            raise InputError(SOURCE, name, expected, value)

    for f in fields(p):
        need(f.name, True, "a finite number")
    for name in (
        "temperature_K",
        "cathode_thickness_cm",
        "particle_radius_cm",
        "areal_capacity_mAh_per_cm2",
        "solid_diffusivity_cm2_per_s",
        "exchange_current_density_mA_per_cm2",
        "ionic_conductivity_eff_S_per_cm",
        "electronic_conductivity_eff_S_per_cm",
        "anode_exchange_current_density_mA_per_cm2",
    ):
        need(name, getattr(p, name) > 0, "a positive number")
    for name in ("separator_resistance_ohm_cm2", "cathode_interface_asr_ohm_cm2", "anode_interface_asr_ohm_cm2"):
        need(name, getattr(p, name) >= 0, "a number >= 0")
    critical_V = CRITICAL_SLOPE_THERMAL_VOLTAGES * GAS_CONSTANT_J_PER_MOL_K * p.temperature_K / FARADAY_C_PER_MOL
    need(
        "ocv_slope_V",
        p.ocv_slope_V > critical_V,
        f"a slope above {critical_V:.4f} V (-4RT/F: below it the isotherm folds back, a miscibility gap)",
    )
    need("active_volume_fraction", 0 < p.active_volume_fraction < 1, "a volume fraction in (0, 1)")
    need("anode_capacity_fraction", 0 < p.anode_capacity_fraction <= 1, "a fraction in (0, 1]")
    need(
        "initial_stoichiometry",
        0 < p.initial_stoichiometry < MAX_SURFACE_STOICHIOMETRY,
        f"a stoichiometry in (0, {MAX_SURFACE_STOICHIOMETRY})",
    )
    start_V = float(ocv_V(p.initial_stoichiometry, p.average_voltage_V, p.ocv_slope_V, p.temperature_K))
    need(
        "lower_cutoff_V",
        p.lower_cutoff_V < start_V - p.anode_potential_V,
        f"a cut-off below the initial open-circuit voltage {start_V - p.anode_potential_V:.3f} V",
    )


def _si(p: RateModelParameters, c_rate: float) -> dict[str, float]:
    """The design and current in SI units: the input parameters of the single-ion model."""
    thickness_m = convert(p.cathode_thickness_cm, "cm", "m")
    radius_m = convert(p.particle_radius_cm, "cm", "m")
    one_c = convert(p.areal_capacity_mAh_per_cm2, "mA/cm2", "A/m2")
    values = (
        p.temperature_K,
        thickness_m,
        radius_m,
        3 * p.active_volume_fraction / radius_m,
        convert(p.areal_capacity_mAh_per_cm2, "mAh/cm2", "C/m2")
        / (FARADAY_C_PER_MOL * p.active_volume_fraction * thickness_m),
        p.average_voltage_V,
        p.ocv_slope_V,
        convert(p.solid_diffusivity_cm2_per_s, "cm2/s", "m2/s"),
        convert(p.exchange_current_density_mA_per_cm2, "mA/cm2", "A/m2"),
        convert(p.ionic_conductivity_eff_S_per_cm, "S/cm", "S/m"),
        convert(p.electronic_conductivity_eff_S_per_cm, "S/cm", "S/m"),
        convert(p.separator_resistance_ohm_cm2, "Ohm cm2", "Ohm m2"),
        convert(p.cathode_interface_asr_ohm_cm2 + p.anode_interface_asr_ohm_cm2, "Ohm cm2", "Ohm m2"),
        convert(p.anode_exchange_current_density_mA_per_cm2, "mA/cm2", "A/m2"),
        p.anode_potential_V,
        p.lower_cutoff_V,
        p.initial_stoichiometry,
        one_c,
        c_rate * one_c,
    )
    return dict(zip(_INPUTS, values))


def _end_time_s(p: RateModelParameters, c_rate: float) -> float:
    """Time at which the particle-average stoichiometry would reach 1, or the anode's Na run out (the share
    `anode_capacity_fraction` of the capacity): no discharge lasts longer."""
    return convert(min(1.0 - p.initial_stoichiometry, p.anode_capacity_fraction) / c_rate, "h", "s")


def _result(
    p: RateModelParameters,
    c_rate: float,
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    eta: dict[str, float],
    min_salt_fraction: float | None = None,
) -> DischargeResult:
    current = c_rate * p.areal_capacity_mAh_per_cm2
    time_h = np.asarray(time_s, dtype=float) * convert(1.0, "s", "h")
    voltage_V = np.asarray(voltage_V, dtype=float)
    capacity = current * time_h
    energy = float(np.sum(0.5 * (voltage_V[1:] + voltage_V[:-1]) * np.diff(capacity)))
    return DischargeResult(
        c_rate=c_rate,
        current_density_mA_per_cm2=current,
        time_h=time_h,
        voltage_V=voltage_V,
        capacity_mAh_per_cm2=capacity,
        delivered_capacity_mAh_per_cm2=float(capacity[-1]),
        energy_mWh_per_cm2=energy,
        utilisation=float(capacity[-1] / p.areal_capacity_mAh_per_cm2),
        overpotentials_V=eta,
        limiting_process=max(eta, key=eta.get),
        min_salt_fraction=min_salt_fraction,
    )


def _import_pybamm():
    """PyBaMM with its telemetry off (no prompt, no network), imported on first use."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    import pybamm

    pybamm.telemetry.disable()
    return pybamm


def _edges(points: int, side: str | None, stretch: float) -> np.ndarray:
    """Cell edges on [0, 1]: uniform (side None), clustered at both ends (tanh) or at the right end (exp).

    PyBaMM's own Exponential1DSubMesh(side="symmetric") is not used: in 26.10 it leaves one wide cell in the
    middle (its half-meshes span only part of each half), which does not converge."""
    s = np.linspace(0.0, 1.0, points + 1)
    if side == "both":
        return 0.5 * (1.0 + np.tanh(stretch * (2.0 * s - 1.0)) / np.tanh(stretch))
    if side == "right":
        return 1.0 - np.expm1(stretch * (1.0 - s)) / np.expm1(stretch)
    return s


def _single_ion_model(mesh_x: tuple, mesh_r: tuple):
    """The discretised single-ion model and its IDAKLU solver; every design value is an input parameter.

    Lengths are scaled (x / L, r / R) and the charge balances divided by the 1C current, so the unknowns
    (stoichiometry, potentials in V) are all of order one."""
    pybamm = _import_pybamm()
    F = FARADAY_C_PER_MOL
    q = {name: pybamm.InputParameter(name) for name in _INPUTS}
    current, thickness, radius = q["I [A.m-2]"], q["L [m]"], q["R [m]"]
    thermal = GAS_CONSTANT_J_PER_MOL_K * q["T [K]"] / F

    x = pybamm.SpatialVariable("x_p", domain="positive electrode", coord_sys="cartesian")
    r = pybamm.SpatialVariable(
        "r_p",
        domain="positive particle",
        auxiliary_domains={"secondary": "positive electrode"},
        coord_sys="spherical polar",
    )
    sto = pybamm.Variable(
        "Stoichiometry", domain="positive particle", auxiliary_domains={"secondary": "positive electrode"}
    )
    phi_s = pybamm.Variable("Electrode potential [V]", domain="positive electrode")
    phi_e = pybamm.Variable("Electrolyte potential [V]", domain="positive electrode")

    def ocp(s):
        return q["U_avg [V]"] + q["U_slope [V]"] * (0.5 - s) + thermal * pybamm.log((1 - s) / s)

    sto_surf = pybamm.surf(sto)
    eta = phi_s - phi_e - ocp(sto_surf)
    j = 4 * q["i0 [A.m-2]"] * pybamm.sqrt(sto_surf * (1 - sto_surf)) * pybamm.sinh(eta / (2 * thermal))
    eta_anode = 2 * thermal * pybamm.arcsinh(current / (2 * q["i0_anode [A.m-2]"]))
    phi_e_sep = -(q["U_anode [V]"] + eta_anode + current * (q["R_sep [Ohm.m2]"] + q["R_asr [Ohm.m2]"]))
    source = q["a [m-1]"] * thickness * j / q["I_1C [A.m-2]"]

    model = pybamm.BaseModel("single-ion composite cathode")
    model.rhs = {sto: q["D [m2.s-1]"] / radius**2 * pybamm.div(pybamm.grad(sto))}
    model.algebraic = {
        phi_e: pybamm.div(-q["kappa [S.m-1]"] / (thickness * q["I_1C [A.m-2]"]) * pybamm.grad(phi_e)) - source,
        phi_s: pybamm.div(-q["sigma [S.m-1]"] / (thickness * q["I_1C [A.m-2]"]) * pybamm.grad(phi_s)) + source,
    }
    model.boundary_conditions = {
        sto: {
            "left": (pybamm.Scalar(0), "Neumann"),
            "right": (-radius * j / (F * q["D [m2.s-1]"] * q["c_max [mol.m-3]"]), "Neumann"),
        },
        phi_e: {"left": (phi_e_sep, "Dirichlet"), "right": (pybamm.Scalar(0), "Neumann")},
        phi_s: {"left": (pybamm.Scalar(0), "Neumann"), "right": (-current * thickness / q["sigma [S.m-1]"], "Neumann")},
    }
    # start the algebraic solve from a uniform reaction: phi_e at the separator face, eta from Butler-Volmer
    x0 = q["x0"]
    i0_start = 2 * q["i0 [A.m-2]"] * pybamm.sqrt(x0 * (1 - x0))
    eta0 = 2 * thermal * pybamm.arcsinh(current / (2 * q["a [m-1]"] * thickness * i0_start))
    model.initial_conditions = {sto: x0, phi_e: phi_e_sep, phi_s: phi_e_sep + ocp(x0) - eta0}
    voltage = pybamm.boundary_value(phi_s, "right")
    model.variables = {
        "Voltage [V]": voltage,
        "separator_ohmic": current * q["R_sep [Ohm.m2]"],
        "interface_asr": current * q["R_asr [Ohm.m2]"],
        "anode_kinetics": eta_anode,
        "catholyte_ohmic": phi_e_sep - pybamm.x_average(phi_e),
        "electronic_ohmic": pybamm.x_average(phi_s) - voltage,
        "cathode_kinetics": -pybamm.x_average(eta),
        "solid_diffusion": pybamm.x_average(ocp(pybamm.r_average(sto)) - ocp(sto_surf)),
    }
    model.events = [
        pybamm.Event("Minimum voltage", voltage - q["V_min [V]"]),
        pybamm.Event("Maximum surface stoichiometry", MAX_SURFACE_STOICHIOMETRY - pybamm.max(sto_surf)),
    ]

    geometry = {"positive electrode": {x: {"min": 0, "max": 1}}, "positive particle": {r: {"min": 0, "max": 1}}}
    submeshes = {
        domain: pybamm.MeshGenerator(pybamm.UserSupplied1DSubMesh, {"edges": _edges(*spec)})
        for domain, spec in (("positive electrode", mesh_x), ("positive particle", mesh_r))
    }
    mesh = pybamm.Mesh(geometry, submeshes, {"x_p": mesh_x[0], "r_p": mesh_r[0]})
    methods = {"positive electrode": pybamm.FiniteVolume(), "positive particle": pybamm.FiniteVolume()}
    pybamm.Discretisation(mesh, methods).process_model(model)
    solver = pybamm.IDAKLUSolver(rtol=1e-5, atol=1e-6, output_variables=list(model.variables))
    return model, solver


_BUILT: dict[tuple, tuple] = {}


def _solve_single_ion(p: RateModelParameters, c_rate: float) -> DischargeResult:
    pybamm = _import_pybamm()
    key = (MESH_X, MESH_R)
    if key not in _BUILT:
        _BUILT[key] = _single_ion_model(*key)
    model, solver = _BUILT[key]
    inputs = _si(p, c_rate)
    try:
        solution = solver.solve(model, [0.0, _end_time_s(p, c_rate)], inputs=inputs)
    except pybamm.SolverError as error:
        if "at initial conditions" not in str(error):
            raise solver_failure(p, c_rate, error) from error
        # Below the cut-off from the start: report the initial state (no capacity) and its losses; a state more than
        # a kilovolt below zero is no cell any more and fails with the parameters to check.
        try:
            solution = solver.solve(model, [0.0, 1e-6], inputs=dict(inputs, **{"V_min [V]": -1e3}))
        except pybamm.SolverError as again:
            raise solver_failure(p, c_rate, again) from again
        eta = {key: float(solution[key].data[0]) for key in OVERPOTENTIAL_KEYS}
        return _result(p, c_rate, solution.t[:1], solution["Voltage [V]"].data[:1], eta)
    time_s = solution.t
    eta = {key: float(np.interp(0.5 * time_s[-1], time_s, solution[key].data)) for key in OVERPOTENTIAL_KEYS}
    return _result(p, c_rate, time_s, solution["Voltage [V]"].data, eta)


# PyBaMM's half cell has a separator domain: its ionic resistance L / (kappa eps^b) is set to R_sep with a
# fixed thickness and porosity through the Bruggeman exponent b (t+ = 1: the porosity only scales storage).
_DFN_SEPARATOR_THICKNESS_M = 25e-6
_DFN_POROSITY = 0.5
_DFN_AREA_M2 = 1e-4
_DFN_MIN_SEPARATOR_OHM_M2 = 1e-10


def dfn_parameter_values(parameters: RateModelParameters, current_A_per_m2: float | None = None):
    """PyBaMM parameter values of the half-cell DFN with the same physics as the single-ion model.

    Cation transference number and thermodynamic factor 1, constant conductivities with Bruggeman exponent
    0 in the cathode (kappa_eff, sigma_eff passed directly), the same OCV (less the anode potential),
    exchange currents, particle geometry and c_max; both ASRs as the contact resistance of a 1 cm2 cell.
    With current_A_per_m2 None, "Current function [A]" is an input parameter. PyBaMM adds to every OCP a
    barrier of 1 mV at stoichiometry 0.999 (rising to ~1 V at 1), outside the window the stop allows."""
    pybamm = _import_pybamm()
    si = _si(parameters, 0.0)
    thermal = GAS_CONSTANT_J_PER_MOL_K * si["T [K]"] / FARADAY_C_PER_MOL

    def ocp(sto):
        return (
            si["U_avg [V]"]
            - si["U_anode [V]"]
            + si["U_slope [V]"] * (0.5 - sto)
            + thermal * pybamm.log((1 - sto) / sto)
        )

    def exchange_current(c_e, c_s_surf, c_s_max, T):
        return 2 * si["i0 [A.m-2]"] * (c_s_surf / c_s_max * (1 - c_s_surf / c_s_max)) ** 0.5

    def anode_exchange_current(c_e, c_metal, T):
        return pybamm.Scalar(si["i0_anode [A.m-2]"])

    r_sep = max(si["R_sep [Ohm.m2]"], _DFN_MIN_SEPARATOR_OHM_M2)
    brugg_sep = math.log(_DFN_SEPARATOR_THICKNESS_M / (r_sep * si["kappa [S.m-1]"])) / math.log(_DFN_POROSITY)
    start_V = float(ocv_V(si["x0"], si["U_avg [V]"], si["U_slope [V]"], si["T [K]"])) - si["U_anode [V]"]
    return pybamm.ParameterValues(
        {
            "Ambient temperature [K]": si["T [K]"],
            "Initial temperature [K]": si["T [K]"],
            "Reference temperature [K]": si["T [K]"],
            "Cation transference number": 1.0,
            "Thermodynamic factor": 1.0,
            "Contact resistance [Ohm]": si["R_asr [Ohm.m2]"] / _DFN_AREA_M2,
            "Current function [A]": "[input]" if current_A_per_m2 is None else current_A_per_m2 * _DFN_AREA_M2,
            "Electrode height [m]": 0.01,
            "Electrode width [m]": _DFN_AREA_M2 / 0.01,
            "Nominal cell capacity [A.h]": si["I_1C [A.m-2]"] * _DFN_AREA_M2,
            "Number of cells connected in series to make a battery": 1,
            "Number of electrodes connected in parallel to make a cell": 1,
            "Electrolyte conductivity [S.m-1]": si["kappa [S.m-1]"],
            "Electrolyte diffusivity [m2.s-1]": 1e-10,
            "Initial concentration in electrolyte [mol.m-3]": 1000.0,
            "Exchange-current density for lithium metal electrode [A.m-2]": anode_exchange_current,
            "Lithium metal partial molar volume [m3.mol-1]": 2.37e-5,
            "Negative electrode thickness [m]": 1e-4,
            "Negative electrode conductivity [S.m-1]": 1e12,
            "Separator thickness [m]": _DFN_SEPARATOR_THICKNESS_M,
            "Separator porosity": _DFN_POROSITY,
            "Separator Bruggeman coefficient (electrolyte)": brugg_sep,
            "Positive electrode thickness [m]": si["L [m]"],
            "Positive electrode porosity": _DFN_POROSITY,
            "Positive electrode active material volume fraction": parameters.active_volume_fraction,
            "Positive electrode Bruggeman coefficient (electrolyte)": 0.0,
            "Positive electrode Bruggeman coefficient (electrode)": 0.0,
            "Positive electrode conductivity [S.m-1]": si["sigma [S.m-1]"],
            "Positive particle radius [m]": si["R [m]"],
            "Positive particle diffusivity [m2.s-1]": si["D [m2.s-1]"],
            "Maximum concentration in positive electrode [mol.m-3]": si["c_max [mol.m-3]"],
            "Initial concentration in positive electrode [mol.m-3]": si["x0"] * si["c_max [mol.m-3]"],
            "Positive electrode OCP [V]": ocp,
            "Positive electrode OCP entropic change [V.K-1]": 0.0,
            "Positive electrode exchange-current density [A.m-2]": exchange_current,
            "Lower voltage cut-off [V]": si["V_min [V]"],
            "Upper voltage cut-off [V]": start_V + 5.0,
        }
    )


def dfn_model():
    """PyBaMM's half-cell DFN (positive working electrode, metal counter electrode, contact resistance) with
    the single-ion model's surface-stoichiometry stop added to its events."""
    pybamm = _import_pybamm()
    model = pybamm.lithium_ion.DFN(options={"working electrode": "positive", "contact resistance": "true"})
    surface = model.variables["Positive particle surface stoichiometry"]
    model.events.append(pybamm.Event("Maximum surface stoichiometry", MAX_SURFACE_STOICHIOMETRY - pybamm.max(surface)))
    phi_e = model.variables["Positive electrolyte potential [V]"]
    model.variables["Cathode boundary electrolyte potential [V]"] = pybamm.boundary_value(phi_e, "left")
    return model


def dfn_overpotentials(p: RateModelParameters, solution, time_s: float) -> dict[str, float]:
    """The single-ion model's overpotential split evaluated on a DFN solution at one time."""

    def value(name: str):
        return solution[name](t=time_s)

    phi_e_boundary = float(value("Cathode boundary electrolyte potential [V]"))
    args = (p.average_voltage_V, p.ocv_slope_V, p.temperature_K)
    bulk_V = ocv_V(value("R-averaged positive particle stoichiometry"), *args)
    surface_V = ocv_V(value("Positive particle surface stoichiometry"), *args)
    return {
        "separator_ohmic": float(value("Lithium metal interface electrolyte potential [V]")) - phi_e_boundary,
        "interface_asr": float(value("Contact overpotential [V]")),
        "anode_kinetics": float(value("Lithium metal interface reaction overpotential [V]")),
        "catholyte_ohmic": phi_e_boundary - float(value("X-averaged positive electrolyte potential [V]")),
        "electronic_ohmic": -float(value("X-averaged positive electrode ohmic losses [V]")),
        "cathode_kinetics": -float(value("X-averaged positive electrode reaction overpotential [V]")),
        "solid_diffusion": float(np.mean(bulk_V - surface_V)),
    }


def _solve_dfn(p: RateModelParameters, c_rate: float) -> DischargeResult:
    """One DFN discharge as a PyBaMM user runs it: a `Simulation` per C-rate on the default mesh."""
    pybamm = _import_pybamm()
    current = convert(c_rate * p.areal_capacity_mAh_per_cm2, "mA/cm2", "A/m2")
    simulation = pybamm.Simulation(dfn_model(), parameter_values=dfn_parameter_values(p, current))
    try:
        solution = simulation.solve([0.0, _end_time_s(p, c_rate)])
    except pybamm.SolverError as error:
        raise solver_failure(p, c_rate, error, "DFN reference") from error
    time_s = solution.t
    eta = dfn_overpotentials(p, solution, 0.5 * time_s[-1])
    return _result(p, c_rate, time_s, solution["Voltage [V]"].entries, eta)


def _check_binary_salt(p: RateModelParameters, e: BinarySaltElectrolyte) -> None:
    """The salt's inputs are physical and consistent with the cell's: the separator resistance is the film's
    L / (sigma (1 - porosity)^1.5) and the composite's kappa_eff does not exceed the electrolyte's own sigma."""

    def need(name: str, ok: bool, expected: str, value=None) -> None:
        value = getattr(e, name) if value is None else value
        if not (isinstance(value, numbers.Real) and math.isfinite(value) and ok):
            raise InputError(SOURCE, name, expected, value)

    for f in fields(e):
        need(f.name, True, "a finite number")
    need("transference_number", 0 < e.transference_number <= 1, "a cation transference number in (0, 1]")
    for name in (
        "salt_diffusivity_cm2_per_s",
        "salt_concentration_mol_per_L",
        "conductivity_S_per_cm",
        "separator_thickness_cm",
    ):
        need(name, getattr(e, name) > 0, "a positive number")
    need(
        "cathode_electrolyte_volume_fraction",
        0 < e.cathode_electrolyte_volume_fraction < 1,
        "the electrolyte's volume fraction of the cathode, in (0, 1)",
    )
    need("separator_porosity", 0 <= e.separator_porosity < 1, "a porosity in [0, 1)")
    need(
        "conductivity_S_per_cm",
        p.ionic_conductivity_eff_S_per_cm <= e.conductivity_S_per_cm,
        f"a bulk conductivity at least the composite's kappa_eff = {p.ionic_conductivity_eff_S_per_cm:.3g} S/cm",
    )
    film_ohm_cm2 = e.separator_thickness_cm / (e.conductivity_S_per_cm * (1.0 - e.separator_porosity) ** 1.5)
    if not math.isclose(film_ohm_cm2, p.separator_resistance_ohm_cm2, rel_tol=1e-6):
        raise InputError(
            SOURCE,
            "separator_resistance_ohm_cm2",
            f"the film's L / (sigma (1 - porosity)^1.5) = {film_ohm_cm2:.4g} Ohm cm2 (the binary-salt separator is "
            "the electrolyte film)",
            p.separator_resistance_ohm_cm2,
        )


def binary_salt_parameter_values(
    parameters: RateModelParameters, electrolyte: BinarySaltElectrolyte, current_A_per_m2: float | None = None
):
    """PyBaMM parameter values of the half-cell DFN with the binary salt of a polymer or gel electrolyte.

    `dfn_parameter_values` (same OCV, kinetics, particles, conductivities and ASRs) with: t+ and the salt's
    diffusivity and initial concentration; constant conductivity sigma; the separator the film itself (thickness,
    electrolyte fraction 1 - porosity, Bruggeman 1.5); the cathode's electrolyte fraction the catholyte's, with the
    Bruggeman exponent b = ln(kappa_eff / sigma) / ln(eps) that reproduces kappa_eff (and gives D_eff = D eps^b);
    i0 scaled by (c_e / c0)^(1/2); the depletion stop at MIN_SALT_FRACTION c0."""
    pybamm = _import_pybamm()
    si = _si(parameters, 0.0)
    e = electrolyte
    c0 = convert(e.salt_concentration_mol_per_L, "mol/L", "mol/m3")
    sigma = convert(e.conductivity_S_per_cm, "S/cm", "S/m")
    eps_cathode = e.cathode_electrolyte_volume_fraction
    brugg_cathode = math.log(si["kappa [S.m-1]"] / sigma) / math.log(eps_cathode)
    floor = 1e-6 * c0

    def exchange_current(c_e, c_s_surf, c_s_max, T):
        salt = pybamm.maximum(c_e, floor) / c0
        return 2 * si["i0 [A.m-2]"] * (c_s_surf / c_s_max * (1 - c_s_surf / c_s_max)) ** 0.5 * salt**0.5

    values = dfn_parameter_values(parameters, current_A_per_m2)
    values.update(
        {
            "Cation transference number": e.transference_number,
            "Thermodynamic factor": 1.0,
            "Electrolyte conductivity [S.m-1]": sigma,
            "Electrolyte diffusivity [m2.s-1]": convert(e.salt_diffusivity_cm2_per_s, "cm2/s", "m2/s"),
            "Initial concentration in electrolyte [mol.m-3]": c0,
            "Separator thickness [m]": convert(e.separator_thickness_cm, "cm", "m"),
            "Separator porosity": 1.0 - e.separator_porosity,
            "Separator Bruggeman coefficient (electrolyte)": 1.5,
            "Positive electrode porosity": eps_cathode,
            "Positive electrode Bruggeman coefficient (electrolyte)": brugg_cathode,
            "Positive electrode exchange-current density [A.m-2]": exchange_current,
            "Salt depletion concentration [mol.m-3]": MIN_SALT_FRACTION * c0,
        },
        check_already_exists=False,
    )
    return values


def binary_salt_model():
    """`dfn_model` with the salt's variables (concentration at the anode, at the cathode face, the cathode's mean
    ln c_e) and the depletion stop: the discharge ends when c_e in the cathode falls to MIN_SALT_FRACTION c0."""
    pybamm = _import_pybamm()
    model = dfn_model()
    c_sep = model.variables["Separator electrolyte concentration [mol.m-3]"]
    c_pos = model.variables["Positive electrolyte concentration [mol.m-3]"]
    floor = pybamm.Parameter("Salt depletion concentration [mol.m-3]") * 1e-3
    model.variables["Anode-side electrolyte concentration [mol.m-3]"] = pybamm.boundary_value(c_sep, "left")
    model.variables["Cathode boundary electrolyte concentration [mol.m-3]"] = pybamm.boundary_value(c_pos, "left")
    model.variables["X-averaged positive log electrolyte concentration"] = pybamm.x_average(
        pybamm.log(pybamm.maximum(c_pos, floor))
    )
    model.variables["Minimum positive electrolyte concentration [mol.m-3]"] = pybamm.min(c_pos)
    model.events.append(
        pybamm.Event("Salt depletion", pybamm.min(c_pos) - pybamm.Parameter("Salt depletion concentration [mol.m-3]"))
    )
    return model


def binary_salt_overpotentials(
    p: RateModelParameters, e: BinarySaltElectrolyte, solution, time_s: float
) -> dict[str, float]:
    """`dfn_overpotentials` with the salt's diffusion potential 2 (1 - t+) (RT/F) ln(c_a / c_b) taken out of the
    separator and catholyte terms into its own, `SALT_KEY` (anode side to cathode face, cathode face to the
    cathode's mean ln c_e; thermodynamic factor 1)."""
    eta = dfn_overpotentials(p, solution, time_s)
    factor = 2.0 * (1.0 - e.transference_number) * GAS_CONSTANT_J_PER_MOL_K * p.temperature_K / FARADAY_C_PER_MOL
    anode = float(solution["Anode-side electrolyte concentration [mol.m-3]"](t=time_s))
    face = float(solution["Cathode boundary electrolyte concentration [mol.m-3]"](t=time_s))
    mean_log = float(solution["X-averaged positive log electrolyte concentration"](t=time_s))
    separator_part = factor * math.log(anode / face)
    cathode_part = factor * (math.log(face) - mean_log)
    eta["separator_ohmic"] -= separator_part
    eta["catholyte_ohmic"] -= cathode_part
    eta[SALT_KEY] = separator_part + cathode_part
    return eta


def _solve_binary_salt(p: RateModelParameters, e: BinarySaltElectrolyte, c_rate: float) -> DischargeResult:
    """One binary-salt discharge: a PyBaMM `Simulation` of `binary_salt_model` per C-rate on the default mesh."""
    pybamm = _import_pybamm()
    current = convert(c_rate * p.areal_capacity_mAh_per_cm2, "mA/cm2", "A/m2")
    simulation = pybamm.Simulation(binary_salt_model(), parameter_values=binary_salt_parameter_values(p, e, current))
    try:
        solution = simulation.solve([0.0, _end_time_s(p, c_rate)])
    except pybamm.SolverError as error:
        raise solver_failure(p, c_rate, error, "binary-salt model") from error
    time_s = solution.t
    eta = binary_salt_overpotentials(p, e, solution, 0.5 * time_s[-1])
    lowest = float(solution["Minimum positive electrolyte concentration [mol.m-3]"].entries[-1])
    c0 = convert(e.salt_concentration_mol_per_L, "mol/L", "mol/m3")
    result = _result(p, c_rate, time_s, solution["Voltage [V]"].entries, eta, lowest / c0)
    if lowest <= 1.01 * MIN_SALT_FRACTION * c0:  # stopped by depletion: the salt limits, whatever the split says
        result = replace(result, limiting_process=SALT_KEY)
    return result
