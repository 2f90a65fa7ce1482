"""nassb single-ion rate model against PyBaMM's DFN on a C-rate sweep: wall time and delivered capacity.

Design: the NaCrO2-like composite of the tests (60 um, active fraction 0.5, radius 2.5 um, 0.9 mAh/cm2, 3.0 V
mean OCV, slope 0.3 V, D 1e-11 cm2/s, i0 0.1 mA/cm2, kappa_eff 1e-4 S/cm, sigma_eff 1e-2 S/cm, R_sep 20 Ohm cm2,
cut-off 2.0 V), discharged at each `--rates` C-rate.

Pipelines, each from the parameters to the per-rate discharge curves:
- nassb: `simulate_discharge(..., model="single-ion")`, timed cold (the model built and discretised in the
  timed call, as the first call in a process) and warm (the built model reused, as in later calls).
- DFN, per rate: `simulate_discharge(..., model="dfn")`, a `pybamm.Simulation` per C-rate on PyBaMM's default
  mesh with its default (IDAKLU) solver, as a user would run it, overpotential post-processing included.
- DFN, built once: one `pybamm.Simulation` with "Current function [A]" as an input parameter, then one solve
  per C-rate reading the discharge capacity only; build included.
Both models share the one `import pybamm`, done (and timed) before any run. Each pipeline is timed `--repeat`
times, best reported; peak memory is one more run under tracemalloc (Python allocations only).
speed-up = DFN time / nassb time; capacity difference = (nassb - DFN) / DFN at each rate.

Run: python benchmarks/cell_rate_sweep.py [--rates 0.1 0.2 0.5 1 2 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from _measure import peak_memory_MiB

from nassb.cell import rate_model
from nassb.cell.rate_model import RateModelParameters, simulate_discharge

DESIGN = RateModelParameters(
    temperature_K=298.15,
    cathode_thickness_cm=60e-4,
    active_volume_fraction=0.5,
    particle_radius_cm=2.5e-4,
    areal_capacity_mAh_per_cm2=0.9,
    average_voltage_V=3.0,
    ocv_slope_V=0.3,
    solid_diffusivity_cm2_per_s=1e-11,
    exchange_current_density_mA_per_cm2=0.1,
    ionic_conductivity_eff_S_per_cm=1e-4,
    electronic_conductivity_eff_S_per_cm=1e-2,
    separator_resistance_ohm_cm2=20.0,
    lower_cutoff_V=2.0,
)


def nassb_cold(rates: list[float]) -> list[float]:
    rate_model._BUILT.clear()
    return [r.delivered_capacity_mAh_per_cm2 for r in simulate_discharge(DESIGN, rates)]


def nassb_warm(rates: list[float]) -> list[float]:
    return [r.delivered_capacity_mAh_per_cm2 for r in simulate_discharge(DESIGN, rates)]


def dfn_per_rate(rates: list[float]) -> list[float]:
    return [r.delivered_capacity_mAh_per_cm2 for r in simulate_discharge(DESIGN, rates, model="dfn")]


def dfn_built_once(rates: list[float]) -> list[float]:
    import pybamm

    parameters = rate_model.dfn_parameter_values(DESIGN)
    simulation = pybamm.Simulation(rate_model.dfn_model(), parameter_values=parameters)
    capacities = []
    for c_rate in rates:
        current_mA = c_rate * DESIGN.areal_capacity_mAh_per_cm2
        solution = simulation.solve(
            [0.0, 3600.0 * (1 - DESIGN.initial_stoichiometry) / c_rate],
            inputs={"Current function [A]": current_mA * 1e-3},
        )
        capacities.append(1e3 * float(solution["Discharge capacity [A.h]"].entries[-1]))
    return capacities


def best_time(call, rates: list[float], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        capacities = call(rates)
        times.append(time.perf_counter() - start)
    return min(times), capacities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.1, 0.2, 0.5, 1.0, 2.0, 5.0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rates = args.rates

    start = time.perf_counter()
    pybamm = rate_model._import_pybamm()
    print(
        f"pybamm {pybamm.__version__}: import {time.perf_counter() - start:.2f} s (shared by both models, not counted)"
    )
    print(
        f"{len(rates)} C-rates {rates}; best of {args.repeat}; single-ion mesh x {rate_model.MESH_X}, "
        f"r {rate_model.MESH_R}; DFN default mesh"
    )

    pipelines = {
        "nassb cold": nassb_cold,
        "nassb warm": nassb_warm,
        "DFN per rate": dfn_per_rate,
        "DFN built once": dfn_built_once,
    }
    timings = {name: best_time(call, rates, args.repeat) for name, call in pipelines.items()}
    memory = {name: peak_memory_MiB(call, rates) for name, call in pipelines.items()}

    ours = np.array(timings["nassb cold"][1])
    reference = np.array(timings["DFN per rate"][1])
    print(f"{'C-rate':>7s} {'nassb mAh/cm2':>14s} {'DFN mAh/cm2':>12s} {'diff %':>7s}")
    for c_rate, a, b in zip(rates, ours, reference):
        print(f"{c_rate:7.2f} {a:14.4f} {b:12.4f} {100 * (a / b - 1):7.2f}")
    once = np.array(timings["DFN built once"][1])
    print(
        f"max |capacity difference| vs DFN per rate {100 * np.max(np.abs(ours / reference - 1)):.2f} %, "
        f"vs DFN built once {100 * np.max(np.abs(ours / once - 1)):.2f} %"
    )
    print(f"{'pipeline':16s} {'wall s':>8s} {'peak MiB':>9s}")
    for name, (seconds, _) in timings.items():
        print(f"{name:16s} {seconds:8.3f} {memory[name]:9.1f}")
    for peer in ("DFN per rate", "DFN built once"):
        for mine in ("nassb cold", "nassb warm"):
            print(f"speed-up {mine} vs {peer}: {timings[peer][0] / timings[mine][0]:6.1f}x")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
