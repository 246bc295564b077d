"""Figures for coordinators and the funder: counts only, never names or texts.

A report is the figures of one scope (a school, a region, the country) over one period
(an ISO week, a month, a semester, or any two days), broken down by school. The same
report feeds the bot's summary, its chart and workbook, the CLI's CSV, and the digest,
so a number is computed once and reads the same everywhere.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from bot.domain.dates import riga_midnight
from bot.domain.errors import N_, DomainError
from bot.domain.models import MeasureKind, Model

# --- periods ------------------------------------------------------------------------------


class BadPeriod(DomainError):
    message = N_(
        "A period is written like 2026-W49 (a week), 2026-12 (a month), 2026/2027-1 "
        "(a semester) or as two days, the first not after the last."
    )


class BadWeek(BadPeriod):
    message = N_("A week is written like 2026-W49.")


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    SEMESTER = "semester"
    DAYS = "days"


class Period(Model):
    """Whole days from ``first`` to ``last`` (Riga), with the label people write."""

    kind: PeriodKind
    first: date
    last: date
    label: str

    @property
    def starts_at(self) -> datetime:
        return riga_midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        """The midnight after the last day (exclusive)."""
        return riga_midnight(self.last + timedelta(days=1))

    @property
    def middle(self) -> date:
        return self.first + (self.last - self.first) / 2

    def weeks(self) -> list[str]:
        """The ISO weeks the period touches, in order."""
        found: list[str] = []
        day = self.first
        while day <= self.last:
            label = week_of(day)
            if label not in found:
                found.append(label)
            day += timedelta(days=1)
        return found


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_period(text: str) -> Period:
    """An ISO week such as ``2026-W49``: Monday to Sunday."""
    match = re.fullmatch(r"([0-9]{4})-W([0-9]{2})", text.strip())
    if match is None:
        raise BadWeek()
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise BadWeek() from None
    return Period(kind=PeriodKind.WEEK, first=monday, last=monday + timedelta(days=6), label=text)


def month_period(text: str) -> Period:
    """A month such as ``2026-12``."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise BadPeriod()
    first = date(int(match[1]), int(match[2]), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(
        kind=PeriodKind.MONTH, first=first, last=following - timedelta(days=1), label=text
    )


def semester_period(text: str) -> Period:
    """A semester such as ``2026/2027-1``: 1 September to 31 December, or 1 January to
    30 June of the school year's second year."""
    match = re.fullmatch(r"([0-9]{4})/([0-9]{4})-([12])", text.strip())
    if match is None or int(match[2]) != int(match[1]) + 1:
        raise BadPeriod()
    year = int(match[1])
    if match[3] == "1":
        first, last = date(year, 9, 1), date(year, 12, 31)
    else:
        first, last = date(year + 1, 1, 1), date(year + 1, 6, 30)
    return Period(kind=PeriodKind.SEMESTER, first=first, last=last, label=text)


def days_period(first: date, last: date) -> Period:
    if first > last or (last - first).days > 3660:
        raise BadPeriod()
    label = f"{first.isoformat()}..{last.isoformat()}"
    return Period(kind=PeriodKind.DAYS, first=first, last=last, label=label)


def parse_period(text: str) -> Period:
    """A week, a month, a semester, or ``2026-12-01..2026-12-31``."""
    text = text.strip()
    if "W" in text:
        return week_period(text)
    if "/" in text:
        return semester_period(text)
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            return days_period(date.fromisoformat(first), date.fromisoformat(last))
        except ValueError:
            raise BadPeriod() from None
    return month_period(text)


def this_week(today: date, back: int = 0) -> Period:
    return week_period(week_of(today - timedelta(weeks=back)))


def this_month(today: date, back: int = 0) -> Period:
    index = today.year * 12 + today.month - 1 - back
    return month_period(f"{index // 12}-{index % 12 + 1:02d}")


def this_semester(today: date) -> Period:
    """The semester ``today`` is in; in July and August, the one that just ended."""
    if today.month >= 9:
        return semester_period(f"{today.year}/{today.year + 1}-1")
    return semester_period(f"{today.year - 1}/{today.year}-2")


# What the bot offers to pick, counted back from today: this and last week, this and
# last month, this semester.
RELATIVE = ("w0", "w1", "m0", "m1", "s0")


def relative_period(word: str, today: date) -> Period:
    if word not in RELATIVE:
        raise BadPeriod()
    back = int(word[1])
    if word[0] == "w":
        return this_week(today, back)
    if word[0] == "m":
        return this_month(today, back)
    return this_semester(today)


# --- scopes -------------------------------------------------------------------------------


class ScopeKind(StrEnum):
    SCHOOL = "school"
    REGION = "region"
    COUNTRY = "country"


class Scope(Model):
    kind: ScopeKind
    id: str = ""

    @classmethod
    def school(cls, school_id: str) -> Scope:
        return cls(kind=ScopeKind.SCHOOL, id=school_id)

    @classmethod
    def region(cls, region_id: str) -> Scope:
        return cls(kind=ScopeKind.REGION, id=region_id)

    @classmethod
    def country(cls) -> Scope:
        return cls(kind=ScopeKind.COUNTRY)


# --- the figures ----------------------------------------------------------------------------

CONSULTATION_KINDS = (MeasureKind.SUBJECT_CONSULTATION, MeasureKind.EMOTIONAL_SUPPORT)
CRISIS_CATEGORIES = ("suicide", "self_harm", "abuse", "violence")


class Hours(Model):
    """One kind of consultation in the plans in force during the period."""

    kind: MeasureKind
    plans: int = 0  # plans in force that grant this kind
    granted: float = 0.0  # hours those plans grant (measures without a limit not counted)
    unlimited: int = 0  # measures granted without an hour limit
    used: float = 0.0  # hours of sessions held in the period
    booked: float = 0.0  # hours of sessions in the period still requested or confirmed
    left: float = 0.0  # what the plans still grant after the sessions held up to its end


class Sessions(Model):
    """Sessions whose time falls in the period, by where they stand now."""

    requested: int = 0  # every request made for a session in the period
    waiting: int = 0  # still waiting for the specialist
    proposed: int = 0  # another time proposed, waiting for the family
    confirmed: int = 0  # confirmed, not marked held or missed yet
    held: int = 0
    missed: int = 0
    cancelled_by_pupil: int = 0
    cancelled_by_guardian: int = 0
    cancelled_by_specialist: int = 0
    cancelled_by_school: int = 0  # the coordinator (a person marked as left)
    cancelled_unknown: int = 0  # cancelled before who cancelled was recorded
    declined: int = 0


class Evidence(Model):
    """The pupils' answers to "did the session take place?" for sessions that ended."""

    asked: int = 0
    yes: int = 0
    no: int = 0
    unanswered: int = 0
    no_but_held: int = 0  # the pupil said no, the specialist marked it held


class Usage(Model):
    """Pupils with a consultation plan in force, and how much of it they used."""

    pupils: int = 0
    not_used: int = 0  # nothing held and nothing booked under the plan
    under_quarter: int = 0  # under 25 % of granted hours held by the middle of the period


class Meals(Model):
    subscriptions_active: int = 0  # now
    subscriptions_paused: int = 0  # now
    planned: int = 0  # deliveries of days in the period not marked yet
    delivered: int = 0
    failed_nobody_home: int = 0
    failed_wrong_address: int = 0
    failed_no_access: int = 0
    failed_other: int = 0
    not_received: int = 0  # the family said the meal did not come


class Claims(Model):
    """Internship support claims submitted in the period; amounts in euro cents."""

    kind: str
    submitted: int = 0
    submitted_cents: int = 0
    approved: int = 0
    approved_cents: int = 0
    returned: int = 0
    returned_cents: int = 0
    waiting: int = 0
    waiting_cents: int = 0
    exported: int = 0  # approved and put in a payment file


class Care(Model):
    """Words of crisis seen in the period, by category, and what became of the alerts.

    Never texts. Events of the older category "violence" count as ``abuse``.
    """

    suicide: int = 0
    overdose: int = 0
    danger: int = 0
    self_harm: int = 0
    sexual_abuse: int = 0
    abuse: int = 0
    unspecified: int = 0  # found by the learned net, not by a rule
    total: int = 0
    alerted: int = 0  # events after which somebody at school was alerted
    pupils: int = 0  # pupils concerned
    # The alerts raised in the period (words of crisis) and the requests to be contacted.
    alerts: int = 0
    contact_requests: int = 0
    taken: int = 0  # somebody pressed "I'm on it"
    taken_minutes: float = 0  # summed over the taken ones: the mean is this / taken
    escalated: int = 0  # climbed past the on-duty specialists
    not_taken: int = 0

    @property
    def minutes_to_take(self) -> float | None:
        """The mean time from an alert to "I'm on it", in minutes."""
        return round(self.taken_minutes / self.taken, 1) if self.taken else None


class SchoolFigures(Model):
    """Every figure of one school (or the total of a scope, with an empty ``school_id``)."""

    school_id: str
    school_name: str = ""
    region_id: str = ""
    hours: tuple[Hours, ...] = tuple(Hours(kind=kind) for kind in CONSULTATION_KINDS)
    sessions: Sessions = Sessions()
    # The specialists' median time to answer a request (for a session in the period).
    answer_median_hours: float | None = None
    evidence: Evidence = Evidence()
    usage: Usage = Usage()
    meals: Meals = Meals()
    claims: tuple[Claims, ...] = (Claims(kind="transport"), Claims(kind="accommodation"))
    care: Care = Care()

    @property
    def hours_granted(self) -> float:
        return sum(h.granted for h in self.hours)

    @property
    def hours_used(self) -> float:
        return sum(h.used for h in self.hours)


class WeekPoint(Model):
    """Hours of one ISO week of the period."""

    week: str
    used: float = 0.0
    booked: float = 0.0


class FiguresReport(Model):
    scope: Scope
    scope_name: str
    period: Period
    made_at: datetime
    total: SchoolFigures
    schools: tuple[SchoolFigures, ...]
    weeks: tuple[WeekPoint, ...]
    under_quarter_counted: bool  # the middle of the period has passed


M = TypeVar("M", bound=Model)


def add(models: list[M], start: M) -> M:
    """Field by field sums of models of one kind (numbers add; other fields keep ``start``'s)."""
    values = start.model_dump()
    for model in models:
        for name, value in model.model_dump().items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[name] = (values[name] or 0) + value
    return type(start).model_validate(values)


def total_of(school_id: str, schools: list[SchoolFigures]) -> SchoolFigures:
    """The sum of schools' figures (medians are not sums: the caller sets the total's)."""
    base = SchoolFigures(school_id=school_id)
    return base.model_copy(
        update={
            "hours": tuple(
                add([h for s in schools for h in s.hours if h.kind == kind], Hours(kind=kind))
                for kind in CONSULTATION_KINDS
            ),
            "sessions": add([s.sessions for s in schools], Sessions()),
            "evidence": add([s.evidence for s in schools], Evidence()),
            "usage": add([s.usage for s in schools], Usage()),
            "meals": add([s.meals for s in schools], Meals()),
            "claims": tuple(
                add([c for s in schools for c in s.claims if c.kind == claim.kind], claim)
                for claim in base.claims
            ),
            "care": add([s.care for s in schools], Care()),
        }
    )


class WeekFigures(Model):
    """Meals at home in one school and ISO week."""

    school_id: str
    week: str
    eligible: int
    confirmed: int
    delivered: int
    failed: int
    not_received: int
