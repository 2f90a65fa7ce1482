"""`nassb eis` and `nassb dc` on shipped synthetic files and the real files in ../shared/external."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO_ROOT
from typer.testing import CliRunner

from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
SYNTHETIC = REPO_ROOT / "examples" / "eis" / "synthetic-series"


def _run(*arguments):
    result = runner.invoke(app, [str(argument) for argument in arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _assert_plot(prefix):
    assert prefix.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plotly" in prefix.with_suffix(".html").read_text(encoding="utf-8")


def test_fit_writes_json_and_plots(tmp_path):
    out = tmp_path / "fit.json"
    files = [SYNTHETIC / "pellet_233K.csv", SYNTHETIC / "pellet_273K.csv"]
    output = _run(
        "eis",
        "fit",
        *files,
        "--circuit",
        "p(R1,CPE1)-p(R2,CPE2)-CPE3",
        "--thickness-cm",
        0.1,
        "--area-cm2",
        0.785,
        "-o",
        tmp_path,
        "--json",
        out,
    )
    assert "grain_boundary" in output and "valid" in output
    spectra = json.loads(out.read_text())["spectra"]
    assert len(spectra) == 2
    for document in spectra:
        assert {"parameters", "chi2", "contributions", "kk"} <= set(document)
        assert document["kk"]["valid"] is True
    _assert_plot(tmp_path / "pellet_233K-fit")
    assert (tmp_path / "plotly.min.js").is_file(), "the HTML plots of a folder share one offline plotly.js"


def test_symmetric_flag_halves_the_interfacial_asr(tmp_path):
    arguments = [
        "eis",
        "fit",
        SYNTHETIC / "pellet_293K.csv",
        "--circuit",
        "p(R1,CPE1)-p(R2,CPE2)",
        "--thickness-cm",
        0.1,
        "--area-cm2",
        0.785,
        "--electrodes",
        "reversible",
        "-o",
        tmp_path,
    ]
    _run(*arguments, "--json", tmp_path / "a.json")
    _run(*arguments, "--symmetric", "--json", tmp_path / "b.json")
    single = json.loads((tmp_path / "a.json").read_text())["spectra"][0]["summary"]
    symmetric = json.loads((tmp_path / "b.json").read_text())["spectra"][0]["summary"]
    assert symmetric["asr_interface_ohm_cm2"] == pytest.approx(single["asr_interface_ohm_cm2"] / 2, rel=1e-6)


def test_fit_with_circuit_auto_prints_the_choice_and_writes_the_candidates(tmp_path):
    from nassb.echem.circuit_selection import select_circuit
    from nassb.echem.readers import read_spectrum

    file = SYNTHETIC / "pellet_233K.csv"
    out = tmp_path / "fit.json"
    output = _run("eis", "fit", file, "--circuit", "auto", "--no-plots", "--json", out)
    expected = select_circuit(read_spectrum(file))
    assert expected.circuit == "p(R1,CPE1)-p(R2,CPE2)-CPE3"  # the circuit the synthetic series was made with
    assert f"pellet_233K: {expected.circuit} chosen" in output
    (document,) = json.loads(out.read_text())["spectra"]
    assert document["circuit"] == expected.circuit and document["circuit_selection"]["chosen"] == expected.circuit
    rows = document["circuit_selection"]["candidates"]
    assert [(row["circuit"], row["chosen"]) for row in rows] == [(c.circuit, c.chosen) for c in expected.candidates]
    assert [row["aicc"] for row in rows] == pytest.approx([c.aicc for c in expected.candidates], rel=1e-9)


def test_drt_and_kk_commands(tmp_path):
    file = SYNTHETIC / "pellet_233K.csv"
    _run("eis", "drt", file, "-o", tmp_path, "--json", tmp_path / "drt.json")
    document = json.loads((tmp_path / "drt.json").read_text())["spectra"][0]
    assert document["lambda"] > 0 and len(document["peaks"]) >= 2
    assert {"tau_s", "R_ohm", "C_F"} <= set(document["peaks"][0])
    _assert_plot(tmp_path / "pellet_233K-drt")
    _run("eis", "kk", file, "-o", tmp_path, "--json", tmp_path / "kk.json")
    assert json.loads((tmp_path / "kk.json").read_text())["spectra"][0]["valid"] is True
    _assert_plot(tmp_path / "pellet_233K-kk")


def test_arrhenius_command_on_the_synthetic_series(tmp_path):
    out = tmp_path / "arrhenius.json"
    _run(
        "eis",
        "arrhenius",
        "--manifest",
        SYNTHETIC / "series.csv",
        "--thickness-cm",
        0.1,
        "--area-cm2",
        0.785,
        "-o",
        tmp_path,
        "--json",
        out,
    )
    contributions = json.loads(out.read_text())["contributions"]
    assert contributions["bulk"]["Ea_eV"] == pytest.approx(0.32, abs=0.005)
    assert contributions["grain_boundary"]["Ea_eV"] == pytest.approx(0.45, abs=0.005)
    _assert_plot(tmp_path / "arrhenius")


def test_real_files_fit_drt_and_kk(external_dir, tmp_path):
    files = sorted((external_dir / "hybrid-drt" / "LPSCl_Tseries").glob("*.mpr"))[:2] + [
        external_dir / "impedance.py" / "exampleDataGamry.DTA",
        external_dir / "impedance.py" / "Circuit1_EIS_1.z",
    ]
    _run("eis", "kk", *files, "-o", tmp_path, "--json", tmp_path / "kk.json")
    assert len(json.loads((tmp_path / "kk.json").read_text())["spectra"]) == 4
    _run("eis", "drt", *files, "-o", tmp_path)
    _run("eis", "fit", files[0], "--circuit", "R0-p(R1,CPE1)-CPE2", "-o", tmp_path, "--json", tmp_path / "fit.json")
    fitted = json.loads((tmp_path / "fit.json").read_text())["spectra"][0]
    assert fitted["success"] and fitted["parameters"]["R0"]["value"] > 0


def test_electronic_conductivity_from_a_real_polarisation(external_dir, tmp_path):
    # yadg ca.mpr: Mo | Li-B-N-H | Mo blocking cell held at 0.3 V for 12 h (PROVENANCE.md); geometry assumed here
    _run(
        "dc",
        "electronic",
        external_dir / "yadg" / "ca.mpr",
        "--thickness-cm",
        0.1,
        "--area-cm2",
        0.785,
        "--sigma-ion",
        1e-4,
        "-o",
        tmp_path,
        "--json",
        tmp_path / "e.json",
    )
    document = json.loads((tmp_path / "e.json").read_text())
    assert document["delta_V"] == pytest.approx(0.2986, abs=0.002)
    assert document["Iss_A"] == pytest.approx(3e-9, rel=0.3)
    assert document["sigma_e_S_per_cm"] == pytest.approx(document["Iss_A"] * 0.1 / (document["delta_V"] * 0.785))
    assert 0.99 < document["t_ion"] < 1


def test_transference_from_a_synthetic_polarisation(tmp_path):
    time_s = np.linspace(0, 3600, 721)
    current_A = 8e-6 + 12e-6 * np.exp(-time_s / 300)
    ca = tmp_path / "ca.csv"
    ca.write_text("time_s,current_A,voltage_V\n" + "".join(f"{t},{i},0.01\n" for t, i in zip(time_s, current_A)))
    _run("dc", "transference", ca, "--R0-ohm", 100, "--Rss-ohm", 150, "-o", tmp_path, "--json", tmp_path / "t.json")
    document = json.loads((tmp_path / "t.json").read_text())
    expected = 8e-6 * (0.01 - 20e-6 * 100) / (20e-6 * (0.01 - 8e-6 * 150))  # seed 004 Eq.5
    assert document["t_plus"] == pytest.approx(expected, rel=0.01)


def test_user_mistakes_give_one_line_and_exit_code_2(tmp_path):
    def fails(*arguments, expected):
        completed = subprocess.run(
            [sys.executable, "-m", "nassb", *map(str, arguments)], capture_output=True, text=True
        )
        assert completed.returncode == 2, completed.stderr
        assert "Traceback" not in completed.stderr and expected in completed.stderr

    fails("eis", "fit", SYNTHETIC / "pellet_233K.csv", "--circuit", "R0-p(R1,X1)", expected="X1")
    truncated = tmp_path / "broken.csv"
    truncated.write_text("freq_Hz,Zreal_Ohm,Zimag_Ohm\n1000,10,-5\n100,12,nan\n")
    fails("eis", "kk", truncated, expected="broken.csv")
    fails("eis", "fit", SYNTHETIC / "pellet_233K.csv", "--thickness-cm", "0.1", expected="--area-cm2")
    fails(
        "eis",
        "arrhenius",
        "--manifest",
        tmp_path / "missing.csv",
        "--thickness-cm",
        "0.1",
        "--area-cm2",
        "1",
        expected="missing.csv",
    )
