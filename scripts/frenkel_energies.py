"""Regenerate src/nassb/transport/data/frenkel_pairs.toml: the CHGNet Na Frenkel pair energy of every stoichiometric
case of the transport ranking (`nassb.transport.transport_ranking`), each case's structure first relaxed (cell and
positions) with the same potential. Run: python scripts/frenkel_energies.py (a few minutes on one core)."""

from __future__ import annotations

import datetime
from pathlib import Path

import torch

from nassb.mlip import chgnet_calculator, relax
from nassb.transport.bvse_validation import CASES, case_structure
from nassb.transport.defects import frenkel_pair_energy
from nassb.transport.transport_ranking import EXTRINSIC_FRACTION, extrinsic_defect_fraction

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "nassb" / "transport" / "data" / "frenkel_pairs.toml"


def main() -> None:
    torch.set_num_threads(1)
    calculator = chgnet_calculator()
    lines = [
        "# Na Frenkel pair formation energies (eV) of the stoichiometric cases of nassb.transport.transport_ranking,",
        "# computed by scripts/frenkel_energies.py with nassb.transport.defects.frenkel_pair_energy: the case's",
        "# structure relaxed (cell and positions), then a supercell of >= 64 atoms with and without one Na moved to",
        "# the lowest free BVSE point, both relaxed at fixed cell (fmax 0.05 eV/A).",
        f"# generated {datetime.date.today().isoformat()}",
        "",
    ]
    for case in CASES:
        structure, _ = case_structure(case)
        if extrinsic_defect_fraction(case, structure) >= EXTRINSIC_FRACTION:
            continue
        relaxed = relax(structure, calculator, max_steps=500).structure
        pair = frenkel_pair_energy(relaxed, calculator)
        print(f"{case.label}: E_F = {pair.formation_energy_eV:.3f} eV ({pair.n_atoms} atoms)", flush=True)
        lines += [
            f'["{case.label}"]',
            f"formation_energy_eV = {pair.formation_energy_eV:.4f}",
            f"n_atoms = {pair.n_atoms}",
            f"supercell = {list(pair.supercell)}",
            f"interstitial_bvse_eV = {pair.interstitial_bvse_eV:.4f}",
            f"pair_distance_A = {pair.pair_distance_A:.3f}",
            f"converged = {str(pair.converged).lower()}",
            f'model = "{pair.model}"',
            "",
        ]
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
