"""Write `synthetic-ccd-ramp.csv`: a symmetric Na | electrolyte | Na cell (1 cm2) driven through a
current-density ramp 0.1 to 0.6 mA/cm2, one 30 min plating and one 30 min stripping half-cycle per
step, sampled every 10 s, with a cell resistance of 500 Ohm cm2 and 0.2 mV noise; it shorts (2 Ohm)
halfway through the plating half-cycle of the 0.4 mA/cm2 step, at 3.25 h. `nassb cycling ccd` must
find CCD = 0.4 mA/cm2 and the short at 11 700 s (the demo and the tests use it).
Run from the repository root: `python examples/cycling/make_synthetic_ramp.py`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SHORT_TIME_S = 3 * 3600 + 900
CELL_RESISTANCE_OHM = 500.0
SHORT_RESISTANCE_OHM = 2.0
STEPS_MA_PER_CM2 = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
SAMPLES_PER_HALF_CYCLE = 180
SAMPLE_PERIOD_S = 10.0


def main(path: Path = Path(__file__).parent / "synthetic-ccd-ramp.csv") -> None:
    rng = np.random.default_rng(7)
    rows, t = [], 0.0
    for j in STEPS_MA_PER_CM2:
        for sign in (-1.0, 1.0):
            for _ in range(SAMPLES_PER_HALF_CYCLE):
                current_A = sign * j * 1e-3
                resistance_ohm = SHORT_RESISTANCE_OHM if t >= SHORT_TIME_S else CELL_RESISTANCE_OHM
                rows.append((t, current_A * resistance_ohm + 2e-4 * rng.standard_normal(), current_A))
                t += SAMPLE_PERIOD_S
    path.write_text("time_s,voltage_V,current_A\n" + "".join(f"{a:.1f},{b:.6g},{c:.6g}\n" for a, b, c in rows))


if __name__ == "__main__":
    main()
