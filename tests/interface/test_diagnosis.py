"""`nassb diagnose`: each signature on a synthetic cell that has it and on a healthy one, the calibration round trip,
the manifest errors, the report and JSON, and real files from ../shared/external."""

import json
from pathlib import Path

import pytest

from nassb.core.errors import InputError
from nassb.interface.diagnosis import diagnose, growth_law, read_manifest
from nassb.interface.synthetic_cells import AREA_CM2, MODES, THICKNESS_CM, write_cell

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cells"


def _diagnosed(tmp_path, modes, seed=0):
    manifest, rates = write_cell(tmp_path / "cell", modes, seed)
    return diagnose(manifest, AREA_CM2, THICKNESS_CM), rates


def _passed(result, mode):
    return [item.test for item in result.evidence if item.mode == mode and item.passed]


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_is_found_where_it_was_built(tmp_path, mode):
    result, _ = _diagnosed(tmp_path, (mode,), seed=5)
    assert result.dominant_mode == mode
    assert _passed(result, mode)


def test_a_healthy_cell_has_no_mode_above_its_threshold(tmp_path):
    result, _ = _diagnosed(tmp_path, ())
    assert result.dominant_mode is None
    assert all(mode["score"] == 0 for mode in result.modes)
    assert not any(item.passed for item in result.evidence)


def test_growth_constant_comes_back_within_its_error(tmp_path):
    """R = R0 + sqrt(2 k_R t) at rest (nassb.interface.synthetic_cells): the parabolic law wins and k_R returns."""
    result, rates = _diagnosed(tmp_path, ("interphase_growth",), seed=2)
    assert result.series["eis"]["growth"]["law"] == "parabolic"
    calibrated = result.calibrated["interphase.resistance_growth_constant"]
    assert abs(calibrated["value"] - rates["growth_constant"]) <= 3 * calibrated["stderr"]
    assert calibrated["value"] == pytest.approx(rates["growth_constant"], rel=0.01)
    assert result.calibrated["anode.interface_asr"]["value"] == pytest.approx(20.0, rel=0.05)


def test_growth_law_tells_parabolic_from_linear():
    import numpy as np

    hours = np.array([0.0, 10.0, 40.0, 90.0, 160.0])
    assert growth_law(hours, 5 + np.sqrt(2 * 0.1 * hours * 3600))["law"] == "parabolic"
    linear = growth_law(hours, 5 + 1e-3 * hours * 3600)
    assert linear["law"] == "linear" and linear["slope"] == pytest.approx(1e-3)


def test_two_modes_together_are_both_scored(tmp_path):
    result, _ = _diagnosed(tmp_path, ("anode_contact_loss", "cathode_contact_loss"), seed=101)
    scores = {mode["mode"]: mode["score"] for mode in result.modes}
    assert scores["anode_contact_loss"] > 0 and scores["cathode_contact_loss"] > 0
    assert scores["interphase_growth"] == scores["dendrite"] == scores["electrical_blocking"] == 0


def _manifest(tmp_path, text):
    path = tmp_path / "manifest.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name,kind\nx.csv,eis\n", "header"),
        ("file,kind\nmissing.csv,eis\n", "file (line 2)"),
        ("file,kind\nhere.csv,impedance\n", "kind (line 2)"),
        ("file,kind,time_h\nhere.csv,eis,soon\n", "time_h (line 2)"),
        ("file,kind,cycle\nhere.csv,cycling,1.5\n", "cycle (line 2)"),
        ("file,kind,temperature_K\nhere.csv,eis,25\n", "temperature_K (line 2)"),
        ("file,kind,time_h\nhere.csv,eis,nan\n", "time_h (line 2)"),
        ("file,kind\n", "rows"),
    ],
)
def test_manifest_errors_name_the_line_and_column(tmp_path, text, field):
    (tmp_path / "here.csv").write_text("freq_Hz,Zreal_Ohm,Zimag_Ohm\n1,1,-1\n")
    with pytest.raises(InputError, match=field.replace("(", r"\(").replace(")", r"\)")):
        read_manifest(_manifest(tmp_path, text))


def test_an_impedance_series_without_times_is_refused(tmp_path):
    manifest, _ = write_cell(tmp_path / "cell", ())
    text = manifest.read_text().replace(",eis,0.0,", ",eis,,")
    manifest.write_text(text)
    with pytest.raises(InputError, match="time_h"):
        diagnose(manifest, AREA_CM2, THICKNESS_CM)


def test_cli_writes_report_and_json(tmp_path):
    from typer.testing import CliRunner

    from nassb.cli import app

    manifest, _ = write_cell(tmp_path / "cell", ("dendrite",), 4)
    report, document = tmp_path / "out" / "d.html", tmp_path / "out" / "d.json"
    run = CliRunner().invoke(
        app,
        [
            "diagnose",
            str(manifest),
            "--area-cm2",
            "1",
            "--thickness-cm",
            "0.1",
            "-o",
            str(report),
            "--json",
            str(document),
        ],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(document.read_text())["diagnosis"]
    assert set(data) >= {"modes", "dominant_mode", "calibrated"} and data["dominant_mode"] == "dendrite"
    for mode in data["modes"]:
        assert set(mode) >= {"mode", "score", "evidence", "remedies"}
        for item in mode["evidence"]:
            assert set(item) >= {"test", "value", "unit", "threshold", "file"}
    html = report.read_text()
    for section in ("Verdict", "Evidence", "Calibrated numbers", "Plots"):
        assert f">{section}</h2>" in html
    assert "short" in html


def _real(tmp_path, rows):
    lines = ["file,kind,time_h,cycle,temperature_K", *rows]
    return _manifest(tmp_path, "\n".join(lines) + "\n")


def test_real_na_nasicon_na_short_is_a_dendrite(tmp_path, external_dir):
    """yadg mb.issue_218.mpr: Na | NASICON | Na at 0.1 mA/cm2, the polarisation rising (voids) then collapsing."""
    result = diagnose(_real(tmp_path, [f"{external_dir / 'yadg' / 'mb.issue_218.mpr'},symmetric,,,"]), 0.785, 0.1)
    assert result.dominant_mode == "dendrite"
    assert _passed(result, "anode_contact_loss")


def test_real_li_borohydride_cell_is_stable(tmp_path, external_dir):
    """yadg gcpl.mpr: Li | Li2B12H12 | Li at 60 C for 16 days, 0.02 mV/h growth on a 100 mV plateau: nothing."""
    result = diagnose(_real(tmp_path, [f"{external_dir / 'yadg' / 'gcpl.mpr'},symmetric,,,333.15"]), 0.785, 0.1)
    assert result.dominant_mode is None


def test_real_lpscl_temperature_series_is_not_read_as_ageing(tmp_path, external_dir):
    folder = external_dir / "hybrid-drt" / "LPSCl_Tseries"
    files = sorted(folder.glob("PEIS_TSeq*.mpr"))
    if len(files) < 3:
        pytest.skip("hybrid-drt LPSCl series not found")
    rows = []
    for index, path in enumerate(files):
        celsius = float(path.name.split("_")[2].removesuffix("C"))
        rows.append(f"{path},eis,{index},,{celsius + 273.15}")
    result = diagnose(_real(tmp_path, rows), 0.785, 0.1)
    assert "temperature series" in result.series["eis"]["note"]
    assert result.dominant_mode is None


def test_calibration_file_carries_the_measured_growth_into_the_cycle_life(tmp_path):
    """diagnose -> calibration TOML -> read_design(..., calibration): the anode interphase of the cycled cell then
    grows as the measured R^2 = 2 k_R t (per contact area), and its ASR is the measured one."""
    import math

    from nassb.cell.design import read_design
    from nassb.cell.resolve import resolve_cell
    from nassb.interface.compatibility import check_interfaces
    from nassb.interface.diagnosis import calibration_toml
    from nassb.interface.failure import analyse_failure

    result, rates = _diagnosed(tmp_path, ("interphase_growth",), seed=2)
    calibration = tmp_path / "calibration.toml"
    calibration.write_text(calibration_toml(result, "manifest.csv"))
    design = read_design(EXAMPLES / "nvp-nzsp-liquid-na.toml", calibration)
    k_R = result.calibrated["interphase.resistance_growth_constant"]["value"]
    assert design.interfaces.anode_interphase_growth_ohm2_cm4_per_s == pytest.approx(k_R, rel=1e-5)
    assert design.interfaces.anode_asr_ohm_cm2 == pytest.approx(
        result.calibrated["anode.interface_asr"]["value"], rel=1e-5
    )
    resolved = resolve_cell(design)
    life = analyse_failure(resolved, check_interfaces(design, resolved.parameters), cycles=5).life
    for record in life.per_cycle:
        expected = math.sqrt(2 * k_R * record.time_h * 3600) / record.anode_contact_fraction
        assert record.resistances_ohm_cm2["anode_interphase"] == pytest.approx(expected, rel=1e-4)


def test_a_calibration_file_may_only_set_interfaces(tmp_path):
    from nassb.cell.design import read_design

    calibration = tmp_path / "calibration.toml"
    calibration.write_text("[cell]\ntemperature_C = 80\n")
    with pytest.raises(InputError, match="cell"):
        read_design(EXAMPLES / "nvp-nzsp-liquid-na.toml", calibration)


def test_an_overpotential_that_falls_with_pressure_is_anode_contact_loss(tmp_path):
    """Two symmetric traces of one pellet: voids at 2 MPa (overpotential rising within each half-cycle), a flat
    plateau at 10 MPa where creep refills the contact: the plateau falls with pressure."""
    import numpy as np

    from nassb.interface.synthetic_cells import draw_rates, symmetric_trace

    rates = draw_rates(np.random.default_rng(0))
    rows = []
    for pressure, modes in ((2.0, ("anode_contact_loss",)), (10.0, ())):
        folder = tmp_path / f"p{pressure:g}"
        folder.mkdir()
        name = symmetric_trace(folder, modes, {**rates, "void_rise": 3.0}, np.random.default_rng(1))
        rows.append(f"{folder / name},symmetric,,,298.15,{pressure}")
    manifest = _manifest(tmp_path, "file,kind,time_h,cycle,temperature_K,pressure_MPa\n" + "\n".join(rows) + "\n")
    result = diagnose(manifest, AREA_CM2, THICKNESS_CM)
    pressure = [item for item in result.evidence if "MPa" in item.test]
    assert len(pressure) == 1 and pressure[0].passed and pressure[0].value > 0.2
    assert result.dominant_mode == "anode_contact_loss"


def test_blocking_is_also_seen_in_the_persistent_drt_peaks(tmp_path):
    blocked, _ = _diagnosed(tmp_path / "a", ("electrical_blocking",), seed=1)
    healthy, _ = _diagnosed(tmp_path / "b", (), seed=1)
    assert min(blocked.series["eis"]["drt_grain_boundary_share"]) > 0.8
    assert max(healthy.series["eis"]["drt_grain_boundary_share"]) < 0.5


def test_measured_contact_loss_and_ccd_drive_the_cycled_cell(tmp_path):
    """A full cell that loses active material (dQ/dV peaks shrinking in place) and a CCD ramp: the calibration
    carries the contact lost per cycle and the CCD into the design, and the cycled cell loses contact at that rate."""
    from nassb.cell.design import read_design
    from nassb.cell.resolve import resolve_cell
    from nassb.interface.compatibility import check_interfaces
    from nassb.interface.diagnosis import calibration_toml
    from nassb.interface.failure import analyse_failure

    result, rates = _diagnosed(tmp_path, ("cathode_contact_loss",), seed=3)
    loss = result.calibrated["cathode.contact_loss_per_cycle"]["value"]
    assert loss == pytest.approx(1 - rates["active_kept_per_cycle"], rel=0.05)
    calibration = tmp_path / "calibration.toml"
    calibration.write_text(calibration_toml(result, "manifest.csv") + "anode_ccd_mA_per_cm2 = 5\n")
    design = read_design(EXAMPLES / "nvp-nzsp-liquid-na.toml", calibration)
    resolved = resolve_cell(design)
    analysis = analyse_failure(resolved, check_interfaces(design, resolved.parameters), cycles=4)
    fractions = [record.cathode_contact_fraction for record in analysis.life.per_cycle]
    assert fractions == pytest.approx([(1 - loss) ** n for n in range(1, 5)], rel=1e-5)
    dendrite = next(mode for mode in analysis.modes if mode.mode == "dendrite")
    assert dendrite.evidence[0]["value"] == pytest.approx(5.0)
    assert "anode_ccd_mA_per_cm2" in dendrite.evidence[0]["source"]
