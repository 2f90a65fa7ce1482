"""Cycler-file readers: real BioLogic, Arbin and Neware files from ../shared/external (numbers quoted from
the raw file, its text export or the instrument's own counters), hand-written CSV/XLSX variants, and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nassb.core.errors import InputError
from nassb.echem.readers import CyclingData, read_cycling


def _check(data, n, t_first, t_last, v_first, rtol=1e-7):
    table = data.table
    assert isinstance(data, CyclingData) and len(data) == n
    assert list(table.columns[:5]) == ["time_s", "voltage_V", "current_A", "cycle", "step"]
    assert table["cycle"].dtype == np.int64 and table["step"].dtype == np.int64
    assert table["cycle"].iloc[0] == 1 and table["step"].iloc[0] == 1
    assert (np.diff(table["step"]) >= 0).all() and (np.diff(table["cycle"]) >= 0).all()
    assert table["time_s"].iloc[0] == pytest.approx(t_first, rel=rtol, abs=1e-9)
    assert table["time_s"].iloc[-1] == pytest.approx(t_last, rel=rtol)
    assert table["voltage_V"].iloc[0] == pytest.approx(v_first, rel=rtol)


def _steps(table):
    """Per step: cycle, mean current, duration (from the last row of the step before), last capacity."""
    g = table.groupby("step")
    out = g.agg(cycle=("cycle", "first"), current_A=("current_A", "median"), end_s=("time_s", "last"))
    out["duration_s"] = out["end_s"] - out["end_s"].shift(1, fill_value=table["time_s"].iloc[0])
    if "capacity_mAh" in table:
        out["capacity_mAh"] = g["capacity_mAh"].last()
    return out


# ---------------------------------------------------------------- BioLogic


def test_biologic_mb_na_symmetric_cell(external_dir):
    """Na | NASICON | Na, Modulo Bat: 11 s rest then -78.54 uA (0.1 mA cm-2) plating on the working electrode."""
    mpt = read_cycling(external_dir / "yadg/mb.issue_218.mpt")
    # raw first data row: time 0, Ewe -4.6560082E-005;
    # last row: 3.561297110034066E+003, Ewe 6.7944457E-005, I -8.8837482E-002 mA
    _check(mpt, 3564, 0.0, 3561.297110034066, -4.6560082e-05)
    last = mpt.table.iloc[-1]
    assert last["voltage_V"] == pytest.approx(6.7944457e-05) and last["current_A"] == pytest.approx(-8.8837482e-05)
    steps = _steps(mpt.table)
    assert len(steps) == 2 and steps["cycle"].tolist() == [1, 1]
    assert steps["current_A"].iloc[0] == 0.0 and steps["current_A"].iloc[1] < 0  # cathodic = discharge: negative
    # capacity since the step start = EC-Lab's own 'Q discharge/mA.h' at the end (8.584246908410122E-002)
    assert mpt.table["capacity_mAh"].iloc[-1] == pytest.approx(0.08584246908410122, rel=1e-9)
    assert mpt.table["discharge_capacity_mAh"].iloc[-1] == pytest.approx(0.08584246908410122, rel=1e-9)
    assert mpt.metadata["format"] == "biologic-mpt" and "EC-Lab" in mpt.metadata["current_sign"]


@pytest.mark.parametrize("name", ["gcpl.issue_149", "gcpl.pr_182.1", "mb.issue_218", "mb.issue_95", "ca"])
def test_mpr_agrees_with_its_mpt_twin(external_dir, name):
    """The binary file and EC-Lab's text export give the same table (the text keeps 8 significant digits)."""
    mpr = read_cycling(external_dir / f"yadg/{name}.mpr").table
    mpt = read_cycling(external_dir / f"yadg/{name}.mpt").table
    assert len(mpr) == len(mpt)
    for column in ("cycle", "step"):
        np.testing.assert_array_equal(mpr[column], mpt[column])
    for column in ("time_s", "voltage_V", "current_A", "capacity_mAh"):
        scale = np.abs(mpt[column]).max()
        np.testing.assert_allclose(mpr[column], mpt[column], rtol=0, atol=max(scale, 1e-30) * 2e-7)


def test_german_locale_mpt_matches(external_dir):
    """The same Modulo Bat data exported with decimal commas."""
    de = read_cycling(external_dir / "yadg/mb.issue_95.de.mpt").table
    en = read_cycling(external_dir / "yadg/mb.issue_95.mpt").table
    pd.testing.assert_frame_equal(de, en)
    steps = _steps(en)
    # rest, +100 mA (charge) 10 s, -65 mA (discharge) 10 s: capacity = |I| t / 3.6 within 0.1 %
    assert steps["current_A"].tolist() == pytest.approx([0.0, 0.1, -0.065], abs=1e-4)
    assert steps["capacity_mAh"].iloc[1:].to_numpy() == pytest.approx(
        (steps["current_A"].abs() * steps["duration_s"] / 3.6).iloc[1:].to_numpy(), rel=1e-3
    )


def test_gcpl_li_symmetric_cell_capacity_is_current_times_time(external_dir):
    """Li | Li2B12H12 | Li, GCPL at +-11 uA for 12 h half cycles, 16 days (no current column: the applied current)."""
    data = read_cycling(external_dir / "yadg/gcpl.mpr")
    # galvani: time/s 3205.079190266406 .. 1385603.7340166494, Ewe -0.010160502..., control/V/mA -0.011 first
    _check(data, 12057, 3205.079190266406, 1385603.7340166494, -0.010160502046346664)
    steps = _steps(data.table)
    assert data.metadata["n_cycles"] == 17 and len(steps) == 32  # half cycles 0..32 in the file
    assert steps["current_A"].iloc[0] == pytest.approx(-11e-6, rel=1e-6)  # starts by plating Li on the WE
    assert steps["current_A"].iloc[1] == pytest.approx(11e-6, rel=1e-6) and steps["cycle"].iloc[1] == 2
    charge = np.sign(steps["current_A"]).to_numpy()
    assert (charge[1:] == -charge[:-1]).all()  # strictly alternating
    q = (steps["current_A"].abs() * steps["duration_s"] / 3.6).iloc[1:]
    assert steps["capacity_mAh"].iloc[1:].to_numpy() == pytest.approx(q.to_numpy(), rel=1e-4)
    assert steps["capacity_mAh"].iloc[1] == pytest.approx(0.132, rel=1e-3)  # 11 uA x 12 h
    # energy since the step start (EC-Lab's Energy charge/discharge counters) = integral of |V I| dt
    for _, step in list(data.table.groupby("step"))[1:6]:
        integral = np.sum(np.abs(step["voltage_V"] * step["current_A"]).to_numpy()[1:] * np.diff(step["time_s"])) / 3.6
        assert step["energy_mWh"].iloc[-1] == pytest.approx(integral, rel=5e-3)


def test_gcpl_nacoo2_cathode(external_dir):
    data = read_cycling(external_dir / "navani/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr")
    _check(data, 46102, 0.0, 456309.58615131397, 2.508575916290283)
    steps = _steps(data.table)
    # rest, first discharge to 2.0 V (EC-Lab half cycle 1), then six charge/discharge cycles at 88.8 uA
    assert len(steps) == 14 and data.metadata["n_cycles"] == 7
    assert steps["current_A"].iloc[1] == pytest.approx(-8.8796e-05, rel=1e-4)
    assert steps["current_A"].iloc[2] == pytest.approx(8.8796e-05, rel=1e-4) and steps["cycle"].iloc[2] == 2
    # first charge = the file's Q charge/discharge maximum, 0.986781 mAh
    assert steps["capacity_mAh"].iloc[2] == pytest.approx(0.986781, rel=1e-5)


def test_open_circuit_files(external_dir):
    ocv = read_cycling(external_dir / "yadg/vsp_ocv_wo.mpr")
    assert len(ocv) == 121 and (ocv.table["current_A"] == 0).all() and ocv.metadata["n_steps"] == 1
    assert "capacity_mAh" not in ocv.table
    tiny = read_cycling(external_dir / "navani/00_test_01_OCV_C01.mpr")
    _check(tiny, 2, 0.0, 5.5932, -0.373809, rtol=1e-5)


# ---------------------------------------------------------------- Arbin


def test_arbin_res_lco_solid_state_cell(external_dir):
    data = read_cycling(external_dir / "navani/arbin_example.res")
    # Channel_Normal_Table: Test_Time 0.072595419795086 .. 345733.389457, Voltage 3.8591957092285156
    _check(data, 2150, 0.072595419795086, 345733.38945743744, 3.8591957092285156)
    assert (
        data.metadata["n_cycles"] == 5 and data.metadata["test_name"] == "ajm314_LCO_ajm5-SSB1-F_Wait48hr-Repeat-01-012"
    )
    steps = _steps(data.table)
    first = steps[steps["current_A"] != 0].iloc[0]
    assert first["current_A"] > 0  # LiCoO2 is charged first: positive
    # the charge step's capacity is Arbin's own Charge_Capacity (0.483515 mAh), reset each cycle
    assert first["capacity_mAh"] == pytest.approx(data.table["charge_capacity_mAh"].max(), rel=1e-12)
    assert first["capacity_mAh"] == pytest.approx(0.4835, rel=1e-3)


def test_arbin_res_silicon_half_cell(external_dir):
    data = read_cycling(external_dir / "cellpy/20160805_test001_45_cc_01.res")
    _check(data, 10261, 300.0104819316021, 859077.2406335169, 3.0976173877716064)
    assert data.metadata["n_cycles"] == 18 and data.metadata["schedule"].endswith("24h_rest_3cyc_C20_100cyc_c10_MR.sdu")
    steps = _steps(data.table)
    long = steps[steps["duration_s"] > 3600]
    assert long["current_A"].iloc[1] < 0 and long["current_A"].iloc[2] > 0  # Si lithiation (reduction) first


def test_arbin_xlsx_and_csv_exports(external_dir):
    xlsx = read_cycling(external_dir / "navani/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    _check(xlsx, 4526, 1.001, 1204815.81068, 2.637298583984375)
    assert xlsx.metadata["sheets"] == ["Channel_11_1"] and xlsx.metadata["instrument"] == "Arbin (export)"
    steps = _steps(xlsx.table)
    assert steps["current_A"].iloc[1] == pytest.approx(-5e-5, rel=1e-2)  # graphite | Li, lithiation at 50 uA first
    csv = read_cycling(external_dir / "beep/2017-05-09_test-TC-contact_CH33.csv")
    # raw first row: Test_Time 0.0, Current 6.600444793701172, Voltage 3.298668384552002; Cycle/Step columns empty
    _check(csv, 287, 0.0, 1022.8913, 3.298668384552002)
    assert csv.table["current_A"].iloc[0] == pytest.approx(6.600444793701172)
    assert csv.metadata["cycle_rule"].startswith("derived") and "Cycle_Index" in csv.metadata["ignored_empty_columns"]
    fast = read_cycling(external_dir / "beep/FastCharge_000025_CH8.csv")
    _check(fast, 248, 10.0024, 1800.0104, 3.3011441)
    assert "counts from 0" in fast.metadata["cycle_rule"]


# ---------------------------------------------------------------- Neware


def test_neware_nda(external_dir):
    data = read_cycling(external_dir / "navani/test.nda")
    # step times summed over steps: 12 min of records (Timestamp 11:16:50 -> 11:28:52)
    _check(data, 439, 0.0, 721.6, -0.0911, rtol=1e-6)
    steps = _steps(data.table)
    assert data.metadata["n_cycles"] == 2 and len(steps) == 6
    # raw records 51 (CC_DChg, step time 5.0 s) and 153 (CC_Chg, 50.0 s): -0.0502 mA and 0.0505 mA
    assert data.table["current_A"].iloc[50] == pytest.approx(-5.02e-05, rel=1e-4) and data.table["step"].iloc[50] == 1
    assert data.table["current_A"].iloc[152] == pytest.approx(5.05e-05, rel=1e-4) and data.table["step"].iloc[152] == 3
    assert steps["cycle"].tolist() == [1, 1, 2, 2, 2, 2]  # a new cycle at the first charge
    assert np.diff(data.table["time_s"]).min() >= 0


def test_neware_ndax(external_dir):
    data = read_cycling(external_dir / "navani/test.ndax")
    _check(data, 1464, 0.0, 43800.0, 3.4666, rtol=1e-6)
    steps = _steps(data.table)
    assert steps["cycle"].tolist() == [1, 1, 1, 1]
    assert steps["current_A"].iloc[1] > 0 > steps["current_A"].iloc[2]  # CCCV_Chg, then CCCV_DChg
    assert steps["capacity_mAh"].tolist()[1:3] == pytest.approx([0.593039, 0.625451], rel=1e-5)
    assert data.table["charge_capacity_mAh"].max() == pytest.approx(0.593039, rel=1e-5)


def test_neware_csv_export(external_dir):
    data = read_cycling(external_dir / "cellpy/neware_uio.csv")
    # 'Cumulative Time' 00:00:00 .. 144:02:18 (= 518538 s); first Voltage(V) 2.9170; last Current(A) 0.00099171 (CC Chg)
    _check(data, 9065, 0.0, 518538.0, 2.917)
    assert data.table["current_A"].iloc[-1] == pytest.approx(0.00099171)
    assert data.metadata["n_cycles"] == 4 and "durations" in data.metadata["units"]["time"]
    assert "checked against the step-type column" in data.metadata["current_sign"]
    steps = _steps(data.table)
    assert steps["current_A"].iloc[1] < 0 and steps["capacity_mAh"].iloc[1] == pytest.approx(4.68031, rel=1e-5)


# ---------------------------------------------------------------- generic CSV / XLSX variants


def _protocol():
    """Rest, then discharge / rest / charge / rest ... at 0.5 mA, 1 h each, sampled every 0.1 h."""
    rows, t = [], 0.0
    for current_mA, hours in [(0, 0.5), (-0.5, 1), (0, 0.5), (0.5, 1), (0, 0.5), (-0.5, 1), (0, 0.5), (0.5, 1)]:
        for k in range(round(hours / 0.1)):
            rows.append(
                (
                    round(t + (k + 1) * 0.1, 6),
                    3.0 + 0.1 * np.sign(current_mA),
                    current_mA,
                    abs(current_mA) * (k + 1) * 0.1,
                )
            )
        t += hours
    return pd.DataFrame(rows, columns=["Time (h)", "Voltage (V)", "Current (mA)", "Capacity (mAh)"])


def test_csv_in_ma_and_hours_with_derived_cycles(tmp_path):
    frame = _protocol()
    path = tmp_path / "run.csv"
    frame.to_csv(path, index=False)
    data = read_cycling(path)
    table = data.table
    np.testing.assert_allclose(table["time_s"], frame["Time (h)"] * 3600)
    np.testing.assert_allclose(table["current_A"], frame["Current (mA)"] * 1e-3)
    np.testing.assert_allclose(table["capacity_mAh"], frame["Capacity (mAh)"], atol=1e-12)
    assert data.metadata["cycle_rule"].startswith("derived") and data.metadata["units"]["current"] == "ma"
    steps = _steps(table)
    assert len(steps) == 8
    # a new cycle at each charge after a discharge; the rest after a discharge stays in its cycle
    assert steps["cycle"].tolist() == [1, 1, 1, 2, 2, 2, 2, 3]
    assert steps["capacity_mAh"].tolist() == pytest.approx([0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5])


def test_step_type_column_fixes_unsigned_current(tmp_path):
    """A Neware-style export that stores |I| and labels the steps: discharge rows are negated."""
    frame = _protocol()
    frame["Step Type"] = np.where(
        frame["Current (mA)"] < 0, "CC DChg", np.where(frame["Current (mA)"] > 0, "CC Chg", "Rest")
    )
    frame["Current (mA)"] = frame["Current (mA)"].abs()
    frame["Cycle"] = 7
    path = tmp_path / "unsigned.csv"
    frame.to_csv(path, index=False)
    data = read_cycling(path)
    np.testing.assert_allclose(data.table["current_A"], _protocol()["Current (mA)"] * 1e-3)
    assert "discharge rows carry positive current" in data.metadata["current_sign"]
    assert (data.table["cycle"] == 7).all() and data.metadata["cycle_rule"] == "instrument: column 'Cycle'"


def test_semicolon_decimal_comma_with_preamble(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(
        "Cell 12, 25 °C\nOperator;me\n\nTest Time [min];Ecell [mV];I [uA];Step\n"
        "0,0;3500,0;0,0;1\n1,5;3480,5;-100,0;2\n3,0;3470,0;-100,0;2\n",
        encoding="latin-1",
    )
    data = read_cycling(path)
    table = data.table
    assert table["time_s"].tolist() == pytest.approx([0, 90, 180])
    assert table["voltage_V"].tolist() == pytest.approx([3.5, 3.4805, 3.47])
    assert table["current_A"].tolist() == pytest.approx([0, -1e-4, -1e-4])
    assert table["step"].tolist() == [1, 2, 2] and data.metadata["preamble"][0] == "Cell 12, 25 °C"


def test_xlsx_sheets_are_joined(tmp_path):
    frame = _protocol().rename(columns={"Time (h)": "Test_Time(h)"})
    path = tmp_path / "arbin.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"info": ["channel 1"]}).to_excel(writer, sheet_name="Global_Info", index=False)
        frame.iloc[:30].to_excel(writer, sheet_name="Channel_1_1", index=False)
        frame.iloc[30:].to_excel(writer, sheet_name="Channel_1_2", index=False)
    data = read_cycling(path)
    assert data.metadata["sheets"] == ["Channel_1_1", "Channel_1_2"]
    np.testing.assert_allclose(data.table["time_s"], frame["Test_Time(h)"] * 3600)
    assert data.table["cycle"].max() == 3


# ---------------------------------------------------------------- errors


def test_truncated_binary_files(tmp_path, external_dir):
    for name in ("yadg/gcpl.mpr", "navani/test.nda", "navani/test.ndax", "navani/arbin_example.res"):
        raw = (external_dir / name).read_bytes()
        cut = tmp_path / name.split("/")[-1]
        cut.write_bytes(raw[: len(raw) // 2])
        with pytest.raises(InputError) as err:
            read_cycling(cut)
        assert str(cut) in str(err.value) and err.value.field == "file" and "complete" in err.value.expected


def test_unknown_extension_and_format(tmp_path):
    path = tmp_path / "cell.xyz"
    path.write_text("t,V,I\n0,1,0\n")
    with pytest.raises(InputError, match="extension") as err:
        read_cycling(path)
    assert str(path) in str(err.value) and ".mpr" in err.value.expected
    assert len(read_cycling(path, format="csv")) == 1
    with pytest.raises(InputError, match="format"):
        read_cycling(path, format="maccor")


def test_mislabelled_csv(tmp_path):
    path = tmp_path / "mislabelled.csv"
    path.write_text("time/s,Ewe/V,Amplitude\n0,1.0,2\n1,1.1,2\n")
    with pytest.raises(InputError) as err:
        read_cycling(path)
    assert (
        err.value.field == "column headers" and "missing current" in str(err.value.got) and str(path) in str(err.value)
    )
    path.write_text("time/s,Voltage (mA),I/mA\n0,1.0,2\n")
    with pytest.raises(InputError, match="a voltage unit"):
        read_cycling(path)


def test_nan_and_text_rows_are_named(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text("time/s,Ewe/V,I/mA\n0,3.0,1\n1,3.1,\n2,3.2,1\n")
    with pytest.raises(InputError) as err:
        read_cycling(path)
    assert err.value.field == "line 3, column 'I/mA'" and "finite" in err.value.expected
    path.write_text("time/s,Ewe/V,I/mA\n0,3.0,1\n1,nan,1\n")
    with pytest.raises(InputError, match="line 3, column 'Ewe/V'"):
        read_cycling(path)
    path.write_text("time/s,Ewe/V,I/mA\n0,3.0,1\n1,3.1,overload\n")
    with pytest.raises(InputError, match="'overload'"):
        read_cycling(path)


def test_an_ec_lab_export_with_its_header_but_no_rows_is_refused(external_dir, tmp_path):
    """Found by fuzzing: the header alone used to raise an IndexError."""
    text = (external_dir / "yadg/gcpl.issue_149.mpt").read_bytes()
    header_end = text.index(b"Ewe/V") + len(b"Ewe/V")
    cut = tmp_path / "header-only.mpt"
    cut.write_bytes(text[: text.index(b"\n", header_end) if b"\n" in text[header_end:] else len(text)])
    with pytest.raises(InputError, match="header-only.mpt"):
        read_cycling(cut)
