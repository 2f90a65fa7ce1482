"""Chemical compatibility of the contacts of the example cells (nassb.interface.compatibility)."""

from __future__ import annotations

import json

from conftest import REPO_ROOT

from nassb.cell.design import read_design
from nassb.cell.resolve import resolve_cell
from nassb.interface.compatibility import check_interfaces, stack_contacts

CELLS = REPO_ROOT / "examples" / "cells"


def _design(name: str):
    design = read_design(CELLS / name)
    return design, resolve_cell(design).parameters


def test_halide_catholyte_cell_has_four_contacts_with_both_states_of_the_cathode():
    contacts = [(a, b) for _, a, b, _ in stack_contacts(*_design("nacro2-nyzc-nps-nasn.toml"))]
    assert contacts == [
        ("Na15Sn4", "Na3PS4"),
        ("NaCrO2", "Na2.25Y0.25Zr0.75Cl6"),
        ("Na0.5CrO2", "Na2.25Y0.25Zr0.75Cl6"),
        ("Na2.25Y0.25Zr0.75Cl6", "Na3PS4"),
    ]


def test_na_sn_anode_on_na3ps4_grows_a_mixed_conducting_interphase():
    checks = {
        (check.phase_A, check.phase_B): check for check in check_interfaces(*_design("nacro2-nyzc-nps-nasn.toml"))
    }
    anode = checks[("Na15Sn4", "Na3PS4")]
    assert anode.interface_type == "II" and "Sn" in anode.products and "Na2S" in anode.products
    assert anode.note == ""  # Na15Sn4 has an entry of its own (its real structure), no hull-mixture stand-in
    charged = checks[("Na0.5CrO2", "Na2.25Y0.25Zr0.75Cl6")]
    assert charged.reaction_energy_eV_per_atom < 0 and "NaCl" in charged.products


def test_sulfur_cathode_is_checked_discharged_as_na2s():
    contacts = [(a, b) for _, a, b, _ in stack_contacts(*_design("s-nass-nasn.toml"))]
    assert ("Na2S", contacts[-1][1]) in contacts and ("S", contacts[-1][1]) in contacts


def test_liquid_interlayer_and_missing_elements_are_reported_not_computed():
    liquid = check_interfaces(*_design("nvp-nzsp-liquid-na.toml"))
    assert any("liquid" in check.note and check.interface_type is None for check in liquid)
    assert liquid[0].interface_type == "III"  # Na | NZSP still computed: Na4SiO4 + Na3P + ZrO2
    lanthanum = check_interfaces(*_design("nvp-lzsp-na.toml"))
    assert all(check.interface_type is None and "La" in check.note for check in lanthanum)


def test_evaluation_json_carries_the_interfaces(tmp_path):
    from typer.testing import CliRunner

    from nassb.cli import app

    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            str(CELLS / "nacro2-nyzc-nps-nasn.toml"),
            "--no-simulate",
            "-o",
            str(tmp_path / "r.html"),
            "--json",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    interfaces = json.loads((tmp_path / "r.json").read_text())["interfaces"]
    assert [check["interface_type"] for check in interfaces] == ["II", "III", "III", "III"]
    assert 'id="interfaces"' in (tmp_path / "r.html").read_text()
