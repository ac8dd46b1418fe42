"""Job: the fairness audit of a data directory, its report, and its flags in the review trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ml.errors import NotReadyError
from ml.fairness.audit import AuditConfig, AuditResult, run_audit
from ml.fairness.report import write_report
from ml.pipelines.flags import flag_records
from ml.store.records import RecordResult
from ml.store.repository import ReviewTrail

STEPS = 16  # progress steps of one run: reading, the folds, each family, the report, the trail


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
) -> Audited:
    """Audit ``data_dir``'s appraisals, write the report into ``out`` and, unless ``store_url``
    is None, record the flags in the review trail there as a run started by ``by``."""
    step = progress or (lambda _: None)
    result = run_audit(data_dir, config or AuditConfig(), progress=step)
    step("writing the report")
    try:
        paths = write_report(result, out)
    except OSError as e:
        raise NotReadyError(f"cannot write the report to {out}: {e.strerror or e}") from None
    if store_url is None:
        return Audited(result, paths, None, None)
    step("recording flags")
    try:
        trail = ReviewTrail.from_url(store_url)
        run_id = trail.start_run(
            by, str(data_dir.resolve()), parameters if parameters is not None else {"out": str(out)}
        )
        recorded = trail.record_flags(run_id, flag_records(result))
    except SQLAlchemyError as e:
        raise NotReadyError(
            f"the review trail could not be written: {e.__class__.__name__}: "
            f"{str(e).splitlines()[0]}"
        ) from None
    return Audited(result, paths, run_id, recorded)
