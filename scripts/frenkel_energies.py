"""Regenerate src/nassb/transport/data/frenkel_pairs.toml: the CHGNet Na Frenkel pair energy of every stoichiometric
case of the transport ranking (`nassb.transport.transport_ranking`), each case's structure first relaxed (cell and
positions) with the same potential. Run: python scripts/frenkel_energies.py (a few minutes on one core); cases already
in the file are kept as they are unless --fresh is given (the computation is deterministic)."""

from __future__ import annotations

import argparse
import datetime
import tomllib
from pathlib import Path

import torch

from nassb.mlip import chgnet_calculator, relax
from nassb.transport.bvse_validation import CASES, case_structure
from nassb.transport.defects import frenkel_pair_energy
from nassb.transport.transport_ranking import EXTRINSIC_FRACTION, extrinsic_defect_fraction

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "nassb" / "transport" / "data" / "frenkel_pairs.toml"


def _lines(label: str, values: dict) -> list[str]:
    return [
        f'["{label}"]',
        f"formation_energy_eV = {values['formation_energy_eV']:.4f}",
        f"n_atoms = {values['n_atoms']}",
        f"supercell = {list(values['supercell'])}",
        f"interstitial_bvse_eV = {values['interstitial_bvse_eV']:.4f}",
        f"pair_distance_A = {values['pair_distance_A']:.3f}",
        f"converged = {str(values['converged']).lower()}",
        f'model = "{values["model"]}"',
        "",
    ]


def main(fresh: bool) -> None:
    stored = {} if fresh or not OUTPUT.exists() else tomllib.loads(OUTPUT.read_text(encoding="utf-8"))
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
        if case.label in stored:
            lines += _lines(case.label, stored[case.label])
            continue
        relaxed = relax(structure, calculator, max_steps=500).structure
        pair = frenkel_pair_energy(relaxed, calculator)
        print(f"{case.label}: E_F = {pair.formation_energy_eV:.3f} eV ({pair.n_atoms} atoms)", flush=True)
        lines += _lines(
            case.label,
            {
                "formation_energy_eV": pair.formation_energy_eV,
                "n_atoms": pair.n_atoms,
                "supercell": pair.supercell,
                "interstitial_bvse_eV": pair.interstitial_bvse_eV,
                "pair_distance_A": pair.pair_distance_A,
                "converged": pair.converged,
                "model": pair.model,
            },
        )
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="recompute every case, not only the missing ones")
    main(parser.parse_args().fresh)
