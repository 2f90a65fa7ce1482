"""Cell design: the `CellDesign` schema, material properties, composite microstructure, stack energy,
the single-ion rate model on PyBaMM, and optimisation."""
