"""Planning: offsets, moving, cancelling, quiet hours and summer time, with a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.domain.models import Role
from bot.domain.reminders import ReminderKind
from tests.reminder_fakes import FakeSender, reminder_config, reminder_service

RIGA = ZoneInfo("Europe/Riga")


def riga(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=RIGA)  # type: ignore[misc]


async def pending(service: object, chat_id: int | None = None) -> list[tuple[str, datetime]]:
    rows = await service.rows(chat_id)  # type: ignore[attr-defined]
    return [(r.kind_text, r.due_at.astimezone(RIGA)) for r in rows if r.state == "pending"]


async def test_specialist_gets_the_default_24_hours_and_15_minutes(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        session = riga(2026, 12, 3, 14, 0)
        await service.plan_before(
            chat_id=5,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=session,
        )
        assert await pending(service) == [
            ("session:1440", riga(2026, 12, 2, 14, 0)),
            ("session:15", riga(2026, 12, 3, 13, 45)),
        ]


async def test_offsets_already_past_are_skipped(tmp_path: Path, clock: FakeClock) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan_before(
            chat_id=5,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 1, 12, 0),
        )
        assert await pending(service) == [("session:15", riga(2026, 12, 1, 11, 45))]


async def test_moving_a_session_moves_its_reminders_even_one_already_sent(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan_before(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 1, 11, 5),
        )
        clock.set(riga(2026, 12, 1, 9, 5, 30))
        sender = FakeSender()
        await service.dispatch_due(sender)
        assert sender.texts() == ["session:120 s:1"]
        await service.plan_before(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 4, 15, 0),
        )
        assert await pending(service) == [("session:120", riga(2026, 12, 4, 13, 0))]


async def test_planning_the_same_session_twice_does_not_send_twice(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        for _ in range(2):
            await service.plan(
                chat_id=7,
                role=Role.SPECIALIST,
                kind=ReminderKind.AGENDA,
                ref="d:1",
                due_at=riga(2026, 12, 1, 8, 0),
            )
            sender = FakeSender()
            await service.dispatch_due(sender)
        rows = await service.rows()
        assert [r.state for r in rows] == ["sent"]


async def test_cancel_stops_every_variant_of_a_kind(tmp_path: Path, clock: FakeClock) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan_before(
            chat_id=5,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 3, 14, 0),
        )
        await service.plan(
            chat_id=6,
            role=Role.PUPIL,
            kind=ReminderKind.EVIDENCE,
            ref="s:1",
            due_at=riga(2026, 12, 3, 15, 0),
            event_at=riga(2026, 12, 3, 14, 0),
        )
        assert await service.cancel("s:1", (ReminderKind.SESSION,)) == 2
        assert await pending(service) == [("evidence", riga(2026, 12, 3, 15, 0))]
        clock.set(riga(2026, 12, 3, 15, 0))
        sender = FakeSender()
        await service.dispatch_due(sender)
        assert sender.texts() == ["evidence s:1"]  # asked after the session: not expired


async def test_quiet_hours_move_a_pupils_reminder_to_the_morning(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan_before(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 2, 9, 0),
        )
        await service.plan_before(
            chat_id=5,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 2, 6, 15),
        )
        assert await pending(service, 7) == [("session:120", riga(2026, 12, 2, 8, 0))]
        # Specialists are adults: no quiet hours.
        assert ("session:15", riga(2026, 12, 2, 6, 0)) in await pending(service, 5)


async def test_a_reminder_about_a_session_before_morning_comes_before_quiet_hours(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan_before(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 1, 23, 30),
        )
        assert await pending(service) == [("session:120", riga(2026, 12, 1, 20, 59))]


async def test_spring_forward_morning_is_eight_oclock_summer_time(
    tmp_path: Path, clock: FakeClock
) -> None:
    clock.set(riga(2027, 3, 27, 12, 0))
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan(
            chat_id=7,
            role=Role.GUARDIAN,
            kind=ReminderKind.MEAL_TOMORROW,
            ref="m:1",
            due_at=riga(2027, 3, 27, 23, 0),
        )
        [(_, due)] = await pending(service)
        assert due == riga(2027, 3, 28, 8, 0)
        assert due.astimezone(UTC) == datetime(2027, 3, 28, 5, 0, tzinfo=UTC)


async def test_fall_back_morning_is_eight_oclock_winter_time(
    tmp_path: Path, clock: FakeClock
) -> None:
    clock.set(riga(2026, 10, 24, 9, 0))
    async with reminder_service(tmp_path / "r.db", clock) as service:
        await service.plan(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.MEAL_TOMORROW,
            ref="m:1",
            due_at=riga(2026, 10, 24, 22, 0),
        )
        await service.plan_before(
            chat_id=5,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 10, 25, 10, 0),
        )
        rows = {kind: due for kind, due in await pending(service)}
        assert rows["meal_tomorrow"].astimezone(UTC) == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
        # 24 real hours before, across the extra hour of the night: 11:00 summer time.
        assert rows["session:1440"] == riga(2026, 10, 24, 11, 0)
        event = riga(2026, 10, 25, 10, 0).astimezone(UTC)
        assert event - rows["session:1440"].astimezone(UTC) == timedelta(hours=24)


async def test_settings_offsets_are_used_for_new_sessions(tmp_path: Path, clock: FakeClock) -> None:
    from tests.reminder_fakes import add_account

    async with reminder_service(tmp_path / "r.db", clock, reminder_config()) as service:
        await add_account(service.db, 7)
        async with service.uow.write() as tx:
            await tx.settings.set(7, "reminder_offsets", [60, 30])
        await service.plan_before(
            chat_id=7,
            role=Role.PUPIL,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=riga(2026, 12, 2, 15, 0),
        )
        assert [kind for kind, _ in await pending(service)] == ["session:60", "session:30"]
