"""Equivalent circuits written as impedance.py strings, compiled once to vectorised numpy closures.

Grammar (impedance.py, Murbach et al., J. Open Source Softw. 5, 2349 (2020)): elements in series are
joined by `-`, elements in parallel are listed in `p(a,b,...)`, blocks nest, e.g.
`R0-p(R1,CPE1)-p(R2,CPE2)-CPE3`. An element is its kind followed by an index (`R0`, `CPE1`, `Wo1`);
a one-parameter element names its parameter by itself (`R0`), a two-parameter element appends
`_0`, `_1` (`CPE1_0` = Q, `CPE1_1` = n), exactly as impedance.py does.

Elements, with omega = 2 pi f in rad/s (Orazem & Tribollet, Electrochemical Impedance
Spectroscopy, Wiley 2008, ch. 4-5, 11; the same definitions as impedance.py):
- R: Z = R; C: Z = 1/(j omega C); L: Z = j omega L
- CPE: Z = 1/(Q (j omega)^n), Q in Ohm^-1 s^n (= F s^(n-1)), 0 <= n <= 1 (Brug et al., J. Electroanal.
  Chem. 176, 275 (1984))
- W (semi-infinite Warburg): Z = A_W (1 - j)/sqrt(omega), A_W in Ohm s^-1/2
- Wo (finite-space, open/reflective): Z = Z0 coth(sqrt(j omega tau))/sqrt(j omega tau)
- Ws (finite-length, short/transmissive): Z = Z0 tanh(sqrt(j omega tau))/sqrt(j omega tau)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nassb.core.errors import InputError

_SOURCE = "circuit"


@dataclass(frozen=True)
class ParameterInfo:
    """One circuit parameter: impedance.py name, its element, description, unit, whether it must be > 0
    and whether it acts on a log scale (capacitances, CPE Q, time constants: Z is far from linear in
    them and they span decades) rather than additively (resistances, inductances, Warburg coefficients)."""

    name: str
    element: str
    kind: str
    description: str
    unit: str
    positive: bool
    log_scale: bool


@dataclass(frozen=True)
class Arc:
    """A parallel block of exactly one resistor and one capacitive element (C or CPE).

    `resistor` is the resistor's parameter name, `capacitor_kind` is "C" or "CPE" and
    `capacitor_parameters` its parameter names (`("C1",)` or `("CPE1_0", "CPE1_1")`).
    `top_level` is False when the block sits inside another parallel block.
    """

    resistor: str
    capacitor_kind: str
    capacitor_parameters: tuple[str, ...]
    top_level: bool


# kind -> one (description, unit, positive, log scale) per parameter, in impedance.py's order
_ELEMENTS: dict[str, tuple[tuple[str, str, bool, bool], ...]] = {
    "R": (("resistance", "Ohm", True, False),),
    "C": (("capacitance", "F", True, True),),
    "L": (("inductance", "H", True, False),),
    "CPE": (("CPE coefficient Q", "Ohm^-1 s^n", True, True), ("CPE exponent n", "", False, False)),
    "W": (("Warburg coefficient A_W", "Ohm s^-1/2", True, False),),
    "Wo": (
        ("finite-space Warburg resistance Z0", "Ohm", True, False),
        ("finite-space Warburg time constant tau", "s", True, True),
    ),
    "Ws": (
        ("finite-length Warburg resistance Z0", "Ohm", True, False),
        ("finite-length Warburg time constant tau", "s", True, True),
    ),
}
_NAME = re.compile(r"([A-Za-z]+)(\d[0-9_]*)?")
_EXPECTED_ELEMENT = "an element R, C, L, CPE, W, Wo or Ws followed by an index (e.g. R0, CPE1, Wo2)"


@dataclass(frozen=True)
class _Element:
    name: str
    kind: str
    first: int  # index of its first parameter in the circuit's parameter vector


@dataclass(frozen=True)
class _Block:
    parallel: bool
    children: tuple


def _element_impedance(kind: str, p: list[np.ndarray], w: np.ndarray, logw: np.ndarray, with_jacobian: bool):
    """Impedance of one element (broadcastable to (B, N)) and, if asked, its derivative with respect to
    each parameter (None stands for a derivative of 1)."""
    if kind == "R":
        return p[0] + 0j, [None] if with_jacobian else None
    if kind == "C":
        z = 1.0 / (1j * w * p[0])
        return z, [-z / p[0]] if with_jacobian else None
    if kind == "L":
        return 1j * w * p[0], [
            np.broadcast_to(1j * w, np.broadcast_shapes(p[0].shape, w.shape))
        ] if with_jacobian else None
    if kind == "CPE":
        q, n = p
        z = (np.exp(-n * logw) / q) * np.exp(-0.5j * np.pi * n)
        return z, [-z / q, -z * (logw + 0.5j * np.pi)] if with_jacobian else None
    if kind == "W":
        unit = (1 - 1j) / np.sqrt(w)
        z = p[0] * unit
        return z, [np.broadcast_to(unit, z.shape)] if with_jacobian else None
    z0, tau = p
    x = np.sqrt(1j * w * tau)
    t = np.tanh(x)
    if kind == "Wo":
        shape = 1.0 / (x * t)
        d_tau = (1.0 - 1.0 / t**2 - shape) / (2.0 * tau)
    else:  # Ws
        shape = t / x
        d_tau = (1.0 - t**2 - shape) / (2.0 * tau)
    return z0 * shape, [shape, z0 * d_tau] if with_jacobian else None


class Circuit:
    """A parsed, compiled equivalent circuit; build it with `parse_circuit`."""

    def __init__(self, text: str, root, elements: tuple[_Element, ...]):
        self.text = text
        self._root = root
        self._elements = elements
        info: list[ParameterInfo] = []
        for element in elements:
            parameters = _ELEMENTS[element.kind]
            for i, (description, unit, positive, log_scale) in enumerate(parameters):
                name = element.name if len(parameters) == 1 else f"{element.name}_{i}"
                info.append(
                    ParameterInfo(
                        name, element.name, element.kind, f"{element.name} {description}", unit, positive, log_scale
                    )
                )
        self.parameter_info: tuple[ParameterInfo, ...] = tuple(info)
        self.parameter_names: tuple[str, ...] = tuple(p.name for p in info)
        self.units: tuple[str, ...] = tuple(p.unit for p in info)
        self._evaluate = self._compile(root)

    def __repr__(self) -> str:
        return f"Circuit({self.text!r})"

    def __str__(self) -> str:
        return self.text

    @property
    def n_parameters(self) -> int:
        return len(self.parameter_names)

    @property
    def element_kinds(self) -> dict[str, str]:
        """Element name -> kind, in circuit order."""
        return {e.name: e.kind for e in self._elements}

    def _compile(self, node) -> Callable:
        """Turn the tree into nested closures f(columns, w, logw, jac) -> (Z, [(index, dZ), ...])."""
        if isinstance(node, _Element):
            count = len(_ELEMENTS[node.kind])
            indices = list(range(node.first, node.first + count))
            kind = node.kind

            def element(columns, w, logw, jac):
                z, dz = _element_impedance(kind, [columns[i] for i in indices], w, logw, jac)
                return z, list(zip(indices, dz)) if jac else None

            return element
        children = [self._compile(child) for child in node.children]
        if not node.parallel:

            def series(columns, w, logw, jac):
                total, derivatives = None, []
                for child in children:
                    z, dz = child(columns, w, logw, jac)
                    total = z if total is None else total + z
                    if jac:
                        derivatives.extend(dz)
                return total, derivatives if jac else None

            return series

        def parallel(columns, w, logw, jac):
            results = [child(columns, w, logw, jac) for child in children]
            admittances = [1.0 / z for z, _ in results]
            total = 1.0 / sum(admittances)
            if not jac:
                return total, None
            derivatives = []
            for y, (_, dz) in zip(admittances, results):
                ratio = total * y
                factor = ratio * ratio
                derivatives.extend((i, factor if d is None else factor * d) for i, d in dz)
            return total, derivatives

        return parallel

    def _prepare(self, parameters, angular_frequency):
        p = np.asarray(parameters, dtype=float)
        if p.shape[-1:] != (self.n_parameters,) or p.ndim > 2:
            raise InputError(
                _SOURCE,
                "parameters",
                f"{self.n_parameters} values {self.parameter_names} (or a (B, {self.n_parameters}) batch)",
                p.shape,
            )
        w = np.asarray(angular_frequency, dtype=float)
        single = p.ndim == 1 and w.ndim == 1
        p2 = np.atleast_2d(p)
        columns = [p2[:, i : i + 1] for i in range(self.n_parameters)]
        return columns, w, np.log(w), single

    def impedance(self, parameters, angular_frequency) -> np.ndarray:
        """Complex impedance in Ohm for parameters (P,) or (B, P) at angular_frequency (N,) or (B, N) in rad/s.

        Returns (N,) for one parameter set on one grid, else (B, N).
        """
        columns, w, logw, single = self._prepare(parameters, angular_frequency)
        z, _ = self._evaluate(columns, w, logw, False)
        z = np.broadcast_to(z, (len(columns[0]), w.shape[-1]) if w.ndim == 1 else w.shape)
        return z[0].copy() if single else np.array(z)

    def impedance_and_jacobian(self, parameters, angular_frequency) -> tuple[np.ndarray, np.ndarray]:
        """Impedance (B, N) and its analytic derivatives dZ/dp (B, P, N) for a batch of parameter sets."""
        columns, w, logw, _ = self._prepare(parameters, angular_frequency)
        z, derivatives = self._evaluate(columns, w, logw, True)
        z = np.array(np.broadcast_to(z, (len(columns[0]), w.shape[-1]) if w.ndim == 1 else w.shape))
        jacobian = np.empty((z.shape[0], self.n_parameters, z.shape[1]), dtype=complex)
        for i, d in derivatives:
            jacobian[:, i, :] = 1.0 if d is None else d
        return z, jacobian

    def arcs(self) -> list[Arc]:
        """Parallel blocks of exactly one resistor and one C or CPE, in circuit order."""
        found: list[Arc] = []

        def visit(node, depth: int) -> None:
            if isinstance(node, _Element):
                return
            if node.parallel and len(node.children) == 2 and all(isinstance(c, _Element) for c in node.children):
                kinds = {c.kind: c for c in node.children}
                capacitive = kinds.get("C") or kinds.get("CPE")
                if "R" in kinds and capacitive is not None:
                    names = self._names_of(capacitive)
                    found.append(Arc(kinds["R"].name, capacitive.kind, names, depth == 0))
                    return
            for child in node.children:
                visit(child, depth + (1 if node.parallel else 0))

        visit(self._root, 0)
        return found

    def top_level_terms(self) -> list[tuple[str, tuple[str, ...]]]:
        """The terms in series at the top level, in order: (element kind, (name,)) for a bare element and
        ("p", names of every element inside) for a parallel block."""
        root = self._root
        terms = root.children if isinstance(root, _Block) and not root.parallel else (root,)
        out = []
        for term in terms:
            if isinstance(term, _Element):
                out.append((term.kind, (term.name,)))
            else:
                out.append(("p", tuple(e.name for e in _walk(term))))
        return out

    def series_resistances(self) -> list[str]:
        """Resistors not inside any parallel block (the ohmic/series part), in circuit order."""
        return [names[0] for kind, names in self.top_level_terms() if kind == "R"]

    def _names_of(self, element: _Element) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameter_info if p.element == element.name)


def _walk(node):
    """Elements of a subtree in circuit order."""
    if isinstance(node, _Element):
        yield node
    else:
        for child in node.children:
            yield from _walk(child)


def parse_circuit(text: str) -> Circuit:
    """Parse an impedance.py circuit string such as 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3' into a compiled Circuit.

    Raises InputError(source="circuit") for an empty string, unknown elements, missing indices,
    unbalanced parentheses, stray characters and duplicate element names.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(_SOURCE, "circuit", "a circuit string such as 'R0-p(R1,CPE1)'", text)
    s = "".join(text.split())
    if s.count("(") != s.count(")"):
        raise InputError(_SOURCE, "parentheses", "balanced 'p(' ... ')' blocks", text)
    elements: list[_Element] = []
    position = 0

    def fail(where: int, expected: str):
        got = s[where : where + 12] if where < len(s) else "end of string"
        raise InputError(_SOURCE, f"position {where + 1} of {s!r}", expected, got)

    def parse_series():
        nonlocal position
        terms = [parse_term()]
        while position < len(s) and s[position] == "-":
            position += 1
            terms.append(parse_term())
        return terms[0] if len(terms) == 1 else _Block(False, tuple(terms))

    def parse_term():
        nonlocal position
        if s.startswith("p(", position):
            position += 2
            children = [parse_series()]
            while position < len(s) and s[position] == ",":
                position += 1
                children.append(parse_series())
            if position >= len(s) or s[position] != ")":
                fail(position, "',' or ')' inside p(...)")
            position += 1
            return _Block(True, tuple(children))
        match = _NAME.match(s, position)
        if match is None:
            fail(position, _EXPECTED_ELEMENT)
        name, kind, index = match.group(0), match.group(1), match.group(2)
        if kind not in _ELEMENTS or index is None:
            raise InputError(_SOURCE, f"element '{name}'", _EXPECTED_ELEMENT, name)
        if any(e.name == name for e in elements):
            raise InputError(_SOURCE, f"element '{name}'", "each element name used once", text)
        first = sum(len(_ELEMENTS[e.kind]) for e in elements)
        element = _Element(name, kind, first)
        elements.append(element)
        position = match.end()
        return element

    root = parse_series()
    if position != len(s):
        fail(position, "'-' between elements, or the end of the circuit")
    return Circuit(s, root, tuple(elements))
