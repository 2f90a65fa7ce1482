"""`Spectrum`: one impedance spectrum, whatever instrument file it came from.

Every reader in `nassb.echem.readers` returns this type; fitting, Kramers-Kronig, DRT and the
plots take it. Frequencies are in Hz, impedance in Ohm with the electrochemical sign convention
Z = Z' + j Z'' (a capacitive arc has Z'' < 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nassb.core.errors import InputError


@dataclass(frozen=True)
class Spectrum:
    """An impedance spectrum: frequency_Hz (strictly positive, monotonic) and complex impedance_ohm.

    `source` is the file (or a label) the spectrum came from and is used in every error message;
    `metadata` holds what the instrument file says about the measurement (temperature, cycle, ...).
    Points are kept in the order the file gives; `sorted_descending()` returns high-to-low order.
    """

    frequency_Hz: np.ndarray
    impedance_ohm: np.ndarray
    source: str = "spectrum"
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        frequency = np.asarray(self.frequency_Hz, dtype=float)
        impedance = np.asarray(self.impedance_ohm, dtype=complex)
        if frequency.ndim != 1 or impedance.shape != frequency.shape:
            raise InputError(
                self.source,
                "impedance",
                "one complex impedance per frequency",
                f"{impedance.shape} vs {frequency.shape}",
            )
        if frequency.size < 3:
            raise InputError(self.source, "frequency_Hz", "at least 3 points", frequency.size)
        bad = ~np.isfinite(frequency) | ~np.isfinite(impedance.real) | ~np.isfinite(impedance.imag)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(
                self.source, f"point {row + 1}", "finite frequency, Z' and Z'' (no NaN or inf)", "NaN or inf"
            )
        if (frequency <= 0).any():
            row = int(np.flatnonzero(frequency <= 0)[0])
            raise InputError(
                self.source, f"frequency_Hz (point {row + 1})", "a strictly positive frequency", float(frequency[row])
            )
        steps = np.diff(frequency)
        if not ((steps < 0).all() or (steps > 0).all()):
            raise InputError(
                self.source,
                "frequency_Hz",
                "frequencies strictly decreasing or strictly increasing (one sweep)",
                "a non-monotonic sequence",
            )
        object.__setattr__(self, "frequency_Hz", frequency)
        object.__setattr__(self, "impedance_ohm", impedance)

    @property
    def angular_frequency(self) -> np.ndarray:
        """omega = 2 pi f in rad/s."""
        return 2.0 * np.pi * self.frequency_Hz

    def sorted_descending(self) -> Spectrum:
        """The same spectrum ordered from high to low frequency."""
        if self.frequency_Hz[0] > self.frequency_Hz[-1]:
            return self
        return Spectrum(
            self.frequency_Hz[::-1].copy(), self.impedance_ohm[::-1].copy(), self.source, dict(self.metadata)
        )

    def __len__(self) -> int:
        return int(self.frequency_Hz.size)
