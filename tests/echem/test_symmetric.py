"""Symmetric Na | electrolyte | Na cells: half-cycles, ASR, overpotential growth, shorts and the CCD.

Synthetic profiles have a known answer (ohmic + interfacial overpotential, nucleation spikes, slow
growth, noise, a short at a known time); the real files are a Na | NASICON | Na plating/stripping run
and a Li | Li2B12H12 | Li cell at 60 C from the yadg test set (../shared/external/yadg/PROVENANCE.md).
Reference values: ASR halved for a symmetric cell (seed 002 Eq. 8); NZSSP, CCD 0.85 mA/cm2 with
4.7 Ohm cm2 at 30 C (seed 004) set the synthetic ramp.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.ccd import critical_current_density
from nassb.echem.segmentation import segment_half_cycles
from nassb.echem.shorts import ShortCriteria, detect_short
from nassb.echem.symmetric import analyse_symmetric_cell


def cycling_profile(
    levels_mA_per_cm2,
    *,
    area_cm2=0.785,
    half_cycle_s=1800.0,
    rest_s=0.0,
    dt_s=10.0,
    R_bulk_ohm=100.0,
    asr_interface_ohm_cm2=200.0,
    anodic_factor=1.0,
    spike_V=0.0,
    spike_tau_s=30.0,
    growth_V_per_h=0.0,
    decay_fraction_per_h=0.0,
    noise_V=0.0,
    void_from_mA_per_cm2=None,
    void_V=0.0,
    short_at_s=None,
    R_short_ohm=0.5,
    telegraph_from_s=None,
    first_sign=-1,
    seed=0,
):
    """Galvanostatic square waves: each level gives one cathodic and one anodic half-cycle.

    |V| = |I| (R_bulk + 2 ASR_int / area) [x anodic_factor on the interfaces for I > 0] x (1 - decay t)
    + spike exp(-t_in / tau) + growth t + void (t_in / duration)^3 at and above `void_from`, with the sign
    of I, plus Gaussian noise; after `short_at_s`: V = I R_short + noise; after `telegraph_from_s` the
    polarisation switches at random between its value and 30 % of it (a soft short).
    """
    rng = np.random.default_rng(seed)
    segments = []
    for level in levels_mA_per_cm2:
        for sign in (first_sign, -first_sign):
            segments.append((sign * level * area_cm2 * 1e-3, half_cycle_s, level))
            if rest_s:
                segments.append((0.0, rest_s, 0.0))
    total = sum(duration for _, duration, _ in segments)
    t = np.arange(0.0, total, dt_s)
    current = np.zeros_like(t)
    voltage = np.zeros_like(t)
    start = 0.0
    for current_A, duration, level in segments:
        inside = (t >= start - 1e-9) & (t < start + duration - 1e-9)
        current[inside] = current_A
        if current_A:
            elapsed = t[inside] - start
            interfaces = 2 * asr_interface_ohm_cm2 / area_cm2 * (anodic_factor if current_A > 0 else 1.0)
            magnitude = abs(current_A) * (R_bulk_ohm + interfaces) * (1 - decay_fraction_per_h * t[inside] / 3600)
            magnitude = magnitude + spike_V * np.exp(-elapsed / spike_tau_s) + growth_V_per_h * t[inside] / 3600
            if void_from_mA_per_cm2 is not None and level >= void_from_mA_per_cm2 - 1e-12:
                magnitude = magnitude + void_V * (elapsed / duration) ** 3
            voltage[inside] = np.sign(current_A) * magnitude
        start += duration
    if telegraph_from_s is not None:
        state = np.cumsum(rng.random(t.size) < 0.3) % 2
        voltage = np.where((t >= telegraph_from_s) & (state == 1), 0.3 * voltage, voltage)
    if short_at_s is not None:
        voltage = np.where(t >= short_at_s, current * R_short_ohm, voltage)
    voltage = voltage + rng.normal(0.0, noise_V, t.size) if noise_V else voltage
    return t, voltage, current


def R_cell(R_bulk_ohm=100.0, asr_interface_ohm_cm2=200.0, area_cm2=0.785):
    return R_bulk_ohm + 2 * asr_interface_ohm_cm2 / area_cm2


# ---------------------------------------------------------------- half-cycles


def test_half_cycles_of_square_wave_with_rests_and_nucleation_spikes():
    t, v, i = cycling_profile([0.1] * 5, rest_s=600.0, spike_V=0.05)
    half_cycles = segment_half_cycles(t, v, i, area_cm2=0.785)
    assert len(half_cycles) == 10
    assert [h.direction for h in half_cycles] == ["cathodic", "anodic"] * 5
    assert [h.cycle for h in half_cycles] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    plateau = 0.1e-3 * 0.785 * R_cell()
    for n, h in enumerate(half_cycles):
        assert h.start_time_s == pytest.approx(n * 2400.0)
        assert h.end_time_s == pytest.approx(n * 2400.0 + 1800.0)
        assert h.current_density_mA_per_cm2 == pytest.approx(0.1, rel=1e-12)
        assert h.areal_capacity_mAh_per_cm2 == pytest.approx(0.1 * 0.5, rel=1e-12)
        assert h.plateau_overpotential_V == pytest.approx(plateau, rel=1e-4)
        assert h.peak_overpotential_V == pytest.approx(plateau + 0.05, rel=1e-9)
        assert h.peak_time_s == pytest.approx(h.start_time_s)
        assert h.final_overpotential_V == pytest.approx(plateau, rel=1e-9)
        assert h.asr_cell_ohm_cm2 == pytest.approx(R_cell() * 0.785, rel=1e-4)


def test_current_levels_and_step_index_split_half_cycles():
    t, v, i = cycling_profile([0.1, 0.2, 0.3], dt_s=5.0)
    half_cycles = segment_half_cycles(t, v, i, area_cm2=0.785)
    assert [round(h.current_density_mA_per_cm2, 9) for h in half_cycles] == [0.1, 0.1, 0.2, 0.2, 0.3, 0.3]
    # a 5 % change of a noisy measured current is a new level; the noise itself is not
    rng = np.random.default_rng(3)
    current = np.where(t < 5400, 1e-4, 1.05e-4) * (1 + 0.02 * rng.normal(size=t.size))
    assert [h.stop_row for h in segment_half_cycles(t, v, current)] == [1080, t.size]
    # the same current in two cycler steps: one half-cycle without the step index, two with it
    current = np.full(t.size, 1e-4)
    step = (t >= 3000).astype(int)
    assert len(segment_half_cycles(t, np.abs(v), current)) == 1
    assert [h.start_row for h in segment_half_cycles(t, np.abs(v), current, step=step)] == [0, 600]


# ---------------------------------------------------------------- derived metrics


def test_asr_from_a_known_resistance_is_halved_for_two_interfaces():
    t, v, i = cycling_profile([0.1] * 4, noise_V=0.5e-3, spike_V=0.03)
    with_bulk = analyse_symmetric_cell(t, v, i, area_cm2=0.785, R_bulk_ohm=100.0)
    assert with_bulk.R_cell_ohm == pytest.approx(R_cell(), rel=0.01)
    assert with_bulk.asr_cell_ohm_cm2 == pytest.approx(R_cell() * 0.785, rel=0.01)
    assert with_bulk.asr_per_interface_ohm_cm2 == pytest.approx(200.0, rel=0.01)
    assert with_bulk.asr_includes_bulk is False
    assert with_bulk.ohmic_drop_V == pytest.approx(0.1e-3 * 0.785 * 100.0, rel=1e-9)
    assert with_bulk.interfacial_share == pytest.approx((R_cell() - 100.0) / R_cell(), rel=0.01)
    without = analyse_symmetric_cell(t, v, i, area_cm2=0.785)
    assert without.asr_per_interface_ohm_cm2 == pytest.approx(R_cell() * 0.785 / 2, rel=0.01)
    assert without.asr_includes_bulk is True
    with pytest.raises(InputError, match="R_bulk_ohm"):
        analyse_symmetric_cell(t, v, i, area_cm2=0.785, R_bulk_ohm=1000.0)


def test_growth_rate_asymmetry_and_hours_of_stable_cycling():
    growth = 2e-3  # V/h
    t, v, i = cycling_profile([0.1] * 10, growth_V_per_h=growth, anodic_factor=1.5, noise_V=0.3e-3, spike_V=0.02)
    analysis = analyse_symmetric_cell(t, v, i, area_cm2=0.785, stable_band_fraction=0.2)
    assert not analysis.short.short_detected
    assert analysis.level_current_density_mA_per_cm2 == pytest.approx(0.1)
    # each cycle (cathodic + anodic) lasts 1 h, so mV/h and mV/cycle agree
    assert analysis.growth_mV_per_h == pytest.approx(2.0, rel=0.02)
    assert analysis.growth_mV_per_cycle == pytest.approx(2.0, rel=0.02)
    assert analysis.growth_mV_per_h_stderr < 0.05
    current = 0.1e-3 * 0.785
    cathodic = current * R_cell()
    anodic = current * (100.0 + 1.5 * 2 * 200.0 / 0.785)
    # anodic half-cycles come 0.5 h later in each cycle: growth adds 1 mV to the difference of medians
    assert analysis.asymmetry_mV == pytest.approx((anodic - cathodic) * 1e3 + 1.0, abs=0.2)
    assert analysis.asymmetry_ratio == pytest.approx((anodic + 10.5e-3) / (cathodic + 9.5e-3), rel=0.01)
    # the band is on |V|/|I| of the first two half-cycles; find the first one that leaves +-20 %
    mids = np.arange(20) * 1800.0 + 900.0
    expected_R = (np.where(np.arange(20) % 2, anodic, cathodic) + growth * mids / 3600) / current
    early = np.median(expected_R[:2])
    first_out = int(np.flatnonzero(np.abs(expected_R - early) > 0.2 * early)[0])
    assert analysis.stability_limit == "band"
    assert analysis.stable_hours == pytest.approx(first_out * 0.5)
    steady = analyse_symmetric_cell(*cycling_profile([0.1] * 4, noise_V=0.3e-3), area_cm2=0.785)
    assert steady.stable_until_end and steady.stable_hours == pytest.approx(4.0, abs=0.01)
    assert json.loads(json.dumps(analysis.to_dict()))["short"]["short_detected"] is False


# ---------------------------------------------------------------- short circuits


@pytest.mark.parametrize("short_at_s", [5432.3, 5400.0])
def test_hard_short_is_found_within_one_sample(short_at_s):
    t, v, i = cycling_profile([0.1] * 5, noise_V=0.5e-3, spike_V=0.03, dt_s=10.0, short_at_s=short_at_s)
    short = detect_short(t, v, i)
    assert short.short_detected and short.criterion == "collapse"
    assert 0 <= short.short_time_s - short_at_s <= 10.0
    assert short.half_cycle_index == int(short_at_s // 1800)
    assert short.resistance_before_ohm == pytest.approx(R_cell(), rel=0.05)
    assert short.resistance_after_ohm < 20.0
    analysis = analyse_symmetric_cell(t, v, i, area_cm2=0.785)
    assert analysis.stability_limit == "short"
    assert analysis.stable_hours == pytest.approx(short.short_time_s / 3600)
    assert all(h.after_short for h in analysis.half_cycles[short.half_cycle_index + 1 :])


def test_noisy_profile_without_short_is_not_flagged():
    # noise 10 % of the polarisation, nucleation spikes, growth, an interface that conditions (-40 %
    # over the run), and a first point of every half-cycle near zero (RC charging) are not shorts
    t, v, i = cycling_profile(
        [0.1] * 12, noise_V=5e-3, spike_V=0.05, growth_V_per_h=1e-3, decay_fraction_per_h=0.033, dt_s=10.0
    )
    v[np.flatnonzero(np.diff(np.sign(i)) != 0) + 1] *= 0.05
    short = detect_short(t, v, i)
    assert not short.short_detected, short.description
    assert short.criterion is None and short.short_time_s is None
    # a short-resistance criterion only flags a cell when its |V|/|I| really falls below it
    assert not detect_short(t, v, i, criteria=ShortCriteria(short_resistance_ohm=50.0)).short_detected
    assert detect_short(t, v, i, criteria=ShortCriteria(short_resistance_ohm=2000.0)).criterion == "resistance"


def test_soft_short_shows_as_telegraph_noise():
    t, v, i = cycling_profile([0.1] * 6, noise_V=0.3e-3, dt_s=10.0, telegraph_from_s=8130.0, seed=4)
    short = detect_short(t, v, i)
    assert short.short_detected and short.criterion == "noise"
    assert 8130.0 <= short.short_time_s <= 8130.0 + 20 * 10.0
    assert short.noise_ratio > 4.0


# ---------------------------------------------------------------- critical current density

RAMP = [round(0.05 * k, 2) for k in range(1, 21)]  # 0.05 ... 1.0 mA/cm2
# NZSSP-like cell (seed 004): 4.7 Ohm cm2 per interface, 1 mm pellet at 1 mS/cm on 0.785 cm2
ASR_NZSSP, R_BULK = 4.7, 0.1 / (1e-3 * 0.785)


def ramp_profile(**kwargs):
    options = dict(
        half_cycle_s=300.0,
        dt_s=1.0,
        R_bulk_ohm=R_BULK,
        asr_interface_ohm_cm2=ASR_NZSSP,
        noise_V=0.1e-3,
        spike_V=2e-3,
        spike_tau_s=5.0,
    )
    options.update(kwargs)
    return cycling_profile(RAMP, **options)


@pytest.mark.parametrize("offset_s", [150.4, 0.0, 300.0])
def test_ccd_is_the_step_with_the_short(offset_s):
    step_start = RAMP.index(0.85) * 600.0
    t, v, i = ramp_profile(short_at_s=step_start + offset_s)
    result = critical_current_density(t, v, i, area_cm2=0.785, R_bulk_ohm=R_BULK)
    assert result.ccd_mA_per_cm2 == pytest.approx(0.85)
    assert not result.ccd_lower_bound and result.short_detected
    assert result.criterion.startswith("short (collapse)")
    assert 0 <= result.short_time_s - (step_start + offset_s) <= 1.0
    assert result.last_stable_mA_per_cm2 == pytest.approx(0.8)
    assert len(result.steps) == RAMP.index(0.85) + 1 and result.steps[-1].failed
    expected = [j * (R_BULK * 0.785 + 2 * ASR_NZSSP) for j in RAMP[:17]]  # mV = mA/cm2 x Ohm cm2
    assert [s.overpotential_mV for s in result.steps[:-1]] == pytest.approx(expected[:-1], rel=0.02, abs=0.05)
    # ohmic check: the slope is the cell ASR; minus the bulk and halved it is the interface's
    assert result.asr_cell_ohm_cm2 == pytest.approx(R_BULK * 0.785 + 2 * ASR_NZSSP, rel=0.01)
    assert result.asr_per_interface_ohm_cm2 == pytest.approx(ASR_NZSSP, rel=0.01)
    assert result.r_squared > 0.999
    document = json.loads(json.dumps(result.to_dict()))
    assert {"ccd_mA_per_cm2", "criterion", "short_detected", "short_time_s", "steps"} <= set(document)
    assert set(document["steps"][0]) >= {"current_mA_per_cm2", "overpotential_mV"}


def test_ccd_without_a_short_is_a_lower_bound():
    t, v, i = ramp_profile()
    result = critical_current_density(t, v, i, area_cm2=0.785)
    assert result.ccd_lower_bound and not result.short_detected
    assert result.ccd_mA_per_cm2 == pytest.approx(1.0) and result.short_time_s is None
    assert "lower bound" in result.criterion
    assert [s.current_mA_per_cm2 for s in result.steps] == pytest.approx(RAMP)
    assert result.asr_per_interface_ohm_cm2 == pytest.approx((R_BULK * 0.785 + 2 * ASR_NZSSP) / 2, rel=0.01)
    assert result.asr_includes_bulk


def test_ccd_from_voltage_limit_or_diverging_overpotential():
    t, v, i = ramp_profile(void_from_mA_per_cm2=0.6, void_V=1.0)
    by_limit = critical_current_density(t, v, i, area_cm2=0.785, voltage_limit_V=0.5)
    assert by_limit.ccd_mA_per_cm2 == pytest.approx(0.6) and by_limit.criterion.startswith("voltage limit")
    assert not by_limit.short_detected
    by_divergence = critical_current_density(t, v, i, area_cm2=0.785, divergence_fraction=0.5)
    assert by_divergence.ccd_mA_per_cm2 == pytest.approx(0.6) and by_divergence.criterion.startswith("divergence")
    assert by_divergence.steps[-2].rise_fraction < 0.05
    assert critical_current_density(t, v, i, area_cm2=0.785).ccd_lower_bound


def test_input_errors_name_the_field():
    t, v, i = cycling_profile([0.1], dt_s=60.0)
    with pytest.raises(InputError, match="time_s/voltage_V/current_A"):
        segment_half_cycles(t, v[:-1], i)
    with pytest.raises(InputError, match="row 3"):
        segment_half_cycles(np.r_[t[:3], t[1:]], np.r_[v[:3], v[1:]], np.r_[i[:3], i[1:]])
    bad = v.copy()
    bad[5] = np.nan
    with pytest.raises(InputError, match="voltage_V"):
        detect_short(t, bad, i)
    with pytest.raises(InputError, match="area_cm2"):
        critical_current_density(t, v, i, area_cm2=0.0)
    with pytest.raises(InputError, match="current_A"):
        critical_current_density(t, v, np.zeros_like(i), area_cm2=1.0)
    with pytest.raises(InputError, match="collapse_fraction"):
        ShortCriteria(collapse_fraction=1.5)


# ---------------------------------------------------------------- real files


def read_mpr(path):
    galvani = pytest.importorskip("galvani.BioLogic")
    data = galvani.MPRfile(str(path)).data
    return data


def test_real_na_nasicon_na_plating_run(external_dir):
    """Na | NASICON | Na, -78.54 uA (0.1 mA/cm2 on 0.785 cm2), 1 s sampling. The polarisation rises from
    0.16 to 0.59 V (stripping voids at low stack pressure) and then collapses to ~0.1 mV at t = 2254 s while
    the current still flows: the record shows a short circuit, and it is found there."""
    data = read_mpr(external_dir / "yadg" / "mb.issue_218.mpr")
    t, v = data["time/s"], data["Ewe/V"]
    analysis = analyse_symmetric_cell(t, v, data["control/mA"] * 1e-3, area_cm2=0.785)
    assert len(analysis.half_cycles) == 1
    h = analysis.half_cycles[0]
    assert h.direction == "cathodic" and h.start_time_s == pytest.approx(10.0, abs=0.01)
    assert h.current_density_mA_per_cm2 == pytest.approx(0.1, rel=1e-3)
    assert 0.15 < np.abs(v[12:20]).min() < 0.2 < h.plateau_overpotential_V < h.peak_overpotential_V < 0.6
    assert h.peak_overpotential_V == pytest.approx(0.591, abs=0.001) and h.contains_short
    assert analysis.short.short_detected and analysis.short.criterion == "collapse"
    assert analysis.short.short_time_s == pytest.approx(2254.0, abs=1.0)
    assert analysis.short.resistance_before_ohm > 5000 and analysis.short.resistance_after_ohm < 5
    assert h.areal_capacity_mAh_per_cm2 == pytest.approx(0.1 * (2254.0 - 10.0) / 3600, rel=1e-3)
    # the measured current (7 % noise) finds the same short
    measured = detect_short(t, v, data["I/mA"] * 1e-3, level_tolerance=0.1)
    assert measured.short_time_s == pytest.approx(2254.0, abs=1.0)


def test_real_li_borohydride_symmetric_cell(external_dir):
    """Li | Li2B12H12 | Li at 60 C, +-11 uA for 12 h each, 120 s sampling, 16 days: no short."""
    data = read_mpr(external_dir / "yadg" / "gcpl.mpr")
    t, v, i = data["time/s"], data["Ewe/V"], data["control/V/mA"] * 1e-3
    analysis = analyse_symmetric_cell(t, v, i)
    half_cycles = analysis.half_cycles
    assert len(half_cycles) == 32
    assert sorted({round(h.current_A * 1e6, 3) for h in half_cycles}) == [-11.0, 11.0]
    assert [h.direction for h in half_cycles] == ["cathodic", "anodic"] * 16
    assert [h.end_time_s - h.start_time_s for h in half_cycles[:-1]] == pytest.approx([43200.0] * 31, abs=1.0)
    assert not analysis.short.short_detected and analysis.stable_until_end
    assert all(0.09 < h.plateau_overpotential_V < 0.12 for h in half_cycles)
    assert analysis.growth_mV_per_h == pytest.approx(0.0217, rel=0.1)
    assert abs(analysis.asymmetry_mV) < 2.0
