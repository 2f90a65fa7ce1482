"""One formal oxidation state per element, fast for large supercells.

pymatgen's `Composition.oxi_state_guesses` distributes states over every atom, which grows combinatorially
with the atom count (minutes for a 160-atom doped supercell). Ionic conductors almost always carry one state
per element, so `element_oxidation_states` tries the product of each element's states listed in pymatgen's
ICSD statistics (`Element.icsd_oxidation_states`, else `common_oxidation_states`) and keeps the
charge-neutral combination with the highest product of ICSD occurrence probabilities (the same prior that
pymatgen ranks its guesses by). Mixed valence gives None, and the caller falls back to pymatgen.
"""

from __future__ import annotations

import itertools
from functools import lru_cache


@lru_cache(maxsize=1)
def _occurrence() -> dict[tuple[str, int], float]:
    from pathlib import Path

    from monty.serialization import loadfn
    from pymatgen.core import Species
    from pymatgen.core import composition as composition_module

    data = loadfn(str(Path(composition_module.__file__).parent / "icsd_bv.yaml"))["occurrence"]
    result = {}
    for species, count in data.items():
        parsed = Species.from_str(species)
        result[(parsed.symbol, int(parsed.oxi_state))] = float(count)
    return result


def element_oxidation_states(composition) -> dict[str, int] | None:
    """{element: state} making `composition` neutral with one state per element, or None (module docstring)."""
    from pymatgen.core import Composition, Element

    amounts = Composition(composition).get_el_amt_dict()
    if len(amounts) == 1:
        return {next(iter(amounts)): 0}
    candidates = []
    for symbol in amounts:
        element = Element(symbol)
        states = tuple(element.icsd_oxidation_states) or tuple(element.common_oxidation_states)
        if not states:
            return None
        candidates.append([(symbol, int(state)) for state in states])
    occurrence = _occurrence()
    best, best_score = None, -1.0
    for combination in itertools.product(*candidates):
        if abs(sum(amounts[symbol] * state for symbol, state in combination)) > 1e-6:
            continue
        score = 1.0
        for key in combination:
            score *= occurrence.get(key, 0.5)
        if score > best_score:
            best, best_score = dict(combination), score
    return best
