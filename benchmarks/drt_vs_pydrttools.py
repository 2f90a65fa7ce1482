"""nassb `compute_drt` against pyDRTtools' `simple_run` on the same spectra.

Both use Gaussian RBFs centred at 1/f, FWHM coefficient 0.5, a 1st-derivative penalty, an R_inf and
an inductance column (no series capacitance: pyDRTtools has none), the combined real + imaginary fit
and GCV for lambda. Spectra: random 1-3 arc circuits (RC or ZARC arcs at least 1.5 decades apart,
complex noise of 1 % of |Z|, fixed seed) and the real files in ../shared/external. Peaks of both
DRTs are found by the same routine on the same tau grid. Prints the wall-time ratio, the peak-tau
agreement and the peak memory of one call.
BLAS runs single-threaded for both (the matrices are ~100 x 100; threads only add contention).

Run: python benchmarks/drt_vs_pydrttools.py [--n 200] [--seed 1]
Needs pyDRTtools (and cvxopt, scikit-learn); its package __init__ imports the PyQt5 GUI, so the
package is registered here without running it and only `runs` / `basics` are imported.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import contextlib
import io
import sys
import time
import types
import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from _measure import peak_memory_MiB

from nassb.echem.drt import _peaks, compute_drt
from nassb.echem.spectrum import Spectrum

SHARED = Path(os.environ.get("NASSB_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "external"


def import_pydrttools():
    """pyDRTtools.runs without the package __init__ (which imports PyQt5)."""
    spec = find_spec("pyDRTtools")
    if spec is None:
        sys.exit("pyDRTtools is not installed: pip install pyDRTtools cvxopt scikit-learn")
    package = types.ModuleType("pyDRTtools")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["pyDRTtools"] = package
    with contextlib.redirect_stdout(io.StringIO()):
        from cvxopt import solvers
        from pyDRTtools import parameter_selection, runs
    solvers.options["show_progress"] = False
    return runs, parameter_selection


def random_spectra(n: int, seed: int) -> list[tuple[str, Spectrum, list[float]]]:
    """n random circuits R_inf + L + 1-3 RC/ZARC arcs (R 30-300 Ohm, ZARC n 0.75-0.95, tau at least a
    decade inside the measured window), 8-10 points per decade, complex noise of 1 % of |Z|."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        f_max, f_min = 10 ** rng.uniform(5, 6), 10 ** rng.uniform(-2, -1)
        points_per_decade = rng.integers(8, 11)
        f = np.logspace(np.log10(f_max), np.log10(f_min), int(points_per_decade * np.log10(f_max / f_min)) + 1)
        omega = 2 * np.pi * f
        n_arcs = int(rng.integers(1, 4))
        window = (np.log10(1 / (2 * np.pi * f_max)) + 1.0, np.log10(1 / (2 * np.pi * f_min)) - 1.0)
        while True:
            log_tau = np.sort(rng.uniform(*window, n_arcs))
            if n_arcs == 1 or np.diff(log_tau).min() >= 1.5:
                break
        Z = rng.uniform(1, 50) + 1j * omega * 10 ** rng.uniform(-8, -6)
        for lt in log_tau:
            R = 10 ** rng.uniform(1.5, 2.5)
            n_cpe = 1.0 if rng.random() < 0.5 else rng.uniform(0.75, 0.95)
            Z = Z + R / (1 + (1j * omega * 10**lt) ** n_cpe)
        sigma = 0.01 * np.abs(Z) / np.sqrt(2)
        Z = Z + sigma * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        out.append((f"random-{k:03d}", Spectrum(f, Z, f"random-{k:03d}"), list(10**log_tau)))
    return out


def real_spectra() -> list[tuple[str, Spectrum, list[float]]]:
    """The pyDRTtools example files and one ZPlot .z file, parsed locally."""
    out = []
    for name in ("data_1.csv", "LIB_data.txt", "LIB_data_2.txt"):
        path = SHARED / "pyDRTtools" / name
        if path.is_file():
            d = np.loadtxt(path, delimiter="," if name.endswith(".csv") else None)
            out.append((name, Spectrum(d[:, 0], d[:, 1] + 1j * d[:, 2], name), []))
    path = SHARED / "impedance.py" / "Circuit1_EIS_1.z"
    if path.is_file():
        lines = path.read_text(errors="replace").splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("End Comments")) + 1
        d = np.array([[float(v) for v in line.split()] for line in lines[start:] if line.strip()])
        out.append((path.name, Spectrum(d[:, 0], d[:, 4] + 1j * d[:, 5], path.name), []))
    return out


def run_pydrttools(runs, spectrum: Spectrum):
    entry = runs.EIS_object(spectrum.frequency_Hz, spectrum.impedance_ohm.real, spectrum.impedance_ohm.imag)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs.simple_run(
            entry,
            rbf_type="Gaussian",
            data_used="Combined Re-Im Data",
            induct_used=1,
            der_used="1st order",
            cv_type="GCV",
            shape_control="FWHM Coefficient",
            coeff=0.5,
        )
    return entry


def match(reference: list[float], candidate: list[float]) -> list[float]:
    """Relative tau difference of each reference peak to the nearest candidate peak (inf if none)."""
    if not candidate:
        return [np.inf] * len(reference)
    c = np.array(candidate)
    return [float(np.min(np.abs(c - t) / t)) for t in reference]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    runs, parameter_selection = import_pydrttools()
    spectra = random_spectra(args.n, args.seed) + real_spectra()

    compute_drt(spectra[0][1], capacitance=False)
    run_pydrttools(runs, spectra[0][1])

    t_nassb = t_ref = 0.0
    agreement, same_lambda, truth_nassb, truth_ref, lambda_ratio, gcv_better = [], [], [], [], [], []
    for name, spectrum, true_tau in spectra:
        t0 = time.perf_counter()
        result = compute_drt(spectrum, capacitance=False)
        t1 = time.perf_counter()
        entry = run_pydrttools(runs, spectrum)
        t2 = time.perf_counter()
        t_nassb += t1 - t0
        t_ref += t2 - t1
        assert np.allclose(entry.out_tau_vec, result.tau_s)
        ref_peaks = [p.tau_s for p in _peaks(entry.out_tau_vec, np.ravel(entry.gamma), 0.05)]
        ours = [p.tau_s for p in result.peaks]
        agreement += match(ref_peaks, ours)
        truth_nassb += match(true_tau, ours)
        truth_ref += match(true_tau, ref_peaks)
        ref_lambda = float(np.ravel(entry.lambda_value)[0])
        lambda_ratio.append(result.lambda_value / ref_lambda)
        with contextlib.redirect_stdout(io.StringIO()):
            gcv = [
                parameter_selection.compute_GCV(
                    np.log(lam), entry.A_re, entry.A_im, entry.b_re, entry.b_im, entry.M, "Combined Re-Im Data", 1
                )
                for lam in (result.lambda_value, ref_lambda)
            ]
        gcv_better.append(gcv[0] <= gcv[1] * (1 + 1e-6))
        same_lambda += match(
            ref_peaks, [p.tau_s for p in compute_drt(spectrum, method=ref_lambda, capacitance=False).peaks]
        )
        if not true_tau:
            print(
                f"{name}: nassb peaks tau/s {np.round(ours, 5).tolist()} (lambda {result.lambda_value:.2e}); "
                f"pyDRTtools {np.round(ref_peaks, 5).tolist()} (lambda {ref_lambda:.2e})"
            )

    agreement, same_lambda, truth_nassb, truth_ref = map(np.array, (agreement, same_lambda, truth_nassb, truth_ref))
    mem_nassb = peak_memory_MiB(lambda: compute_drt(spectra[0][1], capacitance=False))
    mem_ref = peak_memory_MiB(lambda: run_pydrttools(runs, spectra[0][1]))
    n_points = [len(s) for _, s, _ in spectra]
    print(
        f"spectra: {len(spectra)} ({args.n} random, {len(spectra) - args.n} real), "
        f"{min(n_points)}-{max(n_points)} points"
    )
    print(
        f"wall time: nassb {t_nassb:.2f} s ({1e3 * t_nassb / len(spectra):.1f} ms/spectrum), "
        f"pyDRTtools {t_ref:.2f} s ({1e3 * t_ref / len(spectra):.0f} ms/spectrum), ratio {t_ref / t_nassb:.0f}x"
    )
    print(
        f"pyDRTtools peaks matched by a nassb peak within 10 % in tau: {np.mean(agreement < 0.1):.1%} "
        f"of {agreement.size}; median relative tau difference {np.median(agreement):.2%}"
    )
    print(
        f"the same, nassb run at pyDRTtools' lambda: {np.mean(same_lambda < 0.1):.1%}; "
        f"median relative tau difference {np.median(same_lambda):.2%}"
    )
    print(
        f"true arcs found within 10 % in tau: nassb {np.mean(truth_nassb < 0.1):.1%}, "
        f"pyDRTtools {np.mean(truth_ref < 0.1):.1%} of {truth_nassb.size}"
    )
    print(
        f"lambda nassb / pyDRTtools: median {np.median(lambda_ratio):.2f}, "
        f"within a factor 2 for {np.mean(np.abs(np.log(lambda_ratio)) < np.log(2)):.1%}"
    )
    print(
        f"pyDRTtools' own GCV score is lower (or equal) at nassb's lambda than at its own for "
        f"{np.mean(gcv_better):.1%} of the spectra"
    )
    print(f"peak traced memory of one call: nassb {mem_nassb:.1f} MiB, pyDRTtools {mem_ref:.1f} MiB")


if __name__ == "__main__":
    main()
