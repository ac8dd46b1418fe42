"""Job: the fairness audit of a data directory, its report, and its flags in the review trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ml.contract import protected
from ml.errors import InputError, NotReadyError
from ml.fairness.audit import AuditConfig, AuditResult, audit_tables
from ml.fairness.report import write_report
from ml.fairness.residuals import ORGANISATION_COLUMNS
from ml.features.io import load_tables, partitions
from ml.features.pipeline import INPUT_COLUMNS
from ml.pipelines.flags import flag_records
from ml.store.records import RecordResult
from ml.store.repository import ReviewTrail

STEPS = 16  # progress steps of one run: reading, the folds, each family, the report, the trail
# … of a partitioned run, besides one per partition: joining, each family, the report, the trail
PARTITIONED_STEPS = 6
RESIDUALS_CSV = "appraisal_residuals.csv"
# What the committee's flag page shows per appraisal: who rated whom, the rating given beside
# the rating the evidence supports, and the evidence itself. No protected attribute: the page
# joins those from the snapshot for the committee alone.
RESIDUAL_COLUMNS = (
    "employee_id", "period", "rater_id", "unit_id", "agency_id", "predikat", "rating_value",
    "expected", "residual", "independent_expected", "kpi_attainment", "community_feedback",
    "peer_rating", "consensus_rating",
)  # fmt: skip


def run_audit(
    data_dir: Path,
    config: AuditConfig | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    client: Any | None = None,
) -> AuditResult:
    """Audit the appraisals of ``data_dir`` (needs ``employees`` and ``appraisals``): read the
    tables, then :func:`audit_tables`; a partitioned directory partition by partition
    (:mod:`ml.pipelines.audit_partitioned`; on Dask with ``client``)."""
    step = progress or (lambda _: None)
    if partitions(data_dir):  # written sharded (national size): one partition at a time
        from ml.pipelines.audit_partitioned import audit_partitioned

        return audit_partitioned(data_dir, config, client=client, progress=step)
    step("reading")
    columns = {**INPUT_COLUMNS, "appraisals": (*INPUT_COLUMNS["appraisals"], "rater_id")}
    tables = load_tables(data_dir, columns)
    if "appraisals" not in tables:
        raise InputError(f"{data_dir}: the audit needs an appraisals table")
    config = config or AuditConfig()
    people = protected.read(data_dir, ORGANISATION_COLUMNS)
    extra = [a for a in config.attributes if a not in protected.ATTRIBUTES]
    if extra:
        people = people.merge(protected.read_extra(data_dir, extra), on="employee_id", how="left")
    return audit_tables(tables, people, config, step)


def statement(result: AuditResult) -> dict[str, Any]:
    """The coverage statement as the run records it (for the API and pages: what ran, what
    could not and why, the design seen), in plain JSON. Kept with the run's parameters: it
    describes the run, and needs no table of its own."""
    rows = json.loads(result.coverage.to_json(orient="records")) if len(result.coverage) else []
    return {"coverage": rows, "design": json.loads(json.dumps(result.design, default=_plain))}


def _plain(value: object) -> object:
    """numpy scalars as Python numbers for JSON."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass(frozen=True)
class Audited:
    result: AuditResult
    report: dict[str, Path]  # what write_report wrote, by name ("report": audit.md)
    run_id: str | None  # the review trail's run; None when not recorded
    recorded: RecordResult | None


def audit_and_record(
    data_dir: Path,
    out: Path,
    *,
    store_url: str | None,
    by: str = "talenta",
    config: AuditConfig | None = None,
    parameters: dict[str, object] | None = None,
    progress: Callable[[str], None] | None = None,
    client: Any | None = None,
) -> Audited:
    """Audit ``data_dir``'s appraisals, write the report into ``out`` and, unless ``store_url``
    is None, record the flags in the review trail there as a run started by ``by``."""
    step = progress or (lambda _: None)
    result = run_audit(data_dir, config or AuditConfig(), progress=step, client=client)
    step("writing the report")
    try:
        paths = write_report(result, out)
        paths["residuals"] = write_residuals(result, out)
    except OSError as e:
        raise NotReadyError(f"cannot write the report to {out}: {e.strerror or e}") from None
    if store_url is None:
        return Audited(result, paths, None, None)
    step("recording flags")
    try:
        trail = ReviewTrail.from_url(store_url)
        run_id = trail.start_run(
            by, str(data_dir.resolve()), run_parameters(result, out, parameters)
        )
        recorded = trail.record_flags(run_id, flag_records(result))
    except SQLAlchemyError as e:
        raise NotReadyError(
            f"the review trail could not be written: {e.__class__.__name__}: "
            f"{str(e).splitlines()[0]}"
        ) from None
    return Audited(result, paths, run_id, recorded)


def write_residuals(result: AuditResult, out: Path) -> Path:
    """The per-appraisal residuals behind every rater and score flag, next to the report."""
    frame = result.frame
    columns = [c for c in RESIDUAL_COLUMNS if c in frame]
    path = out / RESIDUALS_CSV
    frame[columns].rename(columns={"rating_value": "given"}).to_csv(path, index=False)
    return path


def run_parameters(
    result: AuditResult, out: Path, given: dict[str, object] | None
) -> dict[str, object]:
    """What the trail keeps of a run: the caller's parameters (default: the ``out`` folder)
    and what the audit covered (families run or not, and why) and the design it saw, so that
    the committee's pages and API can state them."""
    parameters: dict[str, object] = dict(given) if given is not None else {"out": str(out)}
    parameters.setdefault("out", str(out))
    parameters.update(statement(result))
    return parameters
