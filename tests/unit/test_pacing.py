"""The pacer keeps Telegram's limits: 30 a second overall, one a second per chat."""

from __future__ import annotations

from bot.services.reminders.pacing import Pacer
from tests.reminder_fakes import FakeMonotonic


def test_distinct_chats_get_slots_one_thirtieth_of_a_second_apart() -> None:
    machine = FakeMonotonic()
    pacer = Pacer(30, 1, monotonic=machine)
    starts = [pacer.reserve(chat) for chat in range(90)]
    assert starts == sorted(starts)
    assert starts[-1] - starts[0] >= 89 / 30 - 1e-6
    assert max(sum(1 for s in starts if t <= s < t + 1) for t in starts) <= 30


def test_one_chat_waits_a_second_without_holding_the_others_back() -> None:
    machine = FakeMonotonic()
    pacer = Pacer(30, 1, monotonic=machine)
    first, second = pacer.reserve(1), pacer.reserve(1)
    other = pacer.reserve(2)
    assert second - first >= 1
    assert other < second


def test_a_pause_moves_every_later_send() -> None:
    machine = FakeMonotonic()
    pacer = Pacer(0, 0, monotonic=machine)
    pacer.pause(5)
    assert pacer.reserve(1) == machine.now + 5
