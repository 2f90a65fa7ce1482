"""Voigt-Reuss-Hill moduli on known tensors, Born stability, Monroe-Newman, and CHGNet elastic constants of Na."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.mechanics.elastic import born_stability, monroe_newman, voigt_strain_tensor, vrh_moduli


def cubic(c11: float, c12: float, c44: float) -> np.ndarray:
    c = np.zeros((6, 6))
    c[:3, :3] = c12
    np.fill_diagonal(c[:3, :3], c11)
    c[3, 3] = c[4, 4] = c[5, 5] = c44
    return c


def test_isotropic_tensor_gives_lame_moduli_in_every_average():
    # isotropic: C11 = lambda + 2 mu, C12 = lambda, C44 = mu; K = lambda + 2 mu / 3, G = mu,
    # E = mu (3 lambda + 2 mu) / (lambda + mu), nu = lambda / (2 (lambda + mu))
    lam, mu = 40.0, 30.0
    moduli = vrh_moduli(cubic(lam + 2 * mu, lam, mu))
    for k in (moduli.K_voigt_GPa, moduli.K_reuss_GPa, moduli.K_GPa):
        assert k == pytest.approx(lam + 2 * mu / 3, rel=1e-12)
    for g in (moduli.G_voigt_GPa, moduli.G_reuss_GPa, moduli.G_GPa):
        assert g == pytest.approx(mu, rel=1e-12)
    assert moduli.E_GPa == pytest.approx(mu * (3 * lam + 2 * mu) / (lam + mu), rel=1e-12)
    assert moduli.poisson_ratio == pytest.approx(lam / (2 * (lam + mu)), rel=1e-12)


def test_anisotropic_cubic_averages_agree_with_pymatgen():
    from pymatgen.analysis.elasticity import ElasticTensor

    c = cubic(7.4, 6.2, 4.2)  # sodium near 90 K (ultrasonic, Diederich and Trivisonno 1966)
    moduli = vrh_moduli(c)
    reference = ElasticTensor.from_voigt(c)
    assert moduli.K_voigt_GPa == pytest.approx(reference.k_voigt, rel=1e-10)
    assert moduli.K_reuss_GPa == pytest.approx(reference.k_reuss, rel=1e-10)
    assert moduli.G_voigt_GPa == pytest.approx(reference.g_voigt, rel=1e-10)
    assert moduli.G_reuss_GPa == pytest.approx(reference.g_reuss, rel=1e-10)
    assert moduli.E_GPa == pytest.approx(reference.y_mod / 1e9, rel=1e-10)
    assert moduli.poisson_ratio == pytest.approx(reference.homogeneous_poisson, rel=1e-10)
    # cubic closed forms: K = (C11 + 2 C12)/3, G_V = (C11 - C12 + 3 C44)/5, G_R = 5/(4/(C11 - C12) + 3/C44)
    assert moduli.K_GPa == pytest.approx((7.4 + 2 * 6.2) / 3)
    assert moduli.G_voigt_GPa == pytest.approx((7.4 - 6.2 + 3 * 4.2) / 5)
    assert moduli.G_reuss_GPa == pytest.approx(5 / (4 / (7.4 - 6.2) + 3 / 4.2))
    assert moduli.G_reuss_GPa < moduli.G_GPa < moduli.G_voigt_GPa


def test_born_stability_follows_the_cubic_conditions():
    # cubic: C11 - C12 > 0, C11 + 2 C12 > 0, C44 > 0 (Mouhat and Coudert 2014)
    assert born_stability(cubic(7.4, 6.2, 4.2)) == (True, pytest.approx(7.4 - 6.2))
    assert not born_stability(cubic(6.0, 6.5, 4.2))[0]
    assert not born_stability(cubic(7.4, 6.2, -0.1))[0]
    assert not born_stability(cubic(2.0, -1.5, 1.0))[0]
    with pytest.raises(InputError):
        born_stability(np.eye(3))


def test_engineering_shear_strain():
    strain = voigt_strain_tensor(3, 0.01)  # e4 = 2 eps_yz
    assert strain[1, 2] == strain[2, 1] == 0.005 and np.count_nonzero(strain) == 2
    assert voigt_strain_tensor(0, -0.01)[0, 0] == -0.01


def test_monroe_newman_verdict():
    stiff = monroe_newman(10.0)  # electrolyte G 10 GPa against Na G 3.3 GPa
    assert stiff.ratio == pytest.approx(10.0 / 3.3) and stiff.suppresses_dendrites
    soft = monroe_newman(5.0)
    assert not soft.suppresses_dendrites and "does not" in soft.to_dict()["verdict"]
    assert monroe_newman(6.6).suppresses_dendrites  # exactly the critical ratio 2
    with pytest.raises(InputError):
        monroe_newman(-1.0)


@pytest.fixture(scope="module")
def sodium_elastic():
    pytest.importorskip("chgnet")
    import torch
    from pymatgen.core import Lattice, Structure

    from nassb.mechanics.elastic import elastic_constants
    from nassb.mlip import chgnet_calculator

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        na = Structure(Lattice.cubic(4.23), ["Na", "Na"], [[0, 0, 0], [0.5, 0.5, 0.5]])
        yield elastic_constants(na, chgnet_calculator())
    finally:
        torch.set_num_threads(threads)


def test_sodium_elastic_constants_with_chgnet(sodium_elastic):
    # Na (bcc) near 90 K: C11 ~ 7.4, C12 ~ 6.2, C44 ~ 4.2 GPa, K ~ 6.3-6.9 GPa, G_Voigt ~ 2.8 GPa (ultrasonic,
    # Diederich and Trivisonno 1966, J. Phys. Chem. Solids 27, 637); an MLIP band is accepted.
    result = sodium_elastic
    c = np.array(result.C_GPa)
    np.testing.assert_allclose(np.diag(c)[:3], c[0, 0], rtol=0.02)  # cubic symmetry
    np.testing.assert_allclose(np.diag(c)[3:], c[3, 3], rtol=0.02)
    assert np.max(np.abs(c[:3, 3:])) < 0.1 and abs(c[3, 4]) < 0.1
    assert 4.0 < result.K_GPa < 10.0
    assert 1.0 < result.G_voigt_GPa < 6.0
    assert 2.0 < c[3, 3] < 8.0
    assert abs(c[0, 0] - c[0, 1]) < 2.0  # the tiny tetragonal shear constant of bcc Na
    assert result.K_voigt_GPa == pytest.approx(result.K_reuss_GPa, rel=1e-3)  # equal for cubic crystals
    assert result.fit_rms_GPa < 0.02 and result.asymmetry_GPa < 0.05
    assert result.born_stable == (result.min_eigenvalue_GPa > 0) and (result.note == "") == result.born_stable
    assert {"K_GPa", "G_GPa", "E_GPa"} <= set(result.to_dict())
    moduli = result.quantities()
    assert moduli["bulk_modulus"]["value"] == result.K_GPa and moduli["shear_modulus"]["unit"] == "GPa"
    assert "CHGNet" in moduli["youngs_modulus"]["settings"]["model"]


def test_chgnet_stress_follows_the_ase_sign_convention():
    # ASE stress = (1/V) dE/d(strain), positive in tension: check it against a finite difference of the energy
    pytest.importorskip("chgnet")
    from ase import units
    from ase.build import bulk

    from nassb import mlip

    def strained(eps: float):
        atoms = bulk("Na", "bcc", a=4.0, cubic=True)  # compressed from ~4.22 A: the stress must be negative
        atoms.set_cell(np.array(atoms.cell) @ (np.eye(3) + voigt_strain_tensor(0, eps)).T, scale_atoms=True)
        atoms.calc = mlip.chgnet_calculator()
        return atoms

    with mlip.quiet():
        reference = strained(0.0)
        stress_xx = reference.get_stress()[0]
        h = 2e-3
        derivative = (strained(h).get_potential_energy() - strained(-h).get_potential_energy()) / (2 * h)
    assert stress_xx < 0
    assert stress_xx == pytest.approx(derivative / reference.get_volume(), rel=0.05)
    assert stress_xx / units.GPa < -0.3
