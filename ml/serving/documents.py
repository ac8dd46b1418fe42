"""A saved plan as a document: the header (agency, unit, version, status, author and approver,
dates in the reader's language) and one row per person × programme (name, NIP, competency,
programme, JP, cost), with totals. The XLSX and PDF exports (:mod:`ml.serving.export`) both
render this one model, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ml.recommend.plan import rupiah
from ml.serving.pages.i18n import Translator
from ml.store.plans import PlanRecord

# label keys of the columns, in order; JP and cost are the numeric ones
COLUMNS = (
    "doc.name",
    "doc.nip",
    "doc.competency",
    "doc.program",
    "doc.jp",
    "doc.cost",
)


@dataclass(frozen=True)
class Row:
    name: str
    nip: str
    competency: str
    program: str
    jp: float
    cost_idr: float


@dataclass(frozen=True)
class Document:
    title: str
    header: tuple[tuple[str, str], ...]  # (label, value) in the reader's language
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total_label: str
    total_jp: float
    total_cost_idr: float
    lang: str

    def money(self, amount: float) -> str:
        return rupiah(amount)


def plan_document(plan: PlanRecord, t: Translator) -> Document:
    """The document of ``plan`` in ``t``'s language."""
    result = plan.result
    people: dict[str, dict[str, Any]] = result.get("people") or {}
    titles: dict[str, str] = result.get("titles") or {}
    competencies: dict[str, str] = result.get("competency_names") or {}
    rows = []
    for a in result.get("assignments") or []:
        person = people.get(str(a["employee_id"]), {})
        code = str(a.get("competency_code") or "")
        rows.append(
            Row(
                name=str(person.get("name") or a["employee_id"]),
                nip=str(person.get("nip") or a["employee_id"]),
                competency=f"{code} {competencies.get(code, '')}".strip(),
                program=str(titles.get(str(a["program_id"])) or a["program_id"]),
                jp=float(a["jp"]),
                cost_idr=float(a["cost_idr"]),
            )
        )
    rows.sort(key=lambda r: (r.name, r.program))
    decided = plan.decided
    proposed = next((e for e in plan.events if e.status == "proposed"), None)
    inputs = plan.inputs
    header = [
        (t("doc.agency"), plan.agency_id or "—"),
        (t("doc.unit"), f"{plan.unit_name} ({plan.unit_id})" if plan.unit_name else plan.unit_id),
        (t("doc.version"), str(plan.version)),
        (t("doc.status"), t(f"status.{plan.status}")),
        (t("doc.author"), f"{plan.created_by}, {t.date(plan.created_at)}"),
        (t("doc.proposed"), f"{proposed.actor}, {t.date(proposed.at)}" if proposed else "—"),
        (
            t("doc.approver") if plan.status == "approved" else t("doc.decided"),
            f"{decided.actor}, {t.date(decided.at)}" if decided else "—",
        ),
        (t("doc.budget"), rupiah(float(inputs.get("budget_idr", 0)))),
        (t("doc.as_of"), t.date(_date(result.get("as_of")))),
    ]
    return Document(
        title=t("doc.title", unit=plan.unit_name or plan.unit_id, version=plan.version),
        header=tuple(header),
        columns=tuple(t(c) for c in COLUMNS),
        rows=tuple(rows),
        total_label=t("doc.total"),
        total_jp=sum(r.jp for r in rows),
        total_cost_idr=sum(r.cost_idr for r in rows),
        lang=t.lang,
    )


def _date(value: Any) -> Any:
    """An ISO date from the stored JSON back to a ``date`` (the translator words dates)."""
    from datetime import date

    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value
