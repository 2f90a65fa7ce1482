"""Weighted complex non-linear least squares (CNLS) fits of equivalent circuits to impedance spectra.

The fit minimises, over the circuit parameters a (Macdonald & Garber, J. Electrochem. Soc. 124, 1022
(1977); Boukamp, Solid State Ionics 20, 31 (1986)),

    chi2 = sum_i [ w'_i (Z'_i - Z'(omega_i; a))^2 + w''_i (Z''_i - Z''(omega_i; a))^2 ]

with the weights (Boukamp 1986; Orazem & Tribollet, Electrochemical Impedance Spectroscopy, Wiley 2008,
ch. 19):
- "modulus" (default): w'_i = w''_i = 1/|Z_i|^2 of the data (the same as impedance.py's weight_by_modulus);
- "proportional": w'_i = 1/Z'_i^2, w''_i = 1/Z''_i^2 of the data, each component floored at 1e-3 |Z_i|
  so that a zero crossing of Z'' does not get an infinite weight;
- "unit": w'_i = w''_i = 1 (chi2 in Ohm^2).
chi2 is this plain weighted sum (not divided by anything); chi2_reduced = chi2 / (2N - P_free). The
residuals reported are relative to the fitted modulus, (Z_i - Z(omega_i))/|Z(omega_i)| for the real
and imaginary parts (Boukamp, J. Electrochem. Soc. 142, 1885 (1995)).

The minimiser is a batched Levenberg-Marquardt (Levenberg, Q. Appl. Math. 2, 164 (1944); Marquardt,
J. SIAM 11, 431 (1963)) in numpy: B parameter vectors advance together with analytic Jacobians from
`Circuit.impedance_and_jacobian`, Marquardt's diagonal scaling, Nielsen's damping update
(IMM-REP-1999-05), a cautious first damping (lambda = 1) and per-spectrum stopping. Capacitances,
CPE coefficients Q and Warburg time constants are fitted as their logarithm (Z is far from linear in
them and they span decades); resistances, inductances and Warburg coefficients, on which Z depends
additively, are fitted linearly above a bound just over zero, so that one whose optimum is near zero
can come back from the bound (in log space it would drift to where its gradient vanishes); CPE
exponents linearly in [0, 1]. Bounds are enforced by projection, with bound-blocked parameters frozen
for the step. With `initial=None` each spectrum is fitted from several automatic starts
(`initial_guesses`) and the best chi2 is kept. Standard errors: cov = s^2 (J^T W J)^-1 at the
optimum, J the Jacobian of the model in natural units and s^2 = chi2_reduced (the weights are known
only up to a scale factor, so the residual scatter sets it; Orazem & Tribollet ch. 19); NaN for a
parameter the data do not determine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed
from nassb.core.value import Value
from nassb.echem.circuits import Circuit, parse_circuit
from nassb.echem.peaks import basin_boundaries, prominent_peaks
from nassb.echem.spectrum import Spectrum

WEIGHTINGS = ("modulus", "proportional", "unit")
DEFAULT_WEIGHTING = "modulus"
FIT_METHOD = "weighted CNLS by Levenberg-Marquardt (Macdonald & Garber 1977; Boukamp 1986)"
_N_GUESS = 0.85  # starting CPE exponent
_TAIL_KINDS = ("C", "CPE", "W", "Wo", "Ws")
_FTOL = 1e-12
_XTOL = 1e-10
_GTOL = 1e-9
_MAX_ITERATIONS = 500
_CHUNK = 2048  # rows (starts or spectra) advanced together
_SAME_CHI2 = 1e-6  # relative chi2 difference treated as the same minimum when choosing between starts
_LOG_BOX = (1e-100, 1e100)  # log-scale parameters stay in this range, so that nothing overflows
_TINY = 1e-300  # default lower bound of positive linear parameters: > 0 keeps p(R, ...) differentiable


@dataclass(frozen=True, eq=False)
class FitResult:
    """A fitted circuit: values and standard errors (in `units`), chi2, Boukamp residuals and a predictor.

    `residuals_real`/`residuals_imag` are (Z_data - Z_fit)/|Z_fit| per point, in the spectrum's point
    order (Boukamp 1995). Fixed parameters have stderr 0 and no correlation with the others;
    parameters the data do not determine have NaN stderr.
    """

    circuit: str
    parameter_names: tuple[str, ...]
    values: np.ndarray
    stderr: np.ndarray
    correlation: np.ndarray
    units: tuple[str, ...]
    chi2: float
    chi2_reduced: float
    weighting: str
    frequency_Hz: np.ndarray
    residuals_real: np.ndarray
    residuals_imag: np.ndarray
    success: bool
    message: str
    n_iterations: int
    fixed: tuple[str, ...] = ()
    model: Circuit | None = field(default=None, repr=False, compare=False)

    @property
    def parameters(self) -> dict[str, float]:
        """Name -> fitted value; usable as `initial` of another fit."""
        return {n: float(v) for n, v in zip(self.parameter_names, self.values)}

    def predict(self, frequency_Hz) -> np.ndarray:
        """Fitted impedance in Ohm at frequency_Hz."""
        model = self.model if self.model is not None else parse_circuit(self.circuit)
        return model.impedance(self.values, 2.0 * np.pi * np.asarray(frequency_Hz, dtype=float))

    def quantities(self) -> dict[str, Value | None]:
        """Each parameter with its standard error, chi2 and chi2_reduced (in Ohm2 for unit weighting), computed
        with the circuit, weighting and fixed parameters as settings."""
        settings = {"circuit": self.circuit, "weighting": self.weighting, "fixed": list(self.fixed)}
        values = {
            name: computed(value, unit or "1", FIT_METHOD, settings, stderr)
            for name, value, stderr, unit in zip(self.parameter_names, self.values, self.stderr, self.units)
        }
        chi2_unit = "Ohm2" if self.weighting == "unit" else "1"
        values["chi2"] = computed(self.chi2, chi2_unit, FIT_METHOD, settings)
        values["chi2_reduced"] = computed(self.chi2_reduced, chi2_unit, FIT_METHOD, settings)
        return values

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: parameters with value, stderr (None if undetermined) and unit; the correlation
        matrix (rows and columns in parameter order); chi2; fit status."""
        parameters = {
            n: {"value": float(v), "stderr": _finite_or_none(s), "unit": u, "fixed": n in self.fixed}
            for n, v, s, u in zip(self.parameter_names, self.values, self.stderr, self.units)
        }
        return {
            "circuit": self.circuit,
            "weighting": self.weighting,
            "parameters": parameters,
            "correlation": [[_finite_or_none(c) for c in row] for row in self.correlation],
            "chi2": float(self.chi2),
            "chi2_reduced": _finite_or_none(self.chi2_reduced),
            "n_points": int(self.frequency_Hz.size),
            "success": bool(self.success),
            "message": self.message,
        }

    def _repr_html_(self) -> str:
        """The fitted parameters with their standard errors and units, and chi2, for a notebook."""
        from nassb.report.notebook import format_value, result_html

        rows = [
            (name, f"{format_value(value)} ± {format_value(stderr, 2)}", unit)
            for name, value, stderr, unit in zip(self.parameter_names, self.values, self.stderr, self.units)
        ]
        chi2_unit = "Ohm²" if self.weighting == "unit" else ""
        rows += [("chi2", self.chi2, chi2_unit), ("chi2 reduced", self.chi2_reduced, chi2_unit)]
        rows.append(("points", int(self.frequency_Hz.size), ""))
        notes = [f"{self.weighting} weighting, {self.n_iterations} iterations: {self.message}"]
        if self.fixed:
            notes.append(f"fixed: {', '.join(self.fixed)}")
        return result_html(f"{self.circuit} fit", rows, notes)


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def fit_spectrum(
    spectrum: Spectrum,
    circuit: str | Circuit,
    initial=None,
    bounds=None,
    weighting: str = DEFAULT_WEIGHTING,
    fixed: Mapping[str, float] | None = None,
) -> FitResult:
    """Fit one spectrum; see the module docstring for chi2, weighting and standard errors.

    initial: None (automatic guesses from the spectrum, several starts, best chi2 kept), a sequence of
    P values, or a dict name -> value (missing names are guessed). bounds: dict name -> (low, high) in
    natural units, or impedance.py's (lower list, upper list). fixed: dict name -> value held constant.
    """
    return fit_batch(
        [spectrum],
        circuit,
        initial=None if initial is None else [initial],
        bounds=bounds,
        weighting=weighting,
        fixed=fixed,
    )[0]


def fit_batch(
    spectra: Sequence[Spectrum],
    circuit: str | Circuit,
    initial=None,
    bounds=None,
    weighting: str = DEFAULT_WEIGHTING,
    fixed: Mapping[str, float] | None = None,
    max_iterations: int = _MAX_ITERATIONS,
) -> list[FitResult]:
    """Fit many spectra with one circuit at once (vectorised Levenberg-Marquardt, each spectrum stops on its own).

    Spectra may have different frequency grids (they are padded and masked). initial: None (automatic
    multi-start guesses per spectrum), one start for all (sequence or dict) or one per spectrum (a (B, P)
    array or a list of sequences/dicts). Returns one FitResult per spectrum, in order.
    """
    model = circuit if isinstance(circuit, Circuit) else parse_circuit(circuit)
    spectra = list(spectra)
    if not spectra:
        return []
    model, space = _model_and_space(model, bounds, weighting, fixed)
    data = _BatchData(spectra, weighting)
    starts, owner = _starting_points(spectra, model, space, initial)
    x = space.to_internal(starts)
    cost = np.empty(len(x))
    iterations = np.empty(len(x), dtype=int)
    status = np.empty(len(x), dtype=int)
    with np.errstate(all="ignore"):
        for chunk in _chunks(len(x)):
            x[chunk], cost[chunk], iterations[chunk], status[chunk] = _levenberg_marquardt(
                model, data, space, x[chunk], owner[chunk], max_iterations
            )
        best = _choose_starts(cost, owner, len(spectra))
        results: list[FitResult] = []
        for chunk in _chunks(len(spectra)):
            rows = np.arange(len(spectra))[chunk]
            results += _results(model, data, space, rows, x[best[chunk]], iterations[best[chunk]], status[best[chunk]])
    return results


def fit_series(spectra: Sequence[Spectrum], circuit: str | Circuit, initial=None, **options: Any) -> list[FitResult]:
    """Fit a time or temperature series in order, each fit seeded with the previous result.

    Every spectrum is also fitted from the automatic guesses; the seeded fit is kept unless an
    automatic one reaches a chi2 lower by more than a relative 1e-6 (so that labels stay continuous
    along the series when both find the same minimum). `initial` seeds the first spectrum; `options` are
    bounds, weighting and fixed, as in `fit_spectrum`.
    """
    model, space = _model_and_space(circuit, **options)
    weighting = options.get("weighting", DEFAULT_WEIGHTING)
    results: list[FitResult] = []
    seed = initial
    for spectrum in spectra:
        data = _BatchData([spectrum], weighting)
        auto, _ = _starting_points([spectrum], model, space, None)
        starts = auto if seed is None else np.vstack([_starting_points([spectrum], model, space, [seed])[0], auto])
        rows = np.zeros(len(starts), dtype=int)
        with np.errstate(all="ignore"):
            x, cost, iterations, status = _levenberg_marquardt(
                model, data, space, space.to_internal(starts), rows, _MAX_ITERATIONS
            )
            best = _choose_starts(cost, rows, 1)
            result = _results(model, data, space, np.zeros(1, dtype=int), x[best], iterations[best], status[best])[0]
        results.append(result)
        seed = result.parameters
    return results


def _model_and_space(
    circuit: str | Circuit, bounds=None, weighting: str = DEFAULT_WEIGHTING, fixed: Mapping[str, float] | None = None
) -> tuple[Circuit, _ParameterSpace]:
    """The parsed circuit and its parameter space (`bounds`, `fixed`), once `weighting` is known to be valid."""
    model = circuit if isinstance(circuit, Circuit) else parse_circuit(circuit)
    if weighting not in WEIGHTINGS:
        raise InputError("fit", "weighting", f"one of {WEIGHTINGS}", weighting)
    return model, _ParameterSpace(model, bounds, fixed)


def initial_guesses(spectrum: Spectrum, circuit: str | Circuit) -> np.ndarray:
    """Automatic starting values (k, P) for a circuit from a spectrum; row 0 is the primary guess.

    Series R from the high-frequency intercept (extrapolated along a depressed arc), series L from a
    positive high-frequency Z''; one (tau, R) per top-level parallel block, located either as peaks of
    a quick non-negative distribution of relaxation times or as maxima of -Z'' versus log f (height h
    -> R = 2 h / tan(n pi / 4), n = 0.85), or spread evenly over the window (one row each; the DRT row
    first unless the circuit has a low-frequency tail); inside a block C = tau/R, Q = tau^n/R,
    n = 0.85; a top-level C, CPE or Warburg from the value and slope of -Z'' at the lowest frequency.
    """
    model = circuit if isinstance(circuit, Circuit) else parse_circuit(circuit)
    return _guesses(spectrum, model)


# ----------------------------------------------------------------------------------------------------
# data and parameter space


class _BatchData:
    """Spectra padded to a common length: angular frequency, data, square-root weights (0 on padding)."""

    def __init__(self, spectra: list[Spectrum], weighting: str):
        lengths = np.array([len(s) for s in spectra])
        n = int(lengths.max())
        b = len(spectra)
        self.lengths = lengths
        self.weighting = weighting
        w = np.empty((b, n))
        z = np.empty((b, n), dtype=complex)
        for i, s in enumerate(spectra):
            m = len(s)
            w[i, :m] = s.angular_frequency
            w[i, m:] = s.angular_frequency[-1]
            z[i, :m] = s.impedance_ohm
            z[i, m:] = s.impedance_ohm[-1]
        mask = np.arange(n)[None, :] < lengths[:, None]
        modulus = np.abs(z)
        if weighting == "modulus":
            sr = si = 1.0 / modulus
        elif weighting == "proportional":
            floor = 1e-3 * modulus
            sr = 1.0 / np.maximum(np.abs(z.real), floor)
            si = 1.0 / np.maximum(np.abs(z.imag), floor)
        else:
            sr = si = np.ones_like(modulus)
        # residuals and Jacobians are complex arrays viewed as float: (Re, Im) interleaved per point
        self.sqrt_weight = np.stack([sr * mask, si * mask], axis=2).reshape(b, 2 * n)
        self.target = z.view(float) * self.sqrt_weight
        self.shared_grid = all(len(s) == n and np.array_equal(s.angular_frequency, w[0]) for s in spectra)
        self.omega = w[0] if self.shared_grid else w
        self.spectra = spectra

    def omega_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.omega if self.shared_grid else self.omega[rows]


class _ParameterSpace:
    """Free/fixed split, log or linear transform and bounds of every parameter."""

    def __init__(self, model: Circuit, bounds, fixed: Mapping[str, float] | None):
        names = model.parameter_names
        self.names = names
        fixed = dict(fixed or {})
        unknown = [k for k in fixed if k not in names]
        if unknown:
            raise InputError("fit", f"fixed parameter '{unknown[0]}'", f"one of {names}", unknown[0])
        self.fixed_values = np.array([float(fixed.get(n, np.nan)) for n in names])
        self.free = np.array([i for i, n in enumerate(names) if n not in fixed], dtype=int)
        self.fixed_names = tuple(n for n in names if n in fixed)
        positive = np.array([p.positive for p in model.parameter_info])
        log_scale = np.array([p.log_scale for p in model.parameter_info])
        low = np.where(positive, _TINY, 0.0)
        high = np.where(positive, np.inf, 1.0)
        for name, (lo, hi) in _bounds_dict(bounds, names).items():
            i = names.index(name)
            if not lo < hi:
                raise InputError("fit", f"bounds of '{name}'", "low < high", (lo, hi))
            low[i], high[i] = lo, hi
        low = np.where(positive & (low == 0.0), _TINY, low)
        self.low, self.high = low, high
        self.log = log_scale & (low > 0.0)
        self.x_low = np.where(self.log, np.log(np.clip(low, _LOG_BOX[0], _LOG_BOX[1])), low)[self.free]
        self.x_high = np.where(self.log, np.log(np.clip(high, _LOG_BOX[0], _LOG_BOX[1])), high)[self.free]

    def full(self, values: np.ndarray) -> np.ndarray:
        """(k, P) values with fixed ones inserted; clipped into the bounds (strictly inside for log)."""
        p = np.array(values, dtype=float, copy=True)
        fixed = ~np.isnan(self.fixed_values)
        p[:, fixed] = self.fixed_values[fixed]
        low = np.where(self.log, np.maximum(self.low, _LOG_BOX[0]), self.low)
        high = np.where(self.log, np.minimum(self.high, _LOG_BOX[1]), self.high)
        return np.clip(p, low, high)

    def to_internal(self, values: np.ndarray) -> np.ndarray:
        p = self.full(values)[:, self.free]
        log = self.log[self.free]
        return np.where(log, np.log(np.where(log, p, 1.0)), p)

    def to_natural(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        p = np.empty((x.shape[0], len(self.names)))
        p[:] = np.where(np.isnan(self.fixed_values), 0.0, self.fixed_values)
        log = self.log[self.free]
        p[:, self.free] = np.where(log, np.exp(np.where(log, x, 0.0)), x)
        return p


def _bounds_dict(bounds, names: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    if bounds is None:
        return {}
    if isinstance(bounds, Mapping):
        unknown = [k for k in bounds if k not in names]
        if unknown:
            raise InputError("fit", f"bounds of '{unknown[0]}'", f"one of {names}", unknown[0])
        return {k: (float(v[0]), float(v[1])) for k, v in bounds.items()}
    lower, upper = bounds
    if len(lower) != len(names) or len(upper) != len(names):
        raise InputError("fit", "bounds", f"(lower, upper) lists of {len(names)} values", bounds)
    return {n: (float(lo), float(hi)) for n, lo, hi in zip(names, lower, upper)}


def _as_vector(value, model: Circuit, guess: np.ndarray) -> np.ndarray:
    """An initial value given as a dict (missing names taken from guess) or a sequence of P values."""
    names = model.parameter_names
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise InputError("fit", f"initial value '{unknown[0]}'", f"one of {names}", unknown[0])
        return np.array([float(value.get(n, g)) for n, g in zip(names, guess)])
    vector = np.asarray(value, dtype=float)
    if vector.shape != (len(names),):
        raise InputError("fit", "initial", f"{len(names)} values for {names}", vector.shape)
    return vector


def _starting_points(spectra, model: Circuit, space: _ParameterSpace, initial):
    """(rows, P) starting values and the spectrum each row belongs to."""
    if initial is None:
        blocks = [_guesses(s, model) for s in spectra]
        owner = np.concatenate([np.full(len(g), i) for i, g in enumerate(blocks)])
        return space.full(np.vstack(blocks)), owner
    if (
        isinstance(initial, Mapping)
        or np.ndim(initial) == 1
        and not isinstance(initial[0], (Mapping, list, tuple, np.ndarray))
    ):
        initial = [initial] * len(spectra)
    if len(initial) != len(spectra):
        raise InputError("fit", "initial", f"one start for all or one per spectrum ({len(spectra)})", len(initial))
    rows = []
    for s, value in zip(spectra, initial):
        needs_guess = isinstance(value, Mapping) and set(model.parameter_names) - set(value)
        guess = _guesses(s, model)[0] if needs_guess else np.ones(model.n_parameters)
        rows.append(_as_vector(value, model, guess))
    return space.full(np.vstack(rows)), np.arange(len(spectra))


def _choose_starts(cost: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    """For each spectrum, the first start whose chi2 is within a relative 1e-6 of its best."""
    chosen = np.empty(count, dtype=int)
    for b in range(count):
        rows = np.flatnonzero(owner == b)
        c = np.where(np.isfinite(cost[rows]), cost[rows], np.inf)
        ok = c <= c.min() * (1 + _SAME_CHI2) + 1e-300
        chosen[b] = rows[int(np.argmax(ok))]
    return chosen


# ----------------------------------------------------------------------------------------------------
# batched Levenberg-Marquardt


def _evaluate(model: Circuit, data: _BatchData, space: _ParameterSpace, x: np.ndarray, rows: np.ndarray):
    """Weighted residual r (b, 2N), its transposed Jacobian in internal coordinates (b, Pf, 2N) and chi2."""
    p = space.to_natural(x)
    z, dz = model.impedance_and_jacobian(p, data.omega_rows(rows))
    sw = data.sqrt_weight[rows]
    r = z.view(float) * sw - data.target[rows]
    log = space.log[space.free]
    dz = dz[:, space.free, :]
    if log.any():
        dz[:, log, :] *= p[:, space.free[log], None]
    jt = dz.view(float) * sw[:, None, :]
    cost = np.einsum("ij,ij->i", r, r)
    return r, jt, cost


def _levenberg_marquardt(model, data, space, x0, rows, max_iterations):
    """Minimise chi2 for every row of x0 (row i fits spectrum rows[i]); returns x, chi2, iterations, status."""
    x = x0.copy()
    k, pf = x.shape
    status = np.zeros(k, dtype=int)  # 0 running, 1 gtol, 2 ftol, 3 xtol, 4 max iterations, 5 stalled
    iterations = np.zeros(k, dtype=int)
    if pf == 0:
        _, _, cost = _evaluate(model, data, space, x, rows)
        return x, cost, iterations, np.ones(k, dtype=int)
    r, jt, cost = _evaluate(model, data, space, x, rows)
    lam = np.ones(k)  # a cautious first step: fewer arcs collapse onto a bound from poor starts
    nu = np.full(k, 2.0)
    lo, hi = space.x_low, space.x_high
    log = space.log[space.free]
    eye = np.eye(pf, dtype=bool)
    act = np.flatnonzero(np.isfinite(cost))
    status[~np.isfinite(cost)] = 5
    while act.size:
        xa, ra, ja, ca = x[act], r[act], jt[act], cost[act]
        a = ja @ ja.transpose(0, 2, 1)
        g = np.einsum("bpm,bm->bp", ja, ra)
        blocked = ((xa <= lo) & (g > 0)) | ((xa >= hi) & (g < 0))
        g_free = np.where(blocked, 0.0, g)
        diag = np.einsum("bii->bi", a)
        cosine = np.abs(g_free) / np.sqrt(diag * ca[:, None] + 1e-300)
        done = cosine.max(axis=1) <= _GTOL
        status[act[done]] = 1
        keep = ~done
        if not keep.all():
            act, xa, ra, ja, ca, a, g_free, blocked, diag = (
                v[keep] for v in (act, xa, ra, ja, ca, a, g_free, blocked, diag)
            )
        if not act.size:
            break
        iterations[act] += 1
        scale = np.maximum(diag, 1e-12 * diag.max(axis=1, keepdims=True) + 1e-300)
        m = a + (lam[act][:, None] * scale)[:, :, None] * eye
        free = ~blocked
        m = np.where(free[:, :, None] & free[:, None, :], m, eye)
        dx = np.linalg.solve(m, -g_free[:, :, None])[:, :, 0]
        x_new = np.clip(xa + dx, lo, hi)
        dx = x_new - xa
        r_new, j_new, c_new = _evaluate(model, data, space, x_new, rows[act])
        predicted = -(2.0 * np.einsum("bp,bp->b", g_free, dx) + np.einsum("bp,bpq,bq->b", dx, a, dx))
        accept = np.isfinite(c_new) & (c_new < ca)
        rho = (ca - c_new) / np.where(predicted > 0, predicted, np.inf)
        la, na = lam[act], nu[act]
        la = np.where(accept, la * np.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3), la * na)
        na = np.where(accept, 2.0, na * 2.0)
        lam[act], nu[act] = np.maximum(la, 1e-15), na
        idx = act[accept]
        x[idx], r[idx], jt[idx], cost[idx] = x_new[accept], r_new[accept], j_new[accept], c_new[accept]
        small_f = accept & (ca - c_new <= _FTOL * ca) & (predicted <= _FTOL * ca)
        small_x = accept & (np.abs(dx) <= _XTOL * np.where(log, 1.0, np.abs(xa) + _XTOL)).all(axis=1)
        stalled = ~accept & (lam[act] > 1e16)
        status[act[small_x]] = 3
        status[act[small_f]] = 2
        status[act[stalled]] = 5
        status[act[(iterations[act] >= max_iterations) & (status[act] == 0)]] = 4
        act = act[status[act] == 0]
    return x, cost, iterations, status


_MESSAGES = {
    1: "converged: gradient below tolerance",
    2: "converged: relative chi2 change below 1e-12",
    3: "converged: relative step below 1e-10",
    4: "stopped: maximum number of iterations reached",
    5: "stopped: no step reduces chi2 any further",
}


def _chunks(count: int) -> list[slice]:
    """Slices of at most _CHUNK rows, so that the batched arrays stay a few tens of MB."""
    return [slice(start, start + _CHUNK) for start in range(0, count, _CHUNK)]


def _results(model, data, space, rows, x, iterations, status) -> list[FitResult]:
    """One FitResult per spectrum rows[i] from its best internal parameters x[i], with the covariance
    s^2 (J^T W J)^-1 from the natural-unit Jacobian there (NaN where a parameter has no influence)."""
    r, jt, chi2 = _evaluate(model, data, space, x, rows)
    values = space.to_natural(x)
    fitted = model.impedance(values, data.omega_rows(rows))
    g = np.einsum("bpm,bm->bp", jt, r)
    norms = np.einsum("bpm,bpm->bp", jt, jt)
    cosine = (np.abs(g) / np.sqrt(norms * chi2[:, None] + 1e-300)).max(axis=1, initial=0.0)
    pf = space.free.size
    out = []
    for b, row in enumerate(rows):
        spectrum = data.spectra[row]
        m = int(data.lengths[row])
        dof = 2 * m - pf
        chi2_reduced = float(chi2[b]) / dof if dof > 0 else float("nan")
        scale = np.where(space.log[space.free], values[b, space.free], 1.0)
        se, corr = _covariance(jt[b] / scale[:, None], chi2_reduced)
        stderr = np.zeros(len(values[b]))
        stderr[space.free] = se
        correlation = np.eye(len(values[b]))
        correlation[np.ix_(space.free, space.free)] = corr
        relative = (spectrum.impedance_ohm - fitted[b, :m]) / np.abs(fitted[b, :m])
        converged = status[b] in (1, 2, 3) or status[b] == 5 and cosine[b] < 1e-5
        out.append(
            FitResult(
                circuit=model.text,
                parameter_names=model.parameter_names,
                values=values[b].copy(),
                stderr=stderr,
                correlation=correlation,
                units=model.units,
                chi2=float(chi2[b]),
                chi2_reduced=chi2_reduced,
                weighting=data.weighting,
                frequency_Hz=spectrum.frequency_Hz,
                residuals_real=relative.real,
                residuals_imag=relative.imag,
                success=bool(converged),
                message=_MESSAGES.get(int(status[b]), "not started"),
                n_iterations=int(iterations[b]),
                fixed=space.fixed_names,
                model=model,
            )
        )
    return out


def _covariance(jacobian: np.ndarray, s2: float) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors and correlations from J (Pf, 2N), natural units, weighted; nan where undetermined."""
    pf = jacobian.shape[0]
    se = np.full(pf, np.nan)
    corr = np.full((pf, pf), np.nan)
    a = jacobian @ jacobian.T
    d = np.sqrt(np.diag(a))
    ok = np.isfinite(d) & (d > 0)
    if not np.isfinite(s2) or not ok.any():
        return se, corr
    scaled = a[np.ix_(ok, ok)] / np.outer(d[ok], d[ok])
    try:
        inverse = np.linalg.inv(scaled)
    except np.linalg.LinAlgError:
        return se, corr
    cov = s2 * inverse / np.outer(d[ok], d[ok])
    sub = np.sqrt(np.abs(np.diag(cov)))
    se[ok] = sub
    corr[np.ix_(ok, ok)] = cov / np.outer(sub, sub)
    return se, corr


# ----------------------------------------------------------------------------------------------------
# automatic initial guesses


def _guesses(spectrum: Spectrum, model: Circuit) -> np.ndarray:
    s = spectrum.sorted_descending()
    w = s.angular_frequency
    z = s.impedance_ohm
    mzi = -z.imag
    scale = float(np.max(np.abs(z)))
    terms = model.top_level_terms()
    n_arcs = sum(1 for kind, _ in terms if kind == "p")
    n_series_r = sum(1 for kind, _ in terms if kind == "R")
    tail_n = _tail_exponent(w, mzi, scale) if any(kind in _TAIL_KINDS for kind, _ in terms) else None
    r_inf = z.real[0] - max(mzi[0], 0.0) / np.tan(_N_GUESS * np.pi / 2) if n_series_r else 0.0
    r_inf = max(r_inf, 1e-4 * scale)
    candidates, arcs_end = _arc_candidates(w, z, r_inf, n_arcs, tail_n) if n_arcs else ([[]], len(w) - 1)
    tail = _tail_values(w[-1], max(mzi[-1], 1e-6 * scale), tail_n or 1.0, max(z.real[-1] - z.real[arcs_end], 0.0))
    rows = []
    for arcs in candidates:
        values: dict[str, float] = {}
        arc_iter = iter(arcs)
        for kind, names in terms:
            if kind == "p":
                tau, resistance = next(arc_iter)
                values.update(_block_values(model, names, tau, resistance))
            elif kind == "R":
                values[names[0]] = r_inf / n_series_r
            elif kind == "L":
                values[names[0]] = max(z.imag[0], 1e-3 * scale) / w[0]
            else:
                values.update(_named(model, names[0], tail[kind]))
        rows.append([values[n] for n in model.parameter_names])
    return np.array(rows, dtype=float)


def _tail_exponent(w: np.ndarray, mzi: np.ndarray, scale: float) -> float:
    """-d ln(-Z'')/d ln(omega) over the last three points, in [0.4, 1]: the exponent of a low-frequency tail."""
    last = slice(-min(3, len(w)), None)
    slope = np.polyfit(np.log(w[last]), np.log(np.maximum(mzi[last], 1e-6 * scale)), 1)[0]
    return float(np.clip(-slope, 0.4, 1.0))


def _arc_candidates(w: np.ndarray, z: np.ndarray, r_inf: float, n_arcs: int, tail_n: float | None):
    """Candidate (tau_s, R_ohm) lists for the arcs, highest frequency first, and the index where arcs end.

    Candidates: peaks of a distribution of relaxation times (`_drt_peaks`); maxima of -Z'' versus
    log omega (height h -> R = 2 h / tan(n pi / 4)); arcs spread evenly over the window. The first is
    the DRT one, or the -Z'' one when the circuit has a low-frequency tail (which blurs the DRT).
    Arcs not resolved are placed a decade either side of the largest one.
    """
    has_tail = tail_n is not None
    mzi = -z.imag
    scale = float(np.max(np.abs(z)))
    log_w = np.log(w)
    n = len(w)
    smooth = np.convolve(np.pad(mzi, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")
    top = float(max(smooth.max(), 1e-12 * scale))
    low_rising = n >= 3 and mzi[-1] > mzi[-2] > mzi[-3]
    high_rising = n >= 3 and mzi[0] > mzi[1] > mzi[2]
    end = n - 1
    if has_tail and low_rising:
        minima = np.flatnonzero((smooth[1:-1] <= smooth[:-2]) & (smooth[1:-1] <= smooth[2:])) + 1
        if minima.size:
            end = int(minima[-1])
    span = z.real[end] - r_inf
    complete = (not low_rising or has_tail) and span > 0
    tan_q = np.tan(_N_GUESS * np.pi / 4)
    total = span if span > 0 else 2.0 * top / tan_q

    found, prominences = prominent_peaks(np.concatenate([[-np.inf], smooth, [-np.inf]]), 0.05 * top)
    peaks = []
    for i, prominence in zip(found - 1, prominences):
        if i == 0 and not high_rising or i == n - 1 and (has_tail or not low_rising):
            continue
        position = log_w[i] + (1.0 if i == 0 else -1.0 if i == n - 1 else 0.0)
        peaks.append((prominence, position, 2.0 * smooth[i] / tan_q))
    from_peaks = _complete(peaks, n_arcs, span if complete else None, log_w, total)
    from_drt = _complete(_drt_peaks(w, z, tail_n), n_arcs, None, log_w, total)
    candidates = [from_peaks, from_drt] if has_tail else [from_drt, from_peaks]
    spread = np.linspace(log_w[0], log_w[-1], n_arcs + 2)[1:-1]
    candidates.append([(float(np.exp(-p)), total / n_arcs) for p in spread])
    return candidates, end


def _complete(
    peaks: list[tuple[float, float, float]], n_arcs: int, span: float | None, log_w: np.ndarray, fallback_r: float
) -> list[tuple[float, float]]:
    """The n_arcs strongest (strength, log omega, R) peaks as (tau, R), highest frequency first; missing
    arcs a decade either side of the strongest (mid-window if none); resistances scaled to span if given."""
    chosen = sorted(peaks, key=lambda t: -t[0])[:n_arcs]
    if not chosen:
        chosen = [(0.0, float(np.mean(log_w)), fallback_r)]
    _, position, resistance = chosen[0]
    for j in range(n_arcs - len(chosen)):
        direction = 1.0 if j % 2 == 0 else -1.0
        chosen.append((0.0, position + direction * (j // 2 + 1) * np.log(10.0), resistance / 2.0))
    chosen.sort(key=lambda t: -t[1])
    r = np.array([t[2] for t in chosen])
    if span is not None:
        r = r * span / r.sum()
    return [(float(np.exp(-p)), float(max(ri, 1e-12))) for (_, p, _), ri in zip(chosen, r)]


def _drt_peaks(w: np.ndarray, z: np.ndarray, tail_n: float | None, per_decade: int = 6, ridge: float = 1e-3):
    """Peaks (mass, log omega, R) of a non-negative, ridge-regularised distribution of relaxation times.

    Z ~ R_inf + sum_k R_k/(1 + j omega tau_k) on a log tau grid reaching a decade beyond the window
    (plus a CPE column (j omega)^-n with the low-frequency exponent when the circuit has a tail, whose
    grid then reaches two decades further and is dropped beyond the window), fitted with modulus
    weights by NNLS. Each peak's R is the mass of its basin, tau the basin's mass-weighted log centre.
    """
    from scipy.optimize import nnls

    has_tail = tail_n is not None
    log_tau = np.arange(
        -np.log10(w.max()) - 1.0, -np.log10(w.min()) + (2.0 if has_tail else 1.0) + 1e-9, 1.0 / per_decade
    )
    columns = [np.ones((len(w), 1), dtype=complex), 1.0 / (1.0 + 1j * w[:, None] * 10.0 ** log_tau[None, :])]
    if has_tail:
        columns.append(((1j * w / w.min()) ** -tail_n)[:, None])
    a = np.concatenate(columns, axis=1)
    weight = np.max(np.abs(z)) / np.abs(z)
    penalty = np.sqrt(ridge * len(w)) * np.eye(a.shape[1])[1:]
    matrix = np.concatenate([a.real * weight[:, None], a.imag * weight[:, None], penalty])
    target = np.concatenate([z.real * weight, z.imag * weight, np.zeros(a.shape[1] - 1)])
    solution, _ = nnls(matrix, target, maxiter=20 * a.shape[1])
    mass = solution[1 : 1 + log_tau.size]
    if has_tail:
        mass[log_tau > -np.log10(w.min())] = 0.0
    if mass.max() <= 0:
        return []
    found = prominent_peaks(np.concatenate([[0.0], mass, [0.0]]), 0.02 * mass.max())[0] - 1
    edges = [0] + basin_boundaries(mass, found) + [mass.size]
    peaks = []
    for k in range(found.size):
        basin = slice(edges[k], edges[k + 1])
        r = float(mass[basin].sum())
        if r > 0:
            centre = float(np.sum(mass[basin] * log_tau[basin]) / r)
            peaks.append((r, -centre * np.log(10.0), r))
    return peaks


def _named(model: Circuit, element: str, numbers: tuple[float, ...]) -> dict[str, float]:
    names = [p.name for p in model.parameter_info if p.element == element]
    return dict(zip(names, numbers))


def _block_values(model: Circuit, elements: tuple[str, ...], tau: float, resistance: float) -> dict[str, float]:
    """Starting values for every element of a parallel block with time constant tau and resistance."""
    kinds = model.element_kinds
    n_r = max(sum(1 for e in elements if kinds[e] == "R"), 1)
    numbers = {
        "R": (resistance / n_r,),
        "C": (tau / resistance,),
        "CPE": (tau**_N_GUESS / resistance, _N_GUESS),
        "L": (resistance * tau,),
        "W": (resistance / np.sqrt(tau),),
        "Wo": (resistance, tau),
        "Ws": (resistance, tau),
    }
    values: dict[str, float] = {}
    for e in elements:
        values.update(_named(model, e, numbers[kinds[e]]))
    return values


def _tail_values(w_low: float, mzi_low: float, n: float, real_rise: float) -> dict[str, tuple[float, ...]]:
    """Starting values of a top-level C, CPE or Warburg from the lowest-frequency point (omega, -Z'')
    and the tail exponent n, so that each reproduces -Z'' there."""
    return {
        "C": (1.0 / (w_low * mzi_low),),
        "CPE": (np.sin(n * np.pi / 2) / (mzi_low * w_low**n), n),
        "W": (mzi_low * np.sqrt(w_low),),
        "Wo": (mzi_low, 1.0 / w_low),
        "Ws": (max(real_rise, mzi_low), 1.0 / w_low),
    }
