"""Write the synthetic temperature series in `synthetic-series/`: a blocking-electrode pellet whose
bulk and grain-boundary conductivities follow known Arrhenius laws, measured 7 MHz to 0.1 Hz with complex
noise of 0.5% of |Z|. The fitted activation energies must come back as the ones set here (the demo and the tests
use it). Run from the repository root: `python examples/eis/make_synthetic_series.py`.

Pellet and material (chosen to look like a NASICON-type oxide measured below room temperature, so
that the bulk arc stays inside the frequency window):
  thickness 0.1 cm, area 0.785 cm2 (10 mm diameter);
  bulk: sigma*T = A exp(-Ea/kT), Ea = 0.32 eV, sigma(298.15 K) = 5e-5 S/cm, C = 2.1e-11 F (eps_r 30), n = 0.95;
  grain boundary: Ea = 0.45 eV, R_gb(298.15 K) = 3 R_bulk(298.15 K), C = 2.1e-9 F, n = 0.85;
  electrode: CPE Q = 2e-6 F s^(n-1), n = 0.9.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from nassb.core.constants import BOLTZMANN_EV_PER_K
from nassb.echem.circuits import parse_circuit

CIRCUIT = "p(R1,CPE1)-p(R2,CPE2)-CPE3"
THICKNESS_CM = 0.1
AREA_CM2 = 0.785
BULK_EA_EV = 0.32
GB_EA_EV = 0.45
SIGMA_BULK_298_S_PER_CM = 5e-5
GB_TO_BULK_RESISTANCE_298 = 3.0
TEMPERATURES_K = np.arange(213.0, 294.0, 10.0)
FREQUENCY_HZ = np.logspace(np.log10(7e6), -1, 79)
NOISE = 0.005


def resistance_ohm(R_298_ohm: float, Ea_eV: float, temperature_K: float) -> float:
    """R(T) of a contribution whose sigma*T follows Arrhenius with activation energy Ea_eV."""
    sigma_ratio = (298.15 / temperature_K) * np.exp(-Ea_eV / BOLTZMANN_EV_PER_K * (1.0 / temperature_K - 1.0 / 298.15))
    return R_298_ohm / sigma_ratio


def main(folder: Path = Path(__file__).parent / "synthetic-series") -> None:
    folder.mkdir(exist_ok=True)
    circuit = parse_circuit(CIRCUIT)
    rng = np.random.default_rng(20261122)
    R_bulk_298 = THICKNESS_CM / (SIGMA_BULK_298_S_PER_CM * AREA_CM2)
    manifest = [("file", "temperature_K")]
    for temperature_K in TEMPERATURES_K:
        parameters = {
            "R1": resistance_ohm(R_bulk_298, BULK_EA_EV, temperature_K), "CPE1_0": 2.1e-11, "CPE1_1": 0.95,
            "R2": resistance_ohm(GB_TO_BULK_RESISTANCE_298 * R_bulk_298, GB_EA_EV, temperature_K), "CPE2_0": 2.1e-9, "CPE2_1": 0.85,
            "CPE3_0": 2e-6, "CPE3_1": 0.9,
        }
        vector = np.array([parameters[name] for name in circuit.parameter_names])
        impedance = circuit.impedance(vector, 2 * np.pi * FREQUENCY_HZ)
        modulus = np.abs(impedance)
        noisy = impedance + NOISE * modulus * (rng.standard_normal(modulus.size) + 1j * rng.standard_normal(modulus.size)) / np.sqrt(2)
        name = f"pellet_{temperature_K:.0f}K.csv"
        with open(folder / name, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["freq_Hz", "Zreal_Ohm", "Zimag_Ohm"])
            writer.writerows((f"{f:.6g}", f"{z.real:.6g}", f"{z.imag:.6g}") for f, z in zip(FREQUENCY_HZ, noisy))
        manifest.append((name, f"{temperature_K:.2f}"))
    with open(folder / "series.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(manifest)


if __name__ == "__main__":
    main()
