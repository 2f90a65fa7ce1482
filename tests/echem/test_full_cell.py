"""Full-cell cycling metrics: synthetic records with known answers, and two real BioLogic GCPL files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.full_cell import (
    METHODS,
    areal_capacity_mAh_per_cm2_from_c_rate,
    assign_cycles,
    c_rate_from_current,
    c_rate_from_current_density,
    capacity_retention,
    current_A_from_c_rate,
    current_density_mA_per_cm2_from_c_rate,
    cycle_capacities,
    differential_capacity,
    summarise_cycling,
    utilisation,
)


def _step(rng, duration_s, current_A, v_start, v_end, n=200):
    """One constant-current step sampled at irregular times, with points at both ends."""
    t = np.sort(np.r_[0.0, rng.uniform(0.0, duration_s, n - 2), duration_s])
    return t, v_start + (v_end - v_start) * t / duration_s, np.full(n, current_A)


def _record(steps, seed=0):
    """Concatenate (duration_s, current_A, v_start, v_end) steps; a step edge repeats its time (dt = 0)."""
    rng = np.random.default_rng(seed)
    times, volts, amps, start = [], [], [], 0.0
    for duration, current, v0, v1 in steps:
        t, v, i = _step(rng, duration, current, v0, v1)
        times.append(t + start)
        volts.append(v)
        amps.append(i)
        start += duration
    return np.concatenate(times), np.concatenate(volts), np.concatenate(amps)


@pytest.mark.parametrize("method", METHODS)
def test_constant_current_step_capacity_with_irregular_sampling(method):
    t, v, i = _record([(3600.0, 1e-3, 3.0, 3.6)])
    (cycle,) = cycle_capacities(t, v, i, method=method)
    assert cycle.charge_mAh == pytest.approx(1.0, rel=1e-3)
    assert cycle.discharge_mAh == 0.0 and not cycle.complete and cycle.coulombic_efficiency is None


@pytest.mark.parametrize("method", METHODS)
def test_coulombic_efficiency_of_a_cycle_with_a_known_loss(method):
    # rest, charge 1.000 mAh, rest, discharge 0.970 mAh: CE = 0.97 whichever integration rule
    t, v, i = _record([(600, 0.0, 2.5, 2.5), (3600, 1e-3, 2.5, 3.8), (600, 0.0, 3.7, 3.7), (3600, -0.97e-3, 3.7, 2.0)])
    cycles = cycle_capacities(t, v, i, active_mass_mg=5.0, area_cm2=0.5, method=method)
    (cycle,) = [c for c in cycles if c.complete]
    assert cycle.charge_mAh == pytest.approx(1.0, rel=1e-6)
    assert cycle.discharge_mAh == pytest.approx(0.97, rel=1e-6)
    assert cycle.coulombic_efficiency == pytest.approx(0.97, rel=1e-6)
    assert cycle.discharge_mAh_per_g == pytest.approx(194.0, rel=1e-6)
    assert cycle.charge_mAh_per_cm2 == pytest.approx(2.0, rel=1e-6)
    # anode-first convention: the same data read as discharge-then-charge cycles
    flipped = cycle_capacities(t, v, -i, first_step="discharge", method=method)
    (anode,) = [c for c in flipped if c.complete]
    assert anode.coulombic_efficiency == pytest.approx(0.97, rel=1e-6)


def test_sparse_logging_at_a_step_edge_trapezoid_versus_hold():
    # 1 mA for 3600 s, then a rest logged only 600 s later (as EC-Lab does): the trapezoid smears
    # half of that interval's current into the rest, the hold rule does not.
    t = np.array([0.0, 1800.0, 3600.0, 4200.0])
    i = np.array([1e-3, 1e-3, 1e-3, 0.0])
    v = np.array([3.0, 3.3, 3.6, 3.4])
    hold = cycle_capacities(t, v, i, method="hold")[0].charge_mAh
    trapezoid = cycle_capacities(t, v, i, method="trapezoid")[0].charge_mAh
    assert hold == pytest.approx(1.0, rel=1e-12)
    assert trapezoid == pytest.approx(1.0 + 300.0 / 3600.0, rel=1e-12)


def test_charge_and_discharge_split_at_the_zero_crossing():
    # current ramps linearly from +1 mA to -1 mA over 7200 s: 0.5 mAh in, 0.5 mAh out
    t = np.linspace(0.0, 7200.0, 7)
    i = np.linspace(1e-3, -1e-3, 7)
    (cycle,) = cycle_capacities(t, np.full(7, 3.0), i)
    assert cycle.charge_mAh == pytest.approx(0.5, rel=1e-12)
    assert cycle.discharge_mAh == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_energy_of_a_linear_voltage_ramp(method):
    # 2 mA for 1 h while V rises 3.0 -> 4.0 V: E = I t (V0 + V1) / 2 = 7.0 mWh; then discharge 4.0 -> 3.0 V
    t, v, i = _record([(3600, 2e-3, 3.0, 4.0), (3600, -2e-3, 4.0, 3.0)])
    (cycle,) = cycle_capacities(t, v, i, active_mass_mg=10.0, method=method)
    assert cycle.charge_energy_Wh == pytest.approx(7.0e-3, rel=1e-9)
    assert cycle.discharge_energy_Wh == pytest.approx(7.0e-3, rel=1e-9)
    assert cycle.mean_discharge_voltage_V == pytest.approx(3.5, rel=1e-9)
    assert cycle.discharge_energy_Wh_per_kg == pytest.approx(700.0, rel=1e-9)


def test_retention_and_fade_of_a_linear_fade():
    # 11 cycles, discharge capacity 1.0 mAh falling by 0.3 % of the first per cycle; charge 2 % above it
    steps = []
    for n in range(11):
        q = 1.0 * (1 - 0.003 * n)
        steps += [(3600 * q / 0.98, 1e-3, 3.0, 4.0), (300, 0.0, 3.9, 3.9), (3600 * q, -1e-3, 4.0, 3.0)]
    t, v, i = _record(steps)
    summary = summarise_cycling(t, v, i, active_mass_mg=8.0, theoretical_capacity_mAh_per_g=140.0)
    assert [c.cycle for c in summary.cycles] == list(range(1, 12))
    assert summary.reference_cycle == 1 and summary.last_cycle == 11
    assert summary.retention_percent == pytest.approx(97.0, rel=1e-6)
    assert summary.fade_percent_per_cycle == pytest.approx(0.3, rel=1e-5)
    assert summary.cycles[0].discharge_mAh_per_g == pytest.approx(125.0, rel=1e-6)
    assert summary.utilisation == pytest.approx(125.0 / 140.0, rel=1e-6)
    assert all(c.coulombic_efficiency == pytest.approx(0.98, rel=1e-6) for c in summary.cycles)
    data = json.loads(json.dumps(summary.to_dict(), allow_nan=False))
    assert data["cycles"][4]["cycle"] == 5 and data["coulombic_efficiency_convention"] == "discharge/charge"
    # a chosen reference cycle, and the function on its own
    later = summarise_cycling(t, v, i, reference_cycle=6)
    assert later.retention_percent == pytest.approx(100 * 0.97 / 0.985, rel=1e-6)
    with pytest.raises(InputError, match="reference_cycle"):
        summarise_cycling(t, v, i, reference_cycle=99)
    direct = capacity_retention([1, 2, 3, 4], [2.0, 1.9, 1.8, 1.7])
    assert (direct.retention_percent, direct.fade_percent_per_cycle) == pytest.approx((85.0, 5.0))


def test_assign_cycles_follows_the_first_step_convention():
    # rest, discharge, rest, charge, discharge, charge (as a cathode cell that starts discharged)
    i = np.array([0, -1, -1, 0, 1, 1, -1, -1, 0, 1], dtype=float)
    assert assign_cycles(i).tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 2]
    assert assign_cycles(i, first_step="discharge").tolist() == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]


def test_dqdv_peak_sits_at_the_plateau_voltage():
    # Q(V) = Q0 / (1 + exp(-(V - 3.20)/w)) + sloping background: a plateau (dQ/dV peak) at 3.20 V of height Q0/(4w)
    q0, width, slope = 1.0, 0.02, 0.2
    voltage = np.linspace(2.8, 3.6, 4000)
    capacity = q0 / (1 + np.exp(-(voltage - 3.20) / width)) + slope * (voltage - 2.8)
    current = 1e-3
    t = capacity * 3.6 / current
    noisy = voltage + np.random.default_rng(1).normal(0, 2e-4, voltage.size)
    result = differential_capacity(
        t, noisy, np.full(t.size, current), cycle_number=1, direction="charge", smoothing_window_V=0.02
    )
    assert result.peak_voltage_V == pytest.approx(3.20, abs=0.002)
    assert result.dQdV_mAh_per_V.max() == pytest.approx(q0 / (4 * width) + slope, rel=0.03)
    assert np.trapezoid(result.dQdV_mAh_per_V, result.voltage_V) == pytest.approx(capacity[-1] - capacity[0], rel=0.01)
    # the mirror-image discharge gives the same peak with negative dQ/dV
    down = differential_capacity(t, noisy[::-1], np.full(t.size, -current), cycle_number=0, direction="discharge")
    assert down.peak_voltage_V == pytest.approx(3.20, abs=0.002)
    assert down.dQdV_mAh_per_V.min() < 0 and len(down.to_dict()["voltage_V"]) == down.voltage_V.size


def test_c_rate_conversions_and_the_seed_example():
    # 003 section 5.3.2: NaCrO2 infiltrated cathode cycled at 5C = 4.5 mA/cm2, hence 0.9 mAh/cm2
    assert current_density_mA_per_cm2_from_c_rate(5, 0.9) == pytest.approx(4.5)
    assert areal_capacity_mAh_per_cm2_from_c_rate(4.5, 5) == pytest.approx(0.9)
    assert c_rate_from_current_density(4.5, 0.9) == pytest.approx(5.0)
    assert current_A_from_c_rate(0.5, 2.0) == pytest.approx(1e-3)
    assert c_rate_from_current(-1e-3, 2.0) == pytest.approx(0.5)
    assert utilisation(120.0, 125.0) == pytest.approx(0.96)
    with pytest.raises(InputError, match="capacity_mAh"):
        current_A_from_c_rate(1.0, 0.0)


def test_bad_inputs_are_input_errors():
    t, v, i = _record([(3600, 1e-3, 3.0, 3.6)])
    with pytest.raises(InputError, match="non-decreasing"):
        cycle_capacities(t[::-1], v, i)
    with pytest.raises(InputError, match="first_step"):
        cycle_capacities(t, v, i, first_step="up")
    with pytest.raises(InputError, match="method"):
        cycle_capacities(t, v, i, method="simpson")
    with pytest.raises(InputError, match="zero current"):
        cycle_capacities(t, v, np.zeros_like(i))
    with pytest.raises(InputError, match="equal length"):
        cycle_capacities(t, v[:-1], i)
    with pytest.raises(InputError, match="cycle"):
        cycle_capacities(t, v, i, cycle=[1, 2])


# ---------------------------------------------------------------- real BioLogic files (galvani directly)

NAVANI = "navani/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"  # NaCoO2 cathode vs Na, 2.0-3.8 V at C/24
YADG = "yadg/gcpl.pr_182.1.mpr"  # Na-ion anode half cell (Ewe 0.004-1.16 V), NaPF6 EC:PC + FEC, CC then CV holds


def _read_mpr(path):
    """time_s, Ewe/V, current_A (+ = charge) and the raw table of a GCPL .mpr.

    galvani's table has no measured-current column here: in CC mode (flags & 3 == 1) the current is the
    control set-point (mA); at rest (mode 3) it is zero (the control column then holds the next set-point);
    in CV mode (2) it is the instrument's dq over the interval divided by its duration.
    """
    from galvani.BioLogic import MPRfile

    data = MPRfile(str(path)).data
    t = data["time/s"].astype(float)
    mode = data["flags"] & 3
    dt = np.diff(t, prepend=t[0])
    mean_current = np.divide(data["dq/mA.h"] * 3.6, dt, out=np.zeros_like(dt), where=dt > 0)
    current = np.where(mode == 1, data["control/V/mA"] / 1000.0, np.where(mode == 3, 0.0, mean_current))
    return t, data["Ewe/V"].astype(float), current, data


def _instrument_capacity(data, cycles):
    """(cycle, 'charge'|'discharge') -> |Q| at the end of each EC-Lab half cycle, from 'Q charge/discharge/mA.h'."""
    out = {}
    for half in np.unique(data["half cycle"]):
        last = np.flatnonzero(data["half cycle"] == half)[-1]
        q = float(data["Q charge/discharge/mA.h"][last])
        out[(int(cycles[last]), "charge" if q > 0 else "discharge")] = abs(q)
    return out


@pytest.fixture(scope="module")
def navani(external_dir):
    return _read_mpr(external_dir / NAVANI)


@pytest.fixture(scope="module")
def yadg(external_dir):
    return _read_mpr(external_dir / YADG)


def _compare_with_instrument(record, first_step, method, tolerance):
    t, v, i, data = record
    cycles = assign_cycles(i, first_step=first_step)
    instrument = _instrument_capacity(data, cycles)
    ours = {}
    for c in cycle_capacities(t, v, i, first_step=first_step, method=method):
        ours.update({(c.cycle, "charge"): c.charge_mAh, (c.cycle, "discharge"): c.discharge_mAh})
    for key, q in instrument.items():
        assert ours[key] == pytest.approx(q, rel=tolerance), key


@pytest.mark.parametrize(("method", "tolerance"), [("trapezoid", 0.01), ("hold", 0.001)])
def test_navani_nacoo2_capacity_matches_the_instrument(navani, method, tolerance):
    _compare_with_instrument(navani, "charge", method, tolerance)


@pytest.mark.parametrize(("method", "tolerance"), [("trapezoid", 0.01), ("hold", 0.001)])
def test_yadg_na_ion_capacity_matches_the_instrument(yadg, method, tolerance):
    _compare_with_instrument(yadg, "discharge", method, tolerance)


def test_navani_nacoo2_cycles(navani):
    t, v, i, data = navani
    # cycle numbers reproduce EC-Lab's (half cycle // 2): an initial discharge (cycle 0), then 6 charge/discharge
    # cycles (the file name's "5cycles" is the technique's loop count: 5 repeats = 6 cycles)
    assert np.array_equal(assign_cycles(i), data["half cycle"] // 2)
    summary = summarise_cycling(t, v, i)
    complete = [c for c in summary.cycles if c.complete]
    assert [c.cycle for c in complete] == [1, 2, 3, 4, 5, 6]
    assert all(0.8 < c.coulombic_efficiency < 1.05 for c in complete)
    assert complete[0].coulombic_efficiency == pytest.approx(0.8529 / 0.9868, rel=2e-3)
    assert all(2.8 < c.mean_discharge_voltage_V < 3.0 for c in complete)
    assert summary.retention_percent == pytest.approx(100 * 0.87949 / 0.85285, rel=2e-3)
    discharge = differential_capacity(t, v, i, cycle_number=1, direction="discharge")
    assert np.trapezoid(discharge.dQdV_mAh_per_V, discharge.voltage_V) == pytest.approx(
        -complete[0].discharge_mAh, rel=0.01
    )


def test_yadg_na_ion_cycles(yadg):
    t, v, i, data = yadg
    # EC-Lab numbering (cycles start on a charge): 5 cycles 0-4, of which 1-3 hold both halves
    charge_first = cycle_capacities(t, v, i)
    assert [c.cycle for c in charge_first] == [0, 1, 2, 3, 4]
    assert np.array_equal(assign_cycles(i), data["half cycle"] // 2)
    # the anode's own convention (sodiate, then desodiate): 4 complete cycles, CE = charge / discharge
    summary = summarise_cycling(t, v, i, first_step="discharge")
    assert summary.coulombic_efficiency_convention == "charge/discharge"
    assert [c.cycle for c in summary.cycles if c.complete] == [1, 2, 3, 4]
    efficiencies = [c.coulombic_efficiency for c in summary.cycles]
    assert all(0.8 < ce < 1.05 for ce in efficiencies)
    assert efficiencies[0] == pytest.approx(2.6161 / 3.2520, rel=0.01)  # first-cycle loss to the SEI
    assert efficiencies == sorted(efficiencies)
    # energy within 2 % of EC-Lab's, which sums Ewe_i I_i dt_i over 600 s samples (we average V per interval)
    energy = float(data["Energy discharge/W.h"][np.flatnonzero(data["half cycle"] == 0)[-1]])
    assert summary.cycles[0].discharge_energy_Wh == pytest.approx(energy, rel=0.02)
