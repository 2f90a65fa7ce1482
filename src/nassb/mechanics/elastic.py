"""Elastic constants by strain-stress with the MLIP, polycrystalline moduli, and the Monroe-Newman criterion.

Workflow after the Materials Project's (de Jong et al. 2015, Sci. Data 2, 150009): relax cell and positions,
apply each of the six Voigt strain components at -1, -0.5, +0.5 and +1 % (normal strains e1-e3 and engineering
shear strains e4-e6 = 2 eps_yz, 2 eps_xz, 2 eps_xy), relax the ions at fixed cell, read the stress, and fit
sigma_i = sigma0_i + C_ij e_j by least squares, one strain component at a time with the unstrained stress
sigma0 as the intercept (symmetric strains cancel the second-order term in the slope). Small-strain elasticity:
infinitesimal strain, deformation gradient F = 1 + eps, Cauchy stress. Stress sign: ASE's, positive in tension
(a compressed cell gives negative diagonal stress), the continuum convention of sigma = C e, so no sign flip.
Energies, forces and stresses from the MLIP calculator given (`nassb.mlip`; CHGNet, Deng et al. 2023, Nat. Mach.
Intell. 5, 1031).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb import mlip
from nassb.core.errors import InputError, ModelError

DEFAULT_STRAINS = (-0.01, -0.005, 0.005, 0.01)
VOIGT_PAIRS = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))
NA_METAL_SHEAR_MODULUS_GPA = 3.3  # project DOMAIN notes: "Na metal: E ~ 10 GPa, G ~ 3.3 GPa"
NA_METAL_YOUNG_MODULUS_GPA = 10.0
MONROE_NEWMAN_CRITICAL_RATIO = 2.0


@dataclass(frozen=True)
class Moduli:
    """Voigt, Reuss and Hill bulk and shear moduli (GPa), Hill Young's modulus and Poisson ratio."""

    K_voigt_GPa: float
    K_reuss_GPa: float
    G_voigt_GPa: float
    G_reuss_GPa: float
    K_GPa: float
    G_GPa: float
    E_GPa: float
    poisson_ratio: float


@dataclass(frozen=True)
class ElasticResult:
    """The 6x6 Voigt stiffness C_GPa (symmetrised) and the polycrystalline (Hill) moduli derived from it.

    `born_stable`: C positive definite (smallest eigenvalue `min_eigenvalue_GPa` > 0; `born_stability`).
    `residual_stress_GPa` is the stress of the relaxed, unstrained cell; `fit_rms_GPa` the rms stress residual
    of the linear fits; `asymmetry_GPa` the largest |C_ij - C_ji| before symmetrising; `note` warns
    when the crystal is Born-unstable with this potential (then the Reuss and Hill moduli are not physical).
    """

    C_GPa: tuple[tuple[float, ...], ...]
    K_GPa: float
    G_GPa: float
    E_GPa: float
    poisson_ratio: float
    K_voigt_GPa: float
    K_reuss_GPa: float
    G_voigt_GPa: float
    G_reuss_GPa: float
    born_stable: bool
    min_eigenvalue_GPa: float
    residual_stress_GPa: tuple[float, ...]
    fit_rms_GPa: float
    asymmetry_GPa: float
    strains: tuple[float, ...]
    relaxed_lattice_A: tuple[tuple[float, ...], ...]
    model: str
    note: str

    def quantities(self) -> dict[str, dict]:
        """The Hill moduli in the one quantity form (`nassb.core.quantity`)."""
        from nassb.core.quantity import computed_quantities

        method = "finite strain-stress elastic constants, Voigt-Reuss-Hill average"
        settings = {"model": self.model, "strains": list(self.strains), "born_stable": self.born_stable}
        return computed_quantities(
            method,
            settings,
            {
                "bulk_modulus": (self.K_GPa, "GPa", None),
                "shear_modulus": (self.G_GPa, "GPa", None),
                "youngs_modulus": (self.E_GPa, "GPa", None),
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MonroeNewman:
    """Monroe-Newman dendrite criterion: the electrolyte/metal shear-modulus ratio against the critical ratio."""

    G_electrolyte_GPa: float
    G_metal_GPa: float
    ratio: float
    critical_ratio: float
    suppresses_dendrites: bool
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def vrh_moduli(C_GPa: Sequence[Sequence[float]] | np.ndarray) -> Moduli:
    """Voigt-Reuss-Hill averages of a 6x6 Voigt stiffness matrix in GPa.

    Voigt (uniform strain; Voigt 1928, Lehrbuch der Kristallphysik, Teubner):
    9 K_V = (C11 + C22 + C33) + 2 (C12 + C23 + C13), 15 G_V = (C11 + C22 + C33) - (C12 + C23 + C13)
    + 3 (C44 + C55 + C66). Reuss (uniform stress; Reuss 1929, Z. Angew. Math. Mech. 9, 49) with S = C^-1:
    1/K_R = (S11 + S22 + S33) + 2 (S12 + S23 + S13),
    15/G_R = 4 (S11 + S22 + S33) - 4 (S12 + S23 + S13) + 3 (S44 + S55 + S66).
    Hill (1952, Proc. Phys. Soc. A 65, 349): the arithmetic means, which bracket the true isotropic average.
    E = 9KG/(3K + G) and nu = (3K - 2G)/(2(3K + G)) from the Hill values.
    """
    c = np.asarray(C_GPa, dtype=float)
    if c.shape != (6, 6) or not np.isfinite(c).all():
        raise InputError("vrh_moduli", "C_GPa", "a finite 6x6 Voigt stiffness matrix in GPa", c.shape)
    try:
        s = np.linalg.inv(c)
    except np.linalg.LinAlgError as error:
        raise ModelError("vrh_moduli: the stiffness matrix is singular (no Reuss average)") from error
    diagonal, off, shear = np.trace(c[:3, :3]), c[0, 1] + c[1, 2] + c[0, 2], np.trace(c[3:, 3:])
    k_voigt = (diagonal + 2 * off) / 9
    g_voigt = (diagonal - off + 3 * shear) / 15
    s_diagonal, s_off, s_shear = np.trace(s[:3, :3]), s[0, 1] + s[1, 2] + s[0, 2], np.trace(s[3:, 3:])
    k_reuss = 1 / (s_diagonal + 2 * s_off)
    g_reuss = 15 / (4 * s_diagonal - 4 * s_off + 3 * s_shear)
    k, g = (k_voigt + k_reuss) / 2, (g_voigt + g_reuss) / 2
    return Moduli(
        K_voigt_GPa=float(k_voigt),
        K_reuss_GPa=float(k_reuss),
        G_voigt_GPa=float(g_voigt),
        G_reuss_GPa=float(g_reuss),
        K_GPa=float(k),
        G_GPa=float(g),
        E_GPa=float(9 * k * g / (3 * k + g)),
        poisson_ratio=float((3 * k - 2 * g) / (2 * (3 * k + g))),
    )


def born_stability(C_GPa: Sequence[Sequence[float]] | np.ndarray) -> tuple[bool, float]:
    """(stable, smallest eigenvalue in GPa): Born stability is C positive definite, for every crystal system
    (Mouhat and Coudert 2014, Phys. Rev. B 90, 224104); the symmetric part of C is tested."""
    c = np.asarray(C_GPa, dtype=float)
    if c.shape != (6, 6) or not np.isfinite(c).all():
        raise InputError("born_stability", "C_GPa", "a finite 6x6 Voigt stiffness matrix in GPa", c.shape)
    smallest = float(np.linalg.eigvalsh(0.5 * (c + c.T)).min())
    return smallest > 0, smallest


def voigt_strain_tensor(component: int, magnitude: float) -> np.ndarray:
    """The symmetric strain tensor of Voigt component `component` (0-5); shears are engineering strains."""
    i, j = VOIGT_PAIRS[component]
    strain = np.zeros((3, 3))
    if i == j:
        strain[i, i] = magnitude
    else:
        strain[i, j] = strain[j, i] = magnitude / 2
    return strain


def elastic_constants(
    structure,
    calculator,
    strains: Sequence[float] = DEFAULT_STRAINS,
    relax_first: bool = True,
    fmax_eV_per_A: float = 0.01,
    max_steps: int = 500,
) -> ElasticResult:
    """Elastic constants C_ij (GPa) of an ordered structure by finite strains with the ASE `calculator` (module
    docstring).

    `relax_first` relaxes cell and positions to `fmax_eV_per_A` before straining (without it the residual
    stress of the given cell is the intercept of each fit); the ions of each strained cell are relaxed to the
    same tolerance at fixed cell.
    """
    from ase import units
    from ase.optimize import FIRE

    source = "elastic_constants"
    structure = mlip.to_structure(structure, source)
    magnitudes = np.array([float(e) for e in strains])
    if magnitudes.size < 2 or np.any(magnitudes == 0) or np.any(np.abs(magnitudes) > 0.05):
        raise InputError(source, "strains", "two or more non-zero strains within +-5 %", list(strains))
    if relax_first:
        structure = mlip.relax(structure, calculator, fmax_eV_per_A=fmax_eV_per_A, max_steps=max_steps).structure
    reference = mlip.to_atoms(structure)

    def stress_GPa(atoms) -> np.ndarray:
        atoms.calc = calculator
        FIRE(atoms, logfile=None).run(fmax=fmax_eV_per_A, steps=max_steps)
        return atoms.get_stress(voigt=True) / units.GPa

    stiffness = np.empty((6, 6))
    residuals = []
    with mlip.quiet():
        residual = stress_GPa(reference.copy())
        for component in range(6):
            stresses = []
            for magnitude in magnitudes:
                deformation = np.eye(3) + voigt_strain_tensor(component, magnitude)
                atoms = reference.copy()
                atoms.set_cell(np.array(reference.cell) @ deformation.T, scale_atoms=True)
                stresses.append(stress_GPa(atoms) - residual)
            stresses = np.array(stresses)
            slope = magnitudes @ stresses / (magnitudes @ magnitudes)
            stiffness[:, component] = slope
            residuals.append(stresses - np.outer(magnitudes, slope))
    asymmetry = float(np.max(np.abs(stiffness - stiffness.T)))
    symmetric = 0.5 * (stiffness + stiffness.T)
    moduli = vrh_moduli(symmetric)
    stable, smallest = born_stability(symmetric)
    note = (
        ""
        if stable
        else (
            f"C is not positive definite (smallest eigenvalue {smallest:.3g} GPa): the "
            "structure is mechanically unstable with this potential; Reuss and Hill moduli are "
            "not physical"
        )
    )
    return ElasticResult(
        C_GPa=tuple(tuple(float(v) for v in row) for row in symmetric),
        K_GPa=moduli.K_GPa,
        G_GPa=moduli.G_GPa,
        E_GPa=moduli.E_GPa,
        poisson_ratio=moduli.poisson_ratio,
        K_voigt_GPa=moduli.K_voigt_GPa,
        K_reuss_GPa=moduli.K_reuss_GPa,
        G_voigt_GPa=moduli.G_voigt_GPa,
        G_reuss_GPa=moduli.G_reuss_GPa,
        born_stable=stable,
        min_eigenvalue_GPa=smallest,
        residual_stress_GPa=tuple(float(v) for v in residual),
        fit_rms_GPa=float(np.sqrt(np.mean(np.square(residuals)))),
        asymmetry_GPa=asymmetry,
        strains=tuple(float(e) for e in magnitudes),
        relaxed_lattice_A=tuple(tuple(float(v) for v in row) for row in structure.lattice.matrix),
        model=mlip.model_name(calculator),
        note=note,
    )


def monroe_newman(
    G_electrolyte_GPa: float,
    G_metal_GPa: float = NA_METAL_SHEAR_MODULUS_GPA,
    critical_ratio: float = MONROE_NEWMAN_CRITICAL_RATIO,
) -> MonroeNewman:
    """Monroe and Newman 2005 (J. Electrochem. Soc. 152, A396): a solid electrolyte suppresses dendrite growth
    at the metal interface when its shear modulus exceeds about twice the metal's (G_e/G_m >~ 2).

    Their linear-elastic interface-stability analysis gives the critical ratio for Li with Poisson ratios near
    0.33-0.42; the same factor 2 is applied to Na. Default metal: Na, G ~ 3.3 GPa (E ~ 10 GPa), as in the
    project DOMAIN notes. The criterion ignores plasticity and creep of the metal, grain boundaries and flaws
    (Porz et al. 2017, Adv. Energy Mater. 7, 1701003), so it is a screening verdict, not a guarantee.
    """
    source = "monroe_newman"
    for name, value in (
        ("G_electrolyte_GPa", G_electrolyte_GPa),
        ("G_metal_GPa", G_metal_GPa),
        ("critical_ratio", critical_ratio),
    ):
        if not (np.isfinite(value) and value > 0):
            raise InputError(source, name, "a finite value above 0", value)
    ratio = float(G_electrolyte_GPa) / float(G_metal_GPa)
    suppresses = ratio >= critical_ratio
    verdict = (
        f"suppresses dendrites (G ratio {ratio:.2f} >= {critical_ratio:g})"
        if suppresses
        else f"does not suppress dendrites (G ratio {ratio:.2f} < {critical_ratio:g})"
    )
    return MonroeNewman(float(G_electrolyte_GPa), float(G_metal_GPa), ratio, float(critical_ratio), suppresses, verdict)
