"""Round trip of `nassb diagnose` on synthetic cells made by the failure models (`nassb.interface.synthetic_cells`).

Cells: each single mode and the healthy cell, 8 of each (seeds 0-7), and three pairs of modes, 4 of each; every
cell draws its rates at random (`draw_rates`). Printed: the confusion matrix of the dominant mode for the single-mode
and healthy cells, which pairs had both modes detected (score > 0), and the recovery of the interphase resistance
growth constant (relative error; share within 2 and 3 standard errors). Run from the repository root:
`.venv/bin/python examples/diagnosis/round_trip.py` (about a minute).
"""

from __future__ import annotations

import tempfile
from collections import Counter

from nassb.interface.diagnosis import diagnose
from nassb.interface.synthetic_cells import AREA_CM2, MODES, THICKNESS_CM, write_cell

SINGLE_SEEDS = range(8)
PAIRS = (
    ("interphase_growth", "dendrite"),
    ("anode_contact_loss", "cathode_contact_loss"),
    ("electrical_blocking", "interphase_growth"),
)
PAIR_SEEDS = range(100, 104)


def run(modes: tuple[str, ...], seed: int):
    with tempfile.TemporaryDirectory() as folder:
        manifest, rates = write_cell(folder, modes, seed)
        return diagnose(manifest, AREA_CM2, THICKNESS_CM), rates


def main() -> None:
    confusion: Counter = Counter()
    growth = []
    cells = 0
    for truth in ("none", *MODES):
        for seed in SINGLE_SEEDS:
            result, rates = run(() if truth == "none" else (truth,), seed)
            cells += 1
            confusion[(truth, result.dominant_mode or "none")] += 1
            calibrated = result.calibrated.get("interphase.resistance_growth_constant")
            if truth == "interphase_growth" and calibrated:
                growth.append((calibrated["value"], calibrated["stderr"], rates["growth_constant"]))
    labels = ("none", *MODES)
    print(f"dominant mode, {cells} single-mode and healthy cells (rows: truth, columns: diagnosed)\n")
    print("| truth | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for truth in labels:
        print(f"| {truth} | " + " | ".join(str(confusion[(truth, found)]) for found in labels) + " |")
    correct = sum(confusion[(label, label)] for label in labels)
    print(f"\naccuracy {correct}/{cells}")
    print("\npairs of modes (both detected with a score > 0):\n")
    for pair in PAIRS:
        both = 0
        for seed in PAIR_SEEDS:
            result, _ = run(pair, seed)
            scores = {item["mode"]: item["score"] for item in result.modes}
            both += all(scores[mode] > 0 for mode in pair)
            cells += 1
        print(f"- {' + '.join(pair)}: {both}/{len(PAIR_SEEDS)}")
    print(f"\n{cells} cells in all")
    if growth:
        errors = [abs(value - true) / true for value, _, true in growth]
        within = [abs(value - true) / stderr for value, stderr, true in growth if stderr]
        print(
            f"\ngrowth constant k_R ({len(growth)} cells): median relative error {100 * sorted(errors)[len(errors) // 2]:.2f} %,"
            f" within 2 stderr {sum(z <= 2 for z in within)}/{len(within)}, within 3 stderr {sum(z <= 3 for z in within)}/{len(within)}"
        )


if __name__ == "__main__":
    main()
