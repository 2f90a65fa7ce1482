"""Copy real structure files of ../shared/external/structures into the structure library (source kind "real file").

Each entry keeps the file's cell and symmetry-distinct sites (pymatgen reads the file; spglib's standard setting of
the refined cell at symprec 0.01, which for these files is the file's own setting up to an origin shift), its
citation, and the [file] table (repository, commit, original path, git blob SHA-1) from the folder's PROVENANCE.md,
so that the entry can be traced to the byte. Run (with ../shared beside the repository):

    .venv/bin/python scripts/import_real_structures.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "external" / "structures"
DATA_DIR = ROOT / "src" / "nassb" / "structures" / "data"
SYMPREC = 0.01

RAMAN = {"repository": "caneparesearch/project_Raman", "commit": "24cada5d197495648cadedf8e83304b45a0ce519"}
MATADOR = {"repository": "ml-evs/matador", "commit": "8fa53848d55a882aa50c018299c50bea030a9af0"}

ICSD_NOTE = (
    "ICSD data: the file keeps the FIZ Karlsruhe copyright header, which the repository's CC BY 4.0 licence does not "
    "clear (see the PROVENANCE.md of the folder). DOI not recorded: it could not be checked offline."
)

# name -> the file, its provenance and its citation (the author lists are read from the CIF where it has them)
FILES: dict[str, dict] = {
    "Na3P-hexagonal-ICSD433838": {
        "formula": "Na3P",
        "comment": "Na3P (P6_3cm, Cu3P / LaF3 type) of Marbella et al. 2018, copied from the ICSD export kept in "
        "caneparesearch/project_Raman.",
        "file": "caneparesearch__project_Raman/ICSD_CollCode433838.cif",
        "provenance": {
            **RAMAN,
            "path": "calcs_Batch_2-uniqueCoords-Input/icsd_cif/ICSD_CollCode433838.cif",
            "blob_sha1": "0a1c98655f2148ff5c20da11c174d71b12af1f35",
        },
        "source": {
            "year": 2018,
            "journal": "J. Am. Chem. Soc.",
            "volume": "140",
            "pages": "7994-8004",
            "locator": "ICSD 433838",
            "method": "diffraction refinement at 296 K (ICSD export)",
            "notes": 'Title: "Sodiation and desodiation via helical phosphorus intermediates in high-capacity '
            'anodes for sodium-ion batteries". ' + ICSD_NOTE,
        },
        "temperature_K": 296.0,
    },
    "Na4P2S6-monoclinic-ICSD426907": {
        "formula": "Na4P2S6",
        "comment": "Na4P2S6 (C2/m) of Kuhn et al. 2014, copied from the ICSD export kept in "
        "caneparesearch/project_Raman.",
        "file": "caneparesearch__project_Raman/ICSD_CollCode426907.cif",
        "provenance": {
            **RAMAN,
            "path": "calcs_Batch_2-uniqueCoords-Input/icsd_cif/ICSD_CollCode426907.cif",
            "blob_sha1": "0a31221e917c76530cb6793a71a4c09439455aec",
        },
        "source": {
            "year": 2014,
            "journal": "Z. Anorg. Allg. Chem.",
            "volume": "640",
            "pages": "689-692",
            "locator": "ICSD 426907",
            "method": "diffraction refinement at 293 K (ICSD export)",
            "notes": 'Title: "Synthesis and structural characterization of the alkali thiophosphates Na2P2S6, '
            'Na4P2S6, K4P2S6, and Rb4P2S6". ' + ICSD_NOTE,
        },
        "temperature_K": 293.0,
    },
    "Na15Sn4-cubic-OQMD90363": {
        "formula": "Na15Sn4",
        "comment": "Na15Sn4 (I-43d) as relaxed by DFT in matador's Na-Sn-P test data, started from ICSD 105167 via "
        "OQMD 90363.",
        "file": "ml-evs__matador/Na15Sn4-OQMD_90363-CollCode105167.res",
        "provenance": {
            **MATADOR,
            "path": "tests/data/voltage_data/voltage-NaSnP/Na15Sn4-OQMD_90363-CollCode105167.res",
            "blob_sha1": "8d7ece5f632d1633a95f8e71468fa495c2f1b67a",
        },
        "source": {
            "authors": ["M. L. Evans"],
            "year": 2025,
            "journal": "matador test data (github.com/ml-evs/matador)",
            "volume": "",
            "pages": "",
            "locator": "ICSD 105167 via OQMD 90363, DFT-relaxed (file TITL line: -0.0029 GPa, 1121.43 A^3)",
            "method": "DFT relaxation of the ICSD structure (code and functional not recorded in the file)",
            "notes": "A computed geometry, not a refinement: the file records no code, functional or cut-off. The "
            "primitive bcc cell of the file (38 atoms) is stored as the conventional cubic cell. No DOI: test data "
            "of a code repository (MIT licence).",
        },
        "temperature_K": None,
    },
}


def _cif_authors(text: str) -> list[str]:
    """The `_citation_author_name` loop of an ICSD CIF, 'Last, First' -> 'First Last'."""
    block = text.split("_citation_author_name", 1)[1].split("loop_", 1)[0]
    names = re.findall(r"primary\s+'([^']+)'", block)
    return [" ".join(reversed([part.strip() for part in name.split(",", 1)])) for name in names]


def _cif_density(text: str) -> float | None:
    match = re.search(r"_exptl_crystal_density_diffrn\s+([0-9.]+)", text)
    return float(match.group(1)) if match else None


def import_entry(name: str, spec: dict) -> None:
    from pymatgen.core import Composition, Structure

    from nassb.structures.build import asymmetric_unit, entry_toml

    path = EXTERNAL / spec["file"]
    text = path.read_text(encoding="utf-8", errors="replace")
    structure = Structure.from_file(path)
    unit = asymmetric_unit(structure, SYMPREC)
    formula = Composition(spec["formula"])  # the compound's own formula unit (Na4P2S6, not the reduced Na2PS3)
    unit["formula"] = spec["formula"]
    unit["formula_units_per_cell"] = round(unit["structure"].composition.num_atoms / formula.num_atoms)
    source = dict(spec["source"])
    if path.suffix == ".cif":
        source["authors"] = _cif_authors(text)
    lattice = dict(unit["lattice"])
    lattice["published_volume_A3"] = round(unit["structure"].volume, 2)
    density = _cif_density(text) if path.suffix == ".cif" else None
    if density is not None:
        lattice["published_density_g_per_cm3"] = density
    if spec["temperature_K"] is not None:
        lattice["temperature_K"] = spec["temperature_K"]
    unit["lattice"] = lattice
    setting = (
        f"Standard setting of spglib at symprec {SYMPREC} (SpacegroupAnalyzer.get_refined_structure of the file's "
        "cell); the file's sites mapped onto it."
    )
    body = entry_toml(spec["comment"], name, "real file", unit, setting, {})
    body = body.rstrip().removesuffix("[construction]").rstrip() + "\n"
    lines = ["", "[source]"]
    for key in ("authors", "year", "journal", "volume", "pages", "doi", "locator", "method", "notes"):
        value = source.get(key, "")
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(_quoted(item) for item in value)}]")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {_quoted(value)}")
    lines += ["", "[file]"]
    for key, value in {**spec["provenance"], "shared_copy": f"external/structures/{spec['file']}"}.items():
        lines.append(f"{key} = {_quoted(value)}")
    (DATA_DIR / f"{name}.toml").write_text(body + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {unit['symbol']} {unit['formula']} x{unit['formula_units_per_cell']} {unit['lattice']}")


def _quoted(value: str) -> str:
    import json

    return json.dumps(str(value), ensure_ascii=False)


def main() -> None:
    if not EXTERNAL.is_dir():
        raise SystemExit(f"{EXTERNAL} not found: run with ../shared beside the repository")
    for name, spec in FILES.items():
        import_entry(name, spec)


if __name__ == "__main__":
    main()
