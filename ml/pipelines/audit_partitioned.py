"""Job: the fairness audit of a partitioned data directory, in bounded memory.

A national workforce (4.3 million people, five periods of appraisals) does not fit one machine
as the in-memory audit holds it: the evidence of every appraisal (features at each period's
end) and the expected-rating models over all of them. ``talenta generate --sharded`` puts every
employee's rows, and every rater's ratees, in one partition (an agency, or a block of a large
one), so the audit splits where its work is heavy and joins where its statistics are:

- **per partition** (in turn, or one Dask task each): the partition's evidence and its
  expected ratings, cross-fitted by rater *within the partition*
  (:func:`ml.fairness.residuals.audit_frame`), and what the rules check of its appraisals
  (:class:`ml.fairness.audit.Official`). What comes back is the residual frame with only the
  columns the statistics read, its text as categories: about 60 bytes an appraisal;
- **over all partitions**: rater effects, differential functioning, group gaps, single scores
  and the curve, with their false-discovery control over the whole workforce
  (:func:`ml.fairness.audit.audit_residuals`).

The one difference from the in-memory audit is where the expected-rating model is fitted:
on the partition, so a rater is compared with what the evidence predicts in their own agency
(or block of it), and the typical rater that fixes "no effect" is the partition's. A committee
sits within an agency, and an agency-wide leniency is the agency's matter — visible in the
curve and in group comparisons, not a flag on each of its raters. On a directory of one
partition the result is the in-memory audit's, row for row (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ml.contract import protected
from ml.contract.tables import TABLES, read_table
from ml.errors import InputError
from ml.fairness.audit import AuditConfig, AuditResult, Official, audit_residuals
from ml.fairness.residuals import ORGANISATION_COLUMNS, audit_frame
from ml.features.io import load_partition
from ml.features.pipeline import INPUT_COLUMNS
from ml.pipelines.partitions import run_partitions

AUDIT_COLUMNS = {**INPUT_COLUMNS, "appraisals": (*INPUT_COLUMNS["appraisals"], "rater_id")}
# What the statistics over all partitions read of the residual frame (besides the protected
# attributes): the fitting's own evidence columns stay in the partition.
KEPT = (
    "employee_id", "period", "rater_id", "rating_value", "predikat", "kpi_attainment",
    "community_feedback", "peer_rating", "consensus_rating", "ability_estimate",
    "jpm_known_percent", "agency_id", "unit_id", "region", "expected", "residual",
    "independent_expected", "independent_residual",
)  # fmt: skip


def residual_part(
    data_dir: Path, part: str, config: AuditConfig, extra: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, str, Official]:
    """One partition's residual frame (compact), its target and its official appraisals."""
    tables = load_partition(data_dir, part, AUDIT_COLUMNS)
    if "appraisals" not in tables:
        raise InputError(f"{data_dir}: the audit needs an appraisals table ({part} has none)")
    columns = tuple(dict.fromkeys(("employee_id", *protected.SOURCE_COLUMNS,
                                   *ORGANISATION_COLUMNS)))  # fmt: skip
    people, _ = read_table(data_dir / "employees" / part, TABLES["employees"], columns)
    persons = people.frame
    if extra is not None and len(extra.columns) > 1:
        persons = persons.merge(extra, on="employee_id", how="left")
    frame, target = audit_frame(
        tables, persons, role=config.role, folds=config.folds, seed=config.seed
    )
    attributes = [a for a in config.attributes if a in frame]
    return compact(frame, attributes), target, Official.of(tables["appraisals"], config.role)


def compact(frame: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """The columns the statistics read, text as categories (a tenth of the memory)."""
    kept = [c for c in dict.fromkeys((*KEPT, *attributes)) if c in frame]
    out = frame[kept].copy()
    for name in kept:
        if not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = out[name].astype("category")
    return out


def audit_partitioned(
    data_dir: Path,
    config: AuditConfig | None = None,
    *,
    client: Any | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """The audit of a partitioned ``data_dir``: residuals partition by partition (here, or as
    Dask tasks on ``client``), then every family over all of them."""
    config = config or AuditConfig()
    step = progress or (lambda _: None)
    wanted = [a for a in config.attributes if a not in protected.ATTRIBUTES]
    extra = protected.read_extra(data_dir, wanted) if wanted else None
    _, results = run_partitions(
        data_dir, residual_part, client=client,
        progress=lambda part: step(f"evidence and expected ratings: {part}"),
        broadcast={"config": config, "extra": extra},
    )  # fmt: skip
    targets = {target for _, target, _ in results}
    if len(targets) > 1:
        raise InputError(
            f"{data_dir}: partitions disagree on what the audit measures ({sorted(targets)}): "
            "some carry both ratings, others only a score"
        )
    step("joining the partitions")
    frame = _concat([frame for frame, _, _ in results])
    official = Official.combine([o for _, _, o in results])
    del results
    return audit_residuals(frame, targets.pop(), official, config, step)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of categories joined with their categories unioned (pd.concat would fall back to
    text where the partitions' categories differ)."""
    out: dict[str, Any] = {}
    for name in frames[0].columns:
        columns = [f[name] for f in frames]
        if isinstance(columns[0].dtype, pd.CategoricalDtype):
            out[name] = pd.api.types.union_categoricals(columns, ignore_order=True)
        else:
            out[name] = pd.concat(columns, ignore_index=True)
    return pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in out.items()})
