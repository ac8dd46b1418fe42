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
from ml.features.io import load_tables
from ml.features.pipeline import INPUT_COLUMNS
from ml.pipelines.flags import flag_records
from ml.store.records import RecordResult
from ml.store.repository import ReviewTrail

STEPS = 16  # progress steps of one run: reading, the folds, each family, the report, the trail


def run_audit(
    data_dir: Path, config: AuditConfig | None = None, progress: Callable[[str], None] | None = None
) -> AuditResult:
    """Audit the appraisals of ``data_dir`` (needs ``employees`` and ``appraisals``): read the
    tables, then :func:`audit_tables`."""
    step = progress or (lambda _: None)
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
        given = parameters if parameters is not None else {"out": str(out)}
        run_id = trail.start_run(by, str(data_dir.resolve()), {**given, **statement(result)})
        recorded = trail.record_flags(run_id, flag_records(result))
    except SQLAlchemyError as e:
        raise NotReadyError(
            f"the review trail could not be written: {e.__class__.__name__}: "
            f"{str(e).splitlines()[0]}"
        ) from None
    return Audited(result, paths, run_id, recorded)
