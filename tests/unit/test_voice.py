"""One voice per audience: the catalogs address pupils as "tu"/"ты", everyone else as "jūs"/"вы".

A plain entry is the polite form; an entry with ``msgctxt "child"`` right after it is the
pupil's. These tests read the catalogs themselves, so a text in the wrong voice fails here
before any user sees it (``tests/e2e/test_voice.py`` walks the screens).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import CHILD
from bot.i18n_check import extracted
from tests.voice import informal_forms, polite_forms

LOCALES = Path(__file__).resolve().parents[2] / "bot" / "locales"
LANGUAGES = ["lv", "ru"]
# Every catalog is checked.
NOT_CHECKED: set[str] = set()

# Screens only adults use: the specialist's desk and free time, the coordinator's claims and
# figures, the caterer's lists, the alerts to staff.
ADULT_SOURCES = {
    "handlers/consultations/desk.py",
    "handlers/consultations/free_time.py",
    "handlers/consultations/holidays.py",
    "handlers/consultations/weekly.py",
    "bot/domain/calendar.py",  # its errors: a specialist's days off and weekly hours
    "handlers/consultations/series_desk.py",
    "handlers/internship/claims.py",
    "handlers/meals/caterer.py",
    "handlers/meals/figures.py",
    "handlers/care/notices.py",
    "handlers/care/alerts.py",
    "handlers/accounts/audit.py",
    "handlers/admin/adding.py",
    "handlers/admin/people.py",
    "bot/domain/admin.py",
    "handlers/figures/screens.py",
    "handlers/figures/charts.py",
    "handlers/figures/exports.py",
    "handlers/figures/sheets.py",
    "handlers/figures/tables.py",
    "handlers/figures/words.py",
    "bot/services/figures/meals.py",
}
# Texts in shared modules that a pupil never reads, and why.
ADULT_TEXTS = {
    # Only before an account is linked, when nobody knows who writes: the polite form.
    "I don't know you yet. Please enter the code you got from your school.",
    "Hello! This is the PuMPuRS support bot.",
    # In a group chat nobody is known either.
    "Please write to me in a private chat: I do not answer in groups.",
    # The coordinator's weekly digest; a parent's internship screen.
    "Needs you:",
    "No child is linked to your account.",
    # A coordinator's audit of a pupil.
    "There is no pupil with the id {pupil} in your school.",
    "To use it, enter the one-time code that your school gave you. If you have no code, ask "
    "your class teacher or the school's PuMPuRS coordinator.",
    # A specialist's errors (free time, the desk) and the morning agenda.
    "I could not read that. Please use the format shown in the example.",
    "This time overlaps one of your slots already published.",
    "This time is booked. Cancel the session with a reason instead.",
    "Your sessions today, {day}:",
    # A coordinator returning a transport claim.
    "Please write the reason in a few words.",
    # A parent's confirmation of meals at home: a pupil sees the overview, never the steps.
    "That is not a Latvian phone number. Please write 8 digits starting with 2 or 6, for "
    "example 26123456, or with +371 in front.",
    "Please write the full address: street, house, flat and town.",
    "Please choose at least one day.",
    "The school has no caterer for home delivery registered yet. Please ask the school's "
    "PuMPuRS coordinator.",
    "Step 1 of 5. Where should meals for {name} be delivered? Please write the address: "
    "street, house, flat and town.",
    "Step 3 of 5. On which days? Tap to choose, then press Done.",
    "Step 4 of 5. Anything the kitchen must know, such as an allergy? Write it in a few words "
    "(at most 200 characters), or press No note.",
    "Step 5 of 5. Please check:",
    "By confirming you agree that the school and its caterer use this address, phone and note "
    "only to deliver the meals, and that the bot keeps them while the delivery lasts.",
    # A parent's words of crisis about their child: the answer only a parent gets.
    "Thank you for telling me. You did right to write.",
    "If {name} is in danger now, call {emergency}.",
    "{name} (and you too) can talk to someone right now at {helpline}: free, day and night, for "
    "children and young people and those who worry about them.",
    "your child",
    # A member of staff in a conversation relayed by the bot.
    "💬 You are talking with {name}. Write here: the bot passes your messages on and neither "
    "of you sees the other's Telegram account. /end ends it.",
    "They cannot get messages from the bot now.",
    # The specialist's calendar feed of the weeks ahead.
    "{n} confirmed session of the next 8 weeks. Open the file to add it to your calendar; "
    "when a session moves or is cancelled, you get the new file here.",
    # A specialist holding a session in the chat, from the desk.
    "The session is held in the chat. The pupil is told.",
    "💬 Hold it in this chat",
}


@dataclass(frozen=True)
class Entry:
    file: str
    context: str | None
    msgid: str
    strings: tuple[str, ...]


def entries(language: str) -> Iterator[Entry]:
    """Every translated entry of the checked catalogs, in file order."""
    for path in sorted((LOCALES / language / "LC_MESSAGES").glob("*.po")):
        if path.name in NOT_CHECKED:
            continue
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if msgid:
                    yield Entry(path.name, message.context, msgid, tuple(strings))


@functools.cache
def texts_in_the_code() -> tuple[tuple[str, str], ...]:
    """(msgid, module) of every marked text in the sources."""
    return tuple((msgid, where.rsplit(":", 1)[0]) for msgid, _, where in extracted())


def seen_by_pupils() -> set[str]:
    """Every text shown by a screen, notice or error a pupil can reach."""
    return {
        msgid
        for msgid, module in texts_in_the_code()
        if module not in ADULT_SOURCES and msgid not in ADULT_TEXTS
    }


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pupils_texts_never_use_the_polite_voice(language: str) -> None:
    wrong = {
        (e.file, e.msgid): found
        for e in entries(language)
        if e.context == CHILD
        for found in [[w for s in e.strings for w in polite_forms(language, s)]]
        if found
    }
    assert wrong == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plain_texts_never_use_the_informal_voice(language: str) -> None:
    wrong = {
        (e.file, e.msgid): found
        for e in entries(language)
        if e.context is None
        for found in [[w for s in e.strings for w in informal_forms(language, s)]]
        if found
    }
    assert wrong == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_polite_text_a_pupil_sees_has_a_pupils_form(language: str) -> None:
    found = list(entries(language))
    with_child = {e.msgid for e in found if e.context == CHILD}
    polite = {
        e.msgid
        for e in found
        if e.context is None and any(polite_forms(language, s) for s in e.strings)
    }
    missing = sorted((polite & seen_by_pupils()) - with_child)
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pupils_form_follows_its_plain_entry_and_differs_from_it(language: str) -> None:
    previous: Entry | None = None
    for entry in entries(language):
        assert entry.context in (None, CHILD), entry
        if entry.context == CHILD:
            assert previous is not None and previous.context is None, entry
            assert (previous.file, previous.msgid) == (entry.file, entry.msgid), entry
            assert entry.strings != previous.strings, entry
            assert len(entry.strings) == len(previous.strings), entry
            for child, plain in zip(entry.strings, previous.strings, strict=True):
                assert placeholders(child) == placeholders(plain), entry
        previous = entry


def test_the_ignored_sources_exist() -> None:
    """A renamed module must not silently widen what counts as adults only."""
    root = LOCALES.parents[1]
    assert all((root / source).is_file() for source in ADULT_SOURCES)
    ids = {msgid for msgid, _ in texts_in_the_code()}
    assert ids >= ADULT_TEXTS


@pytest.mark.parametrize(
    ("language", "text", "polite", "informal"),
    [
        ("lv", "Lūdzu, izvēlieties citu. Jūsu atbilde.", ["izvēlieties", "jūsu"], []),
        ("lv", "Lūdzu, izvēlies citu. Tava atbilde.", [], ["izvēlies", "tava"]),
        ("lv", "Paldies! Termiņš beidzies; pāriet uz {name}.", [], []),
        ("ru", "Пожалуйста, выберите другое. Ваш ответ.", ["выберите", "ваш"], []),
        ("ru", "Выбери другое, если хочешь. Твой ответ.", [], ["выбери", "хочешь", "твой"]),
        ("ru", "Вы получите сообщение", ["вы", "получите"], []),
    ],
)
def test_the_voice_checks_see_pronouns_and_verbs(
    language: str, text: str, polite: list[str], informal: list[str]
) -> None:
    assert polite_forms(language, text) == polite
    assert informal_forms(language, text) == informal
