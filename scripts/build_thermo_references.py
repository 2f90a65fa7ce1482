"""Regenerate src/nassb/thermo/data/reference_entries.json: relax every reference phase with CHGNet (about 10-20 min
on 2 CPU cores) and add the experimental and gas entries (see nassb.thermo.build).

    python scripts/build_thermo_references.py [OUTPUT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.progress import Progress

from nassb.core.io import write_text_atomic
from nassb.mlip import chgnet_calculator, model_name
from nassb.thermo.build import build_reference_entries, phase_specs

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src/nassb/thermo/data/reference_entries.json"


def main(output: Path) -> None:
    with Progress() as progress:
        task = progress.add_task("relaxing reference phases", total=len(phase_specs()))

        def advance(phase_id: str) -> None:
            progress.update(task, advance=1, description=f"relaxing {phase_id}")

        calculator = chgnet_calculator()
        entries = build_reference_entries(calculator, progress=advance)
    document = {"generator": "scripts/build_thermo_references.py", "mlip": model_name(calculator), "entries": entries}
    write_text_atomic(output, json.dumps(document, indent=1))
    print(f"{len(entries)} entries -> {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
