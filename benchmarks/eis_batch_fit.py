"""nassb `fit_batch` (batched Levenberg-Marquardt) against impedance.py `CustomCircuit.fit` on the same spectra.

Spectra: n random circuits (a third each of R0-p(R1,CPE1)-p(R2,CPE2), R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)
and R0-p(R1,CPE1)-p(R2,CPE2)-CPE3 with a blocking-electrode tail; R log-uniform, arcs within a decade
of each other in R, n in 0.7-1, time constants 1-2.5 decades apart inside the window, 8-12 points per
decade on random windows, complex noise of 1 % of |Z|, fixed seed), plus the real ZPlot .z files of
impedance.py's examples (../shared/external/impedance.py, parsed locally) fitted with L0-R0-p(R1,CPE1)
and with the over-parameterised L0-R0-p(R1,CPE1)-p(R2,CPE2).

Fairness: both fitters get the identical starting vector per spectrum (row 0 of nassb's
`initial_guesses`), the same modulus weighting (impedance.py weight_by_modulus=True), the same bounds
(every parameter > 0, CPE n <= 1), float64, one thread each (BLAS threads pinned to 1), one process.
chi2 of both results is computed by one function (modulus-weighted sum of squares with nassb's circuit
evaluator, which the tests check against impedance.py's predict). nassb is timed twice: from those
starts (like for like) and in its default mode (its own automatic guesses and multi-start, guessing
included). impedance.py keeps its default tolerances (ftol 1e-13, maxfev 1e5).

Run: python benchmarks/eis_batch_fit.py [--n 1000] [--seed 0]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _measure import peak_memory_MiB

from nassb.echem.circuits import parse_circuit  # noqa: E402
from nassb.echem.fitting import fit_batch, initial_guesses  # noqa: E402
from nassb.echem.spectrum import Spectrum  # noqa: E402

SHARED = Path(os.environ.get("NASSB_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "external"
TOPOLOGIES = ("R0-p(R1,CPE1)-p(R2,CPE2)", "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3")
REAL_CIRCUITS = ("L0-R0-p(R1,CPE1)", "L0-R0-p(R1,CPE1)-p(R2,CPE2)")


def random_spectra(n: int, seed: int) -> dict[str, list[Spectrum]]:
    """n synthetic spectra grouped by circuit (see the module docstring)."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[Spectrum]] = {t: [] for t in TOPOLOGIES}
    for k in range(n):
        text = TOPOLOGIES[k % len(TOPOLOGIES)]
        model = parse_circuit(text)
        n_arcs = text.count("p(")
        f_max, f_min = 10 ** rng.uniform(5.5, 7.0), 10 ** rng.uniform(-2.0, 0.0)
        f = np.logspace(np.log10(f_max), np.log10(f_min), int(rng.integers(8, 13) * np.log10(f_max / f_min)) + 1)
        omega = 2 * np.pi * f
        low, high = -np.log10(omega.max()), -np.log10(omega.min())
        while True:
            log_tau = (
                low + rng.uniform(0.5, 2.0) + np.concatenate([[0.0], np.cumsum(rng.uniform(1.0, 2.5, n_arcs - 1))])
            )
            if log_tau[-1] <= high - 0.5:
                break
        r_first = 10 ** rng.uniform(1, 5)
        values = [10 ** rng.uniform(0, 2)]
        for j, lt in enumerate(log_tau):
            r = r_first if j == 0 else r_first * 10 ** rng.uniform(-1, 1)
            n_cpe = rng.uniform(0.7, 1.0)
            values += [r, (10**lt) ** n_cpe / r, n_cpe]
        if text.endswith("CPE3") and n_arcs == 2:
            n_tail = rng.uniform(0.5, 0.95)
            size = (values[1] + values[4]) * 10 ** rng.uniform(-0.5, 0.5)
            values += [1.0 / (size * omega.min() ** n_tail), n_tail]
        z = model.impedance(np.array(values), omega)
        z = z + 0.01 * np.abs(z) / np.sqrt(2) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        groups[text].append(Spectrum(f, z, f"random-{k:04d}"))
    return groups


def read_zplot(path: Path) -> Spectrum:
    """Frequency, Z', Z'' (columns 1, 5, 6) of a Scribner ZPlot .z file after its 'End Comments' line."""
    lines = path.read_text(encoding="utf8", errors="replace").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if "End Comments" in line), None)
    if start is None:
        start = next(i + 1 for i, line in enumerate(lines) if "Freq(Hz)" in line)
    rows = np.array(
        [[float(v) for v in line.replace(",", "\t").split("\t")[:6]] for line in lines[start:] if line.strip()]
    )
    return Spectrum(rows[:, 0], rows[:, 4] + 1j * rows[:, 5], path.name)


def chi2_modulus(circuit: str, values: np.ndarray, spectrum: Spectrum) -> float:
    """sum |Z_data - Z_model|^2 / |Z_data|^2: the one chi2 both fitters are judged by."""
    if values is None or not np.all(np.isfinite(values)):
        return float("inf")
    model = parse_circuit(circuit).impedance(np.asarray(values, float), spectrum.angular_frequency)
    return float(np.sum(np.abs(spectrum.impedance_ohm - model) ** 2 / np.abs(spectrum.impedance_ohm) ** 2))


def fit_impedance_py(circuit: str, spectra: list[Spectrum], starts: np.ndarray) -> list[np.ndarray | None]:
    from impedance.models.circuits import CustomCircuit

    out = []
    for spectrum, start in zip(spectra, starts):
        model = CustomCircuit(circuit, initial_guess=[float(v) for v in start])
        try:
            model.fit(spectrum.frequency_Hz, spectrum.impedance_ohm, weight_by_modulus=True)
            out.append(np.asarray(model.parameters_, dtype=float))
        except (RuntimeError, ValueError, np.linalg.LinAlgError):
            out.append(None)
    return out


def run_group(circuit: str, spectra: list[Spectrum]) -> dict:
    model = parse_circuit(circuit)
    t0 = time.perf_counter()
    guesses = [initial_guesses(s, model) for s in spectra]
    t_guess = time.perf_counter() - t0
    starts = np.array([g[0] for g in guesses])
    t0 = time.perf_counter()
    same_start = fit_batch(spectra, model, initial=starts, weighting="modulus")
    t_same = time.perf_counter() - t0
    t0 = time.perf_counter()
    default = fit_batch(spectra, model, weighting="modulus")
    t_default = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = fit_impedance_py(circuit, spectra, starts)
    t_reference = time.perf_counter() - t0
    return {
        "circuit": circuit,
        "n": len(spectra),
        "t_guess": t_guess,
        "t_same": t_same,
        "t_default": t_default,
        "t_reference": t_reference,
        "chi2_same": np.array([chi2_modulus(circuit, r.values, s) for r, s in zip(same_start, spectra)]),
        "chi2_default": np.array([chi2_modulus(circuit, r.values, s) for r, s in zip(default, spectra)]),
        "chi2_reference": np.array([chi2_modulus(circuit, v, s) for v, s in zip(reference, spectra)]),
        "reference_failed": sum(v is None for v in reference),
    }


def summarise(label: str, groups: list[dict]) -> None:
    n = sum(g["n"] for g in groups)
    t_same = sum(g["t_same"] for g in groups)
    t_default = sum(g["t_default"] for g in groups)
    t_reference = sum(g["t_reference"] for g in groups)
    ref = np.concatenate([g["chi2_reference"] for g in groups])
    for name, key, t in (("same starts", "chi2_same", t_same), ("nassb default", "chi2_default", t_default)):
        mine = np.concatenate([g[key] for g in groups])
        ok = mine <= ref * (1 + 1e-6)
        better = mine < ref * (1 - 1e-6)
        worse = ~ok
        ratio = np.median(mine[worse] / ref[worse]) if worse.any() else float("nan")
        print(
            f"  {label:9s} {name:14s} n={n:5d}  nassb {t:8.2f} s  impedance.py {t_reference:8.2f} s  "
            f"speed-up {t_reference / t:6.1f}x  chi2 no worse: {ok.mean():7.2%}  "
            f"(strictly better {better.mean():6.2%}, worse {worse.sum()}, median worse ratio {ratio:.4g})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of synthetic spectra")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        import impedance  # noqa: F401
    except ImportError:
        sys.exit("impedance.py is not installed: pip install impedance")
    warnings.simplefilter("ignore")

    synthetic = random_spectra(args.n, args.seed)
    real_files = sorted((SHARED / "impedance.py").glob("*.z"))
    real = [read_zplot(p) for p in real_files]
    print(
        f"{args.n} synthetic spectra, {len(real)} real .z files ({SHARED / 'impedance.py'}); "
        "one thread; weighting: modulus"
    )

    results = {"synthetic": [], "real": []}
    for circuit, spectra in synthetic.items():
        results["synthetic"].append(run_group(circuit, spectra))
    if real:
        for circuit in REAL_CIRCUITS:
            results["real"].append(run_group(circuit, real))

    for label, groups in results.items():
        for g in groups:
            print(
                f"{label}: {g['circuit']}  ({g['n']} spectra; nassb guesses {g['t_guess']:.2f} s, "
                f"impedance.py failures {g['reference_failed']})"
            )
            summarise("", [g])
    print("totals:")
    for label, groups in results.items():
        if groups:
            summarise(label, groups)
    summarise("all", results["synthetic"] + results["real"])

    circuit, spectra = next(iter(synthetic.items()))
    starts = np.array([initial_guesses(s, circuit)[0] for s in spectra])
    nassb_mb = peak_memory_MiB(lambda: fit_batch(spectra, circuit, initial=starts))
    reference_mb = peak_memory_MiB(lambda: fit_impedance_py(circuit, spectra[:20], starts[:20]))
    print(
        f"peak traced memory: nassb fit_batch of {len(spectra)} spectra {nassb_mb:.1f} MiB; "
        f"impedance.py, 20 sequential fits {reference_mb:.1f} MiB; "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
