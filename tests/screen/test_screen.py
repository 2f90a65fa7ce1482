"""`nassb screen`: candidates and duplicates, failures recorded, the lock, the ledger reconciled after a kill, and
a run killed with SIGKILL that resumes to the same results as an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import pytest

from nassb.core.errors import InputError
from nassb.screen.candidates import load_candidates
from nassb.screen.run import run_chunk, run_screen
from nassb.screen.store import Store

SPECIES = ["Sb", "P", "As", "V", "Nb", "Ta"]
SCALES = [0.96, 0.98, 1.0, 1.02, 1.04]


def _candidates(folder, count):
    """Na3SbS4-cubic with Sb and S substituted and the lattice scaled: `count` distinct structures, one exact
    duplicate, one garbage CIF and one with two atoms on top of each other."""
    from pymatgen.io.cif import CifWriter

    from nassb.structures import load

    folder.mkdir()
    base = load("Na3SbS4-cubic")
    combos = [(m, x, scale) for m in SPECIES for x in ("S", "Se") for scale in SCALES][:count]
    for index, (metal, anion, scale) in enumerate(combos):
        structure = base.copy()
        structure.replace_species({"Sb": metal, "S": anion})
        structure.scale_lattice(structure.volume * scale**3)
        CifWriter(structure).write_file(folder / f"c{index:03d}.cif")
    CifWriter(base).write_file(folder / "duplicate.cif")
    (folder / "garbage.cif").write_text("data_x\n_cell_length_a banana\n")
    overlap = base.copy()
    overlap.append("Na", overlap[0].frac_coords + 0.001)
    CifWriter(overlap).write_file(folder / "overlap.cif")
    return folder


def _store(tmp_path, candidates, tiers=(0, 1), chunk_size=4):
    rows, duplicates = load_candidates(candidates)
    store = Store(tmp_path / "store")
    store.create({"tiers": list(tiers), "filters": [], "chunk_size": chunk_size, "resolution_A": 0.4})
    store.add_candidates(rows)
    return store, rows, duplicates


def test_duplicates_dropped_and_bad_candidates_failed_with_their_reason(tmp_path):
    candidates = _candidates(tmp_path / "in", 6)
    store, rows, duplicates = _store(tmp_path, candidates)
    assert duplicates == ["duplicate"] or duplicates == ["c000"]
    counts = run_screen(store, workers=1)
    assert counts["tier 0"] == {"done": 6, "failed": 2} and counts["tier 1"] == {"done": 6}
    failures = {name: error for name, _, error, _ in store.failures()}
    assert "CIF" in failures["garbage"] and "apart" in failures["overlap"]
    results = store.results()
    assert not results.duplicated(["name", "tier"]).any() and results["content_key"].is_unique
    tier1 = results[results["tier"] == 1]
    assert tier1["Ea_3D_eV"].notna().all() and (tier1["Ea_3D_eV"] > 0).all()


def test_a_second_run_on_a_locked_store_is_refused(tmp_path):
    store, _, _ = _store(tmp_path, _candidates(tmp_path / "in", 2), tiers=(0,))
    with store.locked():
        with pytest.raises(InputError, match="locked by pid"):
            with Store(store.directory).locked():
                pass


def test_a_shard_written_before_a_kill_is_taken_as_done(tmp_path):
    store, rows, _ = _store(tmp_path, _candidates(tmp_path / "in", 3), tiers=(0,))
    items = [(name, key, structure, source) for name, key, structure, source, error in rows if not error][:2]
    records, failures = run_chunk(0, items, store.settings())
    # the shard reaches the disk, the ledger does not (killed between the rename and the commit)
    import pandas as pd

    from nassb.core.io import write_atomic

    frame = pd.DataFrame.from_records(records)
    write_atomic(store.shards / "tier0-killed.parquet", lambda path: frame.to_parquet(path, index=False), durable=True)
    assert set(store.pending(0)) >= {item[0] for item in items}
    assert store.reconcile() == 2
    assert not set(store.pending(0)) & {item[0] for item in items}


def test_a_killed_screen_resumes_to_the_uninterrupted_result(tmp_path):
    """SIGKILL of the whole `nassb screen run` (client and its worker processes) mid-run, then resume: the same
    rows as a run that was never interrupted, none twice, none missing."""
    candidates = _candidates(tmp_path / "in", 50)
    store_dir = tmp_path / "killed"
    command = [
        sys.executable,
        "-c",
        "from nassb.cli import main; main()",
        "screen",
        "run",
        str(candidates),
        "--store",
        str(store_dir),
        "--workers",
        "1",
        "--chunk-size",
        "1",
        "--resolution-A",
        "0.4",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and len(list((store_dir / "shards").glob("tier1-*.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed = Store(store_dir)
    done_before = len(killed.done(1))
    assert 0 < done_before < 50
    run_screen(killed, workers=1)
    reference, _, _ = _store(tmp_path / "ref", candidates)
    run_screen(reference, workers=1)
    columns = ["name", "tier", "content_key", "Ea_3D_eV", "carrier_density_per_cm3"]
    resumed, uninterrupted = killed.results()[columns], reference.results()[columns]
    assert not resumed.duplicated(["name", "tier"]).any()
    assert len(resumed) == len(uninterrupted) == 100
    assert resumed.reset_index(drop=True).equals(uninterrupted.reset_index(drop=True))


def test_a_generation_spec_makes_doped_and_substituted_candidates(tmp_path):
    """W on Sb in Na3SbS4 (Na vacancies, seed 000 Table 1) and Se for S: charge-balanced candidates with the Na
    count the doping rule gives, screened through tier 0."""
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[[doping]]\nparent = "Na3SbS4-cubic"\nsubstitute = "W:Sb"\nlevels = [0.125]\n\n'
        '[[substitution]]\nparent = "Na3SbS4-cubic"\nsite = "S"\nelements = ["Se"]\n'
    )
    rows, duplicates = load_candidates(spec)
    names = sorted(row[0] for row in rows)
    assert names == ["Na3SbS4-cubic_S-to-Se", "Na3SbS4-cubic_W-on-Sb_x0.125"] and not duplicates
    store = Store(tmp_path / "store")
    store.create({"tiers": [0], "filters": [], "chunk_size": 2, "resolution_A": 0.4})
    store.add_candidates(rows)
    run_screen(store, workers=1)
    formulas = dict(zip(store.results()["name"], store.results()["formula"]))
    # Na3-x Sb1-x Wx S4 at x = 1/8: Na23 Sb7 W S32 in the 8-formula-unit supercell
    assert formulas["Na3SbS4-cubic_W-on-Sb_x0.125"] == "Na23Sb7WS32"
    assert formulas["Na3SbS4-cubic_S-to-Se"] == "Na3SbSe4"


def test_a_killed_worker_is_rescheduled_and_its_attempt_counted(tmp_path):
    """SIGKILL of the worker process running a chunk: Dask reruns the chunk on a live worker (the nanny restarts the
    dead one), the ledger counts one attempt more for each chunk the dead worker held and one for each other, and the
    results equal those of a run nobody killed."""
    import threading

    from nassb.screen.run import _chunk_id, dask_client

    candidates = _candidates(tmp_path / "in", 12)
    store, _, _ = _store(tmp_path, candidates, tiers=(0, 1), chunk_size=1)
    store.settings_path.write_text(
        store.settings_path.read_text().replace('"resolution_A": 0.4', '"resolution_A": 0.15')
    )
    killed: list[str] = []

    def kill_a_busy_worker(client, stop):
        while not stop.is_set() and not killed:
            busy = {address: keys for address, keys in client.processing().items() if keys}
            tier1 = {address: keys for address, keys in busy.items() if any("-tier1-" in key for key in keys)}
            if tier1:
                address, keys = next(iter(tier1.items()))
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                killed.extend(keys)
            time.sleep(0.02)

    with dask_client(workers=2) as client:
        stop = threading.Event()
        killer = threading.Thread(target=kill_a_busy_worker, args=(client, stop))
        killer.start()
        try:
            counts = run_screen(store, client=client)
        finally:
            stop.set()
            killer.join()
    assert killed, "no tier-1 chunk was seen running"
    assert counts["tier 0"] == {"done": 12, "failed": 2} and counts["tier 1"] == {"done": 12}
    with store.ledger() as db:
        attempts = dict(db.execute("SELECT name, attempts FROM tasks WHERE tier = 1").fetchall())
    # the chunk seen running on the killed worker ran twice; so did any the scheduler had queued behind it there
    # (distributed gives a one-thread worker up to two tasks), every other chunk once
    running = {name for name in attempts if any(_chunk_id(1, [name]) in key for key in killed)}
    twice = {name for name, count in attempts.items() if count == 2}
    assert running and running <= twice and len(twice) <= 2
    assert set(attempts.values()) <= {1, 2}
    reference, _, _ = _store(tmp_path / "ref", candidates, tiers=(0, 1), chunk_size=4)
    reference.settings_path.write_text(
        reference.settings_path.read_text().replace('"resolution_A": 0.4', '"resolution_A": 0.15')
    )
    run_screen(reference, workers=1)
    columns = ["name", "tier", "content_key", "Ea_3D_eV"]
    assert store.results()[columns].equals(reference.results()[columns])
