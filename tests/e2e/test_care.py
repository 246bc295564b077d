"""Care end to end: words of crisis -> helplines at once, an event, an on-duty alert."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import parse_config
from bot.domain.models import Role
from bot.localchat import InProcessBotApi, LocalTelegram
from storage.db import from_db_time
from tests.conftest import BotHarness
from tests.factories import link, make_world

PUPIL = 101
GUARDIAN = 201
PSYCHOLOGIST = 301
STRANGER = 401

CRISIS = {
    "lv": "Man viss ir slikti, es domāju par pašnāvību",
    "ru": "Мне плохо, я думаю о самоубийстве",
    "en": "Everything is bad, I want to kill myself",
}


async def _rows(harness: BotHarness, sql: str, *args: object) -> list[dict[str, Any]]:
    return await harness.rows(sql, *args)


async def _alerts(harness: BotHarness) -> list[dict[str, Any]]:
    return await _rows(harness, "SELECT * FROM reminders WHERE kind = 'crisis_alert' ORDER BY id")


async def _everything_stored(harness: BotHarness) -> str:
    return await harness.everything_stored()


async def _link_staff(harness: BotHarness) -> None:
    await link(harness.services.db, PSYCHOLOGIST, Role.SPECIALIST, harness.world.psychologist_id)


def _say(harness: BotHarness, language: str, text: str, role: Role | None = None) -> str:
    return harness.texts(language, role)(text)


@pytest.mark.parametrize("language", ["lv", "ru", "en"])
async def test_a_pupil_in_crisis_gets_helplines_and_the_on_duty_specialist_is_alerted(
    harness: BotHarness, language: str
) -> None:
    await _link_staff(harness)
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)

    sent = await harness.tg.send(harness.user(PUPIL, language), CRISIS[language])

    first = sent[0]
    assert first.chat_id == PUPIL
    assert "116111" in first.text and "112" in first.text
    told = "I have also let your school's specialist know, so that they can get in touch with you."
    assert _say(harness, language, told, Role.PUPIL) in first.text
    # Nothing else is said about that message: no menu, no "I did not understand".
    assert [message.text for message in sent[1:] if message.chat_id == PUPIL] == []
    # The on-duty psychologist is alerted at once, in their own language, without the text.
    (alert,) = [message for message in sent if message.chat_id == PSYCHOLOGIST]
    assert "Anna Ozola" in alert.text
    for word in CRISIS[language].split():
        if len(word) > 4:
            assert word not in alert.text

    events = await _rows(harness, "SELECT * FROM crisis_events")
    assert len(events) == 1
    event = events[0]
    assert event["pupil_id"] == harness.world.pupil_id
    assert event["telegram_id"] == PUPIL
    assert event["school_id"] == harness.world.school_id
    assert event["category"] == "suicide"
    assert event["language"] == language
    assert event["alerted"] == 1
    assert from_db_time(event["at"]) == harness.services.clock.now()

    alerts = await _alerts(harness)
    (alert_row,) = await _rows(harness, "SELECT * FROM care_alerts")
    assert [(a["chat_id"], a["role"], a["ref"]) for a in alerts] == [
        (PSYCHOLOGIST, "specialist", f"care:{alert_row['id']}")
    ]
    assert from_db_time(alerts[0]["due_at"]) == harness.services.clock.now()

    stored = await _everything_stored(harness)
    for word in CRISIS[language].split():
        if len(word) > 4:
            assert word not in stored


async def test_the_alert_names_the_pupil_in_the_specialists_language(
    harness: BotHarness,
) -> None:
    await _link_staff(harness)
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    await harness.tg.send(harness.user(PUPIL), CRISIS["lv"])

    reminder = (await harness.reminders("crisis_alert"))[0]
    render = harness.renderer("crisis_alert")
    assert render is not None
    for language in ("lv", "ru", "en"):
        message = await render(reminder, harness.translator.for_language(language))
        assert message is not None
        assert "Anna Ozola" in message.text
        assert "Rīgas 1. vidusskola" in message.text
        assert _say(harness, language, "suicide") in message.text
        assert "pašnāvību" not in message.text
    english = await render(reminder, harness.translator.for_language("en"))
    assert english is not None
    assert "get in touch" in english.text
    # The alert is disclosed to the specialist: audited.
    audit = await _rows(harness, "SELECT * FROM audit_log WHERE action = 'read_crisis_alert'")
    assert [(a["actor_telegram_id"], a["subject"]) for a in audit] == [
        (PSYCHOLOGIST, f"pupil:{harness.world.pupil_id}")
    ]


async def test_an_unlinked_user_gets_the_helplines_and_nothing_is_recorded(
    harness: BotHarness,
) -> None:
    await _link_staff(harness)

    sent = await harness.tg.send(harness.user(STRANGER, "en"), "I want to kill myself")

    assert "116111" in sent[0].text and "112" in sent[0].text
    assert "specialist" not in sent[0].text
    assert len(sent) == 1  # and nothing else is said about that message
    assert await _rows(harness, "SELECT * FROM crisis_events") == []
    assert await _alerts(harness) == []


async def test_innocent_text_gets_no_crisis_answer(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)

    sent = await harness.tg.send(harness.user(PUPIL, "en"), "Mums ir jauna matemātikas sistēma")

    assert len(sent) == 1
    assert sent[0].text.startswith("I am a bot")  # the kind answer to free text, not crisis
    assert await _rows(harness, "SELECT * FROM crisis_events") == []


async def test_a_caption_with_words_of_crisis_is_noticed(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)

    sent = await harness.tg.send_photo(harness.user(PUPIL, "ru"), caption="меня бьют дома")

    assert "116111" in sent[0].text
    events = await _rows(harness, "SELECT category FROM crisis_events")
    assert events == [{"category": "abuse"}]


async def test_repeated_words_alert_once_per_half_hour_but_always_show_helplines(
    harness: BotHarness,
) -> None:
    await _link_staff(harness)
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(PUPIL, "en")
    clock = harness.services.clock
    assert isinstance(clock, FakeClock)

    await harness.tg.send(user, "I want to kill myself")
    clock.advance(timedelta(minutes=10))
    again = await harness.tg.send(user, "he hits me")

    assert "116111" in again[0].text
    assert "specialist" in again[0].text  # they were told ten minutes ago
    assert len(await _alerts(harness)) == 1
    assert len(await _rows(harness, "SELECT * FROM crisis_events")) == 2

    clock.advance(timedelta(minutes=25))
    await harness.tg.send(user, "he hits me")
    assert len(await _alerts(harness)) == 2


async def test_a_parents_words_are_about_each_child_and_alert_once(
    harness: BotHarness,
) -> None:
    await _link_staff(harness)
    await link(harness.services.db, GUARDIAN, Role.GUARDIAN, harness.world.guardian_id)

    sent = await harness.tg.send(harness.user(GUARDIAN), "Tēvs mani sit")

    assert "116111" in sent[0].text
    events = await _rows(harness, "SELECT pupil_id, category FROM crisis_events ORDER BY pupil_id")
    assert events == [
        {"pupil_id": harness.world.pupil_id, "category": "abuse"},
        {"pupil_id": harness.world.second_pupil_id, "category": "abuse"},
    ]
    alerts = await harness.reminders("crisis_alert")
    assert len(alerts) == 1
    # Names are read when the alert is sent, never stored with it.
    assert "Ozola" not in json.dumps((await _alerts(harness))[0]["payload"])
    render = harness.renderer("crisis_alert")
    alert = await render(alerts[0], harness.translator.for_language("en"))
    assert alert is not None and "Inese Ozola" in alert.text
    assert "Anna Ozola" in alert.text and "Līga Ozola" in alert.text


async def test_staff_get_no_crisis_answer(harness: BotHarness) -> None:
    await _link_staff(harness)

    sent = await harness.tg.send(harness.user(PSYCHOLOGIST, "en"), "a pupil wrote about suicide")

    assert all("116111" not in message.text for message in sent)
    assert await _rows(harness, "SELECT * FROM crisis_events") == []


async def test_without_an_on_duty_specialist_nobody_is_said_to_be_told(
    harness: BotHarness,
) -> None:
    # The psychologist is on duty but has no linked account.
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)

    sent = await harness.tg.send(harness.user(PUPIL, "en"), "I want to kill myself")

    assert "116111" in sent[0].text
    assert "specialist" not in sent[0].text
    assert await _alerts(harness) == []
    events = await _rows(harness, "SELECT pupil_id, alerted FROM crisis_events")
    assert events == [{"pupil_id": harness.world.pupil_id, "alerted": 0}]


@pytest.fixture
async def custom(tmp_path: Path, clock: FakeClock) -> AsyncIterator[BotHarness]:
    """The bot with its own answer text and numbers, and alerts switched off."""
    config = parse_config(
        {
            "database": {"path": str(tmp_path / "custom.sqlite3")},
            "helplines": {"children_helpline": "80001234", "emergency": "113"},
            "care": {"message_en": "Call {helpline} or {emergency}.", "on_duty_alert": False},
        }
    )
    api = InProcessBotApi()
    app = build_application(config, clock=clock, request=api, token="1:local")
    async with app:
        services = await open_services(app)
        world = await make_world(services.db)
        yield BotHarness(app, api, LocalTelegram(app, api), services, world)
        await close_services(app)


async def test_numbers_and_texts_come_from_the_config(custom: BotHarness) -> None:
    await link(custom.services.db, PSYCHOLOGIST, Role.SPECIALIST, custom.world.psychologist_id)
    await link(custom.services.db, PUPIL, Role.PUPIL, custom.world.pupil_id)

    sent = await custom.tg.send(custom.user(PUPIL, "en"), "I want to kill myself")

    assert sent[0].text == "Call 80001234 or 113."
    assert await _alerts(custom) == []
    assert len(await _rows(custom, "SELECT * FROM crisis_events")) == 1


async def test_a_pupil_in_crisis_is_offered_a_talk_at_school_next_to_the_helplines(
    harness: BotHarness,
) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(PUPIL, "lv")
    sent = await harness.tg.send(user, CRISIS["lv"])
    assert "116111" in sent[0].text
    talk = sent[0].data_of("Parunāt ar kādu skolā")
    after = await harness.tg.press(user, talk, harness.api.find(PUPIL, sent[0].message_id or 0))
    shown = " ".join(item.text + " ".join(item.button_texts) for item in after)
    assert "Emocionālā atbalsta nodarbība" in shown
