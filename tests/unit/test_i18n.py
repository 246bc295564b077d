"""Every text is translated; plurals and dates follow each language's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.domain.actor import Actor
from bot.domain.models import PersonRef, Role
from bot.domain.reminders import Recipient
from bot.i18n import CHILD, Texts, Translator, is_child
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


def _pupil(language: str | None = "lv") -> Actor:
    return Actor(
        telegram_id=1,
        language=language,
        links=(PersonRef(role=Role.PUPIL, person_id=1, school_id="S1", display_name="Anna"),),
    )


def _parent(language: str | None = "lv") -> Actor:
    link = PersonRef(role=Role.GUARDIAN, person_id=2, school_id="S1", display_name="Inese")
    return Actor(telegram_id=2, language=language, links=(link,))


@pytest.mark.parametrize(
    ("language", "polite", "informal"),
    [("lv", "Izvēlieties valodu:", "Izvēlies valodu:"), ("ru", "Выберите язык:", "Выбери язык:")],
)
def test_a_pupil_is_addressed_informally_and_a_parent_politely(
    translator: Translator, language: str, polite: str, informal: str
) -> None:
    assert translator.for_actor(_pupil(language))("Choose your language:") == informal
    assert translator.for_actor(_parent(language))("Choose your language:") == polite
    assert translator.for_language(language)("Choose your language:") == polite


def test_someone_not_linked_yet_is_addressed_politely(translator: Translator) -> None:
    stranger = Actor(telegram_id=3, telegram_language="lv")
    assert not is_child(stranger)
    assert translator.for_actor(stranger)("Choose your language:") == "Izvēlieties valodu:"


def test_a_recipient_gets_the_voice_of_their_role(translator: Translator) -> None:
    def texts(role: Role) -> Texts:
        return translator.for_actor(Recipient(chat_id=1, role=role, language="ru"))

    assert texts(Role.PUPIL)("Your account was erased.") == "Твой аккаунт удалён."
    for role in (Role.GUARDIAN, Role.SPECIALIST, Role.COORDINATOR, Role.CATERER):
        assert texts(role)("Your account was erased.") == "Ваш аккаунт удалён."


def test_a_pupil_gets_the_plain_text_where_there_is_no_childs_form(
    translator: Translator,
) -> None:
    """gettext answers a missing context with the English msgid, never with the plain text."""
    pupil = translator.for_actor(_pupil())
    assert not pupil.catalog.has(CHILD, "Main menu")
    assert pupil("Main menu") == "Galvenā izvēlne"
    assert pupil.n("{n} hour", "{n} hours", 2) == "2 stundas"
    assert translator.for_actor(_pupil("en"))("Choose your language:") == "Choose your language:"


@pytest.mark.parametrize(
    ("language", "pupil", "parent"),
    [
        ("lv", "2 ieplānotas ziņas tev (atgādinājumi)", "2 ieplānotas ziņas jums (atgādinājumi)"),
        (
            "ru",
            "5 запланированных сообщений тебе (напоминания)",
            "5 запланированных сообщений вам (напоминания)",
        ),
    ],
)
def test_plural_texts_have_a_childs_form_too(
    translator: Translator, language: str, pupil: str, parent: str
) -> None:
    count = int(pupil.split()[0])
    one, many = (
        "{n} scheduled message to you (reminders)",
        "{n} scheduled messages to you (reminders)",
    )
    assert translator.for_actor(_pupil(language)).n(one, many, count) == pupil
    assert translator.for_actor(_parent(language)).n(one, many, count) == parent


def test_the_childs_form_and_the_plain_entry_are_both_kept(translator: Translator) -> None:
    """Merging the catalogs keys entries by (context, msgid): neither replaces the other."""
    catalog = translator.for_language("lv").catalog
    assert catalog.has(CHILD, "Choose your language:")
    assert catalog.pgettext(CHILD, "Choose your language:") == "Izvēlies valodu:"
    assert catalog.gettext("Choose your language:") == "Izvēlieties valodu:"
