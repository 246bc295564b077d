"""Files of figures: a workbook (XLSX, one sheet per table) and CSV.

openpyxl is imported only when a workbook is made, so the bot's start does not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.domain.errors import N_
from bot.domain.figures import FiguresReport
from bot.i18n import Texts
from handlers.figures.tables import Area, Cell, Table, table, weeks_table
from handlers.files import csv_bytes

# Excel refuses sheet names over 31 characters and these: \ / ? * [ ] :
_SHEET_NAME_MAX = 31


def report_tables(
    report: FiguresReport, t: Texts, areas: Sequence[Area] = tuple(Area)
) -> list[Table]:
    found = [table(report, area, t) for area in areas]
    if Area.CONSULTATIONS in areas:
        found.append(weeks_table(report))
    return found


def summary_rows(report: FiguresReport, t: Texts) -> list[list[Cell]]:
    return [
        [t("Figures of"), report.scope_name or t("the whole country")],
        [t("Period"), report.period.label],
        [t("From"), report.period.first.isoformat()],
        [t("To"), report.period.last.isoformat()],
        [t("Made at"), t.datetime(report.made_at)],
        [t("Schools"), len(report.schools)],
    ]


def workbook(tables: Sequence[Table], summary: list[list[Cell]], t: Texts) -> bytes:
    """An XLSX file: a summary sheet, then one sheet per table with a bold header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _sheet_name(t(N_("Summary")))
    for row in summary:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    bold = Font(bold=True)
    for found in tables:
        sheet = book.create_sheet(_sheet_name(t(found.title)))
        sheet.append([t(c.label) for c in found.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in found.rows:
            sheet.append(row)
        sheet.freeze_panes = "C2" if found.columns[0].key == "school_id" else "A2"
        for index, column in enumerate(found.columns, 1):
            width = max(10, min(40, len(t(column.label)) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(text: str) -> str:
    for bad in "\\/?*[]:":
        text = text.replace(bad, " ")
    return text[:_SHEET_NAME_MAX]


def table_csv(found: Table, *, bom: bool = True) -> bytes:
    """One table as CSV, headed by the columns' keys."""
    return csv_bytes([c.key for c in found.columns], found.rows, bom=bom)
