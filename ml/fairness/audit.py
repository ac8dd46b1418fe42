"""The audit end to end on a data directory: residuals, then every family of checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ml.contract import protected
from ml.errors import InputError
from ml.fairness.coverage import coverage, design
from ml.fairness.groups import GroupAuditConfig, group_disparity
from ml.fairness.raters import RaterAuditConfig, differential_functioning, rater_effects
from ml.fairness.residuals import audit_frame
from ml.fairness.scores import curve_breaks, predikat_mismatches, score_flags
from ml.features.point_in_time import Tables

ATTRIBUTES = protected.ATTRIBUTES


@dataclass(frozen=True)
class AuditConfig:
    raters: RaterAuditConfig = field(default_factory=RaterAuditConfig)
    groups: GroupAuditConfig = field(default_factory=GroupAuditConfig)
    score_alpha: float = 0.01
    role: str = "ATASAN"  # whose ratings are audited (see ml.training.appraisal_examples)
    folds: int = 5
    seed: int = 0
    # Protected attributes compared: gender and age band (derived), and any column of the
    # protected_attributes table (ml.contract.protected.read_extra).
    attributes: tuple[str, ...] = protected.ATTRIBUTES


@dataclass(frozen=True)
class AuditResult:
    frame: pd.DataFrame  # one row per official appraisal with expected rating and residual
    target: str  # "ratings" or "score": what the residuals are measured in
    rater_flags: pd.DataFrame  # rater effects and differential functioning, design §6 columns
    group_disparity: pd.DataFrame
    score_flags: pd.DataFrame
    predikat_mismatches: pd.DataFrame
    curve_breaks: pd.DataFrame
    # What ran and what could not, and why (ml.fairness.coverage.COLUMNS), and the design seen.
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    design: dict[str, Any] = field(default_factory=dict)


def audit_tables(
    tables: Tables,
    people: pd.DataFrame,
    config: AuditConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Every family of the audit on tables already read; ``people`` holds the employees'
    protected attributes and organisation (``ml.fairness.residuals.ATTRIBUTE_COLUMNS``)."""
    config = config or AuditConfig()
    step = progress or (lambda _: None)
    if "appraisals" not in tables:
        raise InputError("the audit needs an appraisals table")
    frame, target = audit_frame(
        tables, people, role=config.role, folds=config.folds, seed=config.seed, progress=step
    )
    return audit_residuals(frame, target, Official.of(tables["appraisals"], config.role),
                           config, step)  # fmt: skip


@dataclass(frozen=True)
class Official:
    """What the audit reads of the appraisals beside the residual frame: the stored predikat
    that break the matrix, how many official appraisals carry both ratings (the matrix's
    denominator), and how many appraisals each rater role gave (the design)."""

    mismatches: pd.DataFrame
    both_rated: int
    roles: dict[str, int]

    @classmethod
    def of(cls, appraisals: pd.DataFrame, role: str) -> Official:
        official = appraisals[(appraisals["rater_role"].astype("str") == role).to_numpy()]
        both = official["hasil_kerja_rating"].notna() & official["perilaku_rating"].notna()
        counts = appraisals["rater_role"].astype("str").value_counts()
        return cls(
            predikat_mismatches(official), int(both.sum()),
            {str(k): int(v) for k, v in counts.items()},
        )  # fmt: skip

    @classmethod
    def combine(cls, parts: list[Official]) -> Official:
        """The appraisals of several partitions as one."""
        roles: dict[str, int] = {}
        for part in parts:
            for name, count in part.roles.items():
                roles[name] = roles.get(name, 0) + count
        mismatches = [p.mismatches for p in parts if len(p.mismatches)]
        return cls(
            pd.concat(mismatches, ignore_index=True) if mismatches else parts[0].mismatches,
            sum(p.both_rated for p in parts),
            roles,
        )


def audit_residuals(
    frame: pd.DataFrame,
    target: str,
    official: Official,
    config: AuditConfig,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Every family of the audit on the residual frame (:func:`audit_frame`, built whole or
    partition by partition) and what it needs of the appraisals."""
    step = progress or (lambda _: None)
    # Group and differential tests read the residual against independent evidence only.
    independent = frame.assign(residual=frame["independent_residual"])
    step("rater effects")
    attributes = config.attributes
    raters = rater_audit(frame, attributes, config.raters)
    step("group disparity")
    groups = group_disparity(independent, attributes, config=config.groups)
    del independent
    step("scores and rules")
    scores, curve = score_flags(frame, config.score_alpha), curve_breaks(frame)
    return AuditResult(
        frame=frame,
        target=target,
        rater_flags=raters,
        group_disparity=groups,
        score_flags=scores,
        predikat_mismatches=official.mismatches,
        curve_breaks=curve,
        coverage=coverage(frame, raters, groups, scores, curve, official.both_rated, attributes),
        design=design(frame, official.roles, config.role),
    )


def rater_audit(
    frame: pd.DataFrame, attributes: tuple[str, ...], config: RaterAuditConfig
) -> pd.DataFrame:
    """The rater families on an audit frame (:func:`ml.fairness.residuals.audit_frame`):
    differential functioning on the residual against independent evidence, then each rater's
    main effect with the ratings the rater treats apart left out. The rater-flag table."""
    missing = [a for a in attributes if a not in frame]
    if missing:
        raise ValueError(f"protected attributes not in the data: {', '.join(missing)}")
    independent = frame.assign(residual=frame["independent_residual"])
    differential = differential_functioning(independent, attributes, config)
    return pd.concat([rater_effects(frame, config, differential), differential], ignore_index=True)
