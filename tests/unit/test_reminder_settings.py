"""/settings rules: offsets re-plan coming sessions; optional kinds go off and come back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.domain.errors import NotAllowed
from bot.domain.models import Role
from bot.services.reminder_settings import KeepOneReminder, ReminderSettings
from storage import reminders as repo
from tests.factories import link, make_world
from tests.reminder_fakes import reminder_service

RIGA = ZoneInfo("Europe/Riga")
SPECIALIST = 900


async def kinds(service: object) -> list[str]:
    rows = await repo.list_reminders(service.db.reader, SPECIALIST)  # type: ignore[attr-defined]
    return [r.kind for r in rows if r.state == "pending"]


async def test_offsets_re_plan_and_the_last_one_stays(tmp_path: Path, clock: FakeClock) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        world = await make_world(service.db)
        await link(service.db, SPECIALIST, Role.SPECIALIST, world.teacher_id)
        settings = ReminderSettings(service)
        async with service.db.write() as conn:
            await service.plan_before(
                conn,
                chat_id=SPECIALIST,
                role=Role.SPECIALIST,
                kind="session",
                ref="s:1",
                event_at=datetime(2026, 12, 3, 14, 0, tzinfo=RIGA),
            )
        await settings.toggle_offset(SPECIALIST, 1440)
        view = await settings.toggle_offset(SPECIALIST, 120)
        assert [c.minutes for c in view.offsets if c.chosen] == [120, 15]
        assert await kinds(service) == ["session:120", "session:15"]
        await settings.toggle_offset(SPECIALIST, 120)
        with pytest.raises(KeepOneReminder):
            await settings.toggle_offset(SPECIALIST, 15)
        with pytest.raises(NotAllowed):
            await settings.toggle_offset(SPECIALIST, 7)
        with pytest.raises(NotAllowed):
            await settings.toggle_kind(SPECIALIST, "meal_tomorrow")  # not a specialist's kind


async def test_agenda_turned_off_is_cancelled_and_comes_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        world = await make_world(service.db)
        await link(service.db, SPECIALIST, Role.SPECIALIST, world.teacher_id)
        settings = ReminderSettings(service)
        async with service.db.write() as conn:
            await service.plan(
                conn,
                chat_id=SPECIALIST,
                role=Role.SPECIALIST,
                kind="agenda",
                ref="d:2",
                due_at=service.agenda_due(date(2026, 12, 2)),
            )
        view = await settings.toggle_kind(SPECIALIST, "agenda")
        assert [(k.base_kind, k.on) for k in view.kinds] == [("agenda", False)]
        assert await kinds(service) == []
        async with service.db.write() as conn:  # planned while off: kept, but cancelled
            await service.plan(
                conn,
                chat_id=SPECIALIST,
                role=Role.SPECIALIST,
                kind="agenda",
                ref="d:3",
                due_at=service.agenda_due(date(2026, 12, 3)),
            )
        assert await kinds(service) == []
        await settings.toggle_kind(SPECIALIST, "agenda")
        assert await kinds(service) == ["agenda", "agenda"]
