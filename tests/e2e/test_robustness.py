"""Bad input always gets a clear answer, and Telegram's failures lose nothing."""

from __future__ import annotations

import logging

import pytest

from bot.app import build_application, close_services, open_services
from bot.config import Config
from bot.domain.models import Role
from bot.localchat import InProcessBotApi, LocalTelegram, TelegramUser, messages
from tests.conftest import BotHarness
from tests.factories import link


async def test_a_huge_message_gets_a_polite_answer(harness: BotHarness) -> None:
    await link(harness.services.db, 50, Role.PUPIL, harness.world.pupil_id)
    sent = await harness.tg.send(harness.user(50, "en"), "ā" * 4096)
    assert sent[0].text.startswith("I am a bot") and len(sent) == 1


async def test_a_photo_is_answered_in_the_users_language(harness: BotHarness) -> None:
    sent = await harness.tg.send_photo(harness.user(51, "ru"))
    assert sent[0].text.startswith("Здесь я читаю только текстовые сообщения.")


async def test_an_unknown_command_gets_the_help(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(52), "/nonsense")
    assert "/language - izvēlēties valodu" in sent[0].text


async def test_a_user_who_blocked_the_bot_is_marked_inactive_without_a_crash(
    harness: BotHarness,
) -> None:
    harness.api.blocked.add(53)
    sent = await harness.tg.send(harness.user(53), "/start")
    assert sent == []
    async with harness.services.db.reader.execute(
        "SELECT active FROM accounts WHERE telegram_id = 53"
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0
    # Writing again means they unblocked us.
    harness.api.blocked.discard(53)
    sent = await harness.tg.send(harness.user(53), "/start")
    assert sent and (await harness.services.accounts.resolve(53, "lv")).active


async def test_a_network_error_is_logged_and_the_user_is_told(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.api.fail_next("sendMessage", "network")
    with caplog.at_level(logging.ERROR):
        sent = await harness.tg.send(harness.user(54), "/start")
    assert "unhandled error" in caplog.text
    assert messages(sent)[0].text.startswith("Atvainojiet, mūsu pusē kaut kas nogāja greizi.")


async def test_a_bad_callback_never_crashes_the_bot(harness: BotHarness) -> None:
    user = harness.user(55)
    await harness.tg.send(user, "/start")
    for data in ["", ":", "me:", "plan:show:" + "9" * 40, "lang:set:" + "x" * 50]:
        answered = harness.api.calls["answerCallbackQuery"]
        await harness.tg.press(user, data[:64])
        assert harness.api.calls["answerCallbackQuery"] == answered + 1, data


async def test_a_429_is_retried_after_the_time_telegram_asks_for(config: Config) -> None:
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:local", rate_limited=True)
    async with app:
        await open_services(app)
        try:
            api.fail_next("sendMessage", "retry_after", 1)
            sent = await LocalTelegram(app, api).send(TelegramUser(56), "/start")
        finally:
            await close_services(app)
    assert api.calls["sendMessage"] == 2
    assert [item.text[:7] for item in sent] == ["Sveiki!"]


async def test_the_apology_is_in_the_users_telegram_language(harness: BotHarness) -> None:
    harness.api.fail_next("sendMessage", "network")
    sent = await harness.tg.send(harness.user(57, "ru"), "/start")
    assert (
        messages(sent)[0].text
        == "Извините, у нас что-то пошло не так. Пожалуйста, попробуйте позже."
    )


async def test_the_apology_is_in_the_language_the_user_chose(harness: BotHarness) -> None:
    user = harness.user(58, "lv")
    await harness.tg.send(user, "/start")
    await harness.tg.press(user, "lang:set:en")
    harness.api.fail_next("sendMessage", "network")
    sent = await harness.tg.send(user, "/help")
    assert (
        messages(sent)[0].text == "Sorry, something went wrong on our side. Please try again later."
    )
    # The lookup only reads: the account stays as it was.
    assert (await harness.services.accounts.resolve(58, None)).language == "en"
