"""One open typed question per account, shared by every feature."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.services.awaiting import AwaitedAnswers, FeatureAnswers
from storage import Database
from storage.accounts import ensure_account


async def test_a_new_question_replaces_another_features_and_survives_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        shared = AwaitedAnswers(clock)
        meals = FeatureAnswers(shared, "meals", 30)
        booking = FeatureAnswers(shared, "booking", 30)
        async with db.write() as conn:
            await ensure_account(conn, 7, "lv", clock.now())
            await meals.begin(conn, 7, {"ask": "address"})
            await booking.begin(conn, 7, {"ask": "note"})
        assert not meals.awaits(7)
        assert booking.peek(7) == {"ask": "note"}
        async with db.write() as conn:
            await meals.end(conn, 7)  # not meals' question any more: it stays
        assert booking.awaits(7)

        restarted = AwaitedAnswers(clock)
        await restarted.load(db)
        assert restarted.peek(7, "booking") == {"ask": "note"}
        assert restarted.peek(7, "meals") is None


async def test_a_question_expires(tmp_path: Path, clock: FakeClock) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        meals = FeatureAnswers(AwaitedAnswers(clock), "meals", 30)
        async with db.write() as conn:
            await ensure_account(conn, 8, "lv", clock.now())
            await meals.begin(conn, 8, {"ask": "phone"})
        clock.advance(timedelta(minutes=31))
        assert not meals.awaits(8)
        assert await meals.current(db.reader, 8) is None
