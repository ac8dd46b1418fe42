"""The minutes (berita acara) of a committee session, as CSV and as PDF (ReportLab), and the
adjusted-predikat CSV for the agency's own system. Pure: records in, bytes out.

The CSV has one row per record (``SESSION``, ``MEMBER``, ``DECISION``, ``ADJUSTMENT``,
``FOLLOW_UP``) so that one file carries the whole session; the PDF is the document a committee
signs. Neither writes anything back to the source data: an adjusted predikat lives in the store
and in these exports only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ml.serving.pages.i18n import Translator
from ml.store.committee import AdjustmentRecord, DecisionRecord, FollowUpRecord, SessionRecord

CSV_COLUMNS = (
    "record", "session_id", "held_on", "flag_id", "family", "kind", "subject", "group",
    "decision", "reason", "by", "at", "employee_id", "period", "original_predikat",
    "adjusted_predikat", "assignee", "due_on", "note",
)  # fmt: skip
ADJUSTMENT_COLUMNS = (
    "employee_id", "period", "original_predikat", "adjusted_predikat", "reason", "adjusted_by",
    "adjusted_at", "session_id", "flag_id", "superseded",
)  # fmt: skip

WORDS = {
    "id": {
        "title": "Berita Acara Sidang Tim Penilai Kinerja",
        "held": "Tanggal sidang", "scope": "Cakupan", "all": "semua", "agency": "instansi",
        "unit": "unit", "period": "periode", "by": "Dibuka oleh", "members": "Anggota yang hadir",
        "decisions": "Keputusan atas tanda", "flag": "Tanda", "decision": "Keputusan",
        "reason": "Alasan", "who": "Oleh", "adjustments": "Penyesuaian predikat",
        "employee": "Pegawai", "original": "Predikat semula", "adjusted": "Predikat disesuaikan",
        "follow_ups": "Tindak lanjut", "assignee": "Penanggung jawab", "due": "Batas waktu",
        "none": "Tidak ada.", "count": "{n} keputusan dalam sidang ini.",
        "sign": "Ditandatangani oleh anggota yang hadir:",
    },
    "en": {
        "title": "Minutes of the merit committee's session",
        "held": "Held on", "scope": "Scope", "all": "all", "agency": "agency", "unit": "unit",
        "period": "period", "by": "Opened by", "members": "Members present",
        "decisions": "Decisions on flags", "flag": "Flag", "decision": "Decision",
        "reason": "Reason", "who": "By", "adjustments": "Adjusted predikat",
        "employee": "Employee", "original": "Original predikat", "adjusted": "Adjusted predikat",
        "follow_ups": "Follow-ups", "assignee": "Assignee", "due": "Due",
        "none": "None.", "count": "{n} decisions in this session.",
        "sign": "Signed by the members present:",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Minutes:
    """Everything a session's minutes hold."""

    session: SessionRecord
    decisions: Sequence[DecisionRecord]
    adjustments: Sequence[AdjustmentRecord]
    follow_ups: Sequence[FollowUpRecord]


def flag_label(d: DecisionRecord, t: Translator) -> str:
    """A decided flag in words: its family, the subject and the group (if any)."""
    group = f" · {d.group_label}" if d.group_label else ""
    return f"{t.code(d.family)} ({t.code(d.kind)}): {d.subject}{group}"


def scope_text(s: SessionRecord, lang: str) -> str:
    w = WORDS[lang]
    parts = [
        f"{w[name]} {value}"
        for name, value in (("agency", s.agency_id), ("unit", s.unit_id), ("period", s.period))
        if value
    ]
    return ", ".join(parts) or w["all"]


def minutes_csv(m: Minutes) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="raise")
    writer.writeheader()
    s = m.session
    base = {"session_id": s.session_id, "held_on": s.held_on.isoformat()}
    writer.writerow(
        {**base, "record": "SESSION", "subject": scope_text(s, "en"), "by": s.created_by,
         "at": s.created_at.isoformat()}
    )  # fmt: skip
    for member in s.members:
        writer.writerow({**base, "record": "MEMBER", "by": member})
    for d in m.decisions:
        writer.writerow(
            {**base, "record": "DECISION", "flag_id": d.flag_id, "family": d.family,
             "kind": d.kind, "subject": d.subject, "group": d.group_label or "",
             "decision": d.decision, "reason": d.reason, "by": d.reviewer,
             "at": d.reviewed_at.isoformat()}
        )  # fmt: skip
    for a in m.adjustments:
        writer.writerow(
            {**base, "record": "ADJUSTMENT", "flag_id": a.flag_id or "", "reason": a.reason,
             "by": a.adjusted_by, "at": a.adjusted_at.isoformat(), "employee_id": a.employee_id,
             "period": a.period, "original_predikat": a.original_predikat or "",
             "adjusted_predikat": a.adjusted_predikat}
        )  # fmt: skip
    for f in m.follow_ups:
        writer.writerow(
            {**base, "record": "FOLLOW_UP", "flag_id": f.flag_id, "by": f.created_by,
             "at": f.created_at.isoformat(), "assignee": f.assignee,
             "due_on": f.due_on.isoformat(), "note": f.note or ""}
        )  # fmt: skip
    return out.getvalue()


def adjustments_csv(adjustments: Sequence[AdjustmentRecord], *, history: bool = False) -> str:
    """The adjusted predikat for the agency's system: the current one per appraisal (or, with
    ``history``, every adjustment, superseded ones marked)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ADJUSTMENT_COLUMNS)
    writer.writeheader()
    for a in adjustments:
        if not history and not a.current:
            continue
        writer.writerow(
            {"employee_id": a.employee_id, "period": a.period,
             "original_predikat": a.original_predikat or "",
             "adjusted_predikat": a.adjusted_predikat, "reason": a.reason,
             "adjusted_by": a.adjusted_by, "adjusted_at": a.adjusted_at.isoformat(),
             "session_id": a.session_id or "", "flag_id": a.flag_id or "",
             "superseded": "" if a.current else "yes"}
        )  # fmt: skip
    return out.getvalue()


def minutes_pdf(m: Minutes, lang: str = "id", names: Mapping[str, str] | None = None) -> bytes:
    """The berita acara as an A4 PDF; ``names`` shows employees by name where known."""
    lang = lang if lang in WORDS else "id"
    w, t = WORDS[lang], Translator(lang)
    names = {} if names is None else names
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")

    def p(text: Any, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    def table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
        data = [[p(h, head) for h in header]] + [[p(v) for v in row] for row in rows]
        found = Table(data, colWidths=[x * cm for x in widths], repeatRows=1)
        found.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return found

    s = m.session
    story: list[Any] = [
        Paragraph(escape(w["title"]), styles["Title"]),
        p(f"{w['held']}: {t.date(s.held_on)}", styles["BodyText"]),
        p(f"{w['scope']}: {scope_text(s, lang)}", styles["BodyText"]),
        p(f"{w['by']}: {s.created_by}", styles["BodyText"]),
        Paragraph(escape(w["members"]), styles["Heading2"]),
        *[p(f"• {member}", styles["BodyText"]) for member in s.members],
        Paragraph(escape(w["decisions"]), styles["Heading2"]),
        p(w["count"].format(n=t.number(len(m.decisions))), styles["BodyText"]),
        Spacer(1, 0.2 * cm),
    ]
    if m.decisions:
        rows = [
            [
                flag_label(d, t),
                t.code(d.decision),
                d.reason,
                f"{d.reviewer}, {t.date(d.reviewed_at)}",
            ]
            for d in m.decisions
        ]
        story.append(
            table([w["flag"], w["decision"], w["reason"], w["who"]], rows, [6, 2.6, 5, 3.4])
        )
    story.append(Paragraph(escape(w["adjustments"]), styles["Heading2"]))
    if m.adjustments:
        rows = [
            [f"{names.get(a.employee_id, a.employee_id)} ({a.employee_id}), {a.period}",
             t.code(a.original_predikat), t.code(a.adjusted_predikat), a.reason, a.adjusted_by]
            for a in m.adjustments
        ]  # fmt: skip
        story.append(
            table([w["employee"], w["original"], w["adjusted"], w["reason"], w["who"]], rows,
                  [5, 2.6, 2.6, 4.4, 2.4])
        )  # fmt: skip
    else:
        story.append(p(w["none"], styles["BodyText"]))
    story.append(Paragraph(escape(w["follow_ups"]), styles["Heading2"]))
    if m.follow_ups:
        by_id = {d.flag_id: d for d in m.decisions}
        rows = [
            [flag_label(by_id[f.flag_id], t) if f.flag_id in by_id else f.flag_id, f.assignee,
             t.date(f.due_on), f.note or ""]
            for f in m.follow_ups
        ]  # fmt: skip
        story.append(table([w["flag"], w["assignee"], w["due"], w["reason"]], rows, [6, 4, 3, 4]))
    else:
        story.append(p(w["none"], styles["BodyText"]))
    story += [Spacer(1, 0.6 * cm), p(w["sign"], styles["BodyText"])]
    story += [p(f"{member}: ______________________", styles["BodyText"]) for member in s.members]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=w["title"], author="Talenta",
        leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()
