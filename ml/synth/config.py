"""Options of the synthetic workforce generator."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ml.config import MIN_WORKFORCE as MIN_EMPLOYEES
from ml.errors import InputError


@dataclass(frozen=True)
class SynthConfig:
    """What to generate; every field is a ``talenta generate`` option.

    Magnitudes are in *rating steps*: the distance between two adjacent ekspektasi categories
    (DI_BAWAH → SESUAI → DI_ATAS) on the latent scale the ratings are cut from.
    """

    employees: int = 10_000
    seed: int = 0
    biased_raters: float = 0.1  # fraction of raters with a systematic effect
    bias_magnitude: float = (
        0.75  # mean size of a biased rater's effect; each is drawn in ±1/3 of it
    )
    group_bias: float = 0.0  # workforce-wide penalty on ratings of women (gender P)
    # How far each biased rater's effect may stray from ``bias_magnitude`` (a share of it):
    # 0 gives every biased rater exactly ``bias_magnitude`` (a design to measure power at).
    bias_spread: float = 1 / 3
    # ATASAN-role raters per person and period: 1 is the civil-service design; more gives a
    # panel (the official rater and others of the same role, drawn from the same agency), the
    # design whose leave-one-out consensus carries a workforce-wide group gap.
    official_raters: int = 1
    training_effect: float = 1.0  # multiplier on every program's true effect
    assessment_rate: float = 1.0  # multiplier on how often competencies are assessed
    rotation_rate: float = 0.15  # yearly probability that a unit head moves to another unit
    start_year: int = 2021
    periods: int = 5  # yearly appraisal periods start_year … start_year + periods − 1

    def __post_init__(self) -> None:
        checks = [
            (self.employees >= MIN_EMPLOYEES, f"employees must be at least {MIN_EMPLOYEES}"),
            (0 <= self.biased_raters <= 1, "biased_raters is a fraction between 0 and 1"),
            (0 <= self.bias_magnitude <= 3, "bias_magnitude is between 0 and 3 rating steps"),
            (0 <= self.group_bias <= 3, "group_bias is between 0 and 3 rating steps"),
            (0 <= self.bias_spread < 1, "bias_spread is a share of bias_magnitude in [0, 1)"),
            (1 <= self.official_raters <= 5, "official_raters is between 1 and 5"),
            (0 <= self.training_effect <= 5, "training_effect is a multiplier between 0 and 5"),
            (0 <= self.assessment_rate <= 5, "assessment_rate is a multiplier between 0 and 5"),
            (0 <= self.rotation_rate <= 1, "rotation_rate is a probability between 0 and 1"),
            (1 <= self.periods <= 20, "periods is between 1 and 20"),
            (1990 <= self.start_year <= 2100, "start_year is between 1990 and 2100"),
            (self.seed >= 0, "seed is a non-negative integer"),
        ]
        problems = [msg for ok, msg in checks if not ok]
        if problems:
            raise InputError("; ".join(problems))

    @property
    def end_year(self) -> int:
        return self.start_year + self.periods - 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
