"""Chemistry of formulas: molar mass and theoretical capacity n F / (3.6 M) (pymatgen `Composition`)."""
