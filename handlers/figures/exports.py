"""One area of a report as a file: CSV, XLSX or a PNG chart (``pumpurs-bot report``)."""

from __future__ import annotations

from bot.domain.errors import N_
from bot.domain.figures import FiguresReport, ScopeKind
from bot.i18n import Texts
from handlers.figures import charts
from handlers.figures.sheets import report_tables, summary_rows, table_csv, workbook
from handlers.figures.tables import Area, table

FORMATS = ("csv", "xlsx", "png")


def chart_items(report: FiguresReport, area: Area) -> list[tuple[str, float]]:
    """The bars of the meals', claims' and care's charts: (English msgid, value)."""
    f = report.total
    if area == Area.MEALS:
        m = f.meals
        return [
            (N_("Delivered"), m.delivered),
            (N_("Deliveries planned"), m.planned),
            (N_("Failed: nobody at home"), m.failed_nobody_home),
            (N_("Failed: wrong address"), m.failed_wrong_address),
            (N_("Failed: no access"), m.failed_no_access),
            (N_("Failed: other"), m.failed_other),
            (N_("Reported not received"), m.not_received),
        ]
    if area == Area.CLAIMS:
        transport, accommodation = f.claims
        return [
            (N_("Transport submitted, EUR"), transport.submitted_cents / 100),
            (N_("Transport approved, EUR"), transport.approved_cents / 100),
            (N_("Transport returned, EUR"), transport.returned_cents / 100),
            (N_("Accommodation submitted, EUR"), accommodation.submitted_cents / 100),
            (N_("Accommodation approved, EUR"), accommodation.approved_cents / 100),
            (N_("Accommodation returned, EUR"), accommodation.returned_cents / 100),
        ]
    c = f.care
    return [
        (N_("Suicide"), c.suicide),
        (N_("Overdose or poisoning"), c.overdose),
        (N_("Immediate danger"), c.danger),
        (N_("Self-harm"), c.self_harm),
        (N_("Sexual abuse"), c.sexual_abuse),
        (N_("Abuse or violence at home"), c.abuse),
        (N_("Other words of crisis"), c.unspecified),
        (N_("On-duty specialist alerted"), c.alerted),
        (N_("Taken (“I'm on it”)"), c.taken),
        (N_("Not taken"), c.not_taken),
    ]


def area_file(report: FiguresReport, area: Area, fmt: str, t: Texts, *, bom: bool = True) -> bytes:
    """The area's figures as ``fmt``: one CSV table, a workbook, or a chart."""
    if fmt == "csv":
        return table_csv(table(report, area, t), bom=bom)
    if fmt == "xlsx":
        return workbook(report_tables(report, t, (area,)), summary_rows(report, t), t)
    if area != Area.CONSULTATIONS:
        return charts.bar_chart(report, t, chart_items(report, area))
    if report.scope.kind == ScopeKind.SCHOOL:
        return charts.consultation_chart(report, t)
    return charts.comparison_chart(report, t)
