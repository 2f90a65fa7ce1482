"""Regenerate src/nassb/thermo/data/reference_entries.json: relax every reference phase with CHGNet (about 10-20 min
on 2 CPU cores) and add the experimental and gas entries (see nassb.thermo.build).

    python scripts/build_thermo_references.py [OUTPUT]
    python scripts/build_thermo_references.py --only Na3P Na15Sn4   # relax these, keep the others of OUTPUT
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.progress import Progress

from nassb.core.io import write_text_atomic
from nassb.mlip import chgnet_calculator, model_name
from nassb.thermo.build import build_reference_entries, phase_specs

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src/nassb/thermo/data/reference_entries.json"


def main(output: Path, only: list[str]) -> None:
    reuse = None
    if only:
        kept = json.loads(output.read_text())["entries"]
        reuse = {e["entry_id"]: e for e in kept if e["data"].get("kind") == "computed" and e["entry_id"] not in only}
    with Progress() as progress:
        task = progress.add_task("relaxing reference phases", total=len(phase_specs()))

        def advance(phase_id: str) -> None:
            progress.update(task, advance=1, description=f"relaxing {phase_id}")

        calculator = chgnet_calculator()
        entries = build_reference_entries(calculator, progress=advance, reuse=reuse)
    document = {"generator": "scripts/build_thermo_references.py", "mlip": model_name(calculator), "entries": entries}
    write_text_atomic(output, json.dumps(document, indent=1))
    print(f"{len(entries)} entries -> {output}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--only", nargs="*", default=[], help="phase ids to relax; the others are kept from OUTPUT")
    arguments = parser.parse_args()
    main(arguments.output, arguments.only)
