"""Validation of knowledge-base records: charge neutrality of their formulas.

Charge neutrality follows the oxidation-state-guess idea of pymatgen's
`Composition.oxi_state_guesses`, extended to the two cases the seeds need and pymatgen does not
cover: cluster anions (closo-boranes, carbaborates, BH4-, NH2-, NO2-, PS4 3-, PO4 3-) are taken
out with their charge first, and fractional (doped) compositions are allowed. Each element takes
one of its common oxidation states (pymatgen's table); the 3d transition metals Ti-Cu may be
mixed-valent, taking any average between their common/ICSD states, as they are in layered-oxide
and polyanionic cathodes. Heavier dopants (W, Mo, Zr, Nb, Ta, Y, ...) keep a single state, so an
aliovalent composition with the wrong Na count (e.g. Na3.06Sb0.88W0.12S4) is caught. pymatgen's own
guesser is not used as a fallback: it accepts any listed state (Zr3+ in "Na3ZrCl6", P4+ in
"Na4PS4") and so would pass the formulas this check exists to catch. Persulfides (FeS2, S2 2-)
are therefore reported as unbalanced unless written with the cluster, Fe(S2). Metals, alloys, carbons, organics,
polymers and liquids are not checked: ionic
oxidation states do not describe them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

CLUSTER_ANION_CHARGES = {
    "CB11H12": -1,
    "CB9H10": -1,
    "B12H12": -2,
    "B10H10": -2,
    "B3H8": -1,
    "BH4": -1,
    "NH2": -1,
    "NO2": -1,
    "NO3": -1,
    "PS4": -3,
    "PO4": -3,
    "SO4": -2,
    "SbS4": -3,
    "AsS4": -3,
    "AlH6": -3,
    "CN": -1,
    "S2": -2,
    "BF4": -1,
    "PF6": -1,
}
_BARE_CLUSTERS = r"(CB11H12|CB9H10|B12H12|B10H10)(?![a-z0-9])"
_MIXED_VALENT = {"Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu"}
_TOLERANCE = 0.02
_NUMBER = r"(\d+(?:\.\d+)?)?"


@dataclass(frozen=True)
class ChargeCheck:
    """Outcome of a neutrality check: balanced or not, with a one-line explanation."""

    balanced: bool
    detail: str


def _take_out_clusters(formula: str) -> tuple[str, float, list[str]]:
    """Remove cluster anions from a formula; return the rest, their total charge and their names.

    Any cluster in parentheses is recognised, with its multiplier: `Na2(B12H12)0.5(B10H10)0.5`.
    Closo-boranes and carbaborates are also recognised unbracketed (`Na2B12H12`, amount 1).
    """
    charge = 0.0
    found: list[str] = []

    def take(group: str, amount: float, text: str) -> str:
        nonlocal charge
        if group not in CLUSTER_ANION_CHARGES:
            return text
        charge += CLUSTER_ANION_CHARGES[group] * amount
        found.append(group)
        return ""

    rest = re.sub(
        r"\(([A-Za-z0-9]+)\)" + _NUMBER, lambda m: take(m.group(1), float(m.group(2) or 1), m.group(0)), formula
    )
    rest = re.sub(_BARE_CLUSTERS, lambda m: take(m.group(1), 1.0, m.group(0)), rest)
    return rest, charge, found


@lru_cache(maxsize=4096)
def check_charge_balance(formula: str) -> ChargeCheck:
    """Whether some assignment of common oxidation states makes the formula neutral."""
    from pymatgen.core import Composition, Element

    rest, cluster_charge, clusters = _take_out_clusters(formula)
    amounts = Composition(rest).get_el_amt_dict() if rest.strip() else {}
    if len(amounts) == 1 and not clusters:
        return ChargeCheck(True, "an element: neutral")
    fixed_choices: list[list[tuple[str, int]]] = []
    ranges_low = ranges_high = 0.0
    for symbol, amount in amounts.items():
        element = Element(symbol)
        states = set(element.common_oxidation_states)
        if symbol in _MIXED_VALENT:
            states |= set(element.icsd_oxidation_states)
            positive = [s for s in states if s > 0]
            ranges_low += amount * min(positive)
            ranges_high += amount * max(positive)
        else:
            if not states:
                states = set(element.oxidation_states) or {0}
            fixed_choices.append([(symbol, s) for s in sorted(states)])
    symbols_in_fixed = [choices[0][0] for choices in fixed_choices]
    for assignment in itertools.product(*fixed_choices):
        total = cluster_charge + sum(amounts[symbol] * state for symbol, state in assignment)
        if total + ranges_low - _TOLERANCE <= 0 <= total + ranges_high + _TOLERANCE:
            states = ", ".join(f"{symbol}{state:+d}" for symbol, state in assignment)
            tail = f" with clusters {', '.join(clusters)}" if clusters else ""
            return ChargeCheck(True, f"neutral as {states}{tail}")
    described = ", ".join(symbols_in_fixed + sorted(set(amounts) & _MIXED_VALENT))
    return ChargeCheck(False, f"no common oxidation states of {described} make {formula} neutral")


CHARGE_CHECK_EXEMPT_FAMILIES = frozenset(
    {"alloy", "metal", "carbon", "organic", "polymer", "liquid", "ionic_liquid", "composite"}
)
