"""Screening many candidate structures in tiers on Dask, with a store that survives a killed run.

Candidates (`nassb.screen.candidates`): the structure files of a folder (CIF, POSCAR, pymatgen JSON), duplicates
removed with pymatgen's StructureMatcher; a file that cannot be read is a candidate that failed, with its reason.
Tiers (`nassb.screen.tiers`), each a pure function of (structure, settings) -> record: 0 validity (the structure
checks of `nassb.chem.structure`, charge balance by oxidation-state guesses, Na present), 1 BVSE percolation
barriers and descriptors (`nassb.transport`), 2 CHGNet relaxation, energy above hull, Na window and the reactions
with Na, a cathode and water (`nassb.thermo`), 3 CHGNet molecular dynamics for the top k by a ranking field. A
candidate enters a tier only when it passed the tier before and its fields so far pass the user's filters
(`--filter "Ea_3D_eV < 0.5"`). Ranking and the Pareto front (`nassb.screen.ranking`) feed the HTML report
(`nassb.report.screen_report`).
Execution (`nassb.screen.run`): dask.distributed, an in-process local cluster of N worker processes by default or an
existing scheduler; candidates go in chunks, and a chunk whose worker died is rerun by Dask with its attempt
counted.
Store (`nassb.screen.store`): one directory per screen; results as Parquet shards, each written under a temporary
name and renamed; a SQLite ledger (WAL) of every candidate and tier (pending, done, failed with its error and the
attempts); a lock so that a second run on the same directory is refused. A run killed at any moment resumes with no
result lost and none computed twice beyond the chunks in flight: a shard on disk whose rows the ledger had not yet
marked is taken as done.
"""

from nassb.screen.run import run_screen
from nassb.screen.store import Store

__all__ = ["Store", "run_screen"]
