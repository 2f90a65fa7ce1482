"""Circuit strings: parsing, names and units, element impedances, composition, vectorisation, Jacobians."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.circuits import Arc, parse_circuit

OMEGA = 2 * np.pi * np.logspace(6, -2, 41)


def test_names_units_and_descriptions_follow_impedance_py():
    c = parse_circuit("R0-p(R1,CPE1)-p(R2,CPE2)-CPE3")
    assert c.parameter_names == ("R0", "R1", "CPE1_0", "CPE1_1", "R2", "CPE2_0", "CPE2_1", "CPE3_0", "CPE3_1")
    assert c.units == ("Ohm", "Ohm", "Ohm^-1 s^n", "", "Ohm", "Ohm^-1 s^n", "", "Ohm^-1 s^n", "")
    info = {p.name: p for p in c.parameter_info}
    assert "exponent" in info["CPE1_1"].description and "CPE1" in info["CPE1_1"].description
    assert not info["CPE1_1"].positive and info["CPE1_0"].positive and info["CPE1_0"].log_scale
    assert not info["R0"].log_scale
    w = parse_circuit("R0-p(R1,C1)-Wo1-Ws2-W3-L4")
    assert w.parameter_names == ("R0", "R1", "C1", "Wo1_0", "Wo1_1", "Ws2_0", "Ws2_1", "W3", "L4")
    assert w.units == ("Ohm", "Ohm", "F", "Ohm", "s", "Ohm", "s", "Ohm s^-1/2", "H")
    assert str(parse_circuit(" R0 - p( R1 , C1 ) ")) == "R0-p(R1,C1)"


def test_names_match_impedance_py_get_param_names():
    circuits = pytest.importorskip("impedance.models.circuits")
    for text in ("R0-p(R1,CPE1)-p(R2,CPE2)-CPE3", "L0-R0-p(R1-Wo1,CPE1)-Ws2", "p(R1,C1)-W2"):
        names, units = circuits.CustomCircuit(
            text, initial_guess=[1.0] * parse_circuit(text).n_parameters
        ).get_param_names()
        assert tuple(names) == parse_circuit(text).parameter_names


@pytest.mark.parametrize(
    "text, values, analytic",
    [
        ("R0", [42.0], lambda w: np.full(w.shape, 42.0 + 0j)),
        ("C0", [3e-6], lambda w: 1 / (1j * w * 3e-6)),
        ("L0", [2e-7], lambda w: 1j * w * 2e-7),
        ("CPE0", [2e-5, 0.75], lambda w: 1 / (2e-5 * (1j * w) ** 0.75)),
        ("W0", [30.0], lambda w: 30.0 * (1 - 1j) / np.sqrt(w)),
        ("Wo0", [50.0, 0.2], lambda w: 50.0 / np.sqrt(1j * w * 0.2) / np.tanh(np.sqrt(1j * w * 0.2))),
        ("Ws0", [50.0, 0.2], lambda w: 50.0 * np.tanh(np.sqrt(1j * w * 0.2)) / np.sqrt(1j * w * 0.2)),
        ("p(R1,C1)", [100.0, 1e-6], lambda w: 100.0 / (1 + 1j * w * 1e-4)),
        ("R0-p(R1,CPE1)", [5.0, 100.0, 1e-6, 0.8], lambda w: 5.0 + 100.0 / (1 + 100.0 * 1e-6 * (1j * w) ** 0.8)),
    ],
)
def test_element_impedance_matches_analytic_form(text, values, analytic):
    np.testing.assert_allclose(parse_circuit(text).impedance(values, OMEGA), analytic(OMEGA), rtol=1e-12)


def test_physical_limits_of_cpe_and_finite_warburgs():
    c = parse_circuit("CPE0")
    np.testing.assert_allclose(
        c.impedance([2e-6, 1.0], OMEGA), parse_circuit("C0").impedance([2e-6], OMEGA), rtol=1e-12
    )
    np.testing.assert_allclose(c.impedance([0.01, 0.0], OMEGA), np.full(OMEGA.shape, 100.0 + 0j), atol=1e-10)
    z0, tau = 40.0, 2.0
    low = np.array([1e-5, 1e-4])
    np.testing.assert_allclose(parse_circuit("Ws0").impedance([z0, tau], low), [z0, z0], rtol=1e-3)
    np.testing.assert_allclose(
        parse_circuit("Wo0").impedance([z0, tau], low), z0 / (1j * low * tau) + z0 / 3, rtol=1e-6
    )
    high = np.array([1e4, 1e5])
    semi_infinite = z0 / np.sqrt(1j * high * tau)
    for kind in ("Wo0", "Ws0"):
        np.testing.assert_allclose(parse_circuit(kind).impedance([z0, tau], high), semi_infinite, rtol=1e-10)


def test_agrees_with_impedance_py_predict():
    circuits = pytest.importorskip("impedance.models.circuits")
    rng = np.random.default_rng(3)
    f = OMEGA / (2 * np.pi)
    for text in (
        "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3",
        "R0-p(R1,C1)-Wo1",
        "L0-R0-p(R1,CPE1)",
        "R0-p(R1-Ws1,CPE1)-W2",
        "p(R1,p(R2,C2),L1)-Wo4",
    ):
        c = parse_circuit(text)
        values = np.exp(rng.normal(size=c.n_parameters))
        values[[i for i, p in enumerate(c.parameter_info) if not p.positive]] = 0.83
        reference = circuits.CustomCircuit(text, initial_guess=list(values))
        with pytest.warns(UserWarning):
            expected = reference.predict(f, use_initial=True)
        np.testing.assert_allclose(c.impedance(values, OMEGA), expected, rtol=1e-12)


def test_batch_evaluation_and_per_row_grids():
    c = parse_circuit("R0-p(R1,CPE1)-W2")
    batch = np.array([[1.0, 100.0, 1e-6, 0.9, 5.0], [2.0, 50.0, 1e-5, 0.7, 9.0], [0.5, 10.0, 1e-7, 1.0, 1.0]])
    z = c.impedance(batch, OMEGA)
    assert z.shape == (3, OMEGA.size)
    for row, expected in zip(batch, z):
        np.testing.assert_allclose(c.impedance(row, OMEGA), expected, rtol=1e-14)
    grids = np.vstack([OMEGA, OMEGA * 3, OMEGA / 7])
    z = c.impedance(batch, grids)
    for row, grid, expected in zip(batch, grids, z):
        np.testing.assert_allclose(c.impedance(row, grid), expected, rtol=1e-14)
    with pytest.raises(InputError):
        c.impedance([1.0, 2.0], OMEGA)


def test_analytic_jacobian_matches_finite_differences():
    c = parse_circuit("L0-R0-p(R1,CPE1)-p(R2-Wo2,C2)-Ws3-W4")
    p = np.array([1e-7, 3.0, 80.0, 2e-7, 0.85, 40.0, 30.0, 0.5, 1e-5, 20.0, 3.0, 7.0])
    z, jac = c.impedance_and_jacobian(p, OMEGA)
    assert jac.shape == (1, c.n_parameters, OMEGA.size)
    for i in range(c.n_parameters):
        h = 1e-6 * p[i]
        up, down = p.copy(), p.copy()
        up[i] += h
        down[i] -= h
        numeric = (c.impedance(up, OMEGA) - c.impedance(down, OMEGA)) / (2 * h)
        np.testing.assert_allclose(jac[0, i], numeric, rtol=1e-5, atol=1e-9 * np.abs(z).max() / p[i])


@pytest.mark.parametrize(
    "text, field",
    [
        ("", "circuit"),
        ("   ", "circuit"),
        ("R0-X1", "element 'X1'"),
        ("R0-p(R1,C1", "parentheses"),
        ("R0-p(R1,C1))", "parentheses"),
        ("R0-p(R1,C1)-R1", "element 'R1'"),
        ("R-C1", "element 'R'"),
    ],
)
def test_parser_errors_name_the_problem(text, field):
    with pytest.raises(InputError) as error:
        parse_circuit(text)
    assert error.value.source == "circuit"
    assert error.value.field == field


def test_parser_rejects_stray_characters():
    for text in ("R0--R1", "R0 p(R1,C1)", "R0-p(R1;C1)", "R0-p()"):
        with pytest.raises(InputError):
            parse_circuit(text)


def test_arcs_and_series_resistances():
    c = parse_circuit("L0-R0-p(R1,CPE1)-p(R2,C2)-p(R3-Wo3,CPE3)-CPE4")
    assert c.arcs() == [Arc("R1", "CPE", ("CPE1_0", "CPE1_1"), True), Arc("R2", "C", ("C2",), True)]
    assert c.series_resistances() == ["R0"]
    assert c.top_level_terms() == [
        ("L", ("L0",)),
        ("R", ("R0",)),
        ("p", ("R1", "CPE1")),
        ("p", ("R2", "C2")),
        ("p", ("R3", "Wo3", "CPE3")),
        ("CPE", ("CPE4",)),
    ]
    nested = parse_circuit("R0-p(p(R1,C1),L1)")
    assert nested.arcs() == [Arc("R1", "C", ("C1",), False)]
    assert parse_circuit("p(R1,C1)").series_resistances() == []
    assert parse_circuit("R0-R5-p(R1,R2)").series_resistances() == ["R0", "R5"]
    assert parse_circuit("R0-p(R1,R2)").arcs() == []
