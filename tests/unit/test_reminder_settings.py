"""/settings rules: offsets re-plan coming sessions; optional kinds go off and come back."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.domain.actor import Actor
from bot.domain.dates import at_local
from bot.domain.errors import NotAllowed
from bot.domain.models import Role
from bot.domain.reminders import ReminderKind
from bot.services.reminders.settings import KeepOneReminder, ReminderSettings
from tests.factories import link, make_world
from tests.reminder_fakes import ReminderRig, reminder_service

RIGA = ZoneInfo("Europe/Riga")
SPECIALIST = 900


async def kinds(service: object) -> list[str]:
    rows = await service.rows(SPECIALIST)  # type: ignore[attr-defined]
    return [r.kind_text for r in rows if r.state == "pending"]


async def specialist(service: ReminderRig) -> Actor:
    async with service.uow.read() as tx:
        found = await tx.accounts.actor(SPECIALIST)
    assert found is not None
    return found


async def test_offsets_re_plan_and_the_last_one_stays(tmp_path: Path, clock: FakeClock) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        world = await make_world(service.db)
        await link(service.db, SPECIALIST, Role.SPECIALIST, world.teacher_id)
        settings = ReminderSettings(service.uow, service.service)
        me = await specialist(service)
        await service.plan_before(
            chat_id=SPECIALIST,
            role=Role.SPECIALIST,
            kind=ReminderKind.SESSION,
            ref="s:1",
            event_at=datetime(2026, 12, 3, 14, 0, tzinfo=RIGA),
        )
        await settings.toggle_offset(me, 1440)
        view = await settings.toggle_offset(me, 120)
        assert [c.minutes for c in view.offsets if c.chosen] == [120, 15]
        assert await kinds(service) == ["session:120", "session:15"]
        await settings.toggle_offset(me, 120)
        with pytest.raises(KeepOneReminder):
            await settings.toggle_offset(me, 15)
        with pytest.raises(NotAllowed):
            await settings.toggle_offset(me, 7)
        with pytest.raises(NotAllowed):
            await settings.toggle_kind(me, ReminderKind.MEAL_TOMORROW)  # not a specialist's kind


async def test_agenda_turned_off_is_cancelled_and_comes_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with reminder_service(tmp_path / "r.db", clock) as service:
        world = await make_world(service.db)
        await link(service.db, SPECIALIST, Role.SPECIALIST, world.teacher_id)
        settings = ReminderSettings(service.uow, service.service)
        me = await specialist(service)
        await service.plan(
            chat_id=SPECIALIST,
            role=Role.SPECIALIST,
            kind=ReminderKind.AGENDA,
            ref="d:2",
            due_at=at_local(date(2026, 12, 2), time(8, 0)),
        )
        view = await settings.toggle_kind(me, ReminderKind.AGENDA)
        assert [(k.kind, k.on) for k in view.kinds] == [(ReminderKind.AGENDA, False)]
        assert await kinds(service) == []
        await service.plan(
            chat_id=SPECIALIST,
            role=Role.SPECIALIST,
            kind=ReminderKind.AGENDA,
            ref="d:3",
            due_at=at_local(date(2026, 12, 3), time(8, 0)),
        )
        assert await kinds(service) == []
        await settings.toggle_kind(me, ReminderKind.AGENDA)
        assert await kinds(service) == ["agenda", "agenda"]
