"""`nassb material stability|hydrolysis` and `nassb interface react`: the issue's JSON keys, plots, one-line errors."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _run(*arguments):
    result = runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


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


def test_stability_of_a_real_cif_relaxes_it_first(tmp_path, external_dir):
    cif = external_dir / "cod-tools" / "COD_2019542_NaYS2.cif"
    _run("material", "stability", cif, "--json", tmp_path / "nays2.json")
    document = json.loads((tmp_path / "nays2.json").read_text())
    assert document["origin"] == "relaxed structure" and document["formula"] == "NaYS2"
    # no Y2S3 or NaYS2 among the references: the layered sulfide lies below the hull of Na2S, Y and S
    assert document["e_above_hull_eV_per_atom"] == 0.0
    assert document["decomposition_energy_eV_per_atom"] < -0.1
    assert document["window"]["oxidation_V"] > document["window"]["reduction_V"]


def test_interface_react_json_keys_and_plot(tmp_path):
    _run("interface", "react", "Na", "Na3SbS4", "--json", tmp_path / "rx.json", "-o", tmp_path)
    document = json.loads((tmp_path / "rx.json").read_text())
    assert set(document) >= {"reaction_energy_eV_per_atom", "ratio", "products", "interface_type"}
    assert document["interface_type"] == "II" and document["products"] == {"Na2S": 4.0, "Na3Sb": 1.0}
    assert (tmp_path / "Na-Na3SbS4-reaction.png").stat().st_size > 20_000


def test_hydrolysis_ranks_sulfides(tmp_path):
    output = _run("material", "hydrolysis", "Na3PS4", "Na3SbS4", "--json", tmp_path / "h.json")
    ranking = json.loads((tmp_path / "h.json").read_text())
    assert [item["formula"] for item in ranking] == ["Na3SbS4", "Na3PS4"]
    assert "H2S" in output


@pytest.mark.parametrize("arguments, needle", [
    (["material", "stability", "Na3GeS4"], "Ge"),
    (["material", "stability", "Na3PS4", "--scheme", "hse"], "scheme"),
    (["interface", "react", "Li", "Li3PS4"], "Li"),
    (["material", "stability", "Na3Q4"], "formula"),
])
def test_user_errors_are_one_line(arguments, needle):
    completed = subprocess.run([sys.executable, "-m", "nassb", *arguments], capture_output=True, text=True)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr and needle in completed.stderr


def test_validate_thermo_reports_seed_limits_and_enthalpy_errors(tmp_path):
    _run("material", "validate-thermo", "--json", tmp_path / "v.json")
    report = json.loads((tmp_path / "v.json").read_text())
    assert report["max_abs_oxidation_error_gga_V"] < 0.2
    assert {check["formula"] for check in report["windows"]} == {"Na3YCl6", "Na3YBr6", "Na3PS4", "Na3AsS4"}
    assert all(check["products"] == check["seed_products"] for check in report["reactions"])
    assert len(report["enthalpies"]) >= 20 and report["enthalpy_mae_eV_per_atom"] < 0.1
