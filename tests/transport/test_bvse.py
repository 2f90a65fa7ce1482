"""BVSE landscapes and barriers: agreement with bvlain, an explicit pair sum, physics of known structures, figures."""

from __future__ import annotations

import math
import pickle
from importlib.resources import files

import numpy as np
import pytest
from scipy.special import erfc

from nassb.core.errors import DataError, InputError
from nassb.report.structure_figures import landscape_isosurface_html, landscape_slices_png
from nassb.transport.bvse import BVSEResult, bvlain_barriers, bvse_barriers, bvse_landscape

pytest.importorskip("bvlain")
from pymatgen.core import Lattice, Structure  # noqa: E402


def cubic_na3ps4() -> Structure:
    """Cubic Na3PS4, I-43m, a = 6.9965 A, Na 6b, P 2a, S 8c x = 0.1694 (Jansen & Henseler 1992, J. Solid State Chem.
    99, 110)."""
    return Structure.from_spacegroup(
        "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694] * 3]
    )


def antiperovskite_na3obr() -> Structure:
    """Na3OBr anti-perovskite, Pm-3m, a = 4.57 A (Na 3c, O 1b, Br 1a)."""
    return Structure.from_spacegroup(
        "Pm-3m", Lattice.cubic(4.57), ["Na", "O", "Br"], [[0.5, 0, 0], [0.5, 0.5, 0.5], [0, 0, 0]]
    )


@pytest.fixture(scope="module")
def nays2(external_dir) -> Structure:
    return Structure.from_file(external_dir / "cod-tools" / "COD_2019542_NaYS2.cif")


@pytest.fixture(scope="module")
def na3ps4_results():
    return bvse_barriers(cubic_na3ps4()), bvlain_barriers(cubic_na3ps4())


@pytest.fixture(scope="module")
def nays2_results(nays2):
    return bvse_barriers(nays2), bvlain_barriers(nays2)


def assert_agrees_with_bvlain(ours: BVSEResult, reference: BVSEResult):
    assert ours.method == "nassb" and reference.method == "bvlain"
    # same grid points, same pair terms: bvlain sums the 100 nearest ions within 10 A, we all within 10 A
    assert ours.landscape.energy_eV.shape == reference.landscape.energy_eV.shape
    low = reference.landscape.energy_eV < 5.0
    assert np.abs(ours.landscape.energy_eV - reference.landscape.energy_eV)[low].max() < 2e-3
    for key in ("Ea_1D_eV", "Ea_2D_eV", "Ea_3D_eV"):
        a, b = getattr(ours, key), getattr(reference, key)
        assert (math.isinf(a) and math.isinf(b)) or abs(a - b) < 0.02, key


def test_cubic_na3ps4_agrees_with_bvlain_and_conducts_in_3d(na3ps4_results):
    ours, reference = na3ps4_results
    assert_agrees_with_bvlain(ours, reference)
    # the three cubic axes are equivalent: the first channel to open already spans all three
    assert ours.Ea_1D_eV == pytest.approx(ours.Ea_3D_eV, abs=1e-6)
    assert 0.0 < ours.Ea_3D_eV < 1.0
    assert ours.landscape.settings["oxidation_states"] == "composition"


def test_landscape_minima_sit_on_the_removed_sodium_sites(na3ps4_results, nays2_results, nays2):
    for result, structure in ((na3ps4_results[0], cubic_na3ps4()), (nays2_results[0], nays2)):
        landscape = result.landscape
        minimum = np.array(np.unravel_index(np.argmin(landscape.energy_eV), landscape.energy_eV.shape))
        sodium = np.array([site.frac_coords for site in structure if site.specie.symbol == "Na"])
        offset = (minimum / landscape.energy_eV.shape - sodium + 0.5) % 1.0 - 0.5
        distance_A = np.linalg.norm(offset @ landscape.lattice_matrix_A, axis=1).min()
        assert distance_A <= np.linalg.norm(landscape.grid_spacing_A)


def test_layered_nays2_conducts_in_2d_far_below_3d(nays2_results):
    ours, reference = nays2_results
    assert_agrees_with_bvlain(ours, reference)
    # O3 layers: the hexagonal Na sheet opens in two directions at once; crossing the YS2 slabs costs > 10 eV
    assert ours.Ea_1D_eV == pytest.approx(ours.Ea_2D_eV, abs=1e-6)
    assert math.isinf(ours.Ea_3D_eV)
    assert ours.to_dict() == {"Ea_1D_eV": ours.Ea_1D_eV, "Ea_2D_eV": ours.Ea_2D_eV, "Ea_3D_eV": None}
    uncapped = percolation_3d(ours)
    assert uncapped > ours.Ea_2D_eV + 5.0


def percolation_3d(result: BVSEResult) -> float:
    from nassb.transport.percolation import percolation_levels

    return percolation_levels(result.landscape.energy_eV)[3]


def test_antiperovskite_agrees_with_bvlain():
    assert_agrees_with_bvlain(bvse_barriers(antiperovskite_na3obr()), bvlain_barriers(antiperovskite_na3obr()))


def explicit_energy_eV(structure: Structure, cartesian_A: np.ndarray, cutoff_A: float = 10.0) -> float:
    """Independent BVSE of Na+ at one point: pymatgen's neighbour search and the softBV formulas term by term."""
    from ase.data import covalent_radii

    data = files("bvlain") / "data"
    morse = pickle.loads((data / "cation.pkl").read_bytes())[11][1]
    quantum = pickle.loads((data / "quantum_n.pkl").read_bytes())
    total = 0.0
    for neighbour in structure.get_sites_in_sphere(cartesian_A, cutoff_A):
        species = neighbour.specie
        r = neighbour.nn_distance
        if species.symbol == "Na":
            continue
        if species.oxi_state < 0:
            p = morse[species.Z][int(species.oxi_state)]
            total += p["d0"] / 2 * ((np.exp(p["alpha"] * (p["r_min"] - r)) - 1) ** 2 - 1)
        else:
            screening = 0.74 * (covalent_radii[11] + covalent_radii[species.Z])
            total += 14.399645 * species.oxi_state / np.sqrt(quantum[11] * quantum[species.Z]) / r * erfc(r / screening)
    return total


def test_landscape_matches_an_explicit_pair_sum_in_a_hexagonal_cell(nays2):
    decorated = nays2.copy()
    decorated.add_oxidation_state_by_element({"Na": 1, "Y": 3, "S": -2})
    landscape = bvse_landscape(decorated, resolution_A=0.4)
    energy = landscape.energy_eV
    rng = np.random.default_rng(7)
    picks = [p for p in (tuple(rng.integers(0, n) for n in energy.shape) for _ in range(12)) if energy[p] < 20.0][:6]
    cartesian = [(np.array(p) / energy.shape) @ landscape.lattice_matrix_A for p in picks]
    explicit = np.array([explicit_energy_eV(decorated, c) for c in cartesian])
    ours = np.array([energy[p] for p in picks])
    assert ours - ours[0] == pytest.approx(explicit - explicit[0], abs=2e-4)


def test_partial_occupancy_is_the_occupancy_weighted_mean(nays2):
    def with_site_species(species):
        s = nays2.copy()
        s.replace_species({"Y": species})
        s.add_oxidation_state_by_element({"Na": 1, "Y": 3, "Sc": 3, "S": -2})
        return bvse_landscape(s, resolution_A=0.4).energy_eV

    mixed, pure_y, pure_sc = (with_site_species(sp) for sp in ({"Y": 0.5, "Sc": 0.5}, {"Y": 1}, {"Sc": 1}))
    mean = 0.5 * (pure_y + pure_sc)
    low = mixed < 5.0
    # each landscape is relative to its own minimum: compare after removing the offset
    assert (mixed - mean)[low] == pytest.approx(np.full(low.sum(), (mixed - mean)[low].mean()), abs=1e-4)


def test_energies_converge_with_the_cutoff():
    structure = cubic_na3ps4()
    near, far = (bvse_landscape(structure, resolution_A=0.3, cutoff_A=c).energy_eV for c in (10.0, 14.0))
    low = far < 5.0
    assert np.abs(near[low] - far[low]).max() < 1e-3


def test_bad_inputs_raise_clear_errors():
    structure = antiperovskite_na3obr()
    with pytest.raises(InputError):
        bvse_landscape("Na3OBr.cif")
    with pytest.raises(InputError):
        bvse_landscape(structure, mobile_ion="sodium")
    with pytest.raises(InputError):
        bvse_landscape(structure, resolution_A=-0.2)
    with pytest.raises(InputError):
        bvse_landscape(structure, mobile_ion="K")  # no K in the structure, no charge given
    with pytest.raises(DataError):
        bvse_landscape(structure, mobile_ion="Xe+")


def test_figures_are_written(na3ps4_results, tmp_path):
    landscape = na3ps4_results[0].landscape
    png = landscape_slices_png(na3ps4_results[0], tmp_path / "slices.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    html = landscape_isosurface_html(landscape, tmp_path / "iso.html", na3ps4_results[0].Ea_3D_eV + 0.05)
    text = html.read_text(encoding="utf-8")
    assert '"isosurface"' in text and '<script src="https://cdn.plot.ly' not in text
    assert html.stat().st_size < 5 * 2**20
    with pytest.raises(InputError):
        landscape_isosurface_html(landscape, tmp_path / "bad.html", float("nan"))


@pytest.mark.slow
def test_aimd_na3ps4_supercell_agrees_with_bvlain(external_dir):
    structure = Structure.from_file(external_dir / "pymatgen-analysis-diffusion" / "cNa3PS4.cif")
    assert_agrees_with_bvlain(bvse_barriers(structure), bvlain_barriers(structure))
