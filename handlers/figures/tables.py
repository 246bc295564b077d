"""A report as tables: one wide row per school and a total, per area of the programme.

The same tables become the workbook's sheets, the CLI's CSV and nothing else computes a
number: every cell is read from the :class:`~bot.domain.figures.FiguresReport`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import N_
from bot.domain.figures import FiguresReport, SchoolFigures
from bot.domain.models import MeasureKind
from bot.i18n import Texts

Cell = str | int | float | None


class Area(StrEnum):
    CONSULTATIONS = "consultations"
    MEALS = "meals"
    CLAIMS = "claims"
    CARE = "care"


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header
    label: str  # an English msgid: the workbook's header
    value: Callable[[SchoolFigures], Cell]


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # an English msgid: the sheet's name
    columns: Sequence[Column]
    rows: list[list[Cell]]


KIND_KEYS = {MeasureKind.SUBJECT_CONSULTATION: "subject", MeasureKind.EMOTIONAL_SUPPORT: "support"}


def _hours(kind: MeasureKind, field: str) -> Callable[[SchoolFigures], Cell]:
    def value(s: SchoolFigures) -> Cell:
        found = next(h for h in s.hours if h.kind == kind)
        number = getattr(found, field)
        return round(number, 2) if isinstance(number, float) else number

    return value


def _claim(kind: str, field: str) -> Callable[[SchoolFigures], Cell]:
    def value(s: SchoolFigures) -> Cell:
        found = next(c for c in s.claims if c.kind == kind)
        number: int = getattr(found, field)
        return round(number / 100, 2) if field.endswith("_cents") else number

    return value


def _of(part: str, field: str) -> Callable[[SchoolFigures], Cell]:
    def value(s: SchoolFigures) -> Cell:
        number: int = getattr(getattr(s, part), field)
        return number

    return value


SCHOOL = (
    Column("school_id", N_("School id"), lambda s: s.school_id),
    Column("school_name", N_("School"), lambda s: s.school_name),
)

HOURS_LABELS = {
    "plans": (N_("Plans: subject consultations"), N_("Plans: emotional support")),
    "granted": (N_("Hours granted: subject"), N_("Hours granted: emotional support")),
    "unlimited": (N_("Without an hour limit: subject"), N_("Without an hour limit: support")),
    "used": (N_("Hours used: subject"), N_("Hours used: emotional support")),
    "booked": (N_("Hours booked: subject"), N_("Hours booked: emotional support")),
    "left": (N_("Hours left: subject"), N_("Hours left: emotional support")),
}

CONSULTATIONS = (
    *SCHOOL,
    *(
        Column(f"{KIND_KEYS[kind]}_{field}", labels[i], _hours(kind, field))
        for field, labels in HOURS_LABELS.items()
        for i, kind in enumerate(KIND_KEYS)
    ),
    Column("requested", N_("Sessions requested"), _of("sessions", "requested")),
    Column("waiting", N_("Waiting for the specialist"), _of("sessions", "waiting")),
    Column("proposed", N_("Another time proposed"), _of("sessions", "proposed")),
    Column("confirmed", N_("Confirmed"), _of("sessions", "confirmed")),
    Column("held", N_("Held"), _of("sessions", "held")),
    Column("missed", N_("Missed"), _of("sessions", "missed")),
    Column(
        "cancelled_by_pupil", N_("Cancelled by the pupil"), _of("sessions", "cancelled_by_pupil")
    ),
    Column(
        "cancelled_by_guardian",
        N_("Cancelled by a parent"),
        _of("sessions", "cancelled_by_guardian"),
    ),
    Column(
        "cancelled_by_specialist",
        N_("Cancelled by the specialist"),
        _of("sessions", "cancelled_by_specialist"),
    ),
    Column(
        "cancelled_by_school", N_("Cancelled by the school"), _of("sessions", "cancelled_by_school")
    ),
    Column(
        "cancelled_unknown",
        N_("Cancelled, by whom not recorded"),
        _of("sessions", "cancelled_unknown"),
    ),
    Column("declined", N_("Declined"), _of("sessions", "declined")),
    Column(
        "answer_median_hours",
        N_("Median hours to answer a request"),
        lambda s: None if s.answer_median_hours is None else round(s.answer_median_hours, 1),
    ),
    Column("evidence_asked", N_("Asked: did it take place?"), _of("evidence", "asked")),
    Column("evidence_yes", N_("Answered yes"), _of("evidence", "yes")),
    Column("evidence_no", N_("Answered no"), _of("evidence", "no")),
    Column("evidence_unanswered", N_("Not answered"), _of("evidence", "unanswered")),
    Column("evidence_no_but_held", N_("No, but marked held"), _of("evidence", "no_but_held")),
    Column("pupils_with_plan", N_("Pupils with a plan"), _of("usage", "pupils")),
    Column("pupils_not_used", N_("Pupils who used nothing"), _of("usage", "not_used")),
    Column(
        "pupils_under_quarter", N_("Pupils under 25 % by mid-period"), _of("usage", "under_quarter")
    ),
)

MEALS = (
    *SCHOOL,
    Column(
        "subscriptions_active", N_("Subscriptions active"), _of("meals", "subscriptions_active")
    ),
    Column(
        "subscriptions_paused", N_("Subscriptions paused"), _of("meals", "subscriptions_paused")
    ),
    Column("planned", N_("Deliveries planned"), _of("meals", "planned")),
    Column("delivered", N_("Delivered"), _of("meals", "delivered")),
    Column("failed_nobody_home", N_("Failed: nobody at home"), _of("meals", "failed_nobody_home")),
    Column(
        "failed_wrong_address", N_("Failed: wrong address"), _of("meals", "failed_wrong_address")
    ),
    Column("failed_no_access", N_("Failed: no access"), _of("meals", "failed_no_access")),
    Column("failed_other", N_("Failed: other"), _of("meals", "failed_other")),
    Column("not_received", N_("Reported not received"), _of("meals", "not_received")),
)

CLAIM_LABELS = {
    "submitted": (N_("Transport claims submitted"), N_("Accommodation claims submitted")),
    "submitted_cents": (N_("Transport submitted, EUR"), N_("Accommodation submitted, EUR")),
    "approved": (N_("Transport approved"), N_("Accommodation approved")),
    "approved_cents": (N_("Transport approved, EUR"), N_("Accommodation approved, EUR")),
    "returned": (N_("Transport returned"), N_("Accommodation returned")),
    "returned_cents": (N_("Transport returned, EUR"), N_("Accommodation returned, EUR")),
    "waiting": (N_("Transport waiting"), N_("Accommodation waiting")),
    "waiting_cents": (N_("Transport waiting, EUR"), N_("Accommodation waiting, EUR")),
    "exported": (N_("Transport paid out"), N_("Accommodation paid out")),
}

CLAIMS = (
    *SCHOOL,
    *(
        Column(f"{kind}_{field.replace('_cents', '_eur')}", labels[i], _claim(kind, field))
        for field, labels in CLAIM_LABELS.items()
        for i, kind in enumerate(("transport", "accommodation"))
    ),
)

CARE = (
    *SCHOOL,
    Column("suicide", N_("Suicide"), _of("care", "suicide")),
    Column("overdose", N_("Overdose or poisoning"), _of("care", "overdose")),
    Column("danger", N_("Immediate danger"), _of("care", "danger")),
    Column("self_harm", N_("Self-harm"), _of("care", "self_harm")),
    Column("sexual_abuse", N_("Sexual abuse"), _of("care", "sexual_abuse")),
    Column("abuse", N_("Abuse or violence at home"), _of("care", "abuse")),
    Column("unspecified", N_("Other words of crisis"), _of("care", "unspecified")),
    Column("total", N_("Words of crisis, all"), _of("care", "total")),
    Column("alerted", N_("On-duty specialist alerted"), _of("care", "alerted")),
    Column("pupils", N_("Pupils concerned"), _of("care", "pupils")),
    Column("alerts", N_("Alerts"), _of("care", "alerts")),
    Column("contact_requests", N_("Asked to be contacted"), _of("care", "contact_requests")),
    Column("taken", N_("Taken (“I'm on it”)"), _of("care", "taken")),
    Column(
        "minutes_to_take",
        N_("Minutes to “I'm on it”, mean"),
        lambda s: s.care.minutes_to_take,
    ),
    Column("escalated", N_("Climbed to a coordinator"), _of("care", "escalated")),
    Column("not_taken", N_("Not taken"), _of("care", "not_taken")),
)

AREAS: dict[Area, tuple[str, Sequence[Column]]] = {
    Area.CONSULTATIONS: (N_("Consultations"), CONSULTATIONS),
    Area.MEALS: (N_("Meals"), MEALS),
    Area.CLAIMS: (N_("Internship claims"), CLAIMS),
    Area.CARE: (N_("Care"), CARE),
}

TOTAL = N_("Total")


def table(report: FiguresReport, area: Area, t: Texts) -> Table:
    """One area's table: a row per school, then the scope's total."""
    title, columns = AREAS[area]
    total = report.total.model_copy(update={"school_name": t(TOTAL)})
    rows = [[c.value(s) for c in columns] for s in (*report.schools, total)]
    return Table(area.value, title, columns, rows)


def weeks_table(report: FiguresReport) -> Table:
    columns = (
        Column("week", N_("Week"), lambda s: None),
        Column("hours_used", N_("Hours used"), lambda s: None),
        Column("hours_booked", N_("Hours booked"), lambda s: None),
    )
    rows: list[list[Cell]] = [[w.week, round(w.used, 2), round(w.booked, 2)] for w in report.weeks]
    return Table("weeks", N_("Weeks"), columns, rows)
