"""Mechanics of electrolytes and electrodes: elastic constants and moduli from the MLIP, dendrite criteria."""
