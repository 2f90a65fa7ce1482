"""Core types shared by every nassb module: `Value`, units, constants, errors, atomic output."""

from nassb.core.errors import DataError, InputError, ModelError, NassbError
from nassb.core.units import UNITS, Unit, convert, convert_difference, parse_unit
from nassb.core.value import Computation, DocumentedDefault, KnowledgeBaseRecord, Literature, Source, UserInput, Value

__all__ = [
    "UNITS",
    "Computation",
    "DataError",
    "DocumentedDefault",
    "InputError",
    "KnowledgeBaseRecord",
    "Literature",
    "ModelError",
    "NassbError",
    "Source",
    "Unit",
    "UserInput",
    "Value",
    "convert",
    "convert_difference",
    "parse_unit",
]
