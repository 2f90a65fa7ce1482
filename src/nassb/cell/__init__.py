"""Cell design: the `CellDesign` schema, the named parameter set, material properties, composite
microstructure, stack energy, the single-ion rate model on PyBaMM, and optimisation.

Every number of a cell lives in one `ParameterSet` (`nassb.cell.parameters`) under a dotted name
(``separator.thickness``, ``cathode.active.diffusivity``) with its unit and source; `resolve` fills it
from the design file, the material library, the knowledge base or a documented default, and the stack,
the rate model (`rate_model.RATE_MODEL_INPUTS`), the optimiser, the interface checks, the report and
the evaluation JSON read it by name. To add a parameter: declare it with one `Parameter(name, unit,
meaning, range)` line in `parameters.REGISTRY`, set it in `resolve` (from the design with `given`, from
a material with `required`/`optional`, or `computed` with its method), and read it where it is used with
`params.get(name, unit)`. The report's sources table and the JSON's `parameters` pick it up unchanged.
"""
