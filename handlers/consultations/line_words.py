"""Words and buttons of the waiting list and of series, shared by their screens, the
booking screens that lead to them, and their notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from babel.dates import format_date

from bot.domain.errors import N_
from bot.domain.models import MeasureKind
from bot.domain.series import SeriesStop
from bot.domain.waitlist import DayPart, Place, Waiting
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.words import SUBJECT_TITLE, SUPPORT_TITLE
from handlers.ui import Button

# 2026-11-30 is a Monday: Babel names the weekdays in the user's language from it.
_A_MONDAY = date(2026, 11, 30)

PART_NAMES = {
    DayPart.MORNING: N_("Morning (before 12:00)"),
    DayPart.AFTERNOON: N_("Afternoon (12:00-16:00)"),
    DayPart.EVENING: N_("Evening (from 16:00)"),
}

STOPS = {
    SeriesStop.PLAN_END: N_("The series ends with the support plan's period."),
    SeriesStop.HOURS: N_("The series stops where the plan's hours would run out."),
    SeriesStop.LIMIT: N_("The series goes at most {weeks} weeks ahead."),
}

EVERY_NAMES = {1: N_("every week"), 2: N_("every other week")}


def kind_title(t: Texts, kind: MeasureKind, subject: str) -> str:
    if kind == MeasureKind.SUBJECT_CONSULTATION:
        return t(SUBJECT_TITLE, subject=subject)
    return t(SUPPORT_TITLE)


def weekday_short(t: Texts, weekday: int) -> str:
    """'Mon' for 1, in the reader's language."""
    return format_date(_A_MONDAY + timedelta(days=weekday - 1), "EEE", locale=t.language)


def wishes(t: Texts, weekdays: int, parts: int) -> str:
    """The days and times a place waits for, e.g. 'Tue, Thu · Afternoon (12:00-16:00)'."""
    days = ", ".join(weekday_short(t, d) for d in range(1, 8) if weekdays & (1 << (d - 1)))
    times = ", ".join(t(PART_NAMES[p]) for p in DayPart if parts & (1 << p))
    return t("{days} · {times}", days=days or t("any day"), times=times or t("any time of day"))


def place_label(t: Texts, place: Place) -> str:
    return t(
        "⏳ In line: {title} · number {n}",
        title=kind_title(t, place.kind, place.subject),
        n=place.position,
    )


def join_row(t: Texts, pupil_id: int, measure_id: int) -> list[Button]:
    """The way into the line from the list of free times."""
    return [(t("⏳ Join the waiting list"), routes.WAIT_JOIN.data(pupil_id, measure_id))]


def series_rows(t: Texts, pupil_id: int, measure_id: int, slot_id: int) -> list[list[Button]]:
    """The ways into a series from the confirmation of one time."""
    return [
        [
            (t("🔁 Every week"), routes.SERIES.data(pupil_id, measure_id, slot_id, 1)),
            (t("🔁 Every other week"), routes.SERIES.data(pupil_id, measure_id, slot_id, 2)),
        ]
    ]


def date_lines(t: Texts, times: Sequence[datetime]) -> list[str]:
    return [f"• {t.datetime(when)}" for when in times]


def stop_line(t: Texts, stop: SeriesStop, weeks: int) -> str:
    return t(STOPS[stop], weeks=weeks)


def waiting_text(t: Texts, waiting: Sequence[Waiting]) -> str:
    """'⏳ Waiting for a free time: Consultation: Matemātika 3, ...' ('' if nobody)."""
    if not waiting:
        return ""
    counts = ", ".join(
        t("{title}: {n}", title=kind_title(t, w.kind, w.subject), n=w.count) for w in waiting
    )
    return t("⏳ Waiting for a free time: {counts}", counts=counts)


def series_booking_rows(
    t: Texts, series_id: int, booking_id: int, open_future: bool
) -> list[list[Button]]:
    """On a session of a series: the whole series, and cancelling it with all after it."""
    rows = [[(t("🔁 The whole series"), routes.SERIES_OF.data(series_id))]]
    if open_future:
        rows.append(
            [(t("🔁 Move this and all following"), routes.MOVE_FOLLOWING.data(booking_id, 0))]
        )
        rows.append(
            [(t("✖ Cancel this and all following"), routes.CANCEL_FOLLOWING.data(booking_id))]
        )
    return rows
