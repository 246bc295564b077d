"""Languages: Telegram's setting until the user chooses; the choice is kept."""

from __future__ import annotations

import pytest

from tests.conftest import BotHarness


@pytest.mark.parametrize(
    ("telegram_language", "greeting"),
    [
        ("lv", "Sveiki! Šis ir PuMPuRS atbalsta bots."),
        ("ru", "Здравствуйте! Это бот поддержки PuMPuRS."),
        ("en", "Hello! This is the PuMPuRS support bot."),
        ("en-GB", "Hello! This is the PuMPuRS support bot."),
        ("de", "Sveiki! Šis ir PuMPuRS atbalsta bots."),
        (None, "Sveiki! Šis ir PuMPuRS atbalsta bots."),
    ],
)
async def test_the_language_comes_from_telegram_until_chosen(
    harness: BotHarness, telegram_language: str | None, greeting: str
) -> None:
    sent = await harness.tg.send(harness.user(40, telegram_language), "/start")
    assert sent[0].text.startswith(greeting)


async def test_choosing_a_language_is_stored_and_beats_telegrams(harness: BotHarness) -> None:
    user = harness.user(41, "en")
    sent = await harness.tg.send(user, "/language")
    assert sent[0].button_texts == ["Latviešu", "Русский", "English"]
    sent = await harness.tg.press_label(user, "Русский")
    assert sent[0].method == "editMessageText"
    assert sent[0].text == "Язык изменён на русский."
    # Telegram still says English; the stored choice wins from now on.
    sent = await harness.tg.send(user, "/start")
    assert sent[0].text.startswith("Здравствуйте!")
    account = await harness.services.accounts.resolve(41, "en")
    assert account.language == "ru"


async def test_a_forged_language_button_changes_nothing(harness: BotHarness) -> None:
    user = harness.user(42, "en")
    await harness.tg.send(user, "/language")
    sent = await harness.tg.press(user, "lang:set:xx")
    assert sent[0].alert and "not for you" in sent[0].text
    assert (await harness.services.accounts.resolve(42, "en")).language is None
