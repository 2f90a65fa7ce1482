"""HTML of nassb's result objects in Jupyter (their `_repr_html_`) and the rows the web pages show for them.

Each result is a small self-contained table of its headline numbers with their units and, where a figure helper
already draws it, that helper's static figure inlined as a PNG: no script and no network, so it renders offline in
any notebook. `material_rows` and `stability_rows` are shared with the Materials page of `nassb serve`, so a notebook
and the page show the same numbers.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable

Row = tuple[str, object, str]  # (quantity, value, unit)

_TABLE_STYLE = "border-collapse:collapse;font-size:0.9em;margin:0.3em 0"
_CELL_STYLE = "border-bottom:1px solid #ddd;padding:2px 8px;text-align:left"
_NUMBER_STYLE = "border-bottom:1px solid #ddd;padding:2px 8px;text-align:right"


def format_value(value: object, digits: int = 4) -> str:
    """A number to `digits` significant digits ('–' when missing or NaN, '∞' when infinite); text as it is."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        number = float(value)
        if math.isnan(number):
            return "–"
        if math.isinf(number):
            return "∞" if number > 0 else "-∞"
        return f"{number:.{digits}g}"
    return str(value)


def result_table(title: str, rows: Iterable[Row]) -> str:
    """A titled three-column table (quantity, value, unit) with inline styles."""
    escape = html.escape
    body = "".join(
        f"<tr><td style='{_CELL_STYLE}'>{escape(quantity)}</td>"
        f"<td style='{_NUMBER_STYLE}'>{escape(format_value(value))}</td>"
        f"<td style='{_CELL_STYLE}'>{escape(unit)}</td></tr>"
        for quantity, value, unit in rows
    )
    head = "".join(f"<th style='{_CELL_STYLE}'>{name}</th>" for name in ("quantity", "value", "unit"))
    return (
        f"<table style='{_TABLE_STYLE}'><caption style='text-align:left;font-weight:bold'>{escape(title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def inline_png(figure, dpi: int = 80) -> str:
    """A matplotlib figure as an <img> with its PNG inlined (base64); the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, bbox_inches="tight", format="png")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"<img src='data:image/png;base64,{encoded}' style='max-width:100%'>"


def result_html(title: str, rows: Iterable[Row], notes: Iterable[str] = (), figure=None) -> str:
    """The notebook view of one result: the table, one paragraph per note and the optional static figure."""
    paragraphs = "".join(f"<p style='font-size:0.85em;margin:0.2em 0'>{html.escape(note)}</p>" for note in notes)
    image = inline_png(figure) if figure is not None else ""
    return f"<div class='nassb-result'>{result_table(title, rows)}{paragraphs}{image}</div>"


def _or(value: object, missing: str) -> object:
    return missing if value is None else value


def material_rows(document: dict) -> list[Row]:
    """The rows of `nassb material analyse` from the JSON of a `MaterialAnalysis` (`to_dict`)."""
    bvse, descriptors = document["bvse"], document["descriptors"]
    rows: list[Row] = [(f"BVSE Ea {d}", _or(bvse[f"Ea_{d}_eV"], "no path"), "eV") for d in ("1D", "2D", "3D")]
    rows += [
        (f"bottleneck radius {d}", _or(descriptors[f"bottleneck_radius_{d}_A"], "closed"), "Å")
        for d in ("1D", "2D", "3D")
    ]
    rows += [
        ("Na sites / Na atoms", f"{descriptors['na_sites']} / {descriptors['na_atoms']:g}", "per cell"),
        ("Na-site vacancy fraction", descriptors["na_site_vacancy_fraction"], ""),
        ("carrier density", descriptors["carrier_density_per_cm3"], "cm⁻³"),
    ]
    if descriptors["tolerance_factor"] is not None:
        rows.append(("tolerance factor (anti-perovskite)", descriptors["tolerance_factor"], ""))
    hsab = descriptors["hsab"]
    rows.append((f"HSAB air-stability risk ({hsab['verdict']})", hsab["risk_score"], "0-1"))
    if "md" in document:
        rows += [
            ("MD Ea", document["md"]["Ea_eV"], "eV"),
            ("MD σ(298 K)", document["md"]["sigma_298K_S_per_cm"], "S/cm"),
        ]
    if "elastic" in document:
        elastic = document["elastic"]
        rows += [(key.split("_")[0], elastic[key], "GPa") for key in ("K_GPa", "G_GPa", "E_GPa")]
        verdict = elastic["monroe_newman"]
        rows.append((f"Monroe-Newman G/G_Na ({verdict['verdict']})", verdict["ratio"], ""))
    return rows


def stability_rows(document: dict) -> list[Row]:
    """The rows of `nassb material stability` from the JSON of a `Stability` (`to_dict`)."""
    rows: list[Row] = [
        ("energy above hull", _or(document["e_above_hull_eV_per_atom"], "no entry"), "eV/atom"),
        ("formation energy", document["formation_energy_eV_per_atom"], "eV/atom"),
        (
            "decomposition",
            " + ".join(f"{amount:.3g} {formula}" for formula, amount in document["decomposition"].items()),
            "atom fraction",
        ),
    ]
    window = document["window"]
    if window is not None:
        rows += [
            ("reduction limit", window["reduction_V"], "V vs Na/Na+"),
            ("reduction products", " + ".join(window["reduction_products"]) or "(stable with Na metal)", ""),
            ("oxidation limit", _or(window["oxidation_V"], "none"), "V vs Na/Na+"),
            ("oxidation products", " + ".join(window["oxidation_products"]), ""),
        ]
        if window["stabilized_by_eV_per_atom"]:
            rows.append(("lowered onto the hull for the window", window["stabilized_by_eV_per_atom"], "eV/atom"))
    return rows
