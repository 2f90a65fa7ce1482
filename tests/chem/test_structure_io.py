"""Reading structures (clear errors for bad files) and ordered approximants of partial occupancy."""

import pytest
from pymatgen.core import Lattice, Structure

from nassb.chem.structure import order_structure, read_structure
from nassb.core.errors import InputError


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(InputError) as error:
        read_structure(tmp_path / "absent.cif")
    assert "absent.cif" in str(error.value)


def test_unknown_suffix_is_refused(tmp_path):
    path = tmp_path / "structure.xyz"
    path.write_text("3\n\nNa 0 0 0\n")
    with pytest.raises(InputError) as error:
        read_structure(path)
    assert error.value.field == "file type"


@pytest.mark.parametrize("text", ["", "data_broken\n_cell_length_a 5.0\n", "not a cif at all\n\x00\x01"])
def test_malformed_cif_gives_an_input_error_naming_the_content(tmp_path, text):
    path = tmp_path / "broken.cif"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        read_structure(path)
    assert error.value.field == "content"
    assert "broken.cif" in str(error.value)


def test_malformed_poscar_is_refused(tmp_path):
    path = tmp_path / "POSCAR"
    path.write_text("Na\n1.0\n4 0 0\n0 4\n")
    with pytest.raises(InputError):
        read_structure(path)


def test_poscar_round_trip(tmp_path):
    structure = Structure(Lattice.cubic(4.23), ["Na", "Na"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    path = tmp_path / "POSCAR"
    structure.to(filename=str(path), fmt="poscar")
    assert read_structure(path).matches(structure)


def test_real_cod_cif_with_esds(external_dir):
    # COD 2019542, NaYS2, R-3m, a = 3.9604(12), c = 19.867(8) A (Acta Cryst. C 70 (2014) 533)
    structure = read_structure(external_dir / "cod-tools" / "COD_2019542_NaYS2.cif")
    assert structure.composition.reduced_formula == "NaYS2"
    assert structure.lattice.a == pytest.approx(3.9604, abs=1e-4)
    assert structure.lattice.c == pytest.approx(19.867, abs=1e-3)


def test_partially_occupied_cod_cif_orders_into_a_charge_balanced_supercell(external_dir):
    # alluaudite NaMnFe2(PO4)3 with Na sites at 0.47 / 0.53 occupancy (COD 9005454)
    structure = read_structure(external_dir / "cod-tools" / "COD_9005454_NaMnFe2PO4_3_alluaudite.cif")
    assert not structure.is_ordered
    ordered = order_structure(structure, max_atoms=200, samples=3)
    assert ordered.is_ordered
    expected = sum(sum(site.species.values()) for site in structure)
    scale = ordered.lattice.volume / structure.lattice.volume
    assert len(ordered) == pytest.approx(expected * scale, abs=2)
    assert ordered.composition["P"] == pytest.approx(structure.composition["P"] * scale)


def test_ordering_keeps_the_occupancy_counts_exactly():
    # two half-occupied Na sites per cell: the smallest cell that holds whole atoms doubles it
    disordered = Structure(
        Lattice.cubic(5.0), [{"Na": 0.5}, "Cl", {"Na": 0.5}], [[0, 0, 0], [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]]
    )
    ordered = order_structure(disordered, samples=1)
    assert ordered.is_ordered
    assert ordered.composition["Na"] == pytest.approx(ordered.composition["Cl"])
    assert order_structure(ordered).matches(ordered)
