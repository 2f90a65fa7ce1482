"""Property-based fuzzing of the instrument readers and of `read_structure` with mutated real files.

Seeds are small real files from ../shared/external (impedance.py, yadg, galvani, navani, cellpy, structures).
Each example mutates one seed (bit flips, truncation, inserted or deleted bytes, numbers replaced by nan, inf or
absurd values, lines duplicated or dropped) and reads it with the reader for its suffix. A reader may succeed or
raise a `NassbError` (a user-facing error naming the file); any other exception fails the test, and so does an
accepted structure with a non-finite lattice or coordinate. CI runs `FUZZ_EXAMPLES` examples per target; the slow
job (NASSB_SLOW=1, NASSB_FUZZ_EXAMPLES=100000) runs the long campaign.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import EXTERNAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nassb.core.errors import NassbError

FUZZ_EXAMPLES = int(os.environ.get("NASSB_FUZZ_EXAMPLES", "60"))
MAX_SEED_BYTES = 200_000
SPECTRUM_SEEDS = [
    "impedance.py/exampleDataZPlot.z",
    "impedance.py/exampleDataBioLogic.mpt",
    "impedance.py/exampleDataGamry.DTA",
    "impedance.py/exampleDataParstat.txt",
    "impedance.py/exampleData.csv",
    "impedance.py/exampleDataVersaStudio.par",
    "impedance.py/exampleDataAutolab.txt",
    "yadg/peis.mpr",
]
CYCLING_SEEDS = ["yadg/gcpl.issue_149.mpt", "yadg/mb.issue_95.mpr", "yadg/mb.issue_95.mpt"]
STRUCTURE_SUFFIXES = (".cif", ".vasp", ".poscar")
NUMBER = re.compile(rb"-?\d+\.\d+(?:[eE][-+]?\d+)?")
WEIRD_NUMBERS = [b"nan", b"NaN", b"inf", b"-inf", b"1e400", b"-1e400", b"0", b"-0.0", b"1e-320", b"", b"--1"]


def _seeds(relative: list[str]) -> list[Path]:
    return [EXTERNAL / name for name in relative if (EXTERNAL / name).is_file()]


def _structure_seeds() -> list[Path]:
    folder = EXTERNAL / "structures"
    if not folder.is_dir():
        return []
    files = folder.rglob("*")
    return sorted(p for p in files if p.suffix.lower() in STRUCTURE_SUFFIXES and p.stat().st_size < MAX_SEED_BYTES)


@st.composite
def mutations(draw, data: bytes) -> bytes:
    """One to three random edits of `data`."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "number", "lines"]))
        size = len(data)
        if kind == "flip" and size:
            index = draw(st.integers(0, size - 1))
            data = data[:index] + bytes([data[index] ^ (1 << draw(st.integers(0, 7)))]) + data[index + 1 :]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, size))]
        elif kind == "insert":
            index = draw(st.integers(0, size))
            data = data[:index] + draw(st.binary(min_size=1, max_size=16)) + data[index:]
        elif kind == "delete" and size:
            start = draw(st.integers(0, size - 1))
            data = data[:start] + data[start + draw(st.integers(1, 64)) :]
        elif kind == "number":
            numbers = list(NUMBER.finditer(data))
            if numbers:
                match = numbers[draw(st.integers(0, len(numbers) - 1))]
                data = data[: match.start()] + draw(st.sampled_from(WEIRD_NUMBERS)) + data[match.end() :]
        elif kind == "lines":
            lines = data.split(b"\n")
            index = draw(st.integers(0, max(0, len(lines) - 1)))
            lines = lines[:index] + lines[index : index + 1] * draw(st.integers(0, 3)) + lines[index + 1 :]
            data = b"\n".join(lines)
    return data


def _read_mutated(seed: Path, data: bytes, reader):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_bytes(data)
        try:
            return reader(path)
        except NassbError:
            return None


def _fuzz(seeds: list[Path], reader, check=None):
    if not seeds:
        pytest.skip("no seed files in ../shared/external")
    contents = {seed: seed.read_bytes() for seed in seeds}

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data):
        seed = data.draw(st.sampled_from(seeds))
        mutated = data.draw(mutations(contents[seed]))
        result = _read_mutated(seed, mutated, reader)
        if result is not None and check is not None:
            check(result)

    run()


@pytest.mark.parametrize("kind", ["spectrum", "cycling"])
def test_mutated_instrument_files_give_data_or_a_clear_error(kind):
    from nassb.echem.readers import read_cycling, read_spectra

    if kind == "spectrum":
        _fuzz(_seeds(SPECTRUM_SEEDS), read_spectra)
    else:
        _fuzz(_seeds(CYCLING_SEEDS), read_cycling)


def _finite_structure(structure) -> None:
    assert np.all(np.isfinite(structure.lattice.matrix)) and np.all(np.isfinite(structure.frac_coords))
    assert structure.volume > 0


def test_mutated_structure_files_give_a_finite_structure_or_a_clear_error():
    from nassb.chem.structure import read_structure

    _fuzz(_structure_seeds(), read_structure, _finite_structure)
