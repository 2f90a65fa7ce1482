"""`nassb interface react`: the issue's JSON keys, the reaction plot, one-line errors."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _run(*arguments):
    result = runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_interface_react_json_keys_and_plot(tmp_path):
    _run("interface", "react", "Na", "Na3SbS4", "--json", tmp_path / "rx.json", "-o", tmp_path)
    document = json.loads((tmp_path / "rx.json").read_text())
    assert set(document) >= {"reaction_energy_eV_per_atom", "ratio", "products", "interface_type"}
    assert document["interface_type"] == "II" and document["products"] == {"Na2S": 4.0, "Na3Sb": 1.0}
    assert (tmp_path / "Na-Na3SbS4-reaction.png").stat().st_size > 20_000
    energy = document["quantities"]["reaction_energy"]
    assert energy["value"] == document["reaction_energy_eV_per_atom"] and energy["unit"] == "eV/atom"
    assert "InterfacialReactivity" in energy["method"] and energy["settings"]["energy_scheme"] == "mp2020"


def test_interface_react_gga_scheme_is_a_setting(tmp_path):
    _run("interface", "react", "Na", "Na3PS4", "--scheme", "gga", "--json", tmp_path / "rx.json")
    energy = json.loads((tmp_path / "rx.json").read_text())["quantities"]["reaction_energy"]
    assert energy["settings"]["energy_scheme"] == "gga"


def test_unknown_element_is_one_line():
    completed = subprocess.run(
        [sys.executable, "-m", "nassb", "interface", "react", "Li", "Li3PS4"], capture_output=True, text=True
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr and "Li" in completed.stderr
