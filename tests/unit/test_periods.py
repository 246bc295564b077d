"""Periods of the figures, and the internship meal keys of the programme rules."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.eligibility import RulesError, parse_rules
from bot.domain.figures import (
    BadPeriod,
    BadWeek,
    parse_period,
    relative_period,
    this_semester,
)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-W49", date(2026, 11, 30), date(2026, 12, 6)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
        ("2026/2027-1", date(2026, 9, 1), date(2026, 12, 31)),
        ("2026/2027-2", date(2027, 1, 1), date(2027, 6, 30)),
        ("2026-11-02..2026-11-06", date(2026, 11, 2), date(2026, 11, 6)),
    ],
)
def test_a_period_is_read_as_people_write_it(text: str, first: date, last: date) -> None:
    period = parse_period(text)
    assert (period.first, period.last, period.label) == (first, last, text)


@pytest.mark.parametrize(
    "text", ["2026-W60", "2026-13", "2026/2028-1", "2026/2027-3", "2026-12-31..2026-12-01", "x"]
)
def test_a_wrong_period_is_refused(text: str) -> None:
    with pytest.raises(BadPeriod):
        parse_period(text)


def test_a_wrong_week_says_how_weeks_are_written() -> None:
    with pytest.raises(BadWeek):
        parse_period("2026-W00")


def test_the_bots_periods_count_back_from_today() -> None:
    today = date(2026, 12, 1)
    assert relative_period("w0", today).label == "2026-W49"
    assert relative_period("w1", today).label == "2026-W48"
    assert relative_period("m1", today).label == "2026-11"
    assert relative_period("m1", date(2027, 1, 15)).label == "2026-12"
    assert relative_period("s0", today).label == "2026/2027-1"
    assert this_semester(date(2027, 7, 20)).label == "2026/2027-2"
    with pytest.raises(BadPeriod):
        relative_period("y0", today)


def _meals(**extra: object) -> dict[str, object]:
    return {
        "period": [
            {
                "id": "p",
                "measure": "internship_meals",
                "school_kind": "vocational",
                "plan_school_year": "2026/2027",
                "plan_semester": 1,
                "plan_measure": "internship_meals",
                "in_force_from": date(2026, 9, 1),
                **extra,
            }
        ]
    }


def test_internship_meals_are_the_caterers_unless_the_rules_say_allowance() -> None:
    assert parse_rules(_meals()).periods[0].provided_as == "caterer"
    rules = parse_rules(_meals(provided_as="allowance", allowance_cents_per_day=350))
    assert rules.periods[0].allowance_cents_per_day == 350
    with pytest.raises(RulesError, match="allowance_cents_per_day"):
        parse_rules(_meals(provided_as="allowance"))
    with pytest.raises(RulesError):
        parse_rules(_meals(provided_as="cash"))
