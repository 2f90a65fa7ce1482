"""NVT molecular dynamics with an MLIP calculator (`nassb.mlip`) and ASE, checkpointed, and the MD route to ionic
conductivity.

Thermostat: Langevin (ASE `Langevin`, the quasi-symplectic propagator of Vanden-Eijnden and Ciccotti 2006,
Chem. Phys. Lett. 429, 310), with the centre of mass fixed by `ase.constraints.FixCom`. It is chosen because
(i) it samples the canonical ensemble and is ergodic even in a small, stiff cell, where Berendsen scaling does
not sample NVT and a single Nose-Hoover chain can fail to thermalise; (ii) its only state beyond positions and
momenta is the random-number generator, which the checkpoint stores, so a stopped run continues exactly as an
uninterrupted one would. The default friction, 0.001 fs^-1 (1 ps^-1, velocity relaxation time 1 ps), is weak:
Basconi and Shirts 2013 (J. Chem. Theory Comput. 9, 2887) show that Langevin damping lowers diffusion
coefficients appreciably only when 1/friction approaches the velocity decorrelation time, which is a fraction
of a picosecond in an ionic solid. Mobile-ion positions are recorded unwrapped (ASE does not wrap positions
during dynamics) every `sample_every` steps after the equilibration period, which is discarded.

`md_committee` runs the same conductivity calculation with several potentials (CHGNet and SevenNet-0, see
`nassb.mlip`) and reports the spread of D*, sigma, Ea and sigma(298 K) between them as a model uncertainty.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nassb import mlip
from nassb.core.errors import InputError
from nassb.core.io import write_atomic
from nassb.transport import diffusion

ProgressCallback = Callable[[int, int], None]
A3_IN_CM3 = 1e-24


@dataclass(frozen=True)
class MDSettings:
    """One NVT run: target temperature, production and equilibration length, time step, sampling and seed.

    `friction_per_fs` is the Langevin friction of production (see the module docstring) and
    `equilibration_friction_per_fs` the stronger one of the equilibration period, which brings a cell started from
    its relaxed (0 K) positions to the target temperature within about 0.1 ps: with the production friction alone,
    equipartition halves the initial kinetic temperature and 1 ps runs averaged 80 % of the target (Na3PS4, CHGNet,
    700-1100 K). `supercell` repeats the input cell; `mobile_ion` is the element whose positions are recorded.
    """

    temperature_K: float
    time_ps: float
    timestep_fs: float = 2.0
    equilibration_ps: float = 2.0
    sample_every: int = 10
    seed: int = 0
    supercell: tuple[int, int, int] = (1, 1, 1)
    friction_per_fs: float = 0.001
    mobile_ion: str = "Na"
    equilibration_friction_per_fs: float = 0.01

    @property
    def equilibration_steps(self) -> int:
        return int(round(self.equilibration_ps * 1000.0 / self.timestep_fs))

    @property
    def production_steps(self) -> int:
        """Production steps, rounded up to a whole number of sampling intervals."""
        steps = int(round(self.time_ps * 1000.0 / self.timestep_fs))
        return self.sample_every * math.ceil(steps / self.sample_every)

    @property
    def total_steps(self) -> int:
        return self.equilibration_steps + self.production_steps

    def validate(self, source: str) -> None:
        checks = (
            ("temperature_K", self.temperature_K > 0, "a temperature above 0 K"),
            ("time_ps", self.time_ps > 0, "a production time above 0 ps"),
            ("timestep_fs", 0 < self.timestep_fs <= 5, "a time step in (0, 5] fs"),
            ("equilibration_ps", self.equilibration_ps >= 0, "a non-negative equilibration time"),
            ("sample_every", isinstance(self.sample_every, int) and self.sample_every >= 1, "an integer >= 1"),
            ("friction_per_fs", self.friction_per_fs > 0, "a friction above 0 fs^-1"),
            ("equilibration_friction_per_fs", self.equilibration_friction_per_fs > 0, "a friction above 0 fs^-1"),
            (
                "supercell",
                len(self.supercell) == 3 and all(isinstance(n, int) and n >= 1 for n in self.supercell),
                "three integers >= 1",
            ),
        )
        for name, ok, expected in checks:
            if not ok:
                raise InputError(source, name, expected, getattr(self, name))
        if self.production_steps // self.sample_every < 3:
            raise InputError(source, "time_ps", "a production time of at least three sampling intervals", self.time_ps)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MDTrajectory:
    """Unwrapped mobile-ion positions (n_frames, n_mobile, 3) in A at `times_ps` from the start of production.

    `frame_temperatures_K` is the instantaneous kinetic temperature of each frame (3N - 3 degrees of freedom);
    `lattice_A` the fixed cell (rows are lattice vectors) of the simulated (super)cell of `n_atoms` atoms.
    """

    times_ps: np.ndarray
    positions_A: np.ndarray
    frame_temperatures_K: np.ndarray
    lattice_A: np.ndarray
    temperature_K: float
    n_atoms: int
    mobile_ion: str
    settings: MDSettings

    @property
    def n_mobile(self) -> int:
        return int(self.positions_A.shape[1])

    @property
    def volume_A3(self) -> float:
        return float(abs(np.linalg.det(self.lattice_A)))

    @property
    def mean_temperature_K(self) -> float:
        return float(np.mean(self.frame_temperatures_K))


def _prepare_atoms(structure, settings: MDSettings, source: str):
    from ase.constraints import FixCom

    structure = mlip.to_structure(structure, source)
    settings.validate(source)
    supercell = structure * settings.supercell
    mobile = np.array([site.specie.symbol == settings.mobile_ion for site in supercell])
    if not mobile.any():
        raise InputError(
            source, "mobile_ion", f"an element present in {structure.composition.reduced_formula}", settings.mobile_ion
        )
    atoms = mlip.to_atoms(supercell)
    atoms.set_constraint(FixCom())
    return atoms, mobile


CELL_TOLERANCE_A = 1e-4  # a resumed run may re-relax the cell on another machine: float noise is allowed


def _fingerprint(settings: MDSettings, atoms, model: str) -> dict[str, Any]:
    return {"settings": settings.to_dict(), "numbers": atoms.get_atomic_numbers().tolist(), "model": model}


class _Checkpoint:
    """The run state in an .npz: positions, momenta, step, RNG state, the frames so far and a fingerprint."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def save(self, atoms, step: int, rng, frames: list, temperatures: list, fingerprint: dict) -> None:
        n_mobile = frames[0].shape[0] if frames else 0
        arrays = {
            "cell_A": np.array(atoms.cell),
            "positions_A": atoms.get_positions(),
            "momenta": atoms.get_momenta(),
            "step": np.array(step),
            "rng_state": np.array(json.dumps(rng.bit_generator.state)),
            "frames_A": np.array(frames) if frames else np.zeros((0, n_mobile, 3)),
            "frame_temperatures_K": np.array(temperatures, dtype=float),
            "fingerprint": np.array(json.dumps(fingerprint, sort_keys=True)),
        }

        def writer(temporary: Path) -> None:
            with open(temporary, "wb") as handle:
                np.savez(handle, **arrays)

        write_atomic(self.path, writer, durable=True)

    def load(self, atoms, rng, fingerprint: dict) -> tuple[int, list, list]:
        with np.load(self.path, allow_pickle=False) as data:
            stored = json.loads(str(data["fingerprint"]))
            same_cell = np.allclose(data["cell_A"], np.array(atoms.cell), rtol=0.0, atol=CELL_TOLERANCE_A)
            if stored != json.loads(json.dumps(fingerprint, sort_keys=True)) or not same_cell:
                differences = sorted(
                    key
                    for key in set(stored["settings"]) | set(fingerprint["settings"])
                    if stored["settings"].get(key) != fingerprint["settings"].get(key)
                )
                what = f"settings {', '.join(differences)}" if differences else "structure"
                raise InputError(
                    self.path.name,
                    what,
                    "a checkpoint made with the same settings and structure "
                    "(remove it or use another path to start afresh)",
                    stored["settings"],
                )
            atoms.set_positions(data["positions_A"], apply_constraint=False)
            atoms.set_momenta(data["momenta"], apply_constraint=False)
            rng.bit_generator.state = json.loads(str(data["rng_state"]))
            frames = list(data["frames_A"])
            temperatures = list(data["frame_temperatures_K"])
            return int(data["step"]), frames, temperatures


def run_nvt(
    structure,
    calculator,
    settings: MDSettings,
    checkpoint_path: str | Path | None = None,
    progress: ProgressCallback | None = None,
    checkpoint_every: int = 500,
) -> MDTrajectory:
    """Langevin NVT molecular dynamics with the ASE `calculator` (an MLIP); the equilibration period is discarded.

    Velocities start from a Maxwell-Boltzmann distribution at the target temperature (seeded, centre-of-mass
    momentum removed). With `checkpoint_path`, the state is written atomically every `checkpoint_every` steps and
    at the end; calling again with the same path continues from it (bit-for-bit the same trajectory as an
    uninterrupted run) and refuses, with InputError, a checkpoint made with other settings, another structure or
    another potential.
    `progress(done_steps, total_steps)` is called after every step.
    """
    from ase import units
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import thermalize_momenta

    source = "run_nvt"
    if not (isinstance(checkpoint_every, int) and checkpoint_every >= 1):
        raise InputError(source, "checkpoint_every", "an integer >= 1 (steps)", checkpoint_every)
    atoms, mobile = _prepare_atoms(structure, settings, source)
    atoms.calc = calculator
    rng = np.random.default_rng(settings.seed)
    fingerprint = _fingerprint(settings, atoms, mlip.model_name(calculator))
    checkpoint = _Checkpoint(checkpoint_path) if checkpoint_path is not None else None

    if checkpoint is not None and checkpoint.path.exists():
        step, frames, temperatures = checkpoint.load(atoms, rng, fingerprint)
    else:
        thermalize_momenta(atoms, temperature_K=settings.temperature_K, rng=rng)
        step, frames, temperatures = 0, [], []

    n_equilibration, total = settings.equilibration_steps, settings.total_steps

    def record_if_due() -> None:
        production_step = step - n_equilibration
        if production_step >= 0 and production_step % settings.sample_every == 0:
            frames.append(atoms.get_positions()[mobile].copy())
            temperatures.append(float(atoms.get_temperature()))

    def friction(at_step: int) -> float:
        per_fs = settings.equilibration_friction_per_fs if at_step < n_equilibration else settings.friction_per_fs
        return per_fs / units.fs

    dynamics = Langevin(
        atoms,
        timestep=settings.timestep_fs * units.fs,
        temperature_K=settings.temperature_K,
        friction=friction(step),
        fixcm=False,
        rng=rng,
    )
    with mlip.quiet():
        if step == 0:
            record_if_due()
        while step < total:
            dynamics.step()
            step += 1
            if step == n_equilibration:
                dynamics.set_friction(friction(step))
            record_if_due()
            if checkpoint is not None and (step % checkpoint_every == 0 or step == total):
                checkpoint.save(atoms, step, rng, frames, temperatures, fingerprint)
            if progress is not None:
                progress(step, total)

    times = np.arange(len(frames)) * settings.sample_every * settings.timestep_fs / 1000.0
    return MDTrajectory(
        times_ps=times,
        positions_A=np.array(frames),
        frame_temperatures_K=np.array(temperatures),
        lattice_A=np.array(atoms.cell),
        temperature_K=float(settings.temperature_K),
        n_atoms=len(atoms),
        mobile_ion=settings.mobile_ion,
        settings=settings,
    )


@dataclass(frozen=True)
class MDConductivity:
    """Tracer diffusion and Nernst-Einstein conductivity of the mobile ion from MD at several temperatures.

    Per temperature: D* (`D_cm2_per_s`) with its GLS standard error, the conductivity at that temperature and the
    mean kinetic temperature reached (conductivity None where D* <= 0: no diffusion resolved). `arrhenius`
    (three or more temperatures with D* > 0) holds Ea and the extrapolation to 298.15 K; `note` says why it is
    absent otherwise. `msd_curves` are the MSDs the D* were fitted to, one per temperature.
    """

    temperatures_K: tuple[float, ...]
    D_cm2_per_s: tuple[float, ...]
    D_stderr_cm2_per_s: tuple[float, ...]
    sigma_S_per_cm: tuple[float | None, ...]
    sigma_stderr_S_per_cm: tuple[float | None, ...]
    mean_temperatures_K: tuple[float, ...]
    diffusion: tuple[diffusion.DiffusionResult, ...]
    arrhenius: diffusion.MDArrhenius | None
    haven_ratio: float
    carrier_density_per_cm3: float
    n_atoms: int
    relaxed: bool
    settings: tuple[MDSettings, ...]
    model: str
    note: str = ""
    trajectories: tuple[MDTrajectory, ...] = field(default=(), repr=False, compare=False)
    msd_curves: tuple[diffusion.MSDResult, ...] = field(default=(), repr=False, compare=False)

    @property
    def Ea_eV(self) -> float | None:
        return self.arrhenius.Ea_eV if self.arrhenius else None

    @property
    def D_298K_cm2_per_s(self) -> float | None:
        return self.arrhenius.D_298K_cm2_per_s if self.arrhenius else None

    @property
    def sigma_298K_S_per_cm(self) -> float | None:
        return self.arrhenius.sigma_298K_S_per_cm if self.arrhenius else None

    def quantities(self) -> dict[str, dict]:
        """D* and sigma per temperature, Ea and the 298.15 K values, with their standard errors, in the one
        quantity form (`nassb.core.quantity`)."""
        from nassb.core.quantity import computed_quantities

        settings = {
            "model": self.model,
            "haven_ratio": self.haven_ratio,
            "relaxed": self.relaxed,
            "n_atoms": self.n_atoms,
            **{key: value for key, value in self.settings[0].to_dict().items() if key != "temperature_K"},
        }
        numbers: dict[str, tuple] = {}
        for t, d, de, s, se in zip(
            self.temperatures_K,
            self.D_cm2_per_s,
            self.D_stderr_cm2_per_s,
            self.sigma_S_per_cm,
            self.sigma_stderr_S_per_cm,
        ):
            numbers[f"md_D_{t:g}K"] = (d, "cm2/s", de)
            numbers[f"md_sigma_{t:g}K"] = (s, "S/cm", se)
        arrhenius = self.arrhenius
        if arrhenius is not None:
            numbers["md_Ea"] = (arrhenius.Ea_eV, "eV", arrhenius.Ea_stderr_eV)
            numbers["md_D_298K"] = (arrhenius.D_298K_cm2_per_s, "cm2/s", arrhenius.D_298K_stderr_cm2_per_s)
            numbers["md_sigma_298K"] = (arrhenius.sigma_298K_S_per_cm, "S/cm", arrhenius.sigma_298K_stderr_S_per_cm)
        method = "MLIP NVT molecular dynamics, GLS fit of the MSD, Nernst-Einstein, Arrhenius (sigma T) fit"
        return computed_quantities(method, settings, numbers)

    def to_dict(self) -> dict[str, Any]:
        arrhenius = self.arrhenius
        table = [
            {
                "temperature_K": t,
                "mean_temperature_K": tm,
                "D_cm2_per_s": d,
                "D_stderr_cm2_per_s": de,
                "sigma_S_per_cm": s,
                "sigma_stderr_S_per_cm": se,
                "fit_start_ps": r.start_ps,
                "fit_end_ps": r.end_ps,
            }
            for t, tm, d, de, s, se, r in zip(
                self.temperatures_K,
                self.mean_temperatures_K,
                self.D_cm2_per_s,
                self.D_stderr_cm2_per_s,
                self.sigma_S_per_cm,
                self.sigma_stderr_S_per_cm,
                self.diffusion,
            )
        ]
        return {
            "D_cm2_per_s": {str(t): d for t, d in zip(self.temperatures_K, self.D_cm2_per_s)},
            "D_stderr_cm2_per_s": {str(t): d for t, d in zip(self.temperatures_K, self.D_stderr_cm2_per_s)},
            "Ea_eV": arrhenius.Ea_eV if arrhenius else None,
            "Ea_stderr_eV": arrhenius.Ea_stderr_eV if arrhenius else None,
            "D_298K_cm2_per_s": arrhenius.D_298K_cm2_per_s if arrhenius else None,
            "D_298K_stderr_cm2_per_s": arrhenius.D_298K_stderr_cm2_per_s if arrhenius else None,
            "sigma_298K_S_per_cm": arrhenius.sigma_298K_S_per_cm if arrhenius else None,
            "sigma_298K_stderr_S_per_cm": arrhenius.sigma_298K_stderr_S_per_cm if arrhenius else None,
            "haven_ratio": self.haven_ratio,
            "carrier_density_per_cm3": self.carrier_density_per_cm3,
            "n_atoms": self.n_atoms,
            "relaxed": self.relaxed,
            "table": table,
            "settings": [s.to_dict() for s in self.settings],
            "model": self.model,
            "note": self.note,
        }


def md_conductivity(
    structure,
    calculator,
    temperatures_K: Sequence[float],
    time_ps: float,
    *,
    equilibration_ps: float = 2.0,
    timestep_fs: float = 2.0,
    sample_every: int = 10,
    seed: int = 0,
    supercell: tuple[int, int, int] = (1, 1, 1),
    friction_per_fs: float = 0.001,
    mobile_ion: str = "Na",
    haven_ratio: float = 1.0,
    fit_start_ps: float | None = None,
    variance: str = "empirical",
    relax_first: bool = True,
    checkpoint_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> MDConductivity:
    """NVT MD with the ASE `calculator` at each temperature, D* by the GLS fit of the MSD, sigma by Nernst-Einstein,
    then Arrhenius.

    With `relax_first` the structure is first relaxed with the same calculator (cell and positions), so that MD
    runs at the potential's own zero-pressure volume. The carrier density is the number of mobile ions over the cell
    volume. With `checkpoint_dir`, each temperature checkpoints to `md_<T>K.npz` there, so a stopped call resumes.
    `progress(done_steps, total_steps)` counts steps over all temperatures together. `fit_start_ps` and
    `variance` are passed to `diffusion_coefficient` (defaults: the first 10 % of the lags skipped; the measured
    variance of the squared displacements, because hopping is heavier-tailed than a Gaussian: a = 0.90 against
    2/3 for Na in Na3PS4 at 1000 K).
    """
    source = "md_conductivity"
    temperatures = [float(t) for t in temperatures_K]
    if not temperatures:
        raise InputError(source, "temperatures_K", "at least one temperature", temperatures_K)
    structure = mlip.to_structure(structure, source)
    relax_note = ""
    if relax_first:
        relaxed = mlip.relax(structure, calculator)
        structure = relaxed.structure
        if not relaxed.converged:
            relax_note = f"the {mlip.model_name(calculator)} relaxation did not converge in {relaxed.steps} steps; "
    settings = [
        MDSettings(
            t, time_ps, timestep_fs, equilibration_ps, sample_every, seed, tuple(supercell), friction_per_fs, mobile_ion
        )
        for t in temperatures
    ]
    for s in settings:
        s.validate(source)
    grand_total = sum(s.total_steps for s in settings)
    done_before = 0
    trajectories, curves, fits = [], [], []
    for s in settings:
        path = Path(checkpoint_dir) / f"md_{s.temperature_K:g}K.npz" if checkpoint_dir is not None else None
        offset = done_before
        step_progress = (lambda done, _total, offset=offset: progress(offset + done, grand_total)) if progress else None
        trajectory = run_nvt(structure, calculator, s, checkpoint_path=path, progress=step_progress)
        done_before += s.total_steps
        trajectories.append(trajectory)
        curves.append(diffusion.msd(trajectory))
        fits.append(diffusion.diffusion_coefficient(curves[-1], start_ps=fit_start_ps, variance=variance))

    first = trajectories[0]
    density = first.n_mobile / (first.volume_A3 * A3_IN_CM3)
    d_values = np.array([f.D_cm2_per_s for f in fits])
    d_errors = np.array([f.D_stderr_cm2_per_s for f in fits])
    positive = d_values > 0
    sigma = [
        diffusion.nernst_einstein_sigma_S_per_cm(d, density, t, haven_ratio) if d > 0 else None
        for d, t in zip(d_values, temperatures)
    ]
    sigma_err = [s * e / d if s is not None else None for s, d, e in zip(sigma, d_values, d_errors)]
    arrhenius, note = None, relax_note
    if positive.sum() >= 3 and len(set(np.array(temperatures)[positive])) >= 3:
        arrhenius = diffusion.md_arrhenius(
            np.array(temperatures)[positive], d_values[positive], d_errors[positive], density, haven_ratio
        )
        if not positive.all():
            note += "Arrhenius fit without the temperatures where D* <= 0 (no diffusion resolved)"
    else:
        note += "no Arrhenius fit: it needs three or more distinct temperatures with D* > 0"
    return MDConductivity(
        temperatures_K=tuple(temperatures),
        D_cm2_per_s=tuple(float(d) for d in d_values),
        D_stderr_cm2_per_s=tuple(float(e) for e in d_errors),
        sigma_S_per_cm=tuple(sigma),
        sigma_stderr_S_per_cm=tuple(sigma_err),
        mean_temperatures_K=tuple(t.mean_temperature_K for t in trajectories),
        diffusion=tuple(fits),
        arrhenius=arrhenius,
        haven_ratio=float(haven_ratio),
        carrier_density_per_cm3=float(density),
        n_atoms=first.n_atoms,
        relaxed=relax_first,
        settings=tuple(settings),
        model=mlip.model_name(calculator),
        note=note,
        trajectories=tuple(trajectories),
        msd_curves=tuple(curves),
    )


def _range(values: Sequence[float | None]) -> float | None:
    """max - min over the models; None when any model has no value."""
    if any(v is None for v in values):
        return None
    return float(max(values) - min(values))


@dataclass(frozen=True)
class MDCommittee:
    """`md_conductivity` by each model of a committee on the same structure and settings, and the spread between
    them (max - min over the models) as a model uncertainty.

    Per temperature: the spread of D* (`D_spread_cm2_per_s`) and of sigma (`sigma_spread_S_per_cm`, None where a
    model resolved no diffusion). `Ea_spread_eV` and `sigma_298K_spread_S_per_cm` are None unless every model has
    an Arrhenius fit. The spread is the disagreement of the potentials, to be read beside each model's own
    statistical error (the GLS standard errors in `results`); with short runs the statistical error dominates.
    """

    models: tuple[str, ...]
    results: tuple[MDConductivity, ...]

    @property
    def temperatures_K(self) -> tuple[float, ...]:
        return self.results[0].temperatures_K

    @property
    def D_spread_cm2_per_s(self) -> tuple[float | None, ...]:
        return tuple(_range(values) for values in zip(*(r.D_cm2_per_s for r in self.results)))

    @property
    def sigma_spread_S_per_cm(self) -> tuple[float | None, ...]:
        return tuple(_range(values) for values in zip(*(r.sigma_S_per_cm for r in self.results)))

    @property
    def Ea_spread_eV(self) -> float | None:
        return _range([r.Ea_eV for r in self.results])

    @property
    def sigma_298K_spread_S_per_cm(self) -> float | None:
        return _range([r.sigma_298K_S_per_cm for r in self.results])

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "results": [r.to_dict() for r in self.results],
            "spread": {
                "D_cm2_per_s": {str(t): d for t, d in zip(self.temperatures_K, self.D_spread_cm2_per_s)},
                "sigma_S_per_cm": {str(t): s for t, s in zip(self.temperatures_K, self.sigma_spread_S_per_cm)},
                "Ea_eV": self.Ea_spread_eV,
                "sigma_298K_S_per_cm": self.sigma_298K_spread_S_per_cm,
            },
        }


def md_committee(
    structure,
    calculators: Sequence[Any],
    temperatures_K: Sequence[float],
    time_ps: float,
    *,
    checkpoint_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    **settings: Any,
) -> MDCommittee:
    """`md_conductivity` with each calculator in turn (the same structure, temperatures, seed and settings, passed on
    in `settings`), and the spread of D*, sigma, Ea and sigma(298 K) between the models.

    Each model relaxes the structure itself when `relax_first` (the default), so each runs at its own zero-pressure
    volume: the volume difference is part of the model uncertainty. With `checkpoint_dir`, model i checkpoints to
    the subfolder `model<i>`, so a stopped committee resumes. `progress(done_steps, total_steps)` counts the steps of
    all models together.
    """
    source = "md_committee"
    calculators = tuple(calculators)
    if not calculators:
        raise InputError(source, "calculators", "at least one calculator", calculators)
    n_models = len(calculators)
    results = []
    for index, calculator in enumerate(calculators):
        directory = Path(checkpoint_dir) / f"model{index}" if checkpoint_dir is not None else None
        model_progress = None
        if progress is not None:

            def model_progress(done: int, total: int, index: int = index) -> None:
                progress(index * total + done, n_models * total)

        results.append(
            md_conductivity(
                structure,
                calculator,
                temperatures_K,
                time_ps,
                checkpoint_dir=directory,
                progress=model_progress,
                **settings,
            )
        )
    return MDCommittee(tuple(r.model for r in results), tuple(results))
