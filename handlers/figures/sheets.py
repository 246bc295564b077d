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
    """An XLSX file: a summary sheet, then one sheet per table with a bold header row.

    Written in openpyxl's write-only mode: rows stream out, so the whole country's
    workbook takes a fraction of the time and memory of building it cell by cell.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(t(N_("Summary"))))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    for row in summary:
        sheet.append(row)
    bold = Font(bold=True)
    for found in tables:
        sheet = book.create_sheet(_sheet_name(t(found.title)))
        sheet.freeze_panes = "C2" if found.columns[0].key == "school_id" else "A2"
        header = []
        for index, column in enumerate(found.columns, 1):
            label = t(column.label)
            width = max(10, min(40, len(label) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in found.rows:
            sheet.append(row)
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
