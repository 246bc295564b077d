"""Nobody sees anything private until linked, and forged buttons act on nothing."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Role
from bot.localchat import messages
from tests.conftest import BotHarness
from tests.factories import add_slot, link

PRIVATE = ("Anna", "Ozola", "IAP-1", "Matemātika", "Līga")


@pytest.mark.parametrize(
    "data", ["plan:show", "plan:show:1", "me:erase_ok", "bk:ok:1", "zz:top", "menu:home:9", "x"]
)
async def test_an_unlinked_user_gets_nothing_private_whatever_they_press(
    harness: BotHarness, data: str
) -> None:
    user = harness.user(30)
    await harness.tg.send(user, "/start")
    answered = harness.api.calls["answerCallbackQuery"]
    sent = await harness.tg.press(user, data)
    shown = " ".join(item.text for item in sent)
    assert harness.api.calls["answerCallbackQuery"] == answered + 1, "every press is answered"
    for secret in PRIVATE:
        assert secret not in shown


@pytest.mark.parametrize("text", ["Anna Ozola", "IAP-1", "/plan", "P1", "x" * 5000])
async def test_an_unlinked_user_gets_nothing_private_whatever_they_type(
    harness: BotHarness, text: str
) -> None:
    sent = await harness.tg.send(harness.user(31), text)
    assert sent
    for secret in PRIVATE:
        assert secret not in " ".join(item.text for item in sent)


async def test_a_pupil_sees_only_their_own_plan(harness: BotHarness) -> None:
    await link(harness.services.db, 32, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(32)
    await harness.tg.send(user, "/start")
    sent = await harness.tg.press_label(user, "Mans atbalsta plāns")
    text = messages(sent)[-1].text
    assert "IAP-1" in text and "Matemātika" in text and "4 stundas" in text
    assert "Līga" not in text


async def test_a_parent_reading_a_childs_plan_is_audited(harness: BotHarness) -> None:
    await link(harness.services.db, 33, Role.GUARDIAN, harness.world.guardian_id)
    user = harness.user(33)
    await harness.tg.send(user, "/start")
    sent = messages(await harness.tg.press_label(user, "Manu bērnu plāni"))
    assert "Anna Ozola" in sent[-1].text and "Līga Ozola" in sent[-1].text
    async with harness.services.db.reader.execute(
        "SELECT actor_telegram_id, action, subject FROM audit_log WHERE action = 'read_plan'"
    ) as cursor:
        rows = {tuple(r) for r in await cursor.fetchall()}
    assert rows == {
        (33, "read_plan", f"pupil:{harness.world.pupil_id}"),
        (33, "read_plan", f"pupil:{harness.world.second_pupil_id}"),
    }


async def test_me_says_conversation_messages_are_never_stored(harness: BotHarness) -> None:
    await link(harness.services.db, 37, Role.PUPIL, harness.world.pupil_id)
    sent = await harness.tg.send(harness.user(37), "/me")
    assert "Ziņas sarunā ar kādu no skolas bots tikai nodod tālāk un nekad neglabā" in (
        sent[-1].text or ""
    )


async def test_me_export_holds_only_the_users_own_data(harness: BotHarness) -> None:
    await link(harness.services.db, 34, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(34)
    await harness.tg.send(user, "/me")
    sent = await harness.tg.press_label(user, "Lejupielādēt")
    document = next(item for item in sent if item.method == "sendDocument")
    data = json.loads(document.document or b"")
    assert data["account"]["telegram_id"] == 34
    assert data["account"]["links"][0]["display_name"] == "Anna Ozola"
    assert data["settings"] == {} and data["scheduled_messages"] == 0


async def test_erasing_the_account_forgets_links_but_keeps_the_plan(harness: BotHarness) -> None:
    await link(harness.services.db, 35, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(35)
    await harness.tg.send(user, "/me")
    await harness.tg.press_label(user, "Dzēst manu kontu")
    sent = await harness.tg.press_label(user, "Jā, dzēst")
    assert sent[0].text == "Tavs konts ir izdzēsts."
    reader = harness.services.db.reader
    async with reader.execute("SELECT count(*) FROM account_links WHERE telegram_id = 35") as c:
        assert (await c.fetchone())[0] == 0
    async with reader.execute("SELECT count(*) FROM plans") as c:
        assert (await c.fetchone())[0] == 1


async def test_erasing_the_account_unnames_its_crisis_events(harness: BotHarness) -> None:
    await link(harness.services.db, 36, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(36)
    await harness.tg.send(user, "es gribu nogalināt sevi")
    await harness.tg.send(user, "/me")
    await harness.tg.press_label(user, "Dzēst manu kontu")
    await harness.tg.press_label(user, "Jā, dzēst")
    async with harness.services.db.reader.execute(
        "SELECT telegram_id, pupil_id FROM crisis_events"
    ) as cursor:
        rows = [tuple(r) for r in await cursor.fetchall()]
    assert rows == [(0, harness.world.pupil_id)]


async def other_schools_slot(harness: BotHarness) -> int:
    """A maths teacher of the other school, with a free time."""
    async with harness.services.db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO specialists (school_id, external_id, display_name, kind)"
            " VALUES ('S2', 'T9', 'Zane Kalna', 'teacher')"
        )
        teacher = int(cursor.lastrowid or 0)
        await conn.execute("INSERT INTO specialist_subjects VALUES (?, 'Matemātika')", (teacher,))
    return await add_slot(
        harness.services.db, teacher, datetime(2026, 12, 3, 14, tzinfo=ZoneInfo("Europe/Riga"))
    )


async def maths_measure(harness: BotHarness) -> int:
    async with harness.services.db.reader.execute(
        "SELECT id FROM plan_measures WHERE kind = 'subject_consultation'"
    ) as cursor:
        return int((await cursor.fetchone())[0])


@pytest.mark.parametrize("action", ["c", "s"])
async def test_another_schools_time_is_not_shown_even_for_ones_own_plan(
    harness: BotHarness, action: str
) -> None:
    await link(harness.services.db, 37, Role.PUPIL, harness.world.pupil_id)
    slot = await other_schools_slot(harness)
    measure = await maths_measure(harness)
    user = harness.user(37)
    await harness.tg.send(user, "/start")
    sent = await harness.tg.press(user, f"bk:{action}:{harness.world.pupil_id}:{measure}:{slot}")
    assert [(item.method, item.alert) for item in sent] == [("answerCallbackQuery", True)]
    assert all("Zane Kalna" not in item.text for item in sent)


async def test_a_parent_looking_at_free_times_and_a_time_is_audited(harness: BotHarness) -> None:
    await link(harness.services.db, 38, Role.GUARDIAN, harness.world.guardian_id)
    await link(harness.services.db, 39, Role.PUPIL, harness.world.pupil_id)
    slot = await add_slot(
        harness.services.db,
        harness.world.teacher_id,
        datetime(2026, 12, 3, 14, tzinfo=ZoneInfo("Europe/Riga")),
    )
    measure = await maths_measure(harness)
    pupil = harness.world.pupil_id
    for user in (harness.user(38), harness.user(39)):
        await harness.tg.send(user, "/start")
        await harness.tg.press(user, f"bk:k:{pupil}:{measure}:0")
        await harness.tg.press(user, f"bk:c:{pupil}:{measure}:{slot}")
    async with harness.services.db.reader.execute(
        "SELECT actor_telegram_id, action, subject FROM audit_log"
        " WHERE action IN ('read_free_times', 'read_preview') ORDER BY id"
    ) as cursor:
        rows = [tuple(r) for r in await cursor.fetchall()]
    # The parent's reads of the child's data are audited; the pupil's own are not.
    assert rows == [
        (38, "read_free_times", f"pupil:{pupil}"),
        (38, "read_preview", f"pupil:{pupil}"),
    ]


async def test_a_parent_unlinked_since_a_reminder_was_planned_is_not_sent_it(
    harness: BotHarness,
) -> None:

    from bot.clock import FakeClock
    from tests.e2e.test_consultations import GUARDIAN, PUPIL, book_maths, riga, setup

    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    await book_maths(harness, harness.user(PUPIL))
    planned = [r for r in await harness.reminders(chat_id=GUARDIAN) if r.state == "pending"]
    assert planned, "the parent had reminders of the session"
    # The school unlinks the parent (a lost phone, or no longer the child's parent).
    async with harness.services.db.write() as conn:
        await conn.execute("DELETE FROM account_links WHERE telegram_id = ?", (GUARDIAN,))
    clock = harness.services.clock
    assert isinstance(clock, FakeClock)
    before = len(harness.api.outgoing)
    clock.set(riga(3, 13, 59))
    assert harness.tg.deliver is not None
    await harness.tg.deliver()
    assert [m for m in harness.api.outgoing[before:] if m.chat_id == GUARDIAN] == []
    assert [m for m in harness.api.outgoing[before:] if m.chat_id == PUPIL]  # the pupil's came
    rows = await harness.rows(
        "SELECT state, last_error FROM reminders WHERE chat_id = ? AND due_at <= ?",
        GUARDIAN,
        "2026-12-03T12:00:00+00:00",
    )
    assert ("cancelled", "no longer acts for the pupil") in [
        (r["state"], r["last_error"]) for r in rows
    ]
