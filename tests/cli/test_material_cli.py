"""`nassb material analyse|dope|list|stability|hydrolysis|validate-thermo`: JSON keys of the issue, figures,
one-line errors."""

import json
import subprocess
import sys

import pytest
from pymatgen.core import Composition
from typer.testing import CliRunner

from nassb.chem.structure import read_structure
from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _run(*arguments):
    result = runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_analyse_library_structure_writes_the_issue_keys_and_figures(tmp_path):
    _run("material", "analyse", "Na3PS4-cubic", "-o", tmp_path, "--json", tmp_path / "out.json")
    document = json.loads((tmp_path / "out.json").read_text())
    assert set(document["bvse"]) >= {"Ea_1D_eV", "Ea_2D_eV", "Ea_3D_eV"}
    # cubic: the cheapest path along one axis is a path along all three
    assert abs(document["bvse"]["Ea_1D_eV"] - document["bvse"]["Ea_3D_eV"]) < 1e-4
    descriptors = document["descriptors"]
    assert abs(descriptors["carrier_density_per_cm3"] / (6 / (6.9965e-8) ** 3) - 1) < 1e-6  # 6 Na per a^3
    assert descriptors["hsab"]["risk_score"] > 0.5  # P5+ on S2-: seed 001 section 4.5
    for path in document["figures"].values():
        assert (tmp_path / path.split("/")[-1]).stat().st_size > 10_000
    quantities = document["quantities"]
    barrier = quantities["bvse_Ea_3D"]
    assert barrier["value"] == document["bvse"]["Ea_3D_eV"] and barrier["unit"] == "eV" and "BVSE" in barrier["method"]
    assert barrier["settings"]["resolution_A"] == 0.2 and "screening_factor" in barrier["settings"]
    radius = quantities["bottleneck_radius_3D"]
    assert radius["value"] == descriptors["bottleneck_radius_3D_A"] and radius["unit"] == "angstrom"


def test_analyse_a_real_layered_cif_finds_2d_migration(tmp_path, external_dir):
    cif = external_dir / "cod-tools" / "COD_2019542_NaYS2.cif"
    _run("material", "analyse", cif, "-o", tmp_path, "--json", tmp_path / "nays2.json")
    bvse = json.loads((tmp_path / "nays2.json").read_text())["bvse"]
    assert bvse["Ea_2D_eV"] is not None
    assert bvse["Ea_3D_eV"] is None or bvse["Ea_3D_eV"] > bvse["Ea_2D_eV"] + 1.0


def test_analyze_spelling_still_runs_and_is_hidden(tmp_path):
    _run("material", "analyze", "Na3PS4-cubic", "-o", tmp_path, "--json", tmp_path / "us.json")
    assert json.loads((tmp_path / "us.json").read_text())["formula"] == "Na3PS4"
    assert "analyze" not in _run("material", "--help")


def test_dope_lists_the_series_and_writes_ordered_supercells(tmp_path):
    _run(
        "material",
        "dope",
        "Na3SbS4-cubic",
        "--substitute",
        "W:Sb",
        "--range",
        "0-0.15",
        "--step",
        "0.05",
        "--supercells",
        tmp_path / "cells",
        "--json",
        tmp_path / "series.json",
    )
    series = json.loads((tmp_path / "series.json").read_text())["series"]
    assert [row["x"] for row in series] == [0, 0.05, 0.1, 0.15]
    assert series[-1]["Na_vacancies_per_formula_unit"] == 0.15
    last = read_structure(series[-1]["supercell"])
    assert last.is_ordered
    fraction = last.composition.fractional_composition
    target = Composition(series[-1]["formula"]).fractional_composition
    assert abs(fraction["W"] - target["W"]) < 0.01


def test_list_names_the_library():
    output = _run("material", "list")
    assert "Na3PS4-tetragonal" in output


def test_unknown_structure_name_is_one_line_with_exit_code_2():
    completed = subprocess.run(
        [sys.executable, "-m", "nassb", "material", "analyse", "Na3XYZ"], capture_output=True, text=True
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert "Na3PS4-cubic" in completed.stderr  # the message lists the library


def test_bad_substitution_is_one_line_with_exit_code_2():
    completed = subprocess.run(
        [sys.executable, "-m", "nassb", "material", "dope", "Na3SbS4", "--substitute", "W-Sb"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr and "substitute" in completed.stderr


@pytest.mark.slow
def test_analyse_with_elastic_moduli_gives_the_issue_keys(tmp_path):
    _run("material", "analyse", "Na3PS4-cubic", "--elastic", "-o", tmp_path, "--json", tmp_path / "elastic.json")
    document = json.loads((tmp_path / "elastic.json").read_text())
    elastic = document["elastic"]
    for name, key in (("bulk_modulus", "K_GPa"), ("shear_modulus", "G_GPa"), ("youngs_modulus", "E_GPa")):
        assert document["quantities"][name]["value"] == elastic[key] and document["quantities"][name]["unit"] == "GPa"
    # a soft sulfide: E of Na3PS4 of order 10-30 GPa (seed 002 compares sulfide and oxide stiffness); Born stable
    assert 5 < elastic["E_GPa"] < 40 and elastic["born_stable"]
    assert elastic["K_GPa"] > elastic["G_GPa"] > 0
    assert elastic["monroe_newman"]["ratio"] == elastic["G_GPa"] / 3.3


def test_validate_bvse_prints_the_ranking(tmp_path):
    output = _run("material", "validate-bvse", "--json", tmp_path / "ranking.json")
    document = json.loads((tmp_path / "ranking.json").read_text())
    assert document["n"] >= 10 and "Spearman rho" in output
    assert all(row["Ea_bvse_eV"] > 0 for row in document["rows"])


def test_stability_json_keys_and_window_plot(tmp_path):
    _run("material", "stability", "Na3PS4", "--json", tmp_path / "nps.json", "-o", tmp_path)
    document = json.loads((tmp_path / "nps.json").read_text())
    assert document["e_above_hull_eV_per_atom"] == pytest.approx(0.0, abs=1e-6)
    assert document["decomposition"] == {"Na3PS4": 1.0}
    window = document["window"]
    assert set(window) >= {"reduction_V", "oxidation_V", "reduction_products", "oxidation_products"}
    assert window["reduction_V"] < window["oxidation_V"]
    assert (tmp_path / "Na3PS4-window.png").stat().st_size > 20_000
    assert (tmp_path / "Na3PS4-window.html").is_file()
    quantities = document["quantities"]
    for name, key, unit in (
        ("e_above_hull", "e_above_hull_eV_per_atom", "eV/atom"),
        ("decomposition_energy", "decomposition_energy_eV_per_atom", "eV/atom"),
        ("formation_energy", "formation_energy_eV_per_atom", "eV/atom"),
    ):
        assert quantities[name]["value"] == document[key] and quantities[name]["unit"] == unit
        assert quantities[name]["settings"]["energy_scheme"] == "mp2020"
        assert "PhaseDiagram" in quantities[name]["method"]
    assert quantities["window_reduction_limit"]["value"] == window["reduction_V"]
    assert quantities["window_oxidation_limit"]["unit"] == "V"


def test_stability_of_a_real_cif_relaxes_it_first(tmp_path, external_dir):
    cif = external_dir / "cod-tools" / "COD_2019542_NaYS2.cif"
    _run("material", "stability", cif, "--json", tmp_path / "nays2.json")
    document = json.loads((tmp_path / "nays2.json").read_text())
    assert document["origin"] == "relaxed structure" and document["formula"] == "NaYS2"
    # no Y2S3 or NaYS2 among the references: the layered sulfide lies below the hull of Na2S, Y and S
    assert document["e_above_hull_eV_per_atom"] == 0.0
    assert document["decomposition_energy_eV_per_atom"] < -0.1
    assert document["window"]["oxidation_V"] > document["window"]["reduction_V"]


def test_hydrolysis_ranks_sulfides(tmp_path):
    output = _run("material", "hydrolysis", "Na3PS4", "Na3SbS4", "--json", tmp_path / "h.json")
    ranking = json.loads((tmp_path / "h.json").read_text())
    assert [item["formula"] for item in ranking] == ["Na3SbS4", "Na3PS4"]
    assert "H2S" in output


@pytest.mark.parametrize(
    "arguments, needle",
    [
        (["material", "stability", "Na3GeS4"], "Ge"),
        (["material", "stability", "Na3PS4", "--scheme", "hse"], "scheme"),
        (["material", "stability", "Na3Q4"], "formula"),
    ],
)
def test_thermo_user_errors_are_one_line(arguments, needle):
    completed = subprocess.run([sys.executable, "-m", "nassb", *arguments], capture_output=True, text=True)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr and needle in completed.stderr


def test_validate_thermo_reports_seed_limits_and_enthalpy_errors(tmp_path):
    _run("material", "validate-thermo", "--json", tmp_path / "v.json")
    report = json.loads((tmp_path / "v.json").read_text())
    # 0.25 V, not the 0.2 V goal: Na3PS4 is 0.203 V below seed 003 since the real Na4P2S6 opens its Na2PS3 + S path
    # (tests/thermo/test_thermo_window.py)
    assert report["max_abs_oxidation_error_gga_V"] < 0.25
    assert {check["formula"] for check in report["windows"]} == {"Na3YCl6", "Na3YBr6", "Na3PS4", "Na3AsS4"}
    assert all(check["products"] == check["seed_products"] for check in report["reactions"])
    assert len(report["enthalpies"]) >= 20 and report["enthalpy_mae_eV_per_atom"] < 0.1
