"""How long a freed time is held for a place in line: minutes outside quiet hours."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.quiet_hours import QuietHours
from bot.domain.series import series_times
from bot.domain.waitlist import DayPart, day_part, hold_until, suits

RIGA = ZoneInfo("Europe/Riga")
QUIET = QuietHours(time(21, 0), time(8, 0), RIGA)


def riga(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=RIGA)


@pytest.mark.parametrize(
    ("start", "minutes", "until"),
    [
        (riga(12, 1, 10, 0), 60, riga(12, 1, 11, 0)),  # by day: an hour
        (riga(12, 1, 20, 30), 60, riga(12, 2, 8, 30)),  # half before the night, half after
        (riga(12, 1, 23, 0), 60, riga(12, 2, 9, 0)),  # made at night: from the morning
        (riga(12, 1, 3, 0), 30, riga(12, 1, 8, 30)),  # after midnight: the same morning
        (riga(12, 1, 20, 0), 60 * 14, riga(12, 2, 21, 0)),  # a whole day and a night
        (riga(12, 1, 20, 0), 60 * 15, riga(12, 3, 9, 0)),  # ... and two nights
        (riga(3, 28, 20, 30), 60, riga(3, 29, 8, 30)),  # the night summer time begins
    ],
)
def test_a_hold_counts_only_the_minutes_outside_quiet_hours(
    start: datetime, minutes: int, until: datetime
) -> None:
    assert hold_until(start, minutes, QUIET) == until


def test_without_quiet_hours_a_hold_is_plain_minutes() -> None:
    always = QuietHours(time(0, 0), time(0, 0), RIGA)
    assert hold_until(riga(12, 1, 23, 0), 60, always) == riga(12, 2, 0, 0)


@pytest.mark.parametrize(
    ("hour", "part"),
    [(8, DayPart.MORNING), (11, DayPart.MORNING), (12, DayPart.AFTERNOON), (16, DayPart.EVENING)],
)
def test_the_part_of_the_day_is_riga_time(hour: int, part: DayPart) -> None:
    assert day_part(riga(12, 3, hour)) == part


def test_wishes_of_weekdays_and_times_of_day() -> None:
    thursday_afternoon = riga(12, 3, 14)
    assert suits(0, 0, thursday_afternoon)
    assert suits(1 << 3, 0, thursday_afternoon)  # Thursdays
    assert not suits(1 << 0, 0, thursday_afternoon)  # Mondays only
    assert suits(0, 1 << DayPart.AFTERNOON, thursday_afternoon)
    assert not suits(1 << 3, 1 << DayPart.MORNING, thursday_afternoon)


def test_a_series_keeps_its_wall_clock_time_across_summer_time() -> None:
    times = series_times(riga(3, 19, 14), 1, riga(4, 2, 0).date())
    assert [t.astimezone(RIGA).hour for t in times] == [14, 14, 14]
    assert [t.astimezone(RIGA).day for t in times] == [19, 26, 2]
