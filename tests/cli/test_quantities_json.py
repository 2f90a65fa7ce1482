"""Every JSON of `nassb eis fit|drt|arrhenius` and `nassb cycling summary|symmetric|ccd` carries its headline numbers
once more under "quantities", each {value, unit, uncertainty, method, settings}, equal to the older keys."""

import json

import pytest
from conftest import REPO_ROOT
from typer.testing import CliRunner

from nassb.cli import app
from nassb.core.units import parse_unit

runner = CliRunner(env={"COLUMNS": "200"})
SYNTHETIC = REPO_ROOT / "examples" / "eis" / "synthetic-series"
RAMP = REPO_ROOT / "examples" / "cycling" / "synthetic-ccd-ramp.csv"


def _document(tmp_path, *arguments):
    out = tmp_path / "out.json"
    arguments = [str(a) for a in arguments] + ["-o", str(tmp_path), "--json", str(out)]
    result = runner.invoke(app, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def _assert_quantities(quantities, expected, **settings):
    """expected: name -> (value, unit, uncertainty) from the older keys; every quantity has a known unit, a method."""
    for name, quantity in quantities.items():
        assert set(quantity) == {"value", "unit", "uncertainty", "method", "settings"}, name
        parse_unit(quantity["unit"])
        assert quantity["method"]
    for name, (value, unit, uncertainty) in expected.items():
        quantity = quantities[name]
        assert quantity["value"] == pytest.approx(value, rel=1e-12), name
        assert quantity["unit"] == unit, name
        assert quantity["uncertainty"] == (None if uncertainty is None else pytest.approx(uncertainty, rel=1e-12)), name
        for key, setting in settings.items():
            assert quantity["settings"][key] == setting, (name, key)


def test_fit_quantities_carry_circuit_weighting_and_the_contributions(tmp_path):
    circuit = "p(R1,CPE1)-p(R2,CPE2)-CPE3"
    spectrum = _document(
        tmp_path,
        "eis",
        "fit",
        SYNTHETIC / "pellet_233K.csv",
        "--circuit",
        circuit,
        "--thickness-cm",
        0.1,
        "--area-cm2",
        0.785,
        "--no-plots",
    )["spectra"][0]
    parameters = spectrum["parameters"]
    bulk = next(c for c in spectrum["contributions"] if c["kind"] == "bulk")
    summary = spectrum["summary"]
    _assert_quantities(
        spectrum["quantities"],
        {
            "R1": (parameters["R1"]["value"], "Ohm", parameters["R1"]["stderr"]),
            "CPE1_0": (parameters["CPE1_0"]["value"], "Ohm^-1 s^n", parameters["CPE1_0"]["stderr"]),
            "CPE1_1": (parameters["CPE1_1"]["value"], "1", parameters["CPE1_1"]["stderr"]),
            "chi2": (spectrum["chi2"], "1", None),
            "bulk.R_ohm": (bulk["R_ohm"], "Ohm", bulk["R_stderr_ohm"]),
            "bulk.C_F": (bulk["C_F"], "F", bulk["C_stderr_F"]),
            "bulk.sigma_S_per_cm": (bulk["sigma_S_per_cm"], "S/cm", bulk["sigma_stderr_S_per_cm"]),
            "sigma_total_S_per_cm": (summary["sigma_total_S_per_cm"], "S/cm", summary["sigma_total_stderr_S_per_cm"]),
        },
        circuit=circuit,
        weighting="modulus",
    )
    assert spectrum["quantities"]["bulk.sigma_S_per_cm"]["settings"]["thickness_cm"] == 0.1


def test_drt_quantities_name_lambda_and_how_it_was_chosen(tmp_path):
    document = _document(tmp_path, "eis", "drt", SYNTHETIC / "pellet_233K.csv", "--no-plots")["spectra"][0]
    quantities = document["quantities"]
    peak = document["peaks"][0]
    _assert_quantities(
        quantities,
        {
            "lambda": (document["lambda"], "1", None),
            "R_inf_ohm": (document["R_inf_ohm"], "Ohm", None),
            "peak_1.tau_s": (peak["tau_s"], "s", None),
            "peak_1.R_ohm": (peak["R_ohm"], "Ohm", None),
            "peak_1.C_F": (peak["C_F"], "F", None),
        },
        lambda_method="gcv",
        derivative=1,
    )
    assert quantities["peak_1.R_ohm"]["settings"]["lambda"] == document["lambda"]


def test_arrhenius_quantities_carry_the_form_fitted(tmp_path):
    document = _document(
        tmp_path, "eis", "arrhenius", "--manifest", SYNTHETIC / "series.csv", "--thickness-cm", 0.1, "--area-cm2", 0.785
    )
    bulk = document["contributions"]["bulk"]
    _assert_quantities(
        document["quantities"],
        {
            "bulk.Ea_eV": (bulk["Ea_eV"], "eV", bulk["Ea_stderr_eV"]),
            "bulk.prefactor": (bulk["prefactor"], "S K/cm", bulk["prefactor_stderr"]),
            "bulk.sigma_298K_S_per_cm": (bulk["sigma_298K_S_per_cm"], "S/cm", bulk["sigma_298K_stderr_S_per_cm"]),
        },
        form="sigmaT",
        circuit="p(R1,CPE1)-p(R2,CPE2)-CPE3",
    )
    assert all("quantities" in spectrum for spectrum in document["spectra"])


def test_ccd_quantities(tmp_path):
    document = _document(tmp_path, "cycling", "ccd", RAMP, "--area-cm2", 1.0)
    _assert_quantities(
        document["quantities"],
        {
            "ccd_mA_per_cm2": (document["ccd_mA_per_cm2"], "mA/cm2", None),
            "asr_cell_ohm_cm2": (document["asr_cell_ohm_cm2"], "Ohm cm2", None),
            "short_time_s": (document["short_time_s"], "s", None),
        },
        area_cm2=1.0,
        ccd_lower_bound=False,
        level_tolerance=0.02,
    )


def test_summary_quantities(external_dir, tmp_path):
    file = external_dir / "navani" / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
    document = _document(
        tmp_path, "cycling", "summary", file, "--mass-mg", 10, "--formula", "NaCoO2", "--electrons", 0.5
    )
    second = [c for c in document["cycles"] if c["complete"]][1]
    n = second["cycle"]
    _assert_quantities(
        document["quantities"],
        {
            f"cycle_{n}.discharge_mAh": (second["discharge_mAh"], "mAh", None),
            f"cycle_{n}.discharge_mAh_per_g": (second["discharge_mAh_per_g"], "mAh/g", None),
            f"cycle_{n}.coulombic_efficiency": (second["coulombic_efficiency"], "1", None),
            "retention_percent": (document["retention_percent"], "%", None),
            "fade_percent_per_cycle": (document["fade_percent_per_cycle"], "%/cycle", None),
            "utilisation": (document["utilisation"], "1", None),
        },
        method="trapezoid",
        first_step="charge",
        active_mass_mg=10.0,
    )


def test_symmetric_quantities(external_dir, tmp_path):
    document = _document(
        tmp_path, "cycling", "symmetric", external_dir / "yadg" / "mb.issue_218.mpr", "--area-cm2", 0.785
    )
    _assert_quantities(
        document["quantities"],
        {
            "R_cell_ohm": (document["R_cell_ohm"], "Ohm", None),
            "asr_per_interface_ohm_cm2": (document["asr_per_interface_ohm_cm2"], "Ohm cm2", None),
            "short.short_time_s": (document["short"]["short_time_s"], "s", None),
        },
        area_cm2=0.785,
        asr_includes_bulk=True,
    )
