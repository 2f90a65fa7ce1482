"""Reactions printed in the seeds, checked for element balance on load.

A reaction that does not balance as printed keeps its printed coefficients and gets the loader
flag `unbalanced` with the element totals of both sides, so the seed's error is visible, not fixed.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from nassb.chem.formula import parse_formula
from nassb.core.errors import InputError

REACTION_COLUMNS = (
    "reaction_id",
    "equation_printed",
    "reactants",
    "products",
    "seed_file",
    "locator",
    "ref",
    "flags",
    "note",
)


def side_element_totals(side: str, source: str = "reaction") -> Counter:
    """Element totals of one side written as `coefficient formula + coefficient formula ...`."""
    totals: Counter = Counter()
    for term in side.split(" + "):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?\s*(\S+)\s*", term)
        composition = parse_formula(match.group(2)) if match else None
        if composition is None:
            raise InputError(source, "reactants/products", "terms like '8 Na' or '1 Na3PS4(H2O)8'", term)
        coefficient = float(match.group(1) or 1)
        for element, amount in composition.get_el_amt_dict().items():
            totals[element] += coefficient * amount
    return totals


def balance_problem(reactants: str, products: str, source: str = "reaction") -> str:
    """Empty if both sides hold the same atoms; otherwise the elements that differ, with totals."""
    left, right = side_element_totals(reactants, source), side_element_totals(products, source)
    differing = sorted(element for element in set(left) | set(right) if abs(left[element] - right[element]) > 1e-6)
    return ", ".join(f"{element} {left[element]:g} left vs {right[element]:g} right" for element in differing)


def load_reactions(directory: Path) -> tuple[pd.DataFrame, list[str]]:
    """All `reactions_*.csv` files, with a `balance` column and the `unbalanced` loader flag."""
    frames = []
    for path in sorted(directory.glob("reactions_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if tuple(frame.columns) != REACTION_COLUMNS:
            raise InputError(str(path), "header", f"the columns {', '.join(REACTION_COLUMNS)}", list(frame.columns))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*REACTION_COLUMNS, "balance"]), []
    reactions = pd.concat(frames, ignore_index=True)
    issues, balance, flags = [], [], []
    for row in reactions.itertuples():
        problem = balance_problem(row.reactants, row.products, f"{row.seed_file} {row.reaction_id}")
        balance.append(problem or "balanced")
        flags.append(f"{row.flags};unbalanced" if problem and row.flags else ("unbalanced" if problem else row.flags))
        if problem:
            issues.append(f"{row.reaction_id}: does not balance as printed: {problem}")
    return reactions.assign(balance=balance, flags=flags), issues
