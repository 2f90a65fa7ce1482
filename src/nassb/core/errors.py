"""The error hierarchy: the CLI turns these into one clear message and exit code 2."""

from __future__ import annotations


class NassbError(Exception):
    """Base class of every error nassb raises on purpose."""


class InputError(NassbError):
    """A user mistake in a file or an argument: names the source, the field and what was expected."""

    def __init__(self, source: str, field: str, expected: str, got: object | None = None):
        self.source = source
        self.field = field
        self.expected = expected
        self.got = got
        detail = f"{source}: field '{field}': expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


class DataError(NassbError):
    """Knowledge-base data that is missing or unusable for the request."""


class ModelError(NassbError):
    """Physics asked for outside a model's range of validity."""
