"""Linear Kramers-Kronig test (Lin-KK) of an impedance spectrum.

M. Schönleber, D. Klotz, E. Ivers-Tiffée, "A Method for Improving the Robustness of linear
Kramers-Kronig Validity Tests", Electrochim. Acta 131 (2014) 20-27. The spectrum is fitted by a
Kramers-Kronig compliant circuit, a series resistance plus M RC elements with fixed, log-spaced
time constants (and an optional series inductance and capacitance); the fit is linear in the
element values. The relative residuals show how far the data are from causal, linear, stable
behaviour. Pseudo chi-square after B. A. Boukamp, J. Electrochem. Soc. 142 (1995) 1885; the
reverse search for M after V. Yrjänä, J. Bobacka, Electrochim. Acta 504 (2024) 144951.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.spectrum import Spectrum


@dataclass(frozen=True)
class KKResult:
    """Outcome of `lin_kk`.

    `residuals_real` and `residuals_imag` are (Z - Z_fit) / |Z| per point, in the order of the
    spectrum; `pseudo_chi2` is their sum of squares (Boukamp 1995). `valid` is
    max(|residuals_real|, |residuals_imag|) < `residual_threshold`. `C_F` is inf without a series
    capacitance, `L_H` is 0 without a series inductance.
    """

    M: int
    mu: float
    tau_s: np.ndarray
    R_k_ohm: np.ndarray
    R_series_ohm: float
    L_H: float
    C_F: float
    Z_fit_ohm: np.ndarray
    residuals_real: np.ndarray
    residuals_imag: np.ndarray
    pseudo_chi2: float
    max_residual: float
    residual_threshold: float
    valid: bool

    def to_dict(self) -> dict:
        """The summary a report or the CLI shows."""
        return {
            "valid": bool(self.valid),
            "mu": float(self.mu),
            "M": int(self.M),
            "max_residual": float(self.max_residual),
            "pseudo_chi2": float(self.pseudo_chi2),
        }


def _time_constants(omega: np.ndarray, M: int) -> np.ndarray:
    """M time constants log-spaced from 1/omega_max to 1/omega_min (Schönleber 2014, eq. 10)."""
    tau_min, tau_max = 1.0 / omega.max(), 1.0 / omega.min()
    if M == 1:
        return np.array([tau_max])
    return np.logspace(np.log10(tau_min), np.log10(tau_max), M)


def _mu(R_k: np.ndarray) -> float:
    """mu = 1 - sum|R_k < 0| / sum|R_k >= 0| (Schönleber 2014, eq. 21)."""
    negative = float(np.abs(R_k[R_k < 0]).sum())
    positive = float(R_k[R_k >= 0].sum())
    if positive == 0.0:
        return -np.inf if negative > 0 else 1.0
    return 1.0 - negative / positive


def _fit(omega: np.ndarray, Z: np.ndarray, M: int, add_capacitance: bool, add_inductance: bool):
    """Least squares on real and imaginary parts together, each row weighted by 1/|Z| (eq. 14)."""
    tau = _time_constants(omega, M)
    columns = [np.ones((omega.size, 1)), 1.0 / (1.0 + 1j * np.outer(omega, tau))]
    scale = [1.0] * (M + 1)
    if add_inductance:
        columns.append((1j * omega / omega.max())[:, None])
        scale.append(1.0 / omega.max())
    if add_capacitance:
        columns.append((-1j * omega.min() / omega)[:, None])
        scale.append(omega.min())
    A = np.hstack(columns) / np.abs(Z)[:, None]
    b = Z / np.abs(Z)
    x, *_ = np.linalg.lstsq(np.vstack([A.real, A.imag]), np.concatenate([b.real, b.imag]), rcond=None)
    Z_fit = (A @ x) * np.abs(Z)
    return tau, x * np.array(scale), Z_fit


def _select_M(omega, Z, c, limit, search, add_capacitance, add_inductance) -> int:
    """The number of RC elements by the mu criterion, searched forward or in reverse."""
    if search == "forward":
        for M in range(1, limit + 1):
            _, x, _ = _fit(omega, Z, M, add_capacitance, add_inductance)
            if _mu(x[1 : M + 1]) < c:
                return M
        return limit
    mu = np.array([_mu(_fit(omega, Z, M, add_capacitance, add_inductance)[1][1 : M + 1]) for M in range(1, limit + 1)])
    above = np.flatnonzero(mu >= c)
    return 1 if above.size == 0 else int(min(above[-1] + 2, limit))


def _capacitive_low_frequency_end(omega: np.ndarray, Z: np.ndarray) -> bool:
    """True when -Z'' still rises towards the lowest frequency (a tail that does not close on the real axis)."""
    lowest, next_lowest = np.argsort(omega)[:2]
    return bool(-Z[lowest].imag > max(-Z[next_lowest].imag, 0.0))


def lin_kk(
    spectrum: Spectrum,
    c: float = 0.85,
    max_M: int | None = None,
    add_capacitance: bool | None = None,
    add_inductance: bool = True,
    residual_threshold: float = 0.015,
    search: str = "reverse",
) -> KKResult:
    """Lin-KK test with the number of RC elements M chosen by the mu criterion.

    mu = 1 - sum|R_k<0| / sum|R_k>=0| (Schönleber 2014, eq. 21) falls below the cutoff `c` (0.85,
    Schönleber's recommendation) once the RC elements start to fit the noise. `search="forward"` is
    Schönleber's algorithm (and impedance.py's `linKK`): M grows from 1 and stops at the first M with
    mu < c. mu fluctuates at small M, and spectra made of near-ideal RC elements (dummy cells) stop
    there badly under-fitted with residuals of 10-30 %; the default `search="reverse"` (V. Yrjänä,
    J. Bobacka, Electrochim. Acta 504 (2024) 144951) takes the smallest M above the last M with
    mu >= c, scanning M = 1..`max_M` (default: the number of points, at most 100).

    The spectrum is called valid when every relative residual, real and imaginary, is below
    `residual_threshold`. Residuals below 1 % are typical of good data (Schönleber 2014); the
    default 1.5 % is about four standard deviations of the residuals of a spectrum with complex
    noise of 0.5 % of |Z| (0.35 % per component), while drift during the sweep leaves systematic
    residuals of roughly 40 % of the drift (a drift of 5 % of |Z| at the lowest frequency gives
    about 2 %). Noisier data need a larger threshold. `add_capacitance` adds a series C,
    needed for spectra without a low-frequency real-axis intercept (blocking electrodes); None (default)
    adds it when -Z'' still rises at the lowest frequency (a capacitive tail). It is not added otherwise because a free
    series C also absorbs part of a
    drift and weakens the test.
    """
    if not 0.0 < c < 1.0:
        raise InputError(spectrum.source, "c", "a mu cutoff between 0 and 1", c)
    if residual_threshold <= 0.0:
        raise InputError(spectrum.source, "residual_threshold", "a positive fraction of |Z|", residual_threshold)
    if search not in ("forward", "reverse"):
        raise InputError(spectrum.source, "search", "'forward' or 'reverse'", search)
    omega = spectrum.angular_frequency
    Z = spectrum.impedance_ohm
    if add_capacitance is None:
        add_capacitance = _capacitive_low_frequency_end(omega, Z)
    n_free = 1 + int(add_inductance) + int(add_capacitance)
    limit = min(len(spectrum), 100) if max_M is None else int(max_M)
    if not 1 <= limit <= 2 * len(spectrum) - n_free:
        raise InputError(spectrum.source, "max_M", f"between 1 and {2 * len(spectrum) - n_free} RC elements", max_M)
    M = _select_M(omega, Z, c, limit, search, add_capacitance, add_inductance)
    tau, x, Z_fit = _fit(omega, Z, M, add_capacitance, add_inductance)
    extra = x[M + 1 :]
    relative = (Z - Z_fit) / np.abs(Z)
    max_residual = float(max(np.abs(relative.real).max(), np.abs(relative.imag).max()))
    return KKResult(
        M=M,
        mu=_mu(x[1 : M + 1]),
        tau_s=tau,
        R_k_ohm=x[1 : M + 1],
        R_series_ohm=float(x[0]),
        L_H=float(extra[0]) if add_inductance else 0.0,
        C_F=float(1.0 / extra[-1]) if add_capacitance and extra[-1] != 0 else float("inf"),
        Z_fit_ohm=Z_fit,
        residuals_real=relative.real,
        residuals_imag=relative.imag,
        pseudo_chi2=float(np.sum(relative.real**2 + relative.imag**2)),
        max_residual=max_residual,
        residual_threshold=float(residual_threshold),
        valid=max_residual < residual_threshold,
    )
