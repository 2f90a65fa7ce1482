"""The failure modes of a cell design (seed 004 Fig. 3), their indicators and verdicts, the cycle life, and the
seeds' remedies ranked by their predicted effect.

Five modes, each judged by one indicator against a threshold (verdict ok / risk / fail):

* interphase_growth: the resistance the interphases add by the stated cycle count (Ohm cm2; `nassb.interface.
  growth`), against the separator's own resistance (risk) and ten times it (fail);
* electrical_blocking: the larger of the space-charge resistance of the active | catholyte contact and the
  separator's grain-boundary resistance share (`nassb.interface.blocking`); oxide | sulfide contacts above the
  sulfide's oxidation limit are flagged (Haruyama et al. 2014);
* anode_contact_loss: the cycling current over the Na supply by creep and diffusion (`nassb.mechanics.contact`);
  above 1 voids form (fail when the contact is lost within the stated cycles);
* cathode_contact_loss: the active material's volume change against Bucci et al.'s 7.5 % fracture limit, and the
  contact fraction left at the stated cycles (risk below 0.9);
* dendrite: the plating current per contact area over the crack-opening CCD (Porz et al. 2017), with the
  Monroe-Newman ratio and the electronic-leakage check as evidence.

The dominant mode is the one whose reset would regain the most capacity at the end of the cycled run (or that
stopped it); the remedies the seeds report for it (knowledge-base interlayers, catholytes, pressure) are applied to
the design one at a time and the design re-evaluated, ranked by the predicted change of retention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from nassb.cell.life import CycleRecord, GrowingContact, LifeInputs, LifeResult, plating_ccd_mA_per_cm2, run_life
from nassb.core.errors import DataError, InputError, ModelError
from nassb.core.value import Computation, Value

VERDICTS = ("ok", "risk", "fail")
BLOCKING_RISK_OHM_CM2 = 10.0
GRAIN_BOUNDARY_RISK_SHARE = 0.5
CATHODE_CONTACT_RISK = 0.9
LOCKED_RISK = 0.05
LOCKED_FAIL = 0.2
EXPANSION_FAIL_PERCENT = 7.5  # Bucci et al., J. Mater. Chem. A 5 (2017) 19422, abstract


@dataclass
class FailureMode:
    """One failure mode at one interface: indicator, threshold, verdict, evidence and remedies."""

    mode: str
    interface: str
    indicator: dict[str, Any]
    threshold: dict[str, Any]
    verdict: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    mitigations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FailureAnalysis:
    """All modes of one design, the cycled run and the dominant mode."""

    modes: list[FailureMode]
    life: LifeResult
    dominant_mode: str | None
    interphases: list[dict[str, Any]]
    ccd: dict[str, Any] | None
    dominant_interface: str | None = None
    inputs: LifeInputs | None = None

    def failure_dict(self) -> dict[str, Any]:
        return {
            "modes": [mode.to_dict() for mode in self.modes],
            "dominant_mode": self.dominant_mode,
            "dominant_interface": self.dominant_interface,
            "interphases": self.interphases,
            "ccd": self.ccd,
        }


def _evidence(name: str, value: float | None, unit: str, source: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "source": source}


def _describe(parameters, name: str) -> str:
    return parameters.value(name).source.describe() if name in parameters else "not resolved"


def _side(label: str) -> str:
    if label.startswith("anode"):
        return "anode"
    if label.startswith("cathode"):
        return "cathode"
    return "separator"


def growing_contacts(resolved, checks) -> tuple[list[GrowingContact], list[dict[str, Any]]]:
    """The interphase of each reacting contact (the most reactive state of the cathode per side), its parameters
    stored in the cell's parameter set as `interphase[<side>].*`."""
    from nassb.interface.growth import interphase_of

    parameters = resolved.parameters
    temperature_K = parameters.get("cell.temperature", "K")
    best: dict[str, Any] = {}
    for check in checks:
        if not check.products or check.interface_type in (None, "I"):
            continue
        side = _side(check.interface)
        measured = (
            parameters.value("separator.na_interphase_passivating")
            if side == "anode"
            and "separator" in check.interface
            and "separator.na_interphase_passivating" in parameters
            else None
        )
        interphase = interphase_of(check, check.phase_A, check.phase_B, temperature_K, passivating=measured)
        if side not in best or interphase.parabolic_rate_cm2_per_s > best[side].parabolic_rate_cm2_per_s:
            best[side] = interphase
    measured_growth = parameters.find("interphase[anode].resistance_growth_constant", "Ohm2 cm4/s")
    if measured_growth is not None and "anode" not in best:
        best["anode"] = _unreacted_anode_interphase(resolved.design, temperature_K)
    contacts, described = [], []
    for side, interphase in best.items():
        parabolic = interphase.parabolic_rate_cm2_per_s
        method = "Wagner's parabolic rate constant k = V_m sigma_amb |dG| / (zF)^2 (nassb.interface.growth)"
        if side == "anode" and measured_growth is not None:
            # the measured R^2 = 2 k_R t with R = L / sigma: k = k_R sigma^2, whatever the thermodynamics predicts
            parabolic = measured_growth * interphase.ionic_conductivity_S_per_cm**2
            method = "measured resistance growth k_R (interfaces.anode_interphase_growth_ohm2_cm4_per_s) x sigma^2"
        parameters.set(
            f"interphase[{side}].growth_rate_constant",
            Value(parabolic, "cm2/s", Computation(method, {"interface": interphase.interface})),
        )
        parameters.set(
            f"interphase[{side}].ionic_conductivity",
            Value(
                interphase.ionic_conductivity_S_per_cm,
                "S/cm",
                Computation("volume-weighted Na+ conductivity of the products", {"products": str(interphase.products)}),
            ),
        )
        parameters.set(
            f"interphase[{side}].electronic_conductivity",
            Value(
                interphase.electronic_conductivity_S_per_cm,
                "S/cm",
                Computation("volume-weighted electronic conductivity of the products", {}),
            ),
        )
        linear = math.inf  # no measured front velocity: parabolic (nassb.interface.growth)
        contacts.append(
            GrowingContact(
                side=side,
                interface=interphase.interface,
                parabolic_cm2_per_s=parabolic,
                linear_cm_per_s=linear,
                ionic_S_per_cm=interphase.ionic_conductivity_S_per_cm,
                sodium_mol_per_cm3=interphase.sodium_mol_per_cm3(),
                partner_mol_per_cm3=interphase.partner_mol_per_cm3(),
            )
        )
        described.append(
            {
                "side": side,
                **interphase.to_dict(),
                "parabolic_rate_cm2_per_s": parabolic,
                "passivation": interphase.sources["passivation"].source.describe()
                if "passivation" in interphase.sources
                else "from the products (percolation of their electronic conductors)",
            }
        )
    return contacts, described


def _unreacted_anode_interphase(design, temperature_K: float):
    """The anode | separator layer of a contact the thermodynamics calls stable but a measurement says grows: no
    products known, so no Na consumed; its Na+ conductivity the calibrated default of `nassb.interface.growth`."""
    from nassb.interface.growth import Interphase, effective_interphase_conductivity

    sigma = effective_interphase_conductivity()
    return Interphase(
        f"anode | separator ({design.separator.material}), measured growth",
        "measured",
        {},
        0.0,
        0.0,
        0.0,
        0.0,
        sigma.magnitude,
        0.0,
        temperature_K,
        sources={"ionic_conductivity": sigma},
    )


def _electrolyte_window(formula: str) -> tuple[float, float] | None:
    """(middle, oxidation limit) of the electrolyte's window (V vs Na/Na+), None without one."""
    from nassb.thermo.stability import phase_stability

    try:
        window = phase_stability(formula).window
    except (DataError, InputError, ModelError, ValueError):
        return None
    if window is None or window.oxidation_V is None:
        return None
    return 0.5 * (window.reduction_V + window.oxidation_V), window.oxidation_V


def _formula(design, material: str) -> str:
    """The formula of a material of the design (its [materials] table first, then the library)."""
    from nassb.cell.materials import MaterialResolver

    return MaterialResolver(design.materials, design.source).formula(material)


def _space_charge(resolved) -> dict[str, Any]:
    """Potential step, Debye length and resistance (per particle surface) of the active | catholyte contact."""
    from nassb.chem.formula import parse_formula
    from nassb.interface.blocking import debye_length_cm, space_charge_resistance_ohm_cm2

    design, parameters = resolved.design, resolved.parameters
    partner = design.cathode.catholyte or design.separator.material
    formula, active_formula = _formula(design, partner), _formula(design, design.cathode.active)
    window = _electrolyte_window(formula)
    temperature_K = parameters.get("cell.temperature", "K")
    sigma_name = "cathode.catholyte.ionic_conductivity" if design.cathode.catholyte else "separator.ionic_conductivity"
    result = {
        "partner": partner,
        "window_mid_V": None,
        "potential_step_V": None,
        "debye_length_nm": None,
        "resistance_ohm_cm2_particle": 0.0,
        "oxide_sulfide_flag": False,
    }
    if window is None or "cathode.partner.carrier_density" not in parameters:
        result["note"] = "no stability window or carrier density of the catholyte: space charge not estimated"
        return result
    mid, oxidation = window
    cathode_V = parameters.get("cathode.active.average_voltage", "V")
    step = cathode_V - mid
    debye = debye_length_cm(
        parameters.get("cathode.partner.relative_permittivity", "1"),
        parameters.get("cathode.partner.carrier_density", "1/cm3"),
        temperature_K,
    )
    resistance = space_charge_resistance_ohm_cm2(step, debye, parameters.get(sigma_name, "S/cm"), temperature_K)
    active, electrolyte = parse_formula(active_formula), parse_formula(formula)
    oxide = active is not None and "O" in active and "S" not in active
    sulfide = electrolyte is not None and "S" in electrolyte and "O" not in electrolyte
    result.update(
        window_mid_V=mid,
        oxidation_limit_V=oxidation,
        potential_step_V=step,
        debye_length_nm=debye * 1e7,
        resistance_ohm_cm2_particle=resistance,
        oxide_sulfide_flag=bool(oxide and sulfide and cathode_V > oxidation),
    )
    return result


def _active_surface_per_area(parameters) -> float:
    """a L: particle surface per electrode area, 3 phi_active / r x cathode thickness."""
    return (
        3.0
        * parameters.get("cathode.active.volume_fraction", "1")
        / parameters.get("cathode.active.particle_radius", "cm")
        * parameters.get("cathode.thickness", "cm")
    )


def _anode_contact_applies(design) -> bool:
    soft = any(layer.position == "anode" and layer.type in ("liquid", "polymer") for layer in design.interlayer)
    return design.anode.type in ("na_metal", "anode_free") and not soft


def life_inputs(resolved, contacts: list[GrowingContact], space_charge: dict[str, Any]) -> LifeInputs:
    """The cycle-life inputs of a resolved cell (`nassb.cell.life`)."""
    from nassb.chem.formula import parse_formula
    from nassb.interface.dendrite import crack_opening_overpotential_V
    from nassb.mechanics.contact import (
        linear_strain,
        stripping_supply_mA_per_cm2,
        unclosed_strain_share,
        void_depth_charge_mAh_per_cm2,
    )

    design, p = resolved.design, resolved.parameters
    pressure = p.get("cell.stack_pressure", "MPa")
    temperature_K = p.get("cell.temperature", "K")
    molar_volume = p.get("anode.molar_volume", "cm3/mol")
    strain = linear_strain(p.get("cathode.active.volume_change", "%"))
    active = parse_formula(_formula(design, design.cathode.active))
    nominal = p.get("cell.areal_capacity", "mAh/cm2")
    np_ratio = p.find("anode.np_ratio", "1") or 0.0
    inventory = nominal + (
        np_ratio * p.get("cathode.areal_capacity", "mAh/cm2") if design.anode.type != "anode_free" else 0.0
    )
    return LifeInputs(
        c_rate=p.get("cell.cycling_c_rate", "C"),
        contacts=tuple(contacts),
        space_charge_ohm_cm2_particle=space_charge.get("resistance_ohm_cm2_particle", 0.0),
        active_surface_per_area=_active_surface_per_area(p),
        anode_contact_model=_anode_contact_applies(design),
        anode_contact_fraction=p.get("anode.contact_fraction", "1"),
        anode_supply_mA_per_cm2=stripping_supply_mA_per_cm2(
            pressure,
            temperature_K,
            p.get("anode.creep_supply_coefficient", "mA/cm2/MPa"),
            p.get("anode.creep_supply_activation_energy", "eV"),
            p.get("anode.vacancy_supply_current", "mA/cm2"),
        ),
        void_charge_mAh_per_cm2=void_depth_charge_mAh_per_cm2(p.get("anode.void_depth", "cm"), molar_volume),
        plating_ccd_per_asr_V=crack_opening_overpotential_V(
            p.get("separator.fracture_toughness", "MPa m0.5"), p.get("separator.flaw_size", "cm"), molar_volume
        ),
        cathode_contact_fraction=p.get("cathode.contact_fraction", "1"),
        cathode_strain=strain,
        cathode_unclosed_share=unclosed_strain_share(
            pressure, p.get("cathode.partner.young_modulus", "GPa"), p.get("cathode.partner.poisson_ratio", "1"), strain
        ),
        contact_loss_coefficient=p.get("cathode.contact_loss_coefficient", "1"),
        active_molar_mass_g_per_mol=float(active.weight),
        active_loading_g_per_cm2=p.get("cathode.active_loading", "g/cm2"),
        active_sodium_per_formula=float(active["Na"]) if "Na" in active else 0.0,
        sodium_inventory_mAh_per_cm2=inventory,
        base_anode_asr_ohm_cm2=p.get("anode.series_asr", "Ohm cm2"),
        base_cathode_asr_ohm_cm2=p.get("cathode.series_asr", "Ohm cm2"),
        measured_ccd_mA_per_cm2=p.find("anode.critical_current_density", "mA/cm2"),
        cathode_loss_per_cycle=p.find("cathode.contact_loss_per_cycle", "1"),
        salt_limited_fraction=_salt_limited_fraction(resolved, p.get("cell.cycling_c_rate", "C")),
    )


def _salt_limited_fraction(resolved, c_rate: float) -> float:
    """Binary-salt over single-ion delivered capacity of the pristine cell at `c_rate` (1 for an inorganic
    electrolyte, where the single-ion model is the cell's own); see `nassb.cell.life`."""
    from nassb.cell.rate_model import simulate_discharge

    electrolyte = resolved.binary_salt
    if electrolyte is None:
        return 1.0
    parameters = resolved.rate_parameters
    single = simulate_discharge(parameters, [c_rate])[0].delivered_capacity_mAh_per_cm2
    salt = simulate_discharge(parameters, [c_rate], model="binary-salt", electrolyte=electrolyte)[0]
    return min(1.0, salt.delivered_capacity_mAh_per_cm2 / single) if single > 0 else 0.0


def _verdict(value: float, risk: float, fail: float) -> str:
    return "fail" if value >= fail else "risk" if value >= risk else "ok"


def _interphase_modes(life: LifeResult, interphases, separator_R: float) -> list[FailureMode]:
    """One interphase_growth mode per growing contact: its resistance at the last cycle against the separator's
    (risk) and ten times it (fail), or the Na it locked against the first cycle's capacity (risk 5 %, fail 20 %)."""
    from nassb.cell.life import MAH_PER_MOL

    last, first = life.per_cycle[-1], life.per_cycle[0].discharge_mAh_per_cm2
    risk, fail = max(separator_R, 1.0), 10 * max(separator_R, 1.0)
    threshold = {
        "risk": risk,
        "fail": fail,
        "unit": "Ohm cm2",
        "basis": "the separator's own resistance (risk) and ten times it (fail); or Na locked in the interphase "
        f"above {100 * LOCKED_RISK:g} % (risk) and {100 * LOCKED_FAIL:g} % (fail) of the first cycle's capacity",
    }
    if not interphases:
        indicator = {"name": "interphase resistance at the last cycle", "value": 0.0, "unit": "Ohm cm2"}
        return [FailureMode("interphase_growth", "all solid contacts", indicator, threshold, "ok", [])]
    modes = []
    for item in interphases:
        side = item["side"]
        resistance = last.resistances_ohm_cm2[f"{side}_interphase"]
        locked = last.sodium_mol_per_cm2.get(f"{side}_interphase", 0.0) * MAH_PER_MOL
        share = locked / first if first > 0 else 0.0
        verdict = VERDICTS[
            max(
                VERDICTS.index(_verdict(resistance, risk, fail)),
                VERDICTS.index(_verdict(share, LOCKED_RISK, LOCKED_FAIL)),
            )
        ]
        layer = "mixed-conducting, grows unchecked" if item["mixed_conducting"] else "passivating"
        modes.append(
            FailureMode(
                "interphase_growth",
                item["interface"],
                {"name": "interphase resistance at the last cycle", "value": resistance, "unit": "Ohm cm2"},
                threshold,
                verdict,
                [
                    _evidence(
                        f"k ({layer}; conducting products {100 * item['conducting_volume_fraction']:.0f} vol%, "
                        f"percolation at {100 * item['percolation_threshold']:.0f} %)",
                        item["parabolic_rate_cm2_per_s"],
                        "cm2/s",
                        "Wagner 1933 from the offline thermodynamics and the product table; class: "
                        + item["passivation"],
                    ),
                    _evidence(
                        f"thickness at cycle {last.cycle}",
                        last.interphase_thickness_nm.get(item["interface"], 0.0),
                        "nm",
                        "Deal-Grove growth law",
                    ),
                    _evidence("Na locked in the interphase", locked, "mAh/cm2", "product stoichiometry and volume"),
                    _evidence(
                        "capacity regained if this interphase did not grow",
                        life.interphase_capacity_regained.get(side),
                        "mAh/cm2",
                        "counterfactual rate-model run (nassb.cell.life)",
                    ),
                ],
            )
        )
    return modes


def _modes(resolved, inputs: LifeInputs, life: LifeResult, space_charge, interphases) -> list[FailureMode]:
    from nassb.interface.blocking import grain_boundary_share
    from nassb.interface.dendrite import ELECTRONIC_LEAKAGE_THRESHOLD_S_PER_CM, monroe_newman_ratio

    p = resolved.parameters
    last = life.per_cycle[-1]
    separator_R = p.get("separator.area_resistance", "Ohm cm2")
    modes = []
    modes.extend(_interphase_modes(life, interphases, separator_R))
    space = space_charge.get("resistance_ohm_cm2_particle", 0.0) / max(inputs.active_surface_per_area, 1e-30)
    blocking = space
    evidence = [
        _evidence(
            "potential step cathode | catholyte",
            space_charge.get("potential_step_V"),
            "V",
            "cathode average voltage minus the middle of the catholyte's window (nassb.thermo)",
        ),
        _evidence("Debye length", space_charge.get("debye_length_nm"), "nm", "eps_r and carrier density"),
        _evidence("space-charge resistance per electrode area", space, "Ohm cm2", "Gouy-Chapman (Maier 1995)"),
    ]
    if "separator.grain_boundary_conductivity" in p:
        share = grain_boundary_share(
            p.get("separator.ionic_conductivity", "S/cm"), p.get("separator.grain_boundary_conductivity", "S/cm")
        )
        evidence.append(
            _evidence(
                "grain-boundary share of the separator resistance",
                share,
                "1",
                _describe(p, "separator.grain_boundary_conductivity"),
            )
        )
        if share >= GRAIN_BOUNDARY_RISK_SHARE:
            blocking = max(blocking, share * separator_R)
    verdict = _verdict(blocking, BLOCKING_RISK_OHM_CM2, 10 * BLOCKING_RISK_OHM_CM2)
    if space_charge.get("oxide_sulfide_flag") and verdict == "ok":
        verdict = "risk"
    if space_charge.get("oxide_sulfide_flag"):
        evidence.append(
            _evidence(
                "oxide cathode above the sulfide's oxidation limit",
                space_charge.get("oxidation_limit_V"),
                "V",
                "Haruyama et al. 2014: space charge at oxide | sulfide contacts",
            )
        )
    modes.append(
        FailureMode(
            "electrical_blocking",
            f"cathode {resolved.design.cathode.active} | {space_charge['partner']}",
            {"name": "space-charge and grain-boundary resistance", "value": blocking, "unit": "Ohm cm2"},
            {"risk": BLOCKING_RISK_OHM_CM2, "fail": 10 * BLOCKING_RISK_OHM_CM2, "unit": "Ohm cm2"},
            verdict,
            evidence,
        )
    )
    current = inputs.c_rate * resolved.parameters.get("cell.areal_capacity", "mAh/cm2")
    if inputs.anode_contact_model:
        ratio = current / inputs.anode_supply_mA_per_cm2 if inputs.anode_supply_mA_per_cm2 > 0 else math.inf
        lost = life.stop_reason.startswith("anode contact")
        modes.append(
            FailureMode(
                "anode_contact_loss",
                f"anode ({resolved.design.anode.material_name or 'plated Na'}) | separator",
                {"name": "stripping current / Na supply", "value": ratio, "unit": "1"},
                {"risk": 1.0, "fail": "contact lost within the run", "unit": "1"},
                "fail" if lost else ("risk" if ratio >= 1 else "ok"),
                [
                    _evidence("stripping current", current, "mA/cm2", "cycling C-rate x areal capacity"),
                    _evidence(
                        "Na supply (creep + diffusion)",
                        inputs.anode_supply_mA_per_cm2,
                        "mA/cm2",
                        _describe(p, "anode.creep_supply_coefficient"),
                    ),
                    _evidence(
                        "stack pressure",
                        p.get("cell.stack_pressure", "MPa"),
                        "MPa",
                        _describe(p, "cell.stack_pressure"),
                    ),
                    _evidence("contact fraction at the last cycle", last.anode_contact_fraction, "1", "void model"),
                ],
            )
        )
    volume_change = p.get("cathode.active.volume_change", "%")
    cathode_verdict = (
        "fail"
        if abs(volume_change) > EXPANSION_FAIL_PERCENT
        else ("risk" if last.cathode_contact_fraction < CATHODE_CONTACT_RISK else "ok")
    )
    modes.append(
        FailureMode(
            "cathode_contact_loss",
            f"cathode {resolved.design.cathode.active} | {space_charge['partner']}",
            {"name": "active contact fraction at the last cycle", "value": last.cathode_contact_fraction, "unit": "1"},
            {"risk": CATHODE_CONTACT_RISK, "fail": f"|dV/V| > {EXPANSION_FAIL_PERCENT} % (Bucci 2017)", "unit": "1"},
            cathode_verdict,
            [
                _evidence(
                    "volume change between the ends of charge",
                    volume_change,
                    "%",
                    _describe(p, "cathode.active.volume_change"),
                ),
                _evidence(
                    "share of the strain the pressure cannot close",
                    inputs.cathode_unclosed_share,
                    "1",
                    "chi = max(0, 1 - P/(E* |eps|))",
                ),
                _evidence(
                    "catholyte Young's modulus",
                    p.get("cathode.partner.young_modulus", "GPa"),
                    "GPa",
                    _describe(p, "cathode.partner.young_modulus"),
                ),
            ],
        )
    )
    asr = last.resistances_ohm_cm2["anode_interphase"] + last.resistances_ohm_cm2["anode_interface"]
    plating = plating_ccd_mA_per_cm2(inputs, asr)
    local = current / max(last.anode_contact_fraction, 1e-12)
    mn = monroe_newman_ratio(p.get("separator.shear_modulus", "GPa"), p.get("anode.shear_modulus", "GPa"))
    electronic = p.get("separator.electronic_conductivity", "S/cm")
    dendrite_ratio = local / plating if math.isfinite(plating) else 0.0
    dendrite_verdict = "fail" if life.stop_reason.startswith("short") else _verdict(dendrite_ratio, 0.5, 1.0)
    if dendrite_verdict == "ok" and electronic >= ELECTRONIC_LEAKAGE_THRESHOLD_S_PER_CM:
        dendrite_verdict = "risk"
    modes.append(
        FailureMode(
            "dendrite",
            f"anode | separator ({resolved.design.separator.material})",
            {"name": "plating current per contact area / plating CCD", "value": dendrite_ratio, "unit": "1"},
            {"risk": 0.5, "fail": 1.0, "unit": "1"},
            dendrite_verdict,
            [
                _evidence(
                    "plating CCD at the last cycle",
                    None if math.isinf(plating) else plating,
                    "mA/cm2",
                    _describe(p, "anode.critical_current_density")
                    if inputs.measured_ccd_mA_per_cm2 is not None
                    else "crack opening, Porz et al. 2017, with the anode interface ASR",
                ),
                _evidence("Monroe-Newman ratio G_electrolyte / G_Na", mn, "1", _describe(p, "separator.shear_modulus")),
                _evidence(
                    "separator electronic conductivity",
                    electronic,
                    "S/cm",
                    _describe(p, "separator.electronic_conductivity"),
                ),
            ],
        )
    )
    return modes


def _dominant(modes: list[FailureMode], life: LifeResult) -> FailureMode | None:
    """The mode entry that ended the life (at the interface the counterfactual runs point to), else the worst
    verdict; None when every mode is ok."""
    if life.end_of_life_mode:
        candidates = [mode for mode in modes if mode.mode == life.end_of_life_mode]
        at = [mode for mode in candidates if mode.interface == life.end_of_life_interface]
        if at or candidates:
            return (at or candidates)[0]
    worst = max(modes, key=lambda mode: VERDICTS.index(mode.verdict))
    return worst if worst.verdict != "ok" else None


def analyse_failure(
    resolved, checks, cycles: int | None = None, stop_fraction: float = 0.5, progress=None
) -> FailureAnalysis:
    """Every failure mode of a resolved design with its interface checks, and the cycled run."""
    inputs, interphases, space_charge = prepare_life(resolved, checks)
    stated = int(round(resolved.parameters.get("cell.cycles", "cycles")))
    life = run_life(
        resolved.rate_parameters, inputs, cycles or stated, stated, stop_fraction=stop_fraction, progress=progress
    )
    modes = _modes(resolved, inputs, life, space_charge, interphases)
    dominant = _dominant(modes, life)
    return FailureAnalysis(
        modes,
        life,
        None if dominant is None else dominant.mode,
        interphases,
        None,
        dominant_interface=None if dominant is None else dominant.interface,
        inputs=inputs,
    )


def prepare_life(resolved, checks) -> tuple[LifeInputs, list[dict[str, Any]], dict[str, Any]]:
    """The cycle-life inputs of a resolved design with its interface checks, with the interphases and the space
    charge they were built from."""
    contacts, interphases = growing_contacts(resolved, checks)
    space_charge = _space_charge(resolved)
    return life_inputs(resolved, contacts, space_charge), interphases, space_charge


def first_cycle_with_interfaces(resolved, analysis: FailureAnalysis, c_rate: float) -> CycleRecord:
    """The first cycle at `c_rate` with the interfaces as they are after it (interphases grown for one cycle,
    space charge, contacts): the first-cycle capacity the failure models predict, next to the pristine cell's."""
    import dataclasses

    inputs = dataclasses.replace(
        analysis.inputs, c_rate=c_rate, salt_limited_fraction=_salt_limited_fraction(resolved, c_rate)
    )
    return run_life(resolved.rate_parameters, inputs, 1).per_cycle[0]


HALIDE_CATHOLYTE = "Na2.25Y0.25Zr0.75Cl6"  # the halide catholyte of seed 001 section 4.6 and the NYZC example cell
LIQUID_INTERLAYER = "NaClO4-PC"  # the solid-liquid interphase of seed 002 section 2 (a few uL of liquid)


def _remedies(design, mode: str, interface: str | None = None) -> list[tuple[str, Any, list[str]]]:
    """(action, changed design, knowledge-base search words) of the seeds' remedies that apply to `mode` at
    `interface` (an interphase is remedied on its own side: the catholyte at the cathode, an interlayer at the
    anode)."""
    side = _side(interface or "")
    remedies = []
    pressure = design.cell.stack_pressure_MPa or 1.0
    if mode in ("anode_contact_loss", "cathode_contact_loss", "dendrite"):
        raised = max(3.0 * pressure, 10.0)
        cell = design.cell.model_copy(update={"stack_pressure_MPa": raised})
        remedies.append(
            (
                f"raise the stack pressure to {raised:g} MPa",
                design.model_copy(update={"cell": cell}),
                ["stack pressure"],
            )
        )
    cathode_side = mode == "electrical_blocking" or (mode == "interphase_growth" and side != "anode")
    if cathode_side and design.cathode.catholyte not in (None, HALIDE_CATHOLYTE):
        cathode = design.cathode.model_copy(update={"catholyte": HALIDE_CATHOLYTE})
        remedies.append(
            (
                f"swap the catholyte for the halide {HALIDE_CATHOLYTE}",
                design.model_copy(update={"cathode": cathode}),
                ["Cl6", "halide"],
            )
        )
    if (
        (mode in ("anode_contact_loss", "dendrite") or (mode == "interphase_growth" and side == "anode"))
        and design.anode.type == "na_metal"
        and not any(layer.position == "anode" for layer in design.interlayer)
    ):
        from nassb.cell.design import Interlayer

        layer = Interlayer(type="liquid", position="anode", material=LIQUID_INTERLAYER, thickness_um=10.0)
        remedies.append(
            (
                f"add a liquid interlayer ({LIQUID_INTERLAYER}, 10 um) at the anode",
                design.model_copy(update={"interlayer": (*design.interlayer, layer)}),
                ["NaClO4", "liquid"],
            )
        )
    return remedies


def kb_records(knowledge_base, words: list[str]) -> list[str]:
    if knowledge_base is None:
        return []
    records = knowledge_base.records
    text = (
        records["interlayer"].fillna("")
        + " "
        + records["conditions"].fillna("")
        + " "
        + records["electrolyte"].fillna("")
    )
    found = records[text.str.contains("|".join(words), case=False, regex=True)]
    return found["record_id"].head(5).tolist()


def rank_mitigations(design, analysis: FailureAnalysis, knowledge_base=None) -> list[dict[str, Any]]:
    """Re-evaluate the design with each remedy for the dominant mode; ranked by the retention gained."""
    from nassb.cell.resolve import resolve_cell
    from nassb.interface.compatibility import check_interfaces

    if analysis.dominant_mode is None:
        return []
    base = analysis.life
    base_retention = base.capacity_retention_percent or 0.0
    base_first = base.per_cycle[0].discharge_mAh_per_cm2
    ranked = []
    for action, changed, words in _remedies(design, analysis.dominant_mode, analysis.dominant_interface):
        try:
            resolved = resolve_cell(changed, knowledge_base)
            result = analyse_failure(resolved, check_interfaces(changed, resolved.parameters)).life
        except (InputError, ModelError, DataError) as error:
            ranked.append(
                {
                    "action": action,
                    "kb_records": kb_records(knowledge_base, words),
                    "predicted_effect": {"error": str(error)},
                }
            )
            continue
        retention = result.capacity_retention_percent or 0.0
        ranked.append(
            {
                "action": action,
                "kb_records": kb_records(knowledge_base, words),
                "predicted_effect": {
                    "retention_percent": retention,
                    "retention_gain_percent_points": retention - base_retention,
                    "first_cycle_mAh_per_cm2": result.per_cycle[0].discharge_mAh_per_cm2,
                    "first_cycle_gain_mAh_per_cm2": result.per_cycle[0].discharge_mAh_per_cm2 - base_first,
                    "cycles_to_80_percent": result.cycles_to_80_percent,
                    "end_of_life_mode": result.end_of_life_mode,
                },
            }
        )
    ranked.sort(key=lambda item: -item["predicted_effect"].get("retention_gain_percent_points", -math.inf))
    for mode in analysis.modes:
        if mode.mode == analysis.dominant_mode and mode.interface == analysis.dominant_interface:
            mode.mitigations = ranked
    return ranked
