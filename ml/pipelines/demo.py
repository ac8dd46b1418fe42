"""Job: the whole pipeline on a generated workforce under TALENTA_HOME, as ``make demo`` runs it:
generate → validate → features → train and register → promote → score and snapshot → audit and
record → a sample unit plan → one API key per role. Serving is the caller's (``talenta demo``).

The job hands each stage's result to ``show`` as soon as it has it, so that a long run reports as
it goes; ``stages`` draws a progress display per stage (``ml.console.steps`` on a terminal).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from ml.config import Settings
from ml.contract.validation import ValidationReport, validate_directory
from ml.errors import InputError
from ml.pipelines import audit, featurise, generate, plan, score
from ml.pipelines.train import TrainingOutcome, promote_models, train_and_register
from ml.recommend.plan import PlanLimits
from ml.recommend.unit import UnitPlan
from ml.store.keys import ROLES, Keys
from ml.summary import workforce_summary
from ml.synth import SynthConfig
from ml.training.gates import Gates
from ml.training.registry import Promotion
from ml.training.train import TrainingConfig

# The sample plan's budget: Rp 2.5 million per employee of the unit.
SAMPLE_BUDGET_PER_EMPLOYEE_IDR = 2_500_000.0
SAMPLE_MAX_JP_PER_PERSON = 80.0


class Stages(Protocol):
    def __call__(self, title: str, total: int) -> AbstractContextManager[Callable[[str], None]]: ...


@dataclass(frozen=True)
class Validated:
    report: ValidationReport


@dataclass(frozen=True)
class WorkforceSummary:
    tables: dict[str, pd.DataFrame]  # title → table


@dataclass(frozen=True)
class DemoKeys:
    keys: dict[str, str]  # role → API key (shown once)
    employee_id: str  # an employee to try the API on


@dataclass(frozen=True)
class DemoResult:
    generated: generate.Generated
    featurised: featurise.Featurised
    training: TrainingOutcome
    promotion: Promotion
    alias: str  # "champion", or "challenger" where the gates refused a small workforce
    scored: score.Scored
    audited: audit.Audited
    sample_plan: UnitPlan
    keys: DemoKeys


def run_demo(
    settings: Settings, config: SynthConfig, stages: Stages, show: Callable[[object], None]
) -> DemoResult:
    raw, processed = settings.raw_dir, settings.processed_dir
    with stages(
        f"generating {config.employees:,} employees", generate.generation_steps(config)
    ) as advance:
        generated = generate.generate(config, raw, "csv", advance)
    show(generated)
    report = validate_directory(raw, require=("appraisals", "competency_assessments"))
    show(Validated(report))
    if not report.ok:
        raise InputError(f"the generated workforce in {raw} does not validate")
    # the day after the last period: its appraisals are final (ml/features/point_in_time.py)
    as_of = pd.Timestamp(f"{config.end_year + 1}-01-01")
    with stages(f"features as of {as_of:%Y-%m-%d}", featurise.STEPS) as advance:
        featurised = featurise.featurise(
            raw,
            as_of,
            processed / "features.parquet",
            processed / "employee_features.parquet",
            tables=report.frames(),
            progress=advance,
        )
    show(featurised)
    show(WorkforceSummary(workforce_summary(report.frames(), featurised.features)))
    with stages("training", 6) as advance:
        training = train_and_register(raw, settings, TrainingConfig(gates=Gates()), advance)
    show(training)
    promotion = promote_models(settings, None, Gates())
    show(promotion)
    # A small workforce leaves a small test set, whose ECE and R² are noisy: score with the
    # refused model rather than none, and say so (the printer does).
    alias = "champion" if promotion.promoted else "challenger"
    with stages(f"scoring with the {alias} need model", score.STEPS) as advance:
        scored = score.score_and_snapshot(
            raw, settings, processed / "scores.parquet", alias=alias, progress=advance
        )
    show(scored)
    with stages("audit", audit.STEPS) as advance:
        audited = audit.audit_and_record(
            raw, processed / "audit", store_url=settings.store_url, by="talenta demo",
            progress=advance,
        )  # fmt: skip
    show(audited)
    unit, size = _largest_unit(raw)
    limits = PlanLimits(
        budget_idr=SAMPLE_BUDGET_PER_EMPLOYEE_IDR * size,
        max_jp_per_person=SAMPLE_MAX_JP_PER_PERSON,
    )
    with stages(f"plan for {unit}", plan.STEPS) as advance:
        sample = plan.plan_for_unit(
            raw, unit, limits, settings, alias=alias, out=processed / "sample_plan.csv",
            progress=advance,
        )  # fmt: skip
    show(sample)
    keys = demo_keys(settings, raw)
    show(keys)
    return DemoResult(
        generated, featurised, training, promotion, alias, scored, audited, sample, keys
    )


def demo_keys(settings: Settings, raw: Path) -> DemoKeys:
    """One key per role, and an employee to try them on."""
    store = Keys.from_url(settings.store_url)
    made = {role: store.create(role, f"demo {role}").key for role in ROLES}
    employee = pd.read_csv(raw / "employees.csv", usecols=["employee_id"], dtype=str, nrows=1)[
        "employee_id"
    ].iloc[0]
    return DemoKeys(made, str(employee))


def _largest_unit(raw: Path) -> tuple[str, int]:
    counts = pd.read_csv(raw / "employees.csv", usecols=["unit_id"])["unit_id"].value_counts()
    return str(counts.index[0]), int(counts.iloc[0])
