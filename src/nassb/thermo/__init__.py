"""Offline thermodynamics of sodium solid-state battery materials.

``build`` makes the reference energies (CHGNet-relaxed phases, experimental enthalpies, NIST gases) that ship in
``data/reference_entries.json``; ``entries`` loads them, merges a user's own computed entries and sets the energy
scale; ``stability`` gives the energy above hull, the decomposition and the Na/Na+ window; ``reactivity`` the
reactions between two phases, the interphase type and hydrolysis; ``validation`` holds them against the seeds.
"""
