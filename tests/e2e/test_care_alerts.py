"""Care end to end, after the helplines: the alert that climbs until somebody takes it,
"I'm on it", conversations relayed by the bot, and the answer to text nobody waited for."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.domain.models import Role
from bot.localchat import Outgoing, TelegramUser
from bot.localchat.transport import ChatMessage
from bot.services.care.relay import RelayService
from tests.conftest import BotHarness
from tests.factories import add_slot, link

RIGA = ZoneInfo("Europe/Riga")
PUPIL, SISTER, GUARDIAN = 101, 102, 201
PSYCHOLOGIST, SECOND, TEACHER = 301, 302, 303
COORDINATOR, REGIONAL, STRANGER = 501, 601, 401
CRISIS = "I want to kill myself"


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


def clock_of(harness: BotHarness) -> FakeClock:
    clock = harness.services.clock
    assert isinstance(clock, FakeClock)
    return clock


def to(sent: list[Outgoing], chat_id: int) -> list[str]:
    return [message.text for message in sent if message.chat_id == chat_id]


def heard(sent: list[Outgoing], chat_id: int) -> list[str]:
    """What the user who pressed a button saw: messages to them, and the button's answer."""
    return to(sent, chat_id) + [
        item.text for item in sent if item.method == "answerCallbackQuery" and item.text
    ]


async def _rows(harness: BotHarness, sql: str, *args: object) -> list[dict[str, Any]]:
    return await harness.rows(sql, *args)


async def _everything_stored(harness: BotHarness) -> str:
    return await harness.everything_stored()


async def _insert(harness: BotHarness, sql: str) -> int:
    async with harness.services.db.write() as conn:
        cursor = await conn.execute(sql)
        assert cursor.lastrowid is not None
        return cursor.lastrowid


async def school(
    harness: BotHarness,
    *,
    psychologist: bool = True,
    second: bool = False,
    coordinator: bool = False,
    regional: bool = False,
) -> None:
    """Link the pupil and whichever staff the test needs."""
    db, world = harness.services.db, harness.world
    await link(db, PUPIL, Role.PUPIL, world.pupil_id)
    if psychologist:
        await link(db, PSYCHOLOGIST, Role.SPECIALIST, world.psychologist_id)
    if second:
        other = await _insert(
            harness,
            "INSERT INTO specialists (school_id, external_id, display_name, kind, on_duty)"
            " VALUES ('S1', 'T3', 'Jānis Bērziņš', 'social_pedagogue', 1)",
        )
        await link(db, SECOND, Role.SPECIALIST, other)
    if coordinator:
        await link(db, COORDINATOR, Role.COORDINATOR, world.coordinator_id)
    if regional:
        region = await _insert(
            harness,
            "INSERT INTO coordinators (region_id, external_id, display_name)"
            " VALUES ('R1', 'RK1', 'Rūta Zariņa')",
        )
        await link(db, REGIONAL, Role.COORDINATOR, region)
    await english(harness)


async def english(harness: BotHarness) -> None:
    """Everyone linked so far reads the bot in English (the tests read its words)."""
    async with harness.services.db.write() as conn:
        await conn.execute("UPDATE accounts SET language = 'en'")


async def escalate(harness: BotHarness) -> list[Outgoing]:
    """Run the escalation job once, then send what it planned."""
    before = len(harness.api.outgoing)
    await harness.services.care.escalate_due()
    assert harness.tg.deliver is not None
    await harness.tg.deliver()
    return harness.api.outgoing[before:]


async def to_note_prompt(harness: BotHarness, offer: str) -> ChatMessage:
    """The pupil goes menu -> book -> ``offer`` -> the first free time: the note question."""
    pupil = en(PUPIL)
    await harness.tg.send(pupil, "/start")
    await harness.tg.press_label(pupil, "Book")
    await harness.tg.press_label(pupil, offer)
    await harness.tg.press(pupil, button(harness, PUPIL, "", data_prefix="bk:s:"))
    return harness.api.last_bot_message(PUPIL)


def button(harness: BotHarness, chat_id: int, label_part: str, data_prefix: str = "") -> str:
    """The data of the first button labelled ``label_part`` (and with data starting with
    ``data_prefix``) on the bot's last message to a chat."""
    buttons = harness.api.last_bot_message(chat_id).buttons
    return next(
        data
        for row in buttons
        for label, data in row
        if label_part in label and data.startswith(data_prefix)
    )


async def take(harness: BotHarness, chat_id: int) -> list[Outgoing]:
    """Press "I'm on it" on the latest alert the chat got."""
    for item in reversed(harness.api.outgoing):
        if item.chat_id == chat_id and any("I'm on it" in b for b in item.button_texts):
            message = harness.api.find(chat_id, item.message_id or 0)
            return await harness.tg.press(en(chat_id), item.data_of("I'm on it"), message)
    raise LookupError(f"no alert in chat {chat_id}")


def take_data(harness: BotHarness, chat_id: int) -> str:
    return button(harness, chat_id, "I'm on it")


def en(telegram_id: int) -> TelegramUser:
    return TelegramUser(telegram_id, f"User{telegram_id}", "en")


# --- text nobody waited for -------------------------------------------------------------


async def test_free_text_gets_a_humane_answer_and_a_way_to_a_person(harness: BotHarness) -> None:
    await school(harness)

    sent = await harness.tg.send(en(PUPIL), "what do I do about my grades")

    (answer,) = sent
    assert answer.text.startswith("I am a bot: a program reads what you write here")
    assert "116111" in answer.text
    ask = answer.data_of("Ask someone at school to contact me")

    sent = await harness.tg.press(en(PUPIL), ask)

    assert any("I have asked someone at your school to contact you" in t for t in to(sent, PUPIL))
    (alert,) = to(sent, PSYCHOLOGIST)
    assert "asks someone at school to contact them" in alert
    assert "Anna Ozola" in alert
    assert "grades" not in await _everything_stored(harness)
    (row,) = await _rows(harness, "SELECT kind, level FROM care_alerts")
    assert row == {"kind": "contact", "level": 0}


async def test_a_parent_asking_to_be_contacted_is_named_with_the_children(
    harness: BotHarness,
) -> None:
    await school(harness)
    await link(harness.services.db, GUARDIAN, Role.GUARDIAN, harness.world.guardian_id)
    await english(harness)

    await harness.tg.send(en(GUARDIAN), "hello, is anyone there")
    sent = await harness.tg.press_label(en(GUARDIAN), "Ask someone at school")

    (alert,) = to(sent, PSYCHOLOGIST)
    assert "the parent Inese Ozola" in alert
    assert "Anna Ozola" in alert and "Līga Ozola" in alert


async def test_words_of_crisis_while_a_screen_waits_for_a_note_are_not_taken_as_the_note(
    harness: BotHarness,
) -> None:
    await school(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil = en(PUPIL)
    prompt = await to_note_prompt(harness, "Matemātika")
    assert "write a short note" in prompt.text

    sent = await harness.tg.send(pupil, CRISIS)

    assert len(to(sent, PUPIL)) == 1  # the helplines, and nothing else
    assert "116111" in to(sent, PUPIL)[0]
    # The screen still waits for a note: the words were never taken as one.
    skip = next(data for row in prompt.buttons for label, data in row if "Skip" in label)
    sent = await harness.tg.press(pupil, skip, prompt)
    assert any("No note." in t for t in to(sent, PUPIL))


# --- the alert's way up ---------------------------------------------------------------------


async def test_without_an_on_duty_specialist_the_schools_coordinator_is_alerted(
    harness: BotHarness,
) -> None:
    await school(harness, psychologist=False, coordinator=True)

    sent = await harness.tg.send(en(PUPIL), CRISIS)

    (alert,) = to(sent, COORDINATOR)
    assert "Anna Ozola" in alert
    assert "nobody at the school has taken it yet, or the school has no on-duty" in alert
    assert "let your school's specialist know" in to(sent, PUPIL)[0]
    (row,) = await _rows(harness, "SELECT level FROM care_alerts")
    assert row["level"] == 1


async def test_one_of_two_on_duty_specialists_takes_it_and_the_other_is_told(
    harness: BotHarness,
) -> None:
    await school(harness, second=True, coordinator=True)
    sent = await harness.tg.send(en(PUPIL), CRISIS)
    assert len(to(sent, PSYCHOLOGIST)) == 1 and len(to(sent, SECOND)) == 1
    assert to(sent, COORDINATOR) == []

    sent = await harness.tg.press(en(SECOND), take_data(harness, SECOND))

    assert any(t.startswith("✋ You are on it") for t in to(sent, SECOND))
    assert to(sent, PSYCHOLOGIST) == ["✅ Jānis Bērziņš is on the alert about Anna Ozola."]

    late = await take(harness, PSYCHOLOGIST)

    assert any("Jānis Bērziņš is already on it" in t for t in heard(late, PSYCHOLOGIST))
    (row,) = await _rows(harness, "SELECT taken_by, taken_name, escalate_at FROM care_alerts")
    assert row == {"taken_by": SECOND, "taken_name": "Jānis Bērziņš", "escalate_at": None}
    # Taken: it climbs no further.
    clock_of(harness).advance(timedelta(hours=1))
    assert to(await escalate(harness), COORDINATOR) == []


async def test_an_alert_nobody_takes_climbs_to_the_coordinator_then_the_region(
    harness: BotHarness,
) -> None:
    await school(harness, coordinator=True, regional=True)
    clock = clock_of(harness)
    await harness.tg.send(en(PUPIL), CRISIS)

    clock.advance(timedelta(minutes=14))
    assert await escalate(harness) == []

    clock.advance(timedelta(minutes=2))
    sent = await escalate(harness)
    (alert,) = to(sent, COORDINATOR)
    assert "nobody at the school has taken it yet" in alert
    assert to(sent, PSYCHOLOGIST) == [] and to(sent, REGIONAL) == []

    clock.advance(timedelta(minutes=16))
    sent = await escalate(harness)
    assert len(to(sent, REGIONAL)) == 1

    # The school's coordinator takes it; everyone else it reached is told.
    sent = await harness.tg.press(en(COORDINATOR), take_data(harness, COORDINATOR))
    told = "✅ Ilze Vītola is on the alert about Anna Ozola."
    assert to(sent, PSYCHOLOGIST) == [told] and to(sent, REGIONAL) == [told]
    clock.advance(timedelta(hours=2))
    assert await escalate(harness) == []


async def test_by_night_the_alert_goes_out_at_once_but_climbs_only_in_the_morning(
    harness: BotHarness,
) -> None:
    await school(harness, coordinator=True)
    clock = clock_of(harness)
    clock.set(riga(1, 23, 0))

    sent = await harness.tg.send(en(PUPIL), CRISIS)
    assert len(to(sent, PSYCHOLOGIST)) == 1  # urgent: quiet hours do not hold it

    clock.set(riga(2, 3, 0))
    assert await escalate(harness) == []
    clock.set(riga(2, 8, 1))
    sent = await escalate(harness)
    assert len(to(sent, COORDINATOR)) == 1


async def test_a_restart_loses_no_escalation(harness: BotHarness) -> None:
    await school(harness, coordinator=True)
    await harness.tg.send(en(PUPIL), CRISIS)
    (row,) = await _rows(harness, "SELECT escalate_at FROM care_alerts")
    assert row["escalate_at"] is not None  # the next step is a row, not a timer in memory


async def test_nobody_but_those_alerted_can_take_an_alert(harness: BotHarness) -> None:
    await school(harness)
    await link(harness.services.db, TEACHER, Role.SPECIALIST, harness.world.teacher_id)
    await english(harness)
    await harness.tg.send(en(PUPIL), CRISIS)
    data = take_data(harness, PSYCHOLOGIST)

    for chat in (TEACHER, STRANGER, PUPIL):
        await harness.tg.send(en(chat), "/start")
        sent = await harness.tg.press(en(chat), data)
        assert "Anna Ozola" not in " ".join(to(sent, chat))
    (row,) = await _rows(harness, "SELECT taken_by FROM care_alerts")
    assert row["taken_by"] is None


# --- edited messages ------------------------------------------------------------------------


async def test_an_edited_message_with_words_of_crisis_gets_the_helplines(
    harness: BotHarness,
) -> None:
    await school(harness)
    pupil = en(PUPIL)
    await harness.tg.send(pupil, "hello")
    message_id = harness.api.next_message_id(PUPIL) - 1

    sent = await harness.tg.edit(pupil, message_id, CRISIS)

    assert "116111" in to(sent, PUPIL)[0]
    assert len(to(sent, PUPIL)) == 1
    assert len(to(sent, PSYCHOLOGIST)) == 1
    # An edit without such words is read for nothing else: no answer at all.
    assert await harness.tg.edit(pupil, message_id, "hello again") == []


# --- conversations relayed by the bot ---------------------------------------------------------


async def _talk_after_alert(harness: BotHarness) -> int:
    await harness.tg.send(en(PUPIL), CRISIS)
    await harness.tg.press(en(PSYCHOLOGIST), take_data(harness, PSYCHOLOGIST))
    await harness.tg.press_label(en(PSYCHOLOGIST), "Write to them here")
    (row,) = await _rows(harness, "SELECT id FROM relay_sessions WHERE ended_at IS NULL")
    return int(row["id"])


async def test_im_on_it_opens_a_conversation_both_ways_that_the_pupil_ends(
    harness: BotHarness,
) -> None:
    await school(harness)
    await harness.tg.send(en(PUPIL), CRISIS)
    await harness.tg.press(en(PSYCHOLOGIST), take_data(harness, PSYCHOLOGIST))

    sent = await harness.tg.press_label(en(PSYCHOLOGIST), "Write to them here")

    assert any("You are talking with Anna Ozola" in t for t in to(sent, PSYCHOLOGIST))
    (opened,) = to(sent, PUPIL)
    assert "Dace Liepa from your school is here for you" in opened

    sent = await harness.tg.send(en(PUPIL), "it is hard at home")
    assert to(sent, PSYCHOLOGIST) == ["💬 Anna Ozola: it is hard at home"]
    assert to(sent, PUPIL) == []
    sent = await harness.tg.send(en(PSYCHOLOGIST), "I am here. Can you talk now?")
    assert to(sent, PUPIL) == ["💬 Dace Liepa: I am here. Can you talk now?"]

    # Words of crisis inside the conversation: the helplines, and the words still go on.
    sent = await harness.tg.send(en(PUPIL), "sometimes I want to kill myself")
    assert "116111" in to(sent, PUPIL)[0]
    assert "💬 Anna Ozola: sometimes I want to kill myself" in to(sent, PSYCHOLOGIST)

    sent = await harness.tg.send(en(PUPIL), "/end")
    assert to(sent, PUPIL) == ["The conversation has ended."]
    assert to(sent, PSYCHOLOGIST) == ["The conversation with Anna Ozola has ended."]

    # Afterwards the pupil's text is the bot's again, and nothing said was stored.
    sent = await harness.tg.send(en(PUPIL), "thanks")
    assert to(sent, PSYCHOLOGIST) == []
    assert to(sent, PUPIL)[0].startswith("I am a bot")
    stored = await _everything_stored(harness)
    for said in ("hard at home", "Can you talk now", "thanks"):
        assert said not in stored
    (row,) = await _rows(harness, "SELECT ended_by, alert_id FROM relay_sessions")
    assert row["ended_by"] == PUPIL and row["alert_id"] is not None


async def test_the_specialist_ends_with_the_button_and_a_forged_end_changes_nothing(
    harness: BotHarness,
) -> None:
    await school(harness)
    await link(harness.services.db, SISTER, Role.PUPIL, harness.world.second_pupil_id)
    await english(harness)
    session = await _talk_after_alert(harness)

    await harness.tg.send(en(SISTER), "/start")
    forged = await harness.tg.press(en(SISTER), f"cr:end:{session}")
    assert any("This button is not for you" in t for t in heard(forged, SISTER))
    assert to(forged, PUPIL) == [] and to(forged, PSYCHOLOGIST) == []
    # The sister's own text is not relayed anywhere.
    sent = await harness.tg.send(en(SISTER), "hello?")
    assert to(sent, PSYCHOLOGIST) == [] and to(sent, PUPIL) == []

    sent = await harness.tg.press(en(PSYCHOLOGIST), f"cr:end:{session}")

    assert "The conversation has ended." in to(sent, PSYCHOLOGIST)
    assert to(sent, PUPIL) == ["The conversation with Dace Liepa has ended."]
    (row,) = await _rows(harness, "SELECT ended_by FROM relay_sessions")
    assert row["ended_by"] == PSYCHOLOGIST


async def test_only_the_taker_can_open_a_conversation_from_an_alert(harness: BotHarness) -> None:
    await school(harness, second=True)
    await harness.tg.send(en(PUPIL), CRISIS)
    (alert,) = await _rows(harness, "SELECT id FROM care_alerts")
    await harness.tg.press(en(SECOND), take_data(harness, SECOND))

    sent = await harness.tg.press(en(PSYCHOLOGIST), f"cr:write:{alert['id']}")

    assert any("This button is not for you" in t for t in heard(sent, PSYCHOLOGIST))
    assert to(sent, PUPIL) == []
    assert await _rows(harness, "SELECT * FROM relay_sessions") == []


async def test_a_photo_in_a_conversation_is_not_passed_on(harness: BotHarness) -> None:
    await school(harness)
    await _talk_after_alert(harness)

    sent = await harness.tg.send_photo(en(PUPIL))

    assert to(sent, PSYCHOLOGIST) == []
    assert to(sent, PUPIL) == [
        "Only text can be passed on in this conversation. Please write it in words."
    ]


async def test_a_pupil_who_blocked_the_bot_the_specialist_is_told(harness: BotHarness) -> None:
    await school(harness)
    await _talk_after_alert(harness)
    harness.api.fail_next("sendMessage", "forbidden")

    sent = await harness.tg.send(en(PSYCHOLOGIST), "are you there?")

    assert "They cannot get messages from the bot now." in to(sent, PSYCHOLOGIST)


async def test_open_conversations_are_read_back_after_a_restart(harness: BotHarness) -> None:
    await school(harness)
    session = await _talk_after_alert(harness)
    services = harness.services

    fresh = RelayService(services.uow, services.clock, services.config.care, services.reminders)
    assert fresh.session_of(PUPIL) is None
    await fresh.load()

    found = fresh.session_of(PUPIL)
    assert found is not None and found.id == session
    assert fresh.session_of(PSYCHOLOGIST) == found
    # ... and a conversation closes by itself when its time is up.
    clock_of(harness).advance(timedelta(minutes=services.config.care.chat_minutes + 1))
    assert fresh.session_of(PUPIL) is None


async def _book_in_chat(harness: BotHarness, starts_at: datetime) -> int:
    """The pupil books emotional support and picks "in this chat"; returns the booking id."""
    await add_slot(harness.services.db, harness.world.psychologist_id, starts_at)
    pupil = en(PUPIL)
    await to_note_prompt(harness, "Emotional support")
    await harness.tg.press_label(pupil, "Skip")
    sent = await harness.tg.press_label(pupil, "In this chat instead")
    assert any("Where: here in the chat" in t for t in to(sent, PUPIL))
    await harness.tg.press_label(pupil, "Book")
    (row,) = await _rows(harness, "SELECT id, channel, state FROM bookings")
    assert row["channel"] == "chat"
    return int(row["id"])


async def test_a_session_held_in_the_chat_opens_near_its_time_for_both_sides(
    harness: BotHarness,
) -> None:
    await school(harness)
    await link(harness.services.db, SISTER, Role.PUPIL, harness.world.second_pupil_id)
    await english(harness)
    booking = await _book_in_chat(harness, riga(2, 10))

    early = await harness.tg.press(en(PUPIL), f"cr:open:{booking}")
    assert any("opens 10 minutes before" in t for t in heard(early, PUPIL))

    clock_of(harness).set(riga(2, 9, 55))
    await harness.tg.send(en(SISTER), "/start")
    forged = await harness.tg.press(en(SISTER), f"cr:open:{booking}")
    assert any("This button is not for you" in t for t in heard(forged, SISTER))
    assert await _rows(harness, "SELECT * FROM relay_sessions") == []

    sent = await harness.tg.press(en(PUPIL), f"cr:open:{booking}")

    assert any("Dace Liepa from your school is here for you" in t for t in to(sent, PUPIL))
    assert any("You are talking with Anna Ozola" in t for t in to(sent, PSYCHOLOGIST))
    sent = await harness.tg.send(en(PSYCHOLOGIST), "Hi Anna")
    assert to(sent, PUPIL) == ["💬 Dace Liepa: Hi Anna"]
    sent = await harness.tg.send(en(PUPIL), "hi")
    assert to(sent, PSYCHOLOGIST) == ["💬 Anna Ozola: hi"]

    sent = await harness.tg.send(en(PSYCHOLOGIST), "/end")
    assert to(sent, PUPIL) == ["The conversation with Dace Liepa has ended."]
    (row,) = await _rows(harness, "SELECT booking_id, ended_by FROM relay_sessions")
    assert row == {"booking_id": booking, "ended_by": PSYCHOLOGIST}

    clock_of(harness).set(riga(2, 11, 5))
    late = await harness.tg.press(en(PUPIL), f"cr:open:{booking}")
    assert any("This conversation has ended." in t for t in heard(late, PUPIL))


async def test_a_pupil_who_erases_the_account_leaves_the_conversation_and_no_trace(
    harness: BotHarness,
) -> None:
    await school(harness)
    await _talk_after_alert(harness)
    export = await harness.tg.press(en(PUPIL), "me:export")
    (document,) = [item for item in export if item.document is not None]
    assert document.document is not None
    conversations = json.loads(document.document)["conversations"]
    assert [c["with_name"] for c in conversations] == ["Dace Liepa"]

    sent = await harness.tg.press(en(PUPIL), "me:erase_ok")

    assert to(sent, PSYCHOLOGIST) == ["The conversation has ended."]
    assert harness.services.relay.session_of(PSYCHOLOGIST) is None
    rows = await _rows(harness, "SELECT person_chat, person_name, ended_at FROM relay_sessions")
    assert rows[0]["person_chat"] == 0 and rows[0]["person_name"] == ""
    assert rows[0]["ended_at"] is not None
    (alert,) = await _rows(harness, "SELECT telegram_id FROM care_alerts")
    assert alert["telegram_id"] == 0
    # The psychologist's words now go nowhere: the bot answers them itself.
    sent = await harness.tg.send(en(PSYCHOLOGIST), "are you still there?")
    assert to(sent, PUPIL) == []
