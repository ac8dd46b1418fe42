"""A plan's document (:mod:`ml.serving.documents`) as an XLSX workbook (openpyxl) or a PDF
(ReportLab). Amounts stay numbers in the workbook (formatted as rupiah) so that a planner can
sum and filter them; the PDF is for signing and filing."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ml.serving.documents import Document

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
RUPIAH_FORMAT = '"Rp" #,##0'
WIDTHS = (34, 24, 34, 46, 8, 18)


def to_xlsx(doc: Document) -> bytes:
    """One sheet: the title, the header as label/value rows, a blank row, the table with its
    totals row (JP and cost as numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Rencana" if doc.lang == "id" else "Plan"
    sheet.append([doc.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in doc.header:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(list(doc.columns))
    head = sheet.max_row
    for cell in sheet[head]:
        cell.font = Font(bold=True)
    for r in doc.rows:
        sheet.append([r.name, r.nip, r.competency, r.program, r.jp, r.cost_idr])
    sheet.append([doc.total_label, "", "", "", doc.total_jp, doc.total_cost_idr])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=head + 1, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = RUPIAH_FORMAT
            cell.alignment = Alignment(horizontal="right")
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = sheet.cell(row=head + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(doc: Document) -> bytes:
    """A landscape A4 document: title, header, the table repeated over pages with its heading
    row, and the totals row last."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    pdf = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=doc.title,
        author="Talenta",
        lang=doc.lang,
    )
    header = Table(
        [
            [Paragraph(f"<b>{_escape(k)}</b>", small), Paragraph(_escape(v), small)]
            for k, v in doc.header
        ],
        colWidths=(45 * mm, 160 * mm),
        hAlign="LEFT",
    )
    body = [[Paragraph(f"<b>{_escape(c)}</b>", small) for c in doc.columns]]
    for r in doc.rows:
        body.append(
            [
                Paragraph(_escape(r.name), small),
                r.nip,
                Paragraph(_escape(r.competency), small),
                Paragraph(_escape(r.program), small),
                _number(r.jp),
                doc.money(r.cost_idr),
            ]
        )
    body.append(
        [Paragraph(f"<b>{_escape(doc.total_label)}</b>", small), "", "", "",
         _number(doc.total_jp), doc.money(doc.total_cost_idr)]
    )  # fmt: skip
    table = Table(
        body,
        colWidths=(55 * mm, 40 * mm, 50 * mm, 75 * mm, 14 * mm, 32 * mm),
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (4, 0), (5, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("FONTNAME", (4, -1), (5, -1), "Helvetica-Bold"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
            ]
        )
    )
    pdf.build([Paragraph(_escape(doc.title), styles["Title"]), header, Spacer(1, 6 * mm), table])
    return out.getvalue()


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if float(value).is_integer() else f"{value:.1f}"


def _escape(text: str) -> str:
    # ReportLab's Paragraph reads a small XML markup: a name with "&" or "<" must not break it
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
