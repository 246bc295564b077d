"""Programme time: Riga's zone, its days and midnights, and the dates people type.

PuMPuRS is Latvia's programme: every wall-clock time in it (a lesson at 14:00, quiet
hours, a caterer's cut-off) is Riga time, turned into an aware datetime per date so that
summer time never shifts it. Stored times are UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import Enum
from zoneinfo import ZoneInfo

PROGRAMME_TZ = ZoneInfo("Europe/Riga")
RIGA = PROGRAMME_TZ

# ISO weekdays, 1 = Monday; the short English names are what import files use.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Years a person may mean: anything else in a typed date is a typo, not a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100

_DAY = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.?(?:([0-9]{4})\.?)?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class Towards(Enum):
    """Which year a date typed without one is in: the next such day, or the last."""

    FUTURE = "future"
    PAST = "past"


def riga_day(when: datetime) -> date:
    return when.astimezone(RIGA).date()


def riga_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=RIGA)


def at_local(day: date, clock_time: time, tz: ZoneInfo = RIGA) -> datetime:
    """``clock_time`` on ``day`` in ``tz``, as an aware UTC datetime."""
    return datetime.combine(day, clock_time, tzinfo=tz).astimezone(UTC)


def parse_day(text: str, today: date, towards: Towards = Towards.FUTURE) -> date | None:
    """'3.12', '3.12.', '03.12.2026' or '2026-12-03' as a date; None if it is not one.

    Without a year it is the nearest such day on or after ``today`` (``FUTURE``: a day
    off, a one-off time) or on or before it (``PAST``: the days of a trip to be repaid).
    Only ASCII digits count ("²" is not a 2), and only years 2000 to 2100.
    """
    text = text.strip()
    iso = _ISO.fullmatch(text)
    found = _DAY.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif found:
        day, month = int(found[1]), int(found[2])
        year = int(found[3]) if found[3] else today.year
    else:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        result = date(year, month, day)
    except ValueError:
        return None
    if iso or (found and found[3]):
        return result
    if towards is Towards.FUTURE and result < today:
        return _other_year(day, month, year + 1)
    if towards is Towards.PAST and result > today:
        return _other_year(day, month, year - 1)
    return result


def _other_year(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February
        return None


def parse_clock(text: str) -> time | None:
    """'14:00', '9.30' as a time; None if it is not one."""
    found = re.fullmatch(r"([0-9]{1,2})[:.]([0-9]{2})", text.strip())
    if found is None:
        return None
    hours, minutes = int(found[1]), int(found[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def weekday_number(text: str) -> int | None:
    """'1'..'7' or 'mon'..'sun' (any case) as an ISO weekday; None otherwise."""
    text = text.strip().lower()
    if text in WEEKDAY_KEYS:
        return WEEKDAY_KEYS.index(text) + 1
    if len(text) == 1 and text in "1234567":
        return int(text)
    return None
