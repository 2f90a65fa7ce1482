"""Structures that cannot be computed with are refused, with the file and the reason, before any C code sees them."""

import pytest

from nassb.chem.structure import read_structure
from nassb.core.errors import InputError

POSCAR = """NaCl rock salt
1.0
{a} 0.0 0.0
0.0 {a} 0.0
0.0 0.0 {a}
Na Cl
4 4
Direct
0.0 0.0 0.0
0.0 0.5 0.5
0.5 0.0 0.5
0.5 0.5 0.0
0.5 0.5 0.5
0.5 0.0 0.0
0.0 0.5 0.0
{x} 0.0 0.5
"""


def _poscar(tmp_path, a="5.64", x="0.0"):
    path = tmp_path / "NaCl.vasp"
    path.write_text(POSCAR.format(a=a, x=x))
    return path


def test_rock_salt_reads(tmp_path):
    assert len(read_structure(_poscar(tmp_path))) == 8


@pytest.mark.parametrize(
    ("a", "x", "field", "reason"),
    [
        ("nan", "0.0", "lattice", "finite lattice"),
        ("inf", "0.0", "lattice", "finite lattice"),
        ("0.0", "0.0", "", ""),
        ("0.5", "0.0", "lattice", "per site"),
        ("5.64", "nan", "coordinates", "finite atomic coordinates"),
        ("5.64", "0.51", "coordinates", "apart"),
    ],
)
def test_impossible_structures_are_refused(tmp_path, a, x, field, reason):
    path = _poscar(tmp_path, a, x)
    with pytest.raises(InputError) as caught:
        read_structure(path)
    assert caught.value.source == str(path)
    if field:
        assert caught.value.field == field and reason in str(caught.value)
