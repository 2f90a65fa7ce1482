"""Polymer (binary-salt) electrolytes in the cell model: the t+ -> 1 limit, the salt-depletion limit at the analytic
limiting current, VTF conductivity, and the model choice from the electrolyte's class in a design and its report."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from test_rate_model import FAST, NACRO2
from typer.testing import CliRunner

from nassb.cell.design import design_from_dict, read_design
from nassb.cell.polymer import (
    BINARY_SALT,
    DEFAULTS,
    SINGLE_ION,
    limiting_current_density_mA_per_cm2,
    nernst_einstein_salt_diffusivity_cm2_per_s,
    salt_concentration_mol_per_L,
    vtf_conductivity_S_per_cm,
    vtf_prefactor_S_K05_per_cm,
)
from nassb.cell.rate_model import SALT_KEY, BinarySaltElectrolyte, simulate_discharge
from nassb.cell.resolve import resolve_cell
from nassb.cli import app
from nassb.core.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from nassb.core.errors import InputError
from nassb.core.value import DocumentedDefault, KnowledgeBaseRecord, UserInput

PEO_EXAMPLE = REPO_ROOT / "examples" / "cells" / "peo-nafnfsi-cnfm-na.toml"
TIS2 = REPO_ROOT / "examples" / "cells" / "tis2-borohydride-na.toml"


def _mean_voltage(result) -> float:
    return result.energy_mWh_per_cm2 / result.delivered_capacity_mAh_per_cm2


def test_binary_salt_with_t_plus_to_one_is_the_single_ion_model():
    """t+ = 0.9999: the salt equation's source (1 - t+) j / F vanishes, so c_e stays c0 and the binary-salt DFN must
    give the single-ion model's discharge (same separator resistance L / sigma, same kappa_eff in the cathode);
    within 2 % in delivered capacity and mean voltage at three rates (issue 19)."""
    sigma, thickness_cm = 1e-3, 50e-4
    design = dataclasses.replace(NACRO2, separator_resistance_ohm_cm2=thickness_cm / sigma)
    salt = BinarySaltElectrolyte(0.9999, 1e-6, 1.0, sigma, thickness_cm, 0.3)
    rates = [0.5, 2.0, 5.0]
    single = simulate_discharge(design, rates)
    binary = simulate_discharge(design, rates, model="binary-salt", electrolyte=salt)
    for a, b in zip(single, binary):
        assert b.delivered_capacity_mAh_per_cm2 == pytest.approx(a.delivered_capacity_mAh_per_cm2, rel=0.02)
        assert _mean_voltage(b) == pytest.approx(_mean_voltage(a), rel=0.02)
        assert b.min_salt_fraction == pytest.approx(1.0, abs=1e-3)
        assert abs(b.overpotentials_V[SALT_KEY]) < 1e-6
    # the rates cover a real loss: 5C delivers clearly less than 0.5C
    assert single[-1].delivered_capacity_mAh_per_cm2 < 0.9 * single[0].delivered_capacity_mAh_per_cm2


def test_salt_depletion_sets_in_at_the_analytic_limiting_current():
    """A 200 um polymer film (t+ = 0.3, D = 1e-6 cm2/s) in front of a thin (10 um), fast cathode, with c0 chosen so that
    the film's limiting current i_lim = 2 F D c0 / ((1 - t+) L) (Newman and Thomas-Alyea, Electrochemical Systems,
    2004, section 11.7) is the 1C current. The film's diffusion time L^2/D = 400 s is short against a discharge, so the
    salt profile is at steady state: the film carries a drop 2 c0 i / i_lim, the cathode's side sits at
    c0 (1 - i / i_lim), and the cathode adds at most (1 - t+) i Lc / (2 F D eps^1.5) (reaction spread uniformly; none
    when it all happens at the face). Below i_lim the cell delivers its capacity, above it the salt at the cathode
    runs out within a Sand time ~ L^2/D and the capacity collapses. Bounds: at 0.5 i_lim the lowest c_e / c0 lies
    between the uniform-reaction and the face-reaction values; 0.7 i_lim still delivers > 90 %, 1.4 i_lim < 10 % and
    stops by depletion, so the transition lies within a factor 1.43 of the analytic i_lim (the cathode's own gradient,
    about 14 % of the film's here, moves it a little below i_lim)."""
    t_plus, diffusivity, thickness_cm, sigma, eps = 0.3, 1e-6, 200e-4, 1e-2, 0.5
    cathode_cm = 10e-4
    one_c = FAST.areal_capacity_mAh_per_cm2
    # c0 (mol/L) such that i_lim = 1C: c0 = i (1 - t+) L / (2 F D), SI inside
    c0 = one_c * 10.0 * (1 - t_plus) * thickness_cm * 1e-2 / (2 * FARADAY_C_PER_MOL * diffusivity * 1e-4) / 1e3
    i_lim = limiting_current_density_mA_per_cm2(diffusivity, c0, t_plus, thickness_cm)
    assert i_lim == pytest.approx(one_c, rel=1e-9)
    design = dataclasses.replace(
        FAST,
        cathode_thickness_cm=cathode_cm,
        separator_resistance_ohm_cm2=thickness_cm / sigma,
        ionic_conductivity_eff_S_per_cm=sigma * eps**1.5,
    )
    salt = BinarySaltElectrolyte(t_plus, diffusivity, c0, sigma, thickness_cm, eps)
    half, below, above = simulate_discharge(design, [0.5, 0.7, 1.4], model="binary-salt", electrolyte=salt)
    face_reaction = 1.0 - 0.5
    uniform_reaction = 1.0 - 0.5 * (1.0 + cathode_cm / (eps**1.5 * thickness_cm))
    assert uniform_reaction - 0.01 <= half.min_salt_fraction <= face_reaction + 0.01
    assert half.utilisation > 0.95
    assert below.utilisation > 0.9 and below.min_salt_fraction > 0.05
    assert above.utilisation < 0.1
    assert above.min_salt_fraction <= 1.01e-3
    assert above.limiting_process == SALT_KEY


def test_vtf_conductivity_follows_the_formula_at_two_temperatures():
    """seed 004 Eq.2: sigma = A T^(-1/2) exp(-B/(T - T0)), A fixed by one measured point."""
    sigma_ref, reference_K, b, t0 = 3.36e-4, 353.15, 2072.0, 161.55
    a = vtf_prefactor_S_K05_per_cm(sigma_ref, reference_K, b, t0)
    for temperature in (333.15, 373.15):
        expected = a / math.sqrt(temperature) * math.exp(-b / (temperature - t0))
        assert vtf_conductivity_S_per_cm(sigma_ref, reference_K, temperature, b, t0) == pytest.approx(
            expected, rel=1e-12
        )
    assert vtf_conductivity_S_per_cm(sigma_ref, reference_K, reference_K, b, t0) == pytest.approx(sigma_ref)
    # 20 K cooler, B / (T - T0)^2 ~ 0.06 per K: less than half the conductivity
    assert vtf_conductivity_S_per_cm(sigma_ref, reference_K, 333.15, b, t0) < sigma_ref / 2
    with pytest.raises(InputError, match="above T0"):
        vtf_conductivity_S_per_cm(sigma_ref, reference_K, 150.0, b, t0)


def test_salt_concentration_diffusivity_and_limiting_current_formulas():
    # c = rho / (n M_EO + M_salt): 1.2 g/cm3, EO:Na 20, M 403.1 g/mol -> 0.934 mol/L
    assert salt_concentration_mol_per_L(1.2, 20, 403.1) == pytest.approx(1.2 / (20 * 44.053 + 403.1) * 1e3, rel=1e-9)
    # Nernst-Einstein: D+ = t+ sigma RT / (F^2 c), D- = (1 - t+) ..., D_salt = 2 D+ D- / (D+ + D-)
    sigma, t_plus, c, temperature = 3.36e-4, 0.3, 0.934, 353.15
    total = sigma * 100 * GAS_CONSTANT_J_PER_MOL_K * temperature / (FARADAY_C_PER_MOL**2 * c * 1e3)  # m2/s
    d_plus, d_minus = t_plus * total, (1 - t_plus) * total
    expected = 2 * d_plus * d_minus / (d_plus + d_minus) * 1e4
    assert nernst_einstein_salt_diffusivity_cm2_per_s(sigma, t_plus, c, temperature) == pytest.approx(expected)
    assert math.isinf(limiting_current_density_mA_per_cm2(1e-7, 1.0, 1.0, 0.01))
    assert limiting_current_density_mA_per_cm2(1e-7, 1.0, 0.5, 0.01) == pytest.approx(
        2 * FARADAY_C_PER_MOL * 1e-11 * 1e3 / (0.5 * 1e-4) * 0.1
    )


def _peo_design(**cell) -> dict:
    data = {
        "cell": {"name": "PEO test", "temperature_C": 80, "voltage_min_V": 2.0, "voltage_max_V": 3.8, **cell},
        "cathode": {
            "active": "NaCrO2",
            "catholyte": "PEO-NaFNFSI",
            "carbon": "Super P",
            "composition_wt": {"active": 70, "catholyte": 20, "carbon": 10},
            "active_loading_mg_per_cm2": 2.0,
        },
        "separator": {"material": "PEO-NaFNFSI", "thickness_um": 60},
        "anode": {"type": "na_metal", "thickness_um": 50},
    }
    return data


def test_a_polymer_separator_gets_the_binary_salt_model_with_cited_or_default_inputs():
    resolved = resolve_cell(design_from_dict(_peo_design()))
    assert resolved.transport.model == BINARY_SALT
    assert "binary_salt" in resolved.transport.reason and "PEO-NaFNFSI" in resolved.transport.reason
    params = resolved.parameters
    assert isinstance(params.value("separator.ionic_conductivity").source, KnowledgeBaseRecord)  # 002T-0200, 80 C
    assert isinstance(params.value("separator.transference_number").source, DocumentedDefault)
    assert params.get("separator.transference_number") == DEFAULTS["transference_number"][0]
    salt = resolved.binary_salt
    assert salt.cathode_electrolyte_volume_fraction == params.get("cathode.catholyte.volume_fraction")
    # the film's resistance is the separator's: the binary-salt model's consistency check passes
    assert params.get("separator.area_resistance", "Ohm cm2") == pytest.approx(
        salt.separator_thickness_cm / salt.conductivity_S_per_cm
    )
    i_lim = limiting_current_density_mA_per_cm2(
        salt.salt_diffusivity_cm2_per_s, salt.salt_concentration_mol_per_L, salt.transference_number, 60e-4
    )
    assert params.get("separator.limiting_current_density", "mA/cm2") == pytest.approx(i_lim)
    # an inorganic cell keeps the single-ion model
    single = resolve_cell(read_design(TIS2))
    assert single.transport.model == SINGLE_ION and single.binary_salt is None


def test_vtf_takes_the_polymer_conductivity_to_the_cell_temperature():
    resolved = resolve_cell(design_from_dict(_peo_design(temperature_C=60)))
    b, t0 = DEFAULTS["vtf_pseudo_activation_K"][0], DEFAULTS["vtf_T0_K"][0]
    expected = vtf_conductivity_S_per_cm(3.36e-4, 353.15, 333.15, b, t0)  # 002T-0200: 3.36e-4 S/cm at 80 C
    value = resolved.parameters.value("separator.ionic_conductivity")
    assert value.magnitude == pytest.approx(expected, rel=1e-9)
    assert "VTF" in value.source.describe() and "002T-0200" in value.source.describe()
    assert resolved.parameters.get("cathode.catholyte.ionic_conductivity") == pytest.approx(expected, rel=1e-9)


def test_a_transference_number_in_the_design_overrides_the_default():
    data = _peo_design()
    data["materials"] = {"PEO-NaFNFSI": {"transference_number": 0.2}}
    resolved = resolve_cell(design_from_dict(data))
    value = resolved.parameters.value("separator.transference_number")
    assert value.magnitude == 0.2 and isinstance(value.source, UserInput)


def test_a_polymer_mixed_with_a_single_ion_electrolyte_is_refused():
    data = _peo_design()
    data["cathode"] = {**data["cathode"], "catholyte": "Na3PS4"}
    with pytest.raises(InputError, match="one electrolyte phase"):
        resolve_cell(design_from_dict(data))


def test_binary_salt_inputs_are_checked():
    salt = BinarySaltElectrolyte(0.3, 1e-7, 1.0, 1e-3, 50e-4, 0.3)
    with pytest.raises(InputError, match="separator_resistance_ohm_cm2"):
        simulate_discharge(NACRO2, [1.0], model="binary-salt", electrolyte=salt)  # R_sep 20 != L / sigma = 5
    with pytest.raises(InputError, match="electrolyte"):
        simulate_discharge(NACRO2, [1.0], model="binary-salt")
    with pytest.raises(InputError, match="transference_number"):
        design = dataclasses.replace(NACRO2, separator_resistance_ohm_cm2=5.0)
        simulate_discharge(
            design, [1.0], model="binary-salt", electrolyte=dataclasses.replace(salt, transference_number=0)
        )


def test_the_peo_example_evaluates_with_the_binary_salt_model_and_says_so(tmp_path: Path):
    report, payload = tmp_path / "report.html", tmp_path / "peo.json"
    result = CliRunner().invoke(
        app, ["evaluate", str(PEO_EXAMPLE), "-o", str(report), "--json", str(payload), "--c-rates", "0.1,10"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(payload.read_text())
    transport = data["transport_model"]
    assert transport["model"] == "binary-salt" and transport["material"] == "PEO-NaFNFSI"
    assert "binary_salt" in transport["reason"]
    assert transport["binary_salt"]["transference_number"] < 1
    low, high = data["rate"]
    # 10C = 2.4 mA/cm2 lies above the film's limiting current (about 2 mA/cm2): the salt runs out
    assert high["current_density_mA_per_cm2"] > data["parameters"]["separator.limiting_current_density"]["value"]
    assert high["limiting_process"] == "salt_concentration" and high["utilisation"] < 0.5
    assert low["utilisation"] > 0.95
    # the reported first-cycle capacity at 12 mA/g (seed 002 Table 3 row 46) within 5 %
    assert data["reference"]["difference_percent"] == pytest.approx(0.0, abs=5.0)
    html = report.read_text()
    assert "Transport model: binary-salt." in html and "Binary-salt porous-electrode model" in html
    tis2 = resolve_cell(read_design(TIS2))
    assert "single-ion model applies" in tis2.transport.reason


def test_cycle_life_of_a_polymer_cell_carries_its_salt_limit():
    """Cycled below the film's limiting current, a PEO cell's per-cycle capacity is the single-ion one (the salt
    gradient costs little); cycled above it, every cycle is cut to the salt-limited capacity and the limiting
    process is the salt."""
    from nassb.interface.compatibility import check_interfaces
    from nassb.interface.failure import analyse_failure

    for c_rate, limited in ((0.2, False), (20.0, True)):
        resolved = resolve_cell(design_from_dict(_peo_design(cycling_c_rate=c_rate, cycles=3)))
        i_lim = resolved.parameters.get("separator.limiting_current_density", "mA/cm2")
        current = c_rate * resolved.rate_parameters.areal_capacity_mAh_per_cm2
        assert (current > i_lim) == limited
        analysis = analyse_failure(resolved, check_interfaces(resolved.design, resolved.parameters))
        first = analysis.life.per_cycle[0]
        fraction = analysis.inputs.salt_limited_fraction
        if limited:
            assert fraction < 0.3 and first.limiting_process == SALT_KEY
        else:
            assert fraction > 0.97 and first.limiting_process != SALT_KEY
