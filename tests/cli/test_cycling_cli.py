"""`nassb cycling summary|symmetric|ccd` on real cycler files and a synthetic current-density ramp."""

import json
import subprocess
import sys

import pytest
from conftest import REPO_ROOT
from typer.testing import CliRunner

from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _run(*arguments):
    result = runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


RAMP = REPO_ROOT / "examples" / "cycling" / "synthetic-ccd-ramp.csv"
SHORT_TIME_S = (
    3 * 3600 + 900
)  # examples/cycling/make_synthetic_ramp.py: 500 Ohm cm2, short in the 0.4 mA/cm2 plating half


def test_ccd_finds_the_step_of_a_synthetic_short(tmp_path):
    _run("cycling", "ccd", RAMP, "--area-cm2", 1.0, "-o", tmp_path, "--json", tmp_path / "ccd.json")
    document = json.loads((tmp_path / "ccd.json").read_text())
    assert document["short_detected"] is True
    assert document["ccd_mA_per_cm2"] == pytest.approx(0.4, rel=1e-3)
    assert document["short_time_s"] == pytest.approx(SHORT_TIME_S, abs=10)
    steps = document["steps"]
    assert [round(s["current_mA_per_cm2"], 3) for s in steps][:3] == [0.1, 0.2, 0.3]
    assert steps[0]["overpotential_mV"] == pytest.approx(50.0, rel=0.02)  # 0.1 mA/cm2 x 500 Ohm cm2
    assert "criterion" in document
    assert (tmp_path / "synthetic-ccd-ramp-ccd.png").is_file() and (
        tmp_path / "synthetic-ccd-ramp-ccd-voltage.html"
    ).is_file()


def test_summary_of_a_real_sodium_cathode(external_dir, tmp_path):
    # navani: NaxCoO2 half cell, GCPL 2.0-3.8 V (PROVENANCE.md); EC-Lab's own counters give CE 0.936 in cycle 2
    file = external_dir / "navani" / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
    _run(
        "cycling",
        "summary",
        file,
        "--mass-mg",
        10,
        "--area-cm2",
        1.13,
        "--formula",
        "NaCoO2",
        "--electrons",
        0.5,
        "-o",
        tmp_path,
        "--json",
        tmp_path / "s.json",
    )
    document = json.loads((tmp_path / "s.json").read_text())
    complete = [c for c in document["cycles"] if c["complete"]]
    assert len(complete) == 6
    assert complete[1]["coulombic_efficiency"] == pytest.approx(0.936, abs=0.01)
    assert {"cycle", "discharge_mAh_per_g", "coulombic_efficiency"} <= set(complete[0])
    assert document["retention_percent"] == pytest.approx(103.1, abs=1.0)
    for kind in ("voltage", "capacity", "dqdv"):
        assert (tmp_path / f"{file.stem}-{kind}.png").is_file()


def test_symmetric_sodium_cell_short_is_found(external_dir, tmp_path):
    # yadg mb.issue_218: Na | NASICON | Na at 0.1 mA/cm2; the polarisation collapses to ~0 V at 2254 s under current
    _run(
        "cycling",
        "symmetric",
        external_dir / "yadg" / "mb.issue_218.mpr",
        "--area-cm2",
        0.785,
        "-o",
        tmp_path,
        "--json",
        tmp_path / "m.json",
    )
    short = json.loads((tmp_path / "m.json").read_text())["short"]
    assert short["short_detected"] is True and short["short_time_s"] == pytest.approx(2254, abs=2)
    assert (tmp_path / "mb.issue_218-symmetric.png").is_file()


def test_mislabelled_cycling_file_gives_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,temperature_C\n0,25\n1,25\n2,25\n")
    completed = subprocess.run(
        [sys.executable, "-m", "nassb", "cycling", "summary", str(bad)], capture_output=True, text=True
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr and "bad.csv" in completed.stderr
