"""In a group the bot says one line, "write to me privately", and shows nothing private."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from bot.domain.models import Role
from bot.localchat import Outgoing
from tests.conftest import BotHarness
from tests.factories import add_slot, link

GROUP = -1001234
PRIVATE = ("Anna", "Līga", "Ozola", "meet.jit.si", "IAP-1", "Matemātika")
ONE_LINE = "Lūdzu, rakstiet man privātā sarunā: grupās es neatbildu."


async def in_group(harness: BotHarness, user_id: int, update: dict[str, Any]) -> list[Outgoing]:
    before = len(harness.api.outgoing)
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    return harness.api.outgoing[before:]


def group_message(user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 5,
        "date": int(time.time()),
        "chat": {"id": GROUP, "type": "supergroup", "title": "7.b vecāki"},
        "from": {"id": user_id, "is_bot": False, "first_name": "X", "language_code": "lv"},
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": 900 + len(text), "message": message}


def group_press(user_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": 990,
        "callback_query": {
            "id": "q1",
            "from": {"id": user_id, "is_bot": False, "first_name": "X", "language_code": "lv"},
            "chat_instance": "g",
            "data": data,
            "message": {
                "message_id": 4,
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "group", "title": "7.b"},
                "text": "menu",
            },
        },
    }


@pytest.mark.parametrize("text", ["/today", "/week", "/me", "/start", "/help", "/start ABCD2345"])
async def test_a_command_in_a_group_gets_one_line_and_nothing_private(
    harness: BotHarness, text: str
) -> None:
    world = harness.world
    await link(harness.services.db, 61, Role.SPECIALIST, world.teacher_id)
    await link(harness.services.db, 62, Role.GUARDIAN, world.guardian_id)
    # A session today, so /today would name the pupil and the call link in a private chat.
    slot = await add_slot(
        harness.services.db,
        world.teacher_id,
        datetime(2026, 12, 1, 15, tzinfo=ZoneInfo("Europe/Riga")),
    )
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, call_link, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'subject_consultation', 'Matemātika',"
            " '2026-12-01T13:00:00+00:00', '2026-12-01T13:45:00+00:00', 45, 1, 'confirmed',"
            " 'https://meet.jit.si/pumpurs-x', '2026-11-01', '2026-11-01')",
            (slot, world.pupil_id, world.teacher_id, world.plan_id),
        )
    for user in (61, 62):
        sent = await in_group(harness, user, group_message(user, text))
        assert [(item.chat_id, item.text) for item in sent] == [(GROUP, ONE_LINE)]
    # Nothing was read or created for the group's members.
    async with harness.services.db.reader.execute("SELECT count(*) FROM audit_log") as cursor:
        assert (await cursor.fetchone())[0] == 0


async def test_plain_group_chatter_gets_no_answer_at_all(harness: BotHarness) -> None:
    await link(harness.services.db, 63, Role.PUPIL, harness.world.pupil_id)
    assert await in_group(harness, 63, group_message(63, "Anna Ozola, vai rīt būsi?")) == []
    assert await in_group(harness, 63, group_message(63, "es gribu nogalināt sevi")) == []


@pytest.mark.parametrize("data", ["plan:show", "me:show", "me:export", "sp:today", "bk:start"])
async def test_a_button_pressed_in_a_group_shows_nothing_private(
    harness: BotHarness, data: str
) -> None:
    await link(harness.services.db, 64, Role.GUARDIAN, harness.world.guardian_id)
    sent = await in_group(harness, 64, group_press(64, data))
    assert [(item.method, item.text, item.alert) for item in sent] == [
        ("answerCallbackQuery", ONE_LINE, True)
    ]
    for secret in PRIVATE:
        assert all(secret not in item.text for item in sent)
