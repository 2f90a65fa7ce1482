"""MD of three frameworks with the two potentials of the committee, against the knowledge base's Ea and sigma(298 K).

Runs NVT MD (`nassb.transport.md.md_conductivity`: each model relaxes the structure first, Langevin thermostat, GLS
fit of the MSD, Nernst-Einstein with Haven ratio 1, Arrhenius in sigma T) for cubic Na3PS4 (sulfide), NZSP (oxide)
and Na3YBr6 (halide) at three temperatures each, with CHGNet and with SevenNet-0, and writes what each run gives
(D* with its GLS standard error, the MSD statistics: frames, fit window, the MSD at the end of the window, the
number of independent observations there) to a cache; ``--collect`` then writes
``src/nassb/transport/data/md_validation.toml``, which `nassb material validate-transport` reads: Ea and sigma(298 K)
per model beside the knowledge base, the softening Ea(MD) / Ea(measured) and the committee spread.

The runs are short because this was run on two CPU cores (no GPU lent to the task): 0.3 ps equilibration and 1.2 ps
production at a 2 fs step, 80-128 atoms. The statistical error that leaves is stated with every number. Run:

    .venv/bin/python scripts/md_validation.py --model chgnet     # and, in parallel, --model sevennet
    .venv/bin/python scripts/md_validation.py --model sevennet --only Na3YBr6-monoclinic   # one framework
    .venv/bin/python scripts/md_validation.py --collect
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parents[1] / "src" / "nassb" / "transport" / "data" / "md_validation.toml"
SETTINGS = {"time_ps": 1.2, "equilibration_ps": 0.3, "timestep_fs": 2.0, "sample_every": 10, "seed": 0}

# framework -> library structure, supercell, temperatures (K), family, knowledge-base records of the measured Ea and
# of sigma at room temperature
FRAMEWORKS: dict[str, dict] = {
    "Na3PS4 (cubic)": {
        "structure": "Na3PS4-cubic",
        "supercell": [2, 2, 2],
        "temperatures_K": [700.0, 900.0, 1100.0],
        "family": "sulfide",
        "Ea_records": ["000-0152", "002T-0019", "002T-0113"],
        "sigma_records": ["000-0151", "002T-0020", "001X-0117"],
    },
    "Na3Zr2Si2PO12 (NZSP)": {
        "structure": "Na3Zr2Si2PO12-NZSP",
        "supercell": [1, 1, 1],
        "temperatures_K": [900.0, 1100.0, 1300.0],
        "family": "oxide",
        "Ea_records": ["002T-0028", "002T-0040", "002T-0058", "002T-0095"],
        "sigma_records": ["001X-0001", "002T-0179", "001X-0050"],
    },
    "Na3YBr6": {
        "structure": "Na3YBr6-monoclinic",
        "supercell": [2, 2, 1],
        "temperatures_K": [700.0, 900.0, 1100.0],
        "family": "halide",
        "Ea_records": ["002T-0147"],
        "sigma_records": ["002T-0148"],
    },
}


def _structure(name: str):
    from nassb import structures
    from nassb.chem.structure import order_structure

    spec = FRAMEWORKS[name]
    return order_structure(structures.load(spec["structure"])) * spec["supercell"]


def _run(model: str, cache: Path, only: list[str]) -> None:
    import torch

    from nassb import mlip
    from nassb.transport.md import md_conductivity

    torch.set_num_threads(1)
    calculator = mlip.calculator(model)
    for name, spec in FRAMEWORKS.items():
        out = cache / f"{spec['structure']}-{model}.json"
        if out.exists() or (only and spec["structure"] not in only):
            continue
        started = time.perf_counter()
        result = md_conductivity(
            _structure(name),
            calculator,
            spec["temperatures_K"],
            checkpoint_dir=cache / f"{spec['structure']}-{model}",
            **SETTINGS,
        )
        msd_stats = []
        for curve, fit in zip(result.msd_curves, result.diffusion):
            window = (curve.lag_ps >= fit.start_ps) & (curve.lag_ps <= fit.end_ps)
            last = int(window.nonzero()[0][-1])
            msd_stats.append(
                {
                    "frames": int(curve.n_frames),
                    "mobile_ions": int(curve.n_ions),
                    "fit_start_ps": round(float(fit.start_ps), 3),
                    "fit_end_ps": round(float(fit.end_ps), 3),
                    "msd_at_fit_end_A2": round(float(curve.msd_A2[last]), 3),
                    "independent_observations_at_fit_end": round(float(curve.n_independent[last]), 1),
                    "chi2_reduced": round(float(fit.chi2_reduced), 3),
                }
            )
        record = {
            "framework": name,
            "model": result.model,
            "seconds": round(time.perf_counter() - started, 1),
            "result": result.to_dict(),
            "msd": msd_stats,
        }
        out.write_text(json.dumps(record, indent=1))
        print(f"{name} {model}: Ea {result.Ea_eV} eV, sigma(298 K) {result.sigma_298K_S_per_cm} S/cm", flush=True)


def _measured(record_ids: list[str]) -> float:
    """Median of the knowledge-base records (canonical units: eV, S/cm)."""
    import statistics

    from nassb.kb import default_knowledge_base

    knowledge_base = default_knowledge_base()
    return float(statistics.median(knowledge_base.value(record_id).magnitude for record_id in record_ids))


def _toml_value(value) -> str:
    if value is None:
        return "None"  # the caller leaves such a line out
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    return repr(round(float(value), 6) if abs(float(value)) >= 1e-3 else float(f"{float(value):.4e}"))


def _collect(cache: Path) -> None:
    """Write DATA_PATH from the cached runs: per framework the measured values, per model the MD numbers."""
    lines = [
        "# MD of three frameworks with CHGNet and SevenNet-0 against the knowledge base (scripts/md_validation.py).",
        f"# Settings of every run: {json.dumps(SETTINGS)}, Langevin NVT, Haven ratio 1, two CPU cores (no GPU).",
        "",
    ]
    for name, spec in FRAMEWORKS.items():
        runs = {}
        for model in ("chgnet", "sevennet"):
            path = cache / f"{spec['structure']}-{model}.json"
            if path.exists():
                runs[model] = json.loads(path.read_text())
        if not runs:
            continue
        Ea_measured = _measured(spec["Ea_records"])
        sigma_measured = _measured(spec["sigma_records"])
        lines += [
            f'["{name}"]',
            f"structure = {_toml_value(spec['structure'])}",
            f"family = {_toml_value(spec['family'])}",
            f"supercell = {_toml_value(spec['supercell'])}",
            f"temperatures_K = {_toml_value(spec['temperatures_K'])}",
            f"Ea_measured_eV = {_toml_value(Ea_measured)}",
            f"Ea_records = {_toml_value(spec['Ea_records'])}",
            f"sigma_298K_measured_S_per_cm = {_toml_value(sigma_measured)}",
            f"sigma_records = {_toml_value(spec['sigma_records'])}",
            "",
        ]
        for model, run in runs.items():
            result = run["result"]
            table = result["table"]
            block = [
                f'["{name}".{model}]',
                f"model = {_toml_value(run['model'])}",
                f"n_atoms = {result['n_atoms']}",
                f"Ea_eV = {_toml_value(result['Ea_eV'])}",
                f"Ea_stderr_eV = {_toml_value(result['Ea_stderr_eV'])}",
                f"sigma_298K_S_per_cm = {_toml_value(result['sigma_298K_S_per_cm'])}",
                f"sigma_298K_stderr_S_per_cm = {_toml_value(result['sigma_298K_stderr_S_per_cm'])}",
                f"mean_temperatures_K = {_toml_value([row['mean_temperature_K'] for row in table])}",
                f"D_cm2_per_s = {_toml_value([row['D_cm2_per_s'] for row in table])}",
                f"D_stderr_cm2_per_s = {_toml_value([row['D_stderr_cm2_per_s'] for row in table])}",
                f"msd_at_fit_end_A2 = {_toml_value([m['msd_at_fit_end_A2'] for m in run['msd']])}",
                f"frames = {run['msd'][0]['frames']}",
                f"mobile_ions = {run['msd'][0]['mobile_ions']}",
                f"fit_window_ps = {_toml_value([run['msd'][0]['fit_start_ps'], run['msd'][0]['fit_end_ps']])}",
                f"chi2_reduced = {_toml_value([m['chi2_reduced'] for m in run['msd']])}",
                f"seconds = {_toml_value(run['seconds'])}",
                f"note = {_toml_value(result['note'])}",
                "",
            ]
            lines += [line for line in block if "None" not in line]  # no Arrhenius fit: the keys are left out
    from nassb.core.io import write_text_atomic

    write_text_atomic(DATA_PATH, "\n".join(lines))
    print(f"wrote {DATA_PATH}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["chgnet", "sevennet"])
    parser.add_argument("--collect", action="store_true", help="write the data file from the cached runs")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nassb-md-validation-2"))
    parser.add_argument("--only", nargs="*", default=[], help="library structures to run (default: all three)")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.model:
        _run(args.model, args.cache, args.only)
    if args.collect:
        _collect(args.cache)


if __name__ == "__main__":
    main()
