"""The evaluation of each example design against its golden JSON, taken before the parameter-set refactor.

Every number that the golden file holds must come back within 1e-9 relative (issue 14: a pure refactor
of the numbers). A later change of the physics rewrites these files in the same commit and says which
numbers moved and why. Keys added after the golden file was taken are not compared. The list of sources
(`provenance`, `defaults_used`) was relabelled by the parameter set on purpose (dotted parameter names,
cited library values no longer counted as defaults): there each old number must be found among the
parameters, in the old unit.
"""

import json
import math
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from nassb.cell.design import read_design
from nassb.cli._output import _json_default
from nassb.core.units import convert, parse_unit
from nassb.evaluate import evaluate_design

GOLDEN = Path(__file__).parent / "golden"
RELATIVE_TOLERANCE = 1e-9


def _differences(expected, actual, path: str = "") -> list[str]:
    """Every place where `actual` lacks or changes a number, string or flag of `expected`."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        out = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out += _differences(value, actual[key], f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [
                f"{path}: expected a list of {len(expected)}, "
                f"got {actual if not isinstance(actual, list) else len(actual)}"
            ]
        return [
            diff
            for index, (e, a) in enumerate(zip(expected, actual))
            for diff in _differences(e, a, f"{path}[{index}]")
        ]
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return [f"{path}: expected the number {expected}, got {actual!r}"]
    if math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-300):
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]


def test_every_example_has_a_golden_file():
    examples = {path.stem for path in (REPO_ROOT / "examples" / "cells").glob("*.toml")}
    assert examples == {path.stem for path in GOLDEN.glob("*.json")}


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda path: path.stem)
def test_evaluation_reproduces_its_golden_file(golden, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    design = read_design(Path("examples") / "cells" / f"{golden.stem}.toml")
    actual = json.loads(json.dumps(evaluate_design(design).to_dict(), default=_json_default))
    old_sources = expected.pop("provenance")
    expected.pop("defaults_used")
    differences = _differences(expected, actual)
    assert not differences, f"{len(differences)} differences, first: " + "; ".join(differences[:10])
    parameters = actual["parameters"]
    for old in old_sources:
        dimension = parse_unit(old["unit"]).dimension
        found = [
            name
            for name, item in parameters.items()
            if parse_unit(item["unit"]).dimension == dimension
            and math.isclose(
                convert(item["value"], item["unit"], old["unit"]), old["magnitude"], rel_tol=RELATIVE_TOLERANCE
            )
        ]
        assert found, f"{old['quantity']} = {old['magnitude']} {old['unit']} is not among the parameters"


def test_the_comparison_sees_a_changed_number():
    (difference,) = _differences({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.0 * (1 + 1e-8)}]})
    assert difference.startswith(".a[1].b: expected 2.0, got 2.00000002")
    assert _differences({"a": 1.0}, {"a": 1.0 * (1 + 1e-12), "c": 3}) == []
