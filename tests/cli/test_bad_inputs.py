"""A catalogue of bad inputs across every command: each must end with exit code 2, one line on stderr that names
the problem, no traceback, and no file in the output folder.

Each case runs `nassb.cli.main` in-process with its arguments. `{out}` is the output folder, `{files}` a folder of
bad input files written by the `bad_files` fixture, `{examples}` the repository's examples and `{external}`
../shared/external (cases that need it skip when it is absent).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import EXTERNAL, REPO_ROOT

from nassb.cli import main

EXAMPLES = REPO_ROOT / "examples"
TIS2 = "{examples}/cells/tis2-borohydride-na.toml"
NACRO2 = "{examples}/cells/nacro2-nyzc-nps-nasn.toml"
SPECTRUM = "{examples}/eis/synthetic-series/pellet_293K.csv"
MANIFEST = "{examples}/eis/synthetic-series/series.csv"
RAMP = "{examples}/cycling/synthetic-ccd-ramp.csv"
DIAGNOSE_GEOMETRY = ("--area-cm2", "1", "--thickness-cm", "0.1")
PEIS = "{external}/yadg/peis.mpr"
GCPL = "{external}/yadg/gcpl.issue_149.mpt"
Z_FILE = "{external}/impedance.py/exampleDataZPlot.z"
GEOMETRY = ["--thickness-cm", "0.1", "--area-cm2", "0.785"]

# (id, arguments, text the error line must contain)
CASES: list[tuple[str, list[str], str]] = [
    # ---- output paths: refused before any work
    ("json-is-a-directory", ["material", "stability", "Na3PS4", "--json", "{out}"], "existing directory"),
    ("json-under-a-file", ["material", "stability", "Na3PS4", "--json", "{files}/plain.txt/x.json"], "not a folder"),
    ("json-device", ["material", "stability", "Na3PS4", "--json", "/dev/null"], "character device"),
    ("json-fifo", ["material", "stability", "Na3PS4", "--json", "{files}/pipe"], "FIFO"),
    ("output-dir-is-a-file", ["material", "stability", "Na3PS4", "-o", "{files}/plain.txt"], "existing file"),
    ("eis-output-under-a-file", ["eis", "fit", SPECTRUM, "-o", "{files}/plain.txt/plots"], "not a folder"),
    ("eis-json-device", ["eis", "drt", SPECTRUM, "--json", "/dev/full", "-o", "{out}"], "character device"),
    ("cycling-json-dir", ["cycling", "ccd", RAMP, "--area-cm2", "1", "--json", "{out}", "-o", "{out}"], "directory"),
    ("dc-output-fifo", ["dc", "electronic", RAMP, *GEOMETRY, "-o", "{files}/pipe"], "FIFO"),
    ("evaluate-report-dir", ["evaluate", TIS2, "-o", "{out}"], "existing directory"),
    (
        "evaluate-json-under-file",
        ["evaluate", TIS2, "-o", "{out}/r.html", "--json", "{files}/plain.txt/e.json"],
        "folder",
    ),
    ("cell-energy-json-device", ["cell", "energy", TIS2, "--json", "/dev/zero"], "character device"),
    ("cell-simulate-output-file", ["cell", "simulate", TIS2, "-o", "{files}/plain.txt"], "existing file"),
    ("cell-optimize-json-dir", ["cell", "optimize", TIS2, "--json", "{out}"], "existing directory"),
    ("db-plot-under-file", ["db", "plot", "arrhenius", "-o", "{files}/plain.txt/map"], "not a folder"),
    ("db-export-dir", ["db", "export", "{out}"], "existing directory"),
    ("db-query-csv-device", ["db", "query", "--csv", "/dev/null"], "character device"),
    ("db-list-json-fifo", ["db", "list", "--json", "{files}/pipe"], "FIFO"),
    ("analyse-output-file", ["material", "analyse", "Na3PS4-cubic", "-o", "{files}/plain.txt"], "existing file"),
    (
        "dope-supercells-file",
        ["material", "dope", "Na3SbS4", "--substitute", "W:Sb", "--supercells", "{files}/plain.txt"],
        "existing file",
    ),
    ("react-json-dir", ["interface", "react", "Na", "Na3PS4", "--json", "{out}"], "existing directory"),
    ("hydrolysis-json-device", ["material", "hydrolysis", "Na3PS4", "--json", "/dev/null"], "character device"),
    ("validate-bvse-json-dir", ["material", "validate-bvse", "--json", "{out}"], "existing directory"),
    # ---- structures
    ("structure-nan-lattice", ["material", "analyse", "{files}/nan_lattice.vasp", "-o", "{out}"], "finite lattice"),
    ("structure-zero-volume", ["material", "analyse", "{files}/flat.vasp", "-o", "{out}"], "lattice"),
    ("structure-overlap", ["material", "analyse", "{files}/overlap.vasp", "-o", "{out}"], "apart"),
    (
        "structure-nan-coordinate",
        ["material", "analyse", "{files}/nan_coordinate.vasp", "-o", "{out}"],
        "finite atomic",
    ),
    ("structure-huge-cell", ["material", "analyse", "{files}/huge.vasp", "-o", "{out}"], "cell widths"),
    ("structure-empty-cif", ["material", "analyse", "{files}/empty.cif", "-o", "{out}"], "empty.cif"),
    ("structure-garbage-cif", ["material", "analyse", "{files}/garbage.cif", "-o", "{out}"], "garbage.cif"),
    ("structure-missing-file", ["material", "analyse", "{files}/absent.cif", "-o", "{out}"], "absent.cif"),
    ("structure-unknown-name", ["material", "analyse", "Unobtainium-cubic", "-o", "{out}"], "library names"),
    ("structure-no-sodium", ["material", "analyse", "{files}/nacl_without_na.vasp", "-o", "{out}"], "mobile ion"),
    ("stability-nan-structure", ["material", "stability", "{files}/nan_lattice.vasp"], "finite lattice"),
    ("stability-overlap", ["material", "stability", "{files}/overlap.vasp"], "apart"),
    ("dope-structure-overlap", ["material", "dope", "{files}/overlap.vasp", "--substitute", "K:Na"], "apart"),
    # ---- formulas
    ("formula-zero-amount", ["material", "stability", "NaCl0"], "NaCl0"),
    ("formula-absurd-amount", ["material", "stability", "Na1e400Cl"], "Na1e400Cl"),
    ("formula-not-an-element", ["material", "stability", "Xx2O"], "Xx2O"),
    ("formula-empty", ["material", "stability", ""], "formula"),
    ("react-zero-amount", ["interface", "react", "Na", "Na3PS0"], "Na3PS0"),
    ("react-absurd-amount", ["interface", "react", "Na1e400", "Na3PS4"], "Na1e400"),
    ("hydrolysis-bad-formula", ["material", "hydrolysis", "Na3PS4", "Qq3"], "Qq3"),
    ("dope-bad-parent", ["material", "dope", "NaCl0", "--substitute", "W:Sb"], "NaCl0"),
    ("dope-host-absent", ["material", "dope", "Na3PS4", "--substitute", "W:Sb"], "Sb"),
    ("dope-reversed-range", ["material", "dope", "Na3SbS4", "--substitute", "W:Sb", "--range", "0.2-0.1"], "range"),
    ("dope-bad-substitution", ["material", "dope", "Na3SbS4", "--substitute", "W"], "substitute"),
    ("capacity-bad-formula", ["cycling", "summary", RAMP, "--formula", "NaCl0", "--electrons", "1"], "NaCl0"),
    # ---- numbers
    ("c-rates-nan", ["cell", "simulate", TIS2, "--c-rates", "nan", "-o", "{out}"], "--c-rates"),
    ("c-rates-inf", ["cell", "simulate", TIS2, "--c-rates", "0.1,inf", "-o", "{out}"], "--c-rates"),
    ("c-rates-negative", ["evaluate", TIS2, "-o", "{out}/r.html", "--c-rates", "-1"], "--c-rates"),
    ("c-rates-text", ["evaluate", TIS2, "-o", "{out}/r.html", "--c-rates", "fast"], "--c-rates"),
    ("optimize-c-rate-inf", ["cell", "optimize", TIS2, "--c-rate", "inf"], "--c-rate"),
    ("optimize-c-rate-zero", ["cell", "optimize", TIS2, "--c-rate", "0"], "--c-rate"),
    ("optimize-utilisation-above-one", ["cell", "optimize", TIS2, "--min-utilisation", "1.5"], "--min-utilisation"),
    ("optimize-grid-one", ["cell", "optimize", TIS2, "--grid-points", "1"], "--grid-points"),
    ("optimize-bounds-text", ["cell", "optimize", TIS2, "--loading", "a,b"], "--loading"),
    (
        "eis-thickness-nan",
        ["eis", "fit", SPECTRUM, "--thickness-cm", "nan", "--area-cm2", "1", "-o", "{out}"],
        "--thickness-cm",
    ),
    (
        "eis-area-negative",
        ["eis", "fit", SPECTRUM, "--thickness-cm", "0.1", "--area-cm2", "-1", "-o", "{out}"],
        "--area-cm2",
    ),
    (
        "eis-arrhenius-area-zero",
        ["eis", "arrhenius", "--manifest", MANIFEST, "--thickness-cm", "0.1", "--area-cm2", "0", "-o", "{out}"],
        "--area-cm2",
    ),
    (
        "eis-arrhenius-thickness-inf",
        ["eis", "arrhenius", "--manifest", MANIFEST, "--thickness-cm", "inf", "--area-cm2", "1", "-o", "{out}"],
        "--thickness-cm",
    ),
    ("drt-extend-negative", ["eis", "drt", SPECTRUM, "--extend-decades", "-1", "-o", "{out}"], "--extend-decades"),
    ("drt-derivative-three", ["eis", "drt", SPECTRUM, "--derivative", "3", "-o", "{out}"], "--derivative"),
    ("kk-mu-above-one", ["eis", "kk", SPECTRUM, "--mu", "2", "-o", "{out}"], "--mu"),
    ("cycling-area-zero", ["cycling", "ccd", RAMP, "--area-cm2", "0", "-o", "{out}"], "--area-cm2"),
    ("cycling-area-nan", ["cycling", "symmetric", RAMP, "--area-cm2", "nan", "-o", "{out}"], "--area-cm2"),
    ("cycling-mass-negative", ["cycling", "summary", RAMP, "--mass-mg", "-3", "-o", "{out}"], "--mass-mg"),
    ("cycling-electrons-alone", ["cycling", "summary", RAMP, "--electrons", "1", "-o", "{out}"], "--formula"),
    (
        "cycling-bulk-negative",
        ["cycling", "ccd", RAMP, "--area-cm2", "1", "--R-bulk-ohm", "-5", "-o", "{out}"],
        "--R-bulk-ohm",
    ),
    ("dc-sigma-ion-zero", ["dc", "electronic", RAMP, *GEOMETRY, "--sigma-ion", "0", "-o", "{out}"], "--sigma-ion"),
    (
        "dc-thickness-negative",
        ["dc", "electronic", RAMP, "--thickness-cm", "-0.1", "--area-cm2", "1", "-o", "{out}"],
        "--thickness-cm",
    ),
    ("dc-tail-fraction-two", ["dc", "transference", RAMP, "--tail-fraction", "2", "-o", "{out}"], "--tail-fraction"),
    (
        "db-min-above-max",
        ["db", "query", "--property", "ionic_conductivity", "--min", "1", "--max", "0.1"],
        "--min/--max",
    ),
    ("db-tmin-negative", ["db", "query", "--tmin-K", "-5"], "--tmin-K"),
    ("db-tmin-above-tmax", ["db", "query", "--tmin-K", "400", "--tmax-K", "300"], "--tmin-K/--tmax-K"),
    ("db-min-nan", ["db", "query", "--property", "ionic_conductivity", "--min", "nan"], "--min"),
    ("db-min-without-property", ["db", "query", "--min", "1e-3"], "--property"),
    (
        "analyse-resolution-zero",
        ["material", "analyse", "Na3PS4-cubic", "--resolution", "0", "-o", "{out}"],
        "--resolution",
    ),
    (
        "analyse-md-time-negative",
        ["material", "analyse", "Na3PS4-cubic", "--md-time-ps", "-1", "-o", "{out}"],
        "--md-time-ps",
    ),
    (
        "analyse-md-temperatures-nan",
        ["material", "analyse", "Na3PS4-cubic", "--md-temperatures", "nan", "-o", "{out}"],
        "--md-temperatures",
    ),
    ("dope-step-zero", ["material", "dope", "Na3SbS4", "--substitute", "W:Sb", "--step", "0"], "--step"),
    ("dope-step-tiny", ["material", "dope", "Na3SbS4", "--substitute", "W:Sb", "--step", "1e-9"], "at most 1000"),
    # ---- designs that cannot exist
    ("design-missing", ["evaluate", "{files}/absent.toml", "-o", "{out}/r.html"], "absent.toml"),
    ("design-bad-toml", ["evaluate", "{files}/broken.toml", "-o", "{out}/r.html"], "TOML"),
    (
        "design-negative-thickness",
        ["evaluate", "{files}/negative_separator.toml", "-o", "{out}/r.html"],
        "separator.thickness_um",
    ),
    ("design-fractions", ["cell", "energy", "{files}/fractions.toml"], "sum to 100"),
    ("design-anode-free-tis2", ["evaluate", "{files}/anode_free_tis2.toml", "-o", "{out}/r.html"], "holds none"),
    ("design-molten-na", ["evaluate", "{files}/molten_na.toml", "-o", "{out}/r.html"], "melting point"),
    ("design-typo-key", ["cell", "energy", "{files}/typo_key.toml"], "diffusivity_cm2_per_sec"),
    ("design-carbon-is-na", ["cell", "energy", "{files}/carbon_na.toml"], "cathode.carbon"),
    ("design-porosity", ["evaluate", "{files}/porous.toml", "-o", "{out}/r.html"], "cathode.porosity"),
    (
        "design-zero-conductivity",
        ["evaluate", "{files}/zero_sigma.toml", "-o", "{out}/r.html"],
        "ionic_conductivity_S_per_cm",
    ),
    ("design-unknown-material", ["evaluate", "{files}/unknown_material.toml", "-o", "{out}/r.html"], "Unobtainium"),
    ("design-missing-property", ["cell", "energy", "{files}/missing_property.toml"], '[materials."Na9X"]'),
    ("design-nan-override", ["cell", "energy", "{files}/nan_override.toml"], "finite"),
    ("design-window", ["cell", "energy", "{files}/window.toml"], "voltage_max_V"),
    ("design-liquid-without-area", ["cell", "energy", "{files}/liquid_no_area.toml"], "area_cm2"),
    ("design-absurd-loading", ["cell", "energy", "{files}/absurd_loading.toml"], "(0, 1000] mg/cm2"),
    ("simulate-absurd-c-rate", ["cell", "simulate", TIS2, "--c-rates", "1e9", "-o", "{out}"], "no solution at 1e+09C"),
    (
        "optimize-vol-composition",
        ["cell", "optimize", "{files}/by_volume.toml", "--grid-points", "2"],
        "composition_wt",
    ),
    # ---- wrong kind of file
    ("ccd-on-peis", ["cycling", "ccd", PEIS, "--area-cm2", "1", "-o", "{out}"], "impedance spectrum"),
    ("summary-on-zplot", ["cycling", "summary", Z_FILE, "-o", "{out}"], ".z"),
    ("symmetric-on-peis", ["cycling", "symmetric", PEIS, "--area-cm2", "1", "-o", "{out}"], "impedance spectrum"),
    ("eis-fit-on-gcpl", ["eis", "fit", GCPL, "-o", "{out}"], "time series"),
    ("eis-drt-on-gcpl", ["eis", "drt", GCPL, "-o", "{out}"], "time series"),
    ("eis-kk-on-ramp", ["eis", "kk", RAMP, "-o", "{out}"], "time series"),
    ("dc-electronic-on-peis", ["dc", "electronic", PEIS, *GEOMETRY, "-o", "{out}"], "impedance spectrum"),
    ("dc-transference-on-peis", ["dc", "transference", PEIS, "-o", "{out}"], "impedance spectrum"),
    ("eis-empty-file", ["eis", "fit", "{files}/empty.csv", "-o", "{out}"], "empty.csv"),
    ("cycling-empty-file", ["cycling", "ccd", "{files}/empty.csv", "--area-cm2", "1", "-o", "{out}"], "empty.csv"),
    (
        "manifest-negative-temperature",
        ["eis", "arrhenius", "--manifest", "{files}/cold_manifest.csv", *GEOMETRY, "-o", "{out}"],
        "temperature",
    ),
    ("manifest-missing", ["eis", "arrhenius", "--manifest", "{files}/absent.csv", *GEOMETRY, "-o", "{out}"], "absent"),
    # ---- usage and lookups
    ("unknown-command", ["nonsense"], "No such command"),
    ("unknown-option", ["eis", "fit", SPECTRUM, "--bogus"], "--bogus"),
    ("missing-argument", ["material", "stability"], "Missing argument"),
    ("bad-choice", ["eis", "fit", SPECTRUM, "--weighting", "heavy", "-o", "{out}"], "weighting"),
    ("bad-circuit", ["eis", "fit", SPECTRUM, "--circuit", "R0-p(R1", "-o", "{out}"], "circuit"),
    ("db-show-unknown", ["db", "show", "999-9999"], "999-9999"),
    ("db-query-family", ["db", "query", "--family", "plasma"], "--family"),
    ("db-query-property", ["db", "query", "--property", "colour"], "--property"),
    ("db-export-extension", ["db", "export", "{out}/kb.xls"], "kb.xls"),
    # ---- failure models (issue 16)
    ("ccd-unknown-electrolyte", ["interface", "ccd", "--electrolyte", "Unobtainium"], "--electrolyte"),
    ("ccd-cathode-as-electrolyte", ["interface", "ccd", "--electrolyte", "NaCrO2"], "cathode material"),
    ("ccd-nan-pressure", ["interface", "ccd", "--electrolyte", "BASE", "--pressure-MPa", "nan"], "--pressure-MPa"),
    ("ccd-negative-pressure", ["interface", "ccd", "--electrolyte", "BASE", "--pressure-MPa", "-1"], "pressure"),
    ("ccd-below-0-K", ["interface", "ccd", "--electrolyte", "BASE", "--temperature-C", "-400"], "temperature"),
    ("ccd-negative-asr", ["interface", "ccd", "--electrolyte", "BASE", "--asr-ohm-cm2", "-1"], "ASR"),
    ("ccd-json-device", ["interface", "ccd", "--electrolyte", "BASE", "--json", "/dev/null"], "character device"),
    ("cycle-zero-cycles", ["cell", "cycle", "{examples}/cells/tis2-borohydride-na.toml", "--cycles", "0"], "--cycles"),
    (
        "cycle-stop-percent",
        ["cell", "cycle", "{examples}/cells/tis2-borohydride-na.toml", "--stop-percent", "150"],
        "--stop-percent",
    ),
    ("cycle-not-toml", ["cell", "cycle", "{files}/plain.txt"], "plain.txt"),
    ("cycle-contact-above-one", ["cell", "cycle", "{files}/contact_above_one.toml"], "anode_contact_fraction"),
    (
        "cycle-output-virtual-fs",
        ["cell", "cycle", "{examples}/cells/tis2-borohydride-na.toml", "--cycles", "2", "-o", "/proc/nassb-plots"],
        "/proc/nassb-plots",
    ),
    # ---- diagnosis (issue 17)
    ("diagnose-missing-manifest", ["diagnose", "{files}/absent.csv", *DIAGNOSE_GEOMETRY], "manifest"),
    ("diagnose-kind-unknown", ["diagnose", "{files}/diagnose_kind.csv", *DIAGNOSE_GEOMETRY], "kind (line 2)"),
    ("diagnose-file-missing", ["diagnose", "{files}/diagnose_missing.csv", *DIAGNOSE_GEOMETRY], "file (line 2)"),
    ("diagnose-time-text", ["diagnose", "{files}/diagnose_time.csv", *DIAGNOSE_GEOMETRY], "time_h (line 2)"),
    ("diagnose-celsius", ["diagnose", "{files}/diagnose_celsius.csv", *DIAGNOSE_GEOMETRY], "temperature_K (line 2)"),
    ("diagnose-ramp-as-eis", ["diagnose", "{files}/diagnose_ramp_as_eis.csv", *DIAGNOSE_GEOMETRY], "nassb cycling"),
    (
        "diagnose-nan-area",
        ["diagnose", "{files}/diagnose_kind.csv", "--area-cm2", "nan", "--thickness-cm", "0.1"],
        "--area-cm2",
    ),
    (
        "diagnose-report-device",
        ["diagnose", "{files}/diagnose_ramp_as_eis.csv", *DIAGNOSE_GEOMETRY, "-o", "/dev/null"],
        "character device",
    ),
    # ---- screening (issue 20)
    ("screen-missing-folder", ["screen", "run", "{files}/absent", "--store", "{out}/s"], "CANDIDATES"),
    ("screen-empty-folder", ["screen", "run", "{files}/empty_folder", "--store", "{out}/s"], "structure file"),
    ("screen-bad-tiers", ["screen", "run", "{files}", "--store", "{out}/s", "--tiers", "1,2"], "--tiers"),
    ("screen-bad-filter", ["screen", "run", "{files}", "--store", "{out}/s", "--filter", "Ea is small"], "--filter"),
    ("screen-status-not-a-store", ["screen", "status", "{files}"], "nassb screen run"),
    ("screen-unknown-cluster", ["screen", "run", "{files}", "--store", "{out}/s", "--cluster", "moon"], "--cluster"),
    (
        "screen-workers-and-scheduler",
        ["screen", "run", "{files}", "--store", "{out}/s", "--workers", "2", "--scheduler", "tcp://h:1"],
        "--scheduler",
    ),
    ("screen-export-extension", ["screen", "export", "{files}", "{out}/results.xls"], "OUTPUT"),
    ("screen-bad-rank-by", ["screen", "run", "{files}", "--store", "{out}/s", "--rank-by", "Ea 3D"], "--rank-by"),
    (
        "screen-misspelt-filter-field",
        ["screen", "run", "{files}", "--store", "{out}/s", "--filter", "Ea_3d_eV < 0.5"],
        "--filter",
    ),
    ("screen-top-k-zero", ["screen", "run", "{files}", "--store", "{out}/s", "--top-k", "0"], "--top-k"),
    (
        "screen-entries-missing",
        ["screen", "run", "{files}", "--store", "{out}/s", "--tiers", "0,1,2", "--entries", "{files}/absent.json"],
        "absent.json",
    ),
    (
        "screen-cathode-uncovered",
        ["screen", "run", "{files}", "--store", "{out}/s", "--tiers", "0,1,2", "--cathode", "NaMnO2"],
        "Mn",
    ),
    ("screen-report-extension", ["screen", "report", "{files}", "-o", "{out}/report.pdf"], "--output"),
    ("scheme-unknown", ["material", "stability", "Na3PS4", "--scheme", "dft"], "scheme"),
    ("entries-missing-file", ["material", "stability", "Na3PS4", "--entries", "{files}/absent.json"], "absent.json"),
    ("entries-bad-json", ["material", "stability", "Na3PS4", "--entries", "{files}/plain.txt"], "plain.txt"),
]

POSCAR = "bad\n1.0\n{a} 0 0\n0 {a} 0\n0 0 {a}\n{species}\n1 1\nDirect\n0 0 0\n{x} 0.5 0.5\n"


def _design_variant(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad-inputs")
    (folder / "plain.txt").write_text("not json, not a folder\n")
    (folder / "empty_folder").mkdir()
    os.mkfifo(folder / "pipe")
    for name, a, x, species in [
        ("nan_lattice", "nan", "0.5", "Na Cl"),
        ("flat", "0.001", "0.5", "Na Cl"),
        ("overlap", "5.6", "0.01", "Na Cl"),
        ("nan_coordinate", "5.6", "nan", "Na Cl"),
        ("huge", "1e6", "0.5", "Na Cl"),
        ("nacl_without_na", "5.6", "0.5", "K Cl"),
    ]:
        text = POSCAR.format(a=a, x=x, species=species)
        if name == "overlap":
            text = text.replace(f"{x} 0.5 0.5", "0.01 0 0")
        (folder / f"{name}.vasp").write_text(text)
    (folder / "empty.cif").write_text("")
    (folder / "empty.csv").write_text("")
    (folder / "garbage.cif").write_text("data_x\n_cell_length_a banana\nloop_\n_atom_site_label\nNa1\n")
    (folder / "broken.toml").write_text("[cell\nname = ")
    (folder / "cold_manifest.csv").write_text(
        f"file,temperature_K\n{EXAMPLES}/eis/synthetic-series/pellet_293K.csv,-5\n"
    )
    ramp = EXAMPLES / "cycling" / "synthetic-ccd-ramp.csv"
    for name, text in {
        "diagnose_kind": f"file,kind\n{ramp},impedance\n",
        "diagnose_missing": "file,kind\nnowhere.csv,eis\n",
        "diagnose_time": f"file,kind,time_h\n{ramp},eis,later\n",
        "diagnose_celsius": f"file,kind,temperature_K\n{ramp},symmetric,25\n",
        "diagnose_ramp_as_eis": "file,kind,time_h\n" + "".join(f"{ramp},eis,{hour}\n" for hour in range(3)),
    }.items():
        (folder / f"{name}.csv").write_text(text)
    tis2, nacro2 = EXAMPLES / "cells" / "tis2-borohydride-na.toml", EXAMPLES / "cells" / "nacro2-nyzc-nps-nasn.toml"
    designs = {
        "negative_separator": (tis2, "thickness_um = 500", "thickness_um = -500"),
        "fractions": (tis2, "active = 50, catholyte = 50", "active = 50, catholyte = 60"),
        "anode_free_tis2": (tis2, 'type = "na_metal"\nthickness_um = 100', 'type = "anode_free"'),
        "molten_na": (tis2, "temperature_C = 30", "temperature_C = 120"),
        "typo_key": (tis2, "[cell]", '[materials."TiS2"]\ndiffusivity_cm2_per_sec = 1e-10\n\n[cell]'),
        "carbon_na": (nacro2, 'carbon = "VGCF"', 'carbon = "Na"'),
        "porous": (tis2, "active_loading_mg_per_cm2 = 3.0", "active_loading_mg_per_cm2 = 3.0\nporosity = 0.95"),
        "zero_sigma": (
            tis2,
            "[cell]",
            '[materials."Na2B10H10-3Na2B12H12"]\nionic_conductivity_S_per_cm = 0.0\n\n[cell]',
        ),
        "unknown_material": (tis2, 'active = "TiS2"', 'active = "Unobtainium"'),
        "missing_property": (tis2, 'active = "TiS2"', 'active = "Na9X"'),
        "nan_override": (tis2, "[cell]", '[materials."TiS2"]\nocv_slope_V = nan\n\n[cell]'),
        "window": (tis2, "voltage_max_V = 2.6", "voltage_max_V = 1.0"),
        "absurd_loading": (tis2, "active_loading_mg_per_cm2 = 3.0", "active_loading_mg_per_cm2 = 1e9"),
        "liquid_no_area": (
            tis2,
            "[anode]",
            '[[interlayer]]\ntype = "liquid"\nposition = "anode"\nliquid_uL = 5\n\n[anode]',
        ),
        "contact_above_one": (tis2, "[cell]", "[interfaces]\nanode_contact_fraction = 1.2\n\n[cell]"),
        "by_volume": (
            tis2,
            "composition_wt = { active = 50, catholyte = 50 }",
            "composition_vol = { active = 50, catholyte = 50 }",
        ),
    }
    for name, (source, old, new) in designs.items():
        (folder / f"{name}.toml").write_text(_design_variant(source, old, new))
    return folder


def _fill(argument: str, out: Path, files: Path) -> str:
    return argument.format(out=out, files=files, examples=EXAMPLES, external=EXTERNAL)


def _files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if not path.is_dir()]


@pytest.mark.parametrize(("arguments", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_clear_line_and_exit_code_2(arguments, expected, bad_files, tmp_path, monkeypatch, capsys):
    if any("{external}" in argument for argument in arguments) and not EXTERNAL.is_dir():
        pytest.skip(f"external test data not found at {EXTERNAL}")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)  # default output folders (eis-output, cycling-output...) land in `out` too
    monkeypatch.setattr(sys, "argv", ["nassb", *(_fill(argument, out, bad_files) for argument in arguments)])
    with pytest.raises(SystemExit) as exit_:
        main()
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert exit_.value.code == 2, captured.err + captured.out
    assert len(lines) == 1 and lines[0].startswith("error:"), captured.err
    assert "Traceback" not in captured.err + captured.out
    assert expected in lines[0], lines[0]
    assert _files_in(out) == [], _files_in(out)


def test_the_catalogue_covers_every_category():
    assert len(CASES) >= 100
    assert len({case[0] for case in CASES}) == len(CASES)
