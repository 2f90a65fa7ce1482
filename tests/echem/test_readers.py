"""Instrument-file readers: real files from ../shared/external (numbers picked from the raw text
or from the matching text export) and small hand-written files for the format variants and errors."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.readers import TimeSeries, read_spectra, read_spectrum, read_time_series


def _check(spectrum, n, f_first, f_last, z_first, z_last, rtol=1e-6):
    assert len(spectrum) == n
    assert spectrum.frequency_Hz[0] == pytest.approx(f_first, rel=rtol)
    assert spectrum.frequency_Hz[-1] == pytest.approx(f_last, rel=rtol)
    assert spectrum.impedance_ohm[0] == pytest.approx(z_first, rel=rtol)
    assert spectrum.impedance_ohm[-1] == pytest.approx(z_last, rel=rtol)


# ---------------------------------------------------------------- real instrument files


def test_biologic_mpt(external_dir):
    s = read_spectrum(external_dir / "impedance.py/exampleDataBioLogic.mpt")
    # raw: 1.0003201E+003  6.5470886E+001  3.8998979E-001 (-Im(Z)) ... 1.6895540E-002  1.1097003E+002  2.3458567E+000
    _check(s, 43, 1000.3201, 0.01689554, 65.470886 - 0.38998979j, 110.97003 - 2.3458567j)
    assert s.metadata["format"] == "biologic-mpt"
    assert s.metadata["instrument"] == "BioLogic SP-150 (SN 10791079)"
    assert s.metadata["technique"] == "Potentio Electrochemical Impedance Spectroscopy"
    assert s.metadata["date"] == "02/04/2018 10:02:46"
    assert s.metadata["columns"]["imag"] == "-Im(Z)/Ohm" and s.metadata["imag_sign"] == "positive"


def test_mpr_agrees_with_its_mpt_and_relaxis_exports(external_dir):
    """One -25 °C LPSCl spectrum stored three ways: binary .mpr, EC-Lab text (.txt) and RelaxIS text."""
    mpr = read_spectrum(external_dir / "hybrid-drt/LPSCl_Tseries/PEIS_TSeq7_-25C_#61_C01.mpr")
    mpt = read_spectrum(external_dir / "hybrid-drt/tutorials/PEIS_LPSCl_IonBlocking_-25C.txt")
    relaxis = read_spectrum(external_dir / "hybrid-drt/tutorials/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt")
    # raw .txt: 7.0000185E+006  3.5924146E+002  2.9092038E+002 ... 1.0002181E-001  1.7994276E+006  8.0937855E+006
    _check(mpt, 79, 7.0000185e6, 0.10002181, 359.24146 - 290.92038j, 1.7994276e6 - 8.0937855e6j)
    _check(mpr, 79, 7.0000185e6, 0.10002181, 359.24146 - 290.92038j, 1.7994276e6 - 8.0937855e6j)
    assert mpr.metadata["technique"] == "PEIS" and mpr.metadata["format"] == "biologic-mpr"
    assert relaxis.frequency_Hz[0] < relaxis.frequency_Hz[-1]  # RelaxIS exports low to high
    rel = relaxis.sorted_descending()
    np.testing.assert_allclose(rel.frequency_Hz, mpr.frequency_Hz, rtol=1e-6)
    np.testing.assert_allclose(rel.impedance_ohm, mpr.impedance_ohm, rtol=1e-6)
    assert mpr.metadata["temperature_K_from_name"] == pytest.approx(248.15)


def test_lpscl_temperature_series_mpr(external_dir):
    """Six .mpr files, 79 points each; the bulk (high-frequency) resistance grows as T falls (71 -> 359 Ohm)."""
    temps, r_hf = [], []
    for name in [
        "PEIS_TSeq2_25C_#60_C01",
        "PEIS_TSeq3_15C_#56_C01",
        "PEIS_TSeq4_5C_#58_C01",
        "PEIS_TSeq5_-5C_#58_C01",
        "PEIS_TSeq6_-15C_#56_C01",
        "PEIS_TSeq7_-25C_#61_C01",
    ]:
        s = read_spectrum(external_dir / f"hybrid-drt/LPSCl_Tseries/{name}.mpr")
        assert len(s) == 79 and (s.impedance_ohm.imag[-10:] < 0).all()
        temps.append(s.metadata["temperature_K_from_name"])
        r_hf.append(s.impedance_ohm.real[0])
    assert temps == pytest.approx([298.15, 288.15, 278.15, 268.15, 258.15, 248.15])
    assert r_hf[0] == pytest.approx(71.49, abs=0.01) and r_hf[-1] == pytest.approx(359.24, abs=0.01)
    assert np.all(np.diff(r_hf) > 0)


@pytest.mark.parametrize(
    ("stem", "n_spectra", "n_points"), [("peis", 1, 32), ("geis.issue_149", 4, 21), ("vsp_peis_with", 32, 70)]
)
def test_yadg_mpr_mpt_pairs(external_dir, stem, n_spectra, n_points):
    from_mpr = read_spectra(external_dir / f"yadg/{stem}.mpr")
    from_mpt = read_spectra(external_dir / f"yadg/{stem}.mpt")
    assert len(from_mpr) == len(from_mpt) == n_spectra
    for a, b in zip(from_mpr, from_mpt):
        assert len(a) == len(b) == n_points
        np.testing.assert_allclose(a.frequency_Hz, b.frequency_Hz, rtol=1e-6)
        np.testing.assert_allclose(a.impedance_ohm, b.impedance_ohm, rtol=1e-6, atol=1e-6)


def test_multiple_loops_carry_their_cycle_number(external_dir):
    spectra = read_spectra(external_dir / "yadg/geis.issue_149.mpr")
    assert [s.metadata["cycle"] for s in spectra] == [1, 2, 3, 4]
    assert spectra[2].metadata["spectrum_index"] == 3 and spectra[2].metadata["n_spectra"] == 4
    assert "(spectrum 3 of 4)" in spectra[2].source
    # raw .mpt, first row: 1.9999814E+005  1.0078821E+001  -2.1745603E+000 (-Im(Z), an inductive point)
    assert spectra[0].impedance_ohm[0] == pytest.approx(10.078821 + 2.1745603j, rel=1e-6)
    assert spectra[0].metadata["technique"] == "GEIS"


def test_multiple_spectra_split_where_the_sweep_restarts(external_dir):
    """pyimpspec's file: three identical 29-point sweeps, 'cycle number' 0 throughout."""
    path = external_dir / "pyimpspec/case-multiple-spectra.mpt"
    spectra = read_spectra(path)
    assert [len(s) for s in spectra] == [29, 29, 29]
    for s in spectra:
        _check(s, 29, 1e4, 1.0, 109.00918 - 26.55568j, 645.4787 - 90.618128j)
    with pytest.raises(InputError, match=r"holds 3.*read_spectra"):
        read_spectrum(path)


def test_csv_with_modulus_phase_and_loop_index(external_dir):
    """hybrid-drt CSV: |Z| and phase, 10 loops of 90 rows, each ending in a DC row (f = 0, |Z| = 0)."""
    spectra = read_spectra(external_dir / "hybrid-drt/SSB/Sample2_PEIS_AtRest.csv")
    assert len(spectra) == 10 and all(len(s) == 89 for s in spectra)
    s = spectra[0]
    assert s.metadata["dropped_dc_rows_in_file"] == 10 and s.metadata["cycle"] == 0
    # raw first row: freq 7000018.5, |Z| 50.752583, phase -20.75998 deg
    expected = 50.752583 * np.exp(1j * np.deg2rad(-20.75998))
    assert s.frequency_Hz[0] == 7000018.5 and s.impedance_ohm[0] == pytest.approx(expected, rel=1e-9)
    assert s.frequency_Hz[-1] == pytest.approx(0.009997264)


def test_pyimpspec_same_spectrum_in_five_formats(external_dir):
    """The same 29-point spectrum as .mpt, Gamry .dta (decimal commas), ZView .z, .i2b and .P00."""
    reference = read_spectrum(external_dir / "pyimpspec/data.mpt")
    _check(reference, 29, 1e4, 1.0, 109.00918 - 26.55568j, 645.4787 - 90.618128j)
    for name, rtol in [("data.dta", 1e-6), ("data.z", 1e-6), ("data.i2b", 1e-6), ("data.P00", 2e-3)]:
        s = read_spectrum(external_dir / "pyimpspec" / name)
        np.testing.assert_allclose(s.frequency_Hz, reference.frequency_Hz, rtol=rtol)
        np.testing.assert_allclose(s.impedance_ohm, reference.impedance_ohm, rtol=rtol)


def test_gamry_dta(external_dir):
    s = read_spectrum(external_dir / "impedance.py/exampleDataGamry.DTA")
    # raw ZCURVE: 0  1  200015.6  825.8584  -1367.239 ... 71  861  0.0158898  17007.49  -6635.557
    _check(s, 72, 200015.6, 0.0158898, 825.8584 - 1367.239j, 17007.49 - 6635.557j)
    assert s.metadata["instrument"] == "Gamry REF3000-34128" and s.metadata["technique"] == "EISPOT"
    assert s.metadata["date"] == "4/23/2018 16:43:15"
    aborted = read_spectrum(external_dir / "impedance.py/exampleDataGamryABORT.DTA")
    assert aborted.metadata["aborted"] is True and len(aborted) == 72
    # a galvanostatic battery spectrum that is inductive at high frequency: Gamry's Zimag sign is kept
    galv = read_spectrum(external_dir / "hybrid-drt/tutorials/EISGALV_EISTest3.DTA")
    _check(galv, 71, 1000078, 0.1001603, 0.04711733 + 0.1695821j, 0.06649166 - 0.001175554j)


def test_zplot_files(external_dir):
    s = read_spectrum(external_dir / "impedance.py/exampleDataZPlot.z")
    # raw: 3.000000E+05 ... 1.4777E+02  -1.1335E+01 ... 3.000000E+03 ... 6.1368E+02  -1.3713E+02
    _check(s, 21, 3e5, 3e3, 147.77 - 11.335j, 613.68 - 137.13j)
    assert s.metadata["date"] == "10-12-2018"
    plain = read_spectrum(external_dir / "impedance.py/exampleDataZPlot_noComments.z")
    _check(plain, 31, 3e5, 300.0, 642.62 - 85.821j, 1305.3 - 195.01j)
    autolab = read_spectrum(external_dir / "impedance.py/exampleDataAutolab.txt")
    _check(autolab, 41, 1e4, 0.1, 0.013785863964281 + 0.007191946305823j, 0.0345697771923854 - 0.00390292888845954j)
    circuit = read_spectrum(external_dir / "impedance.py/Circuit1_EIS_1.z")
    assert len(circuit) == 48 and circuit.frequency_Hz[0] == 5e4 and circuit.frequency_Hz[-1] == 1.0


def test_other_instrument_text_exports(external_dir):
    chi = read_spectrum(external_dir / "impedance.py/exampleDataCHInstruments.txt")
    _check(chi, 73, 9.961e4, 0.1, 98.91 - 2.748j, 5685 - 15860j)
    assert chi.metadata["instrument"] == "CHI660E"
    powersuite = read_spectrum(external_dir / "impedance.py/exampleDataPowersuite.txt")
    _check(powersuite, 30, 0.1, 2e6, 423929.46 - 49014.063j, -470.54113 - 1397.7358j)
    parstat = read_spectrum(external_dir / "impedance.py/exampleDataParstat.txt")
    assert parstat.metadata["dropped_dc_rows_in_file"] == 781  # the DC (f = 0) rows before the sweep
    _check(
        parstat, 31, 1e4, 10.0, -0.00049816280376104 + 0.0175143479976367j, 0.0270946491457229 - 0.00399791080333837j
    )
    versa = read_spectrum(external_dir / "impedance.py/exampleDataVersaStudio.par")
    _check(versa, 61, 1e5, 0.02154435, 55.31571 + 4.575431j, 1516.313 - 122.8279j)
    assert versa.metadata["instrument"] == "VersaSTAT4 -400"


def test_headerless_and_plain_csv_files(external_dir):
    battery = read_spectrum(external_dir / "impedance.py/exampleData.csv")
    _check(
        battery, 66, 3.1623e-3, 1e4, 0.0494998977640506 - 0.0204386985444189j, 0.0157714826604859 + 0.0101574745649382j
    )
    lib = read_spectrum(external_dir / "pyDRTtools/LIB_data.txt")
    _check(lib, 107, 999.040405, 0.00500083202, 0.112362966 + 0.00318273902j, 0.151735559 - 0.0137396762j)
    assert lib.metadata["imag_sign"] == "negative"  # HF inductive points do not flip the convention
    assert len(read_spectrum(external_dir / "pyDRTtools/data_1.csv")) == 107
    assert len(read_spectrum(external_dir / "pyDRTtools/LIB_data_2.txt")) == 100
    ex = read_spectrum(external_dir / "eisfitpython/CSV_Example.csv")
    _check(ex, 50, 1e6, 0.30000001, 2369.7656 - 6737.6167j, 475032.12 - 373631.62j)
    headed = read_spectrum(external_dir / "eisfitpython/Example-2/Example2c.txt")
    bare = read_spectrum(external_dir / "eisfitpython/Example_noheader.txt")
    np.testing.assert_array_equal(headed.impedance_ohm, bare.impedance_ohm)
    assert headed.metadata["columns"] == {"frequency": "Freq.[Hz]", "real": "Zs'[ohm]", "imag": "Zs''[ohm]"}


def test_neisys_temperature_series(external_dir):
    counts = {140: 42, 150: 42, 160: 42, 170: 41, 180: 41, 190: 41, 200: 40}
    for celsius, n in counts.items():
        s = read_spectrum(external_dir / f"eisfitpython/s04147_Tseries/s04147-{celsius}deg.txt")
        assert len(s) == n and s.frequency_Hz[0] == 1e6
        assert s.metadata["temperature_K_from_name"] == pytest.approx(celsius + 273.15)
        assert (s.impedance_ohm.imag < 0).all()
    first = read_spectrum(external_dir / "eisfitpython/s04147_Tseries/s04147-140deg.txt")
    assert first.impedance_ohm[0] == pytest.approx(2.21423e4 - 5.43115e4j)


def test_real_files_that_must_fail(external_dir):
    with pytest.raises(InputError, match=r"peis\.issue_225.*export it from EC-Lab as \.mpt.*Column ID 215"):
        read_spectra(external_dir / "yadg/peis.issue_225.with_ece.mpr")
    assert len(read_spectrum(external_dir / "yadg/peis.issue_225.with_ece.mpt")) == 32
    with pytest.raises(InputError, match=r"zir\.mpr.*at least 3 points"):
        read_spectra(external_dir / "yadg/zir.mpr")
    with pytest.raises(InputError, match=r"MissingFreq\.mpt.*frequency"):
        read_spectra(external_dir / "impedance.py/exampleDataBioLogic_MissingFreq.mpt")
    with pytest.raises(InputError, match=r"ca\.mpr.*'technique'.*time series.*nassb cycling or nassb dc"):
        read_spectra(external_dir / "yadg/ca.mpr")


def test_a_file_of_the_other_technique_says_which_command_reads_it(external_dir):
    from nassb.echem.readers import read_cycling, read_time_series

    for read in (read_cycling, read_time_series):
        with pytest.raises(InputError, match=r"'technique'.*holds an impedance spectrum.*nassb eis"):
            read(external_dir / "yadg/peis.mpr")
        with pytest.raises(InputError, match=r"'technique'.*holds an impedance spectrum.*nassb eis"):
            read(external_dir / "impedance.py/exampleDataBioLogic.mpt")
    with pytest.raises(InputError, match=r"'technique'.*holds a time series"):
        read_spectra(external_dir / "yadg/gcpl.issue_149.mpt")


# ---------------------------------------------------------------- time series


def test_time_series_ca_mpr_and_mpt(external_dir):
    mpr = read_time_series(external_dir / "yadg/ca.mpr")
    mpt = read_time_series(external_dir / "yadg/ca.mpt")
    assert isinstance(mpr, TimeSeries) and len(mpr) == len(mpt) == 721
    # raw .mpt first row: time/s 1.088742284907824E+005, Ewe/V 1.4643160E-001, I/mA 1.8604061E-002
    assert mpt.time_s[0] == pytest.approx(1.088742284907824e5) and mpt.voltage_V[0] == pytest.approx(0.1464316)
    assert mpt.current_A[0] == pytest.approx(1.8604061e-5) and mpt.current_A[-1] == pytest.approx(2.7650740e-9)
    np.testing.assert_allclose(mpr.time_s, mpt.time_s, rtol=1e-12)
    np.testing.assert_allclose(mpr.current_A, mpt.current_A, rtol=1e-6)
    np.testing.assert_allclose(mpr.voltage_V, mpt.voltage_V, rtol=1e-6)
    assert mpr.metadata["technique"] == "CA"
    assert mpr.metadata["columns"] == {"time": "time/s", "current": "I/mA", "voltage": "Ewe/V"}


def test_time_series_cp_mpr_matches_its_text_export(external_dir):
    mpr = read_time_series(external_dir / "hybrid-drt/tutorials/CP_SSB.mpr")
    txt = read_time_series(external_dir / "hybrid-drt/tutorials/CP_SSB.txt")
    assert len(mpr) == len(txt) == 30208 and mpr.metadata["technique"] == "CP"
    assert txt.time_s[0] == pytest.approx(19.89480057731271) and txt.time_s[-1] == pytest.approx(50.09599981436622)
    assert np.abs(mpr.current_A).max() == pytest.approx(8.4e-6, rel=0.01)  # +-8.4 uA steps
    assert 2.90 < mpr.voltage_V.min() < mpr.voltage_V.max() < 2.94
    np.testing.assert_allclose(mpr.current_A, txt.current_A, rtol=1e-6, atol=1e-12)


def test_time_series_galvanostatic_mpr_uses_the_applied_current(external_dir):
    """galvani's GCPL2 regression file has no I/mA column: the applied current 'control/mA' stands in."""
    ts = read_time_series(external_dir / "galvani/col_27_issue_74.mpr")
    assert len(ts) == 20 and ts.metadata["columns"]["current"] == "control/mA"
    assert ts.metadata["technique"] == "GCPL2"
    assert ts.voltage_V[0] == pytest.approx(4.469193)  # Ewe/V, not Ewe-Ece/V (3.6157 V)
    assert 4.42 < ts.voltage_V.min() < ts.voltage_V.max() < 4.48


def test_time_series_decimal_comma_mpt(external_dir):
    de = read_time_series(external_dir / "yadg/mb.issue_95.de.mpt")
    en = read_time_series(external_dir / "yadg/mb.issue_95.mpt")
    assert len(de) == 33
    np.testing.assert_array_equal(de.voltage_V, en.voltage_V)
    np.testing.assert_array_equal(de.current_A, en.current_A)
    assert de.voltage_V[0] == pytest.approx(2.3278546)


def test_time_series_gamry_and_csv(tmp_path):
    dta = tmp_path / "ca.DTA"
    dta.write_text(
        "EXPLAIN\nTAG\tCHRONOA\nTITLE\tLABEL\tChronoamperometry Scan\tTest &Identifier\n"
        "CURVE\tTABLE\t3\n\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver\n"
        "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits\n"
        "\t0\t0,1\t5,00000E-001\t1,00000E-006\t0\t0\t0\t5\t..........\n"
        "\t1\t0,2\t5,00000E-001\t8,00000E-007\t0\t0\t0\t5\t..........\n"
        "\t2\t0,3\t5,00000E-001\t7,00000E-007\t0\t0\t0\t5\t..........\n",
        encoding="latin-1",
    )
    ts = read_time_series(dta)
    np.testing.assert_allclose(ts.time_s, [0.1, 0.2, 0.3])
    np.testing.assert_allclose(ts.current_A, [1e-6, 8e-7, 7e-7])
    assert ts.voltage_V[0] == 0.5 and ts.metadata["technique"] == "CHRONOA"
    csv = tmp_path / "dc.csv"
    csv.write_text("time_s,current_mA,voltage_V\n0,0.5,0.1\n1,0.25,0.1\n2,0.125,0.1\n")
    ts = read_time_series(csv)
    np.testing.assert_allclose(ts.current_A, [5e-4, 2.5e-4, 1.25e-4])
    bad = tmp_path / "no_current.csv"
    bad.write_text("time_s,voltage_V\n0,0.1\n1,0.1\n")
    with pytest.raises(InputError, match=r"no_current\.csv.*current.*got \['time_s', 'voltage_V'\]"):
        read_time_series(bad)


# ---------------------------------------------------------------- CSV/TXT variants


_F = np.array([1e4, 1e3, 1e2, 10.0, 1.0])
_Z = np.array([10 - 1j, 12 - 5j, 20 - 8j, 30 - 6j, 35 - 9j])


def _write(path, header, rows, sep=",", decimal="."):
    lines = [header] if header is not None else []
    for row in rows:
        lines.append(sep.join(f"{v:.6g}".replace(".", decimal) for v in row))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("header", "sep", "decimal", "stores"),
    [
        ("freq_Hz,Zreal_Ohm,Zimag_Ohm", ",", ".", "z"),
        ("Frequency (Hz);Z' (Ohm);-Z'' (Ohm)", ";", ",", "-z"),
        ("f(Hz)\tRe(Z)/Ohm\tIm(Z)/Ohm", "\t", ".", "z"),
        ("freq Zre -Zim", " ", ".", "-z"),
        ("Freq [Hz]\tZ'\t-Z''(ohm)", "\t", ",", "-z"),
        ("Frequency,Z',Z\"", ",", ".", "z"),
    ],
)
def test_csv_header_variants(tmp_path, header, sep, decimal, stores):
    imag = _Z.imag if stores == "z" else -_Z.imag
    path = _write(tmp_path / "s.csv", header, np.column_stack([_F, _Z.real, imag]), sep, decimal)
    s = read_spectrum(path)
    np.testing.assert_allclose(s.frequency_Hz, _F)
    np.testing.assert_allclose(s.impedance_ohm, _Z)
    assert (s.impedance_ohm.imag < 0).all()


def test_csv_units_modulus_phase_and_sign_override(tmp_path):
    kilo = _write(
        tmp_path / "k.txt",
        "Frequency [kHz]\tZ' [kOhm]\tZ'' [kOhm]",
        np.column_stack([_F / 1e3, _Z.real / 1e3, _Z.imag / 1e3]),
        "\t",
    )
    np.testing.assert_allclose(read_spectrum(kilo).impedance_ohm, _Z)
    np.testing.assert_allclose(read_spectrum(kilo).frequency_Hz, _F)
    named = _write(tmp_path / "after_0.1C_at_60degC.csv", "f,Zre,Zim", np.column_stack([_F, _Z.real, _Z.imag]))
    assert read_spectrum(named).metadata["temperature_K_from_name"] == pytest.approx(333.15)  # not the C-rate
    polar = _write(
        tmp_path / "p.csv", "freq/Hz,|Z|/Ohm,Phase(Z)/deg", np.column_stack([_F, abs(_Z), np.angle(_Z, deg=True)])
    )
    np.testing.assert_allclose(read_spectrum(polar).impedance_ohm, _Z, rtol=1e-5)
    # headerless, stores -Z'' (positive): detected; imag_sign='negative' takes the column as it is
    bare = _write(tmp_path / "bare.txt", None, np.column_stack([_F, _Z.real, -_Z.imag]), "\t")
    detected = read_spectrum(bare)
    np.testing.assert_allclose(detected.impedance_ohm, _Z)
    assert detected.metadata["imag_sign"] == "positive" and detected.metadata["columns"]["frequency"] == "column 1"
    np.testing.assert_allclose(read_spectrum(bare, imag_sign="negative").impedance_ohm, _Z.conj())


def test_majority_sign_ignores_inductive_high_frequencies(tmp_path):
    """R-L + R||C: 60 % of the points (the high-frequency ones) have Z'' > 0, the file stores Z''."""
    f = np.logspace(6, -1, 30)
    w = 2 * np.pi * f
    z = 0.05 + 1j * w * 2e-6 + 1.0 / (1.0 / 2.0 + 1j * w * 0.5)
    assert (z.imag > 0).mean() > 0.5
    path = _write(tmp_path / "ind.csv", None, np.column_stack([f, z.real, z.imag]))
    s = read_spectrum(path)
    assert s.metadata["imag_sign"] == "negative"
    np.testing.assert_allclose(s.impedance_ohm, z, rtol=1e-5)


def test_format_argument_overrides_extension(tmp_path):
    path = _write(tmp_path / "s.xyz", "freq,Zreal,Zimag", np.column_stack([_F, _Z.real, _Z.imag]))
    assert len(read_spectrum(path, format="csv")) == 5
    with pytest.raises(InputError, match=r"s\.xyz.*extension.*\.csv.*\.mpr"):
        read_spectrum(path)
    with pytest.raises(InputError, match=r"format.*biologic-mpr"):
        read_spectrum(path, format="excel")


# ---------------------------------------------------------------- errors


def test_truncated_mpr(external_dir, tmp_path):
    raw = (external_dir / "yadg/peis.mpr").read_bytes()
    cut = tmp_path / "half.mpr"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"half\.mpr.*truncated.*Unexpected end of file"):
        read_spectra(cut)
    junk = tmp_path / "junk.mpr"
    junk.write_bytes(b"not a BioLogic file" * 10)
    with pytest.raises(InputError, match=r"junk\.mpr.*Invalid magic"):
        read_spectra(junk)


def test_nan_and_non_numeric_rows(tmp_path):
    nan = tmp_path / "nan.csv"
    nan.write_text("freq,Zreal,Zimag\n1000,1,-1\n100,nan,-2\n10,3,-3\n1,4,-4\n")
    with pytest.raises(InputError, match=r"nan\.csv.*line 3, column 'Zreal'.*finite"):
        read_spectrum(nan)
    text = tmp_path / "text.csv"
    text.write_text("freq,Zreal,Zimag\n1000,1,-1\n100,2,oops\n10,3,-3\n1,4,-4\n")
    with pytest.raises(InputError, match=r"text\.csv.*line 3, column 'Zimag'.*'oops'"):
        read_spectrum(text)
    empty_field = tmp_path / "gap.csv"
    empty_field.write_text("freq,Zreal,Zimag\n1000,1,-1\n100,,-2\n10,3,-3\n")
    with pytest.raises(InputError, match=r"gap\.csv.*line 3, column 'Zreal'.*empty"):
        read_spectrum(empty_field)


def test_bad_frequencies(tmp_path):
    unordered = tmp_path / "unordered.csv"
    unordered.write_text("freq,Zreal,Zimag\n1000,1,-1\n10,2,-2\n100,3,-3\n1,4,-4\n")
    with pytest.raises(InputError, match=r"unordered\.csv.*monotonic"):
        read_spectrum(unordered)
    negative = tmp_path / "negative.csv"
    negative.write_text("freq,Zreal,Zimag\n1000,1,-1\n100,2,-2\n-10,3,-3\n")
    with pytest.raises(InputError, match=r"negative\.csv.*line 4, column 'freq'.*strictly positive"):
        read_spectrum(negative)
    short = tmp_path / "short.csv"
    short.write_text("freq,Zreal,Zimag\n1000,1,-1\n100,2,-2\n")
    with pytest.raises(InputError, match=r"short\.csv.*at least 3 points"):
        read_spectrum(short)


def test_unrecognised_or_missing_columns(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("alpha,beta,gamma\n1000,1,-1\n100,2,-2\n10,3,-3\n")
    with pytest.raises(InputError, match=r"odd\.csv.*expected a header row.*freq.*got \['alpha', 'beta', 'gamma'\]"):
        read_spectrum(odd)
    partial = tmp_path / "partial.csv"
    partial.write_text("freq,Zreal,foo\n1000,1,-1\n100,2,-2\n10,3,-3\n")
    with pytest.raises(InputError, match=r"partial\.csv.*'foo'"):
        read_spectrum(partial)
    wide = tmp_path / "wide.txt"
    wide.write_text("1000 1 -1 5\n100 2 -2 5\n10 3 -3 5\n")
    with pytest.raises(InputError, match=r"wide\.txt.*3 columns.*4 columns"):
        read_spectrum(wide)


def test_missing_file_and_bad_arguments(tmp_path):
    with pytest.raises(InputError, match=r"nothere\.csv.*existing file"):
        read_spectra(tmp_path / "nothere.csv")
    with pytest.raises(InputError, match=r"imag_sign"):
        read_spectra(tmp_path / "nothere.csv", imag_sign="up")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match=r"empty\.csv.*empty file"):
        read_spectra(empty)
