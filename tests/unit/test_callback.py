"""Callback data: short typed text, parsed in one place with bounds, never trusted."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.meals import FailReason
from handlers.buttons import DAY, ID, PAGE, BadPress, Choice, Route

BOOK = Route("bk", "ok", (ID, ID, ID))
SLOTS = Route("bk", "k", (ID, ID, PAGE))
WHY = Route("ct", "why", (ID, Choice(FailReason)))
ON = Route("is", "day", (DAY,))


def test_data_round_trips_through_its_route() -> None:
    data = BOOK.data(12, 3, 456)
    assert data == "bk:ok:12:3:456"
    assert BOOK.parse(data) == (12, 3, 456)
    assert WHY.parse(WHY.data(7, FailReason.NO_ACCESS)) == (7, FailReason.NO_ACCESS)
    assert ON.parse(ON.data(date(2026, 12, 3))) == (date(2026, 12, 3),)


def test_a_route_answers_only_its_own_action_and_number_of_arguments() -> None:
    assert BOOK.pattern.match("bk:ok:1:2:3")
    assert not BOOK.pattern.match("bk:ok:1:2")
    assert not BOOK.pattern.match("bk:okay:1:2:3")
    assert not BOOK.pattern.match("bk:ok:1:2:3:4")


def test_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError):
        Route("bk", "x" * 70).data()
    with pytest.raises(BadPress):
        BOOK.parse("bk:ok:" + "1" * 70)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "bk:ok",
        "bk:ok:1:2",
        "bk:ok:-1:2:3",
        "bk:ok:1e3:2:3",
        "bk:ok:²:2:3",  # a Unicode digit is not a digit here
        "bk:ok:0:2:3",  # ids start at 1
        "bk:ok:99999999999999999999:2:3",  # 20 digits
        "bk:ok:9223372036854775807:2:3",  # over 2**62
    ],
)
def test_a_forged_press_is_refused(data: str | None) -> None:
    with pytest.raises(BadPress):
        BOOK.parse(data)


@pytest.mark.parametrize("data", ["bk:k:1:2:100", "bk:k:1:2:-1", "bk:k:1:2:0010000000000000000"])
def test_pages_are_bounded(data: str) -> None:
    with pytest.raises(BadPress):
        SLOTS.parse(data)


@pytest.mark.parametrize("text", ["99991231", "20261301", "2026120", "2026-12-01", "10001231"])
def test_days_are_real_dates_in_years_people_mean(text: str) -> None:
    with pytest.raises(BadPress):
        ON.parse(f"is:day:{text}")


def test_a_choice_takes_only_its_enums_values() -> None:
    with pytest.raises(BadPress):
        WHY.parse("ct:why:1:on_fire")
