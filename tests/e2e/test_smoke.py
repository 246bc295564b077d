"""The first screens, as an unknown user sees them."""

from __future__ import annotations

from tests.conftest import BotHarness


async def test_start_greets_an_unknown_user_in_latvian_with_helplines(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(1), "/start")
    assert len(sent) == 1
    text = sent[0].text
    assert text.startswith("Sveiki! Šis ir PuMPuRS atbalsta bots.")
    assert "116111" in text and "112" in text
    # Before linking: only the data about oneself and the language.
    assert sent[0].button_texts == ["👤 Mani dati", "🌐 Valoda"]


async def test_help_lists_commands_and_helplines(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(1, "en"), "/help")
    assert "/language - choose the language" in sent[0].text
    assert "116111" in sent[0].text


async def test_commands_are_registered_in_every_language(harness: BotHarness) -> None:
    commands = harness.api.commands
    assert set(commands) == {"", "lv", "ru", "en"}
    by_language = {
        lang: {c["command"]: c["description"] for c in cmds} for lang, cmds in commands.items()
    }
    assert by_language["lv"]["language"] == "Izvēlēties valodu"
    assert by_language["ru"]["language"] == "Выбрать язык"
    assert by_language["en"]["language"] == "Choose the language"
    assert by_language[""] == by_language["lv"]
