"""`_repr_html_` of the main result objects: a self-contained table holding the object's own numbers with units, and
the static figure inlined as a PNG (no script, no network)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nassb.echem.spectrum import Spectrum
from nassb.report.notebook import format_value, result_table

FREQUENCY_HZ = np.logspace(6, -1, 50)
EXAMPLE_DESIGN = Path(__file__).resolve().parents[2] / "examples" / "cells" / "tis2-borohydride-na.toml"
CIRCUIT = "R0-p(R1,CPE1)"


def _spectrum() -> Spectrum:
    from nassb.echem.circuits import parse_circuit

    impedance = parse_circuit(CIRCUIT).impedance(np.array([5.0, 100.0, 1e-7, 0.9]), 2 * np.pi * FREQUENCY_HZ)
    return Spectrum(FREQUENCY_HZ, impedance, "synthetic")


def _self_contained(text: str) -> None:
    assert "<table" in text and "<script" not in text and "http" not in text


def test_format_value_and_table_escape():
    assert [format_value(v) for v in (None, float("nan"), float("inf"), 0.123456, 3, True, "a")] == [
        "–",
        "–",
        "∞",
        "0.1235",
        "3",
        "yes",
        "a",
    ]
    assert "&lt;b&gt;" in result_table("<b>", [("x", 1.0, "eV")])


def test_fit_result_shows_its_parameters_and_chi2():
    from nassb.echem.fitting import fit_spectrum

    result = fit_spectrum(_spectrum(), CIRCUIT)
    text = result._repr_html_()
    _self_contained(text)
    for name, value, unit in zip(result.parameter_names, result.values, result.units):
        assert name in text and format_value(value) in text and unit in text
    assert format_value(result.chi2) in text and CIRCUIT in text


def test_drt_result_shows_its_peaks_and_plot():
    from nassb.echem.drt import compute_drt

    result = compute_drt(_spectrum())
    text = result._repr_html_()
    _self_contained(text)
    assert format_value(result.R_inf_ohm) in text and format_value(result.R_polarization_ohm) in text
    assert result.peaks and all(format_value(peak.tau_s) in text for peak in result.peaks)
    assert "data:image/png;base64," in text


def test_evaluation_shows_energy_and_rate_capability():
    from nassb.cell.design import read_design
    from nassb.evaluate import evaluate_design

    evaluation = evaluate_design(read_design(EXAMPLE_DESIGN), [0.1, 1])
    text = evaluation._repr_html_()
    _self_contained(text)
    assert format_value(evaluation.energy.Wh_per_kg_cell) in text and "Wh/kg" in text
    for point in evaluation.rate:
        assert format_value(point.capacity_mAh_per_g) in text
    assert "data:image/png;base64," in text and evaluation.design.cell.name in text


def test_material_analysis_shows_the_barriers_descriptors_and_slices():
    from nassb.evaluate.material import analyse_material

    analysis = analyse_material("Na3OCl-cubic", resolution_A=0.4)
    text = analysis._repr_html_()
    _self_contained(text)
    assert format_value(analysis.bvse.Ea_3D_eV) in text and "eV" in text
    assert format_value(analysis.descriptors.carrier_density_per_cm3) in text and "cm⁻³" in text
    assert format_value(analysis.descriptors.bottleneck_radius_A[3]) in text and "Å" in text
    assert "data:image/png;base64," in text


def test_material_rows_name_a_missing_path_and_a_closed_bottleneck():
    from nassb.report.notebook import material_rows

    hsab = {"verdict": "low", "risk_score": 0.1}
    descriptors = {f"bottleneck_radius_{d}_A": None for d in ("1D", "2D", "3D")}
    descriptors.update(
        na_sites=3, na_atoms=3.0, na_site_vacancy_fraction=0.0, carrier_density_per_cm3=1e22, tolerance_factor=None
    )
    rows = material_rows(
        {"bvse": {f"Ea_{d}_eV": None for d in ("1D", "2D", "3D")}, "descriptors": {**descriptors, "hsab": hsab}}
    )
    assert ("BVSE Ea 3D", "no path", "eV") in rows and ("bottleneck radius 3D", "closed", "Å") in rows
