"""Every text is translated; plurals and dates follow each language's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import Translator
from bot.i18n_check import extracted, missing


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def test_the_extractor_finds_the_texts() -> None:
    ids = {msgid for msgid, _, _ in extracted()}
    assert "Hello! This is the PuMPuRS support bot." in ids
    assert "{n} hour" in ids


@pytest.mark.parametrize("language", ["lv", "ru"])
def test_every_text_in_the_code_is_translated(language: str) -> None:
    gaps = missing(language)
    assert gaps == [], "run `python -m bot.i18n_check` and translate: " + "; ".join(
        f"{where}: {msgid}" for msgid, _, where in gaps[:10]
    )


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("lv", {0: "0 stundu", 1: "1 stunda", 2: "2 stundas", 11: "11 stundu", 21: "21 stunda"}),
        ("ru", {1: "1 час", 3: "3 часа", 5: "5 часов", 11: "11 часов", 22: "22 часа"}),
        ("en", {1: "1 hour", 2: "2 hours"}),
    ],
)
def test_plural_forms_follow_the_language(
    translator: Translator, language: str, counts: dict[int, str]
) -> None:
    texts = translator.for_language(language)
    for count, expected in counts.items():
        assert texts.n("{n} hour", "{n} hours", count) == expected


def test_dates_are_written_by_babel_in_riga_time(translator: Translator) -> None:
    lv = translator.for_language("lv")
    assert lv.date(date(2026, 12, 1)) == "otrdiena, 2026. gada 1. decembris"
    # 22:30 UTC on 1 December is 00:30 on 2 December in Riga.
    assert lv.time(datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == "00:30"
    assert translator.for_language("ru").date(date(2026, 12, 1)).startswith("вторник")


def test_the_language_falls_back_to_the_default(translator: Translator) -> None:
    assert translator.pick_language(None, "de") == "lv"
    assert translator.pick_language(None, "ru-RU") == "ru"
    assert translator.pick_language("en", "ru") == "en"


@pytest.mark.parametrize("language", ["lv", "ru"])
def test_each_english_text_is_translated_in_one_place_only(language: str) -> None:
    """Two catalogs translating one text would let the one loaded last win, silently."""
    found: dict[str, list[str]] = {}
    folder = Path(__file__).resolve().parents[2] / "bot" / "locales" / language / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                key = f"{message.context}\x04{msgid}" if message.context else msgid
                if msgid:
                    found.setdefault(key, []).append(path.name)
    twice = {key: files for key, files in found.items() if len(files) > 1}
    assert twice == {}
