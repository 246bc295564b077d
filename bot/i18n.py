"""Translations and locale-aware formatting.

Catalogs are gettext ``.po`` files under ``bot/locales/<lang>/LC_MESSAGES/``, one per
feature; all of a language's files are merged at start and compiled in memory, so there
is no build step and no binary file in the repository. Message ids are the English text.
Dates, times and numbers are formatted by Babel in the user's language and in Riga time.

Latvian and Russian have two voices: pupils are addressed as "tu"/"ты", everyone else
(parents, specialists, coordinators, caterers, and anyone not linked yet) as "jūs"/"вы".
A catalog's plain entry is the polite form; where a pupil's wording differs, an entry with
``msgctxt "child"`` right after it holds the informal one. A :class:`Texts` for a pupil
takes that entry when there is one, else the plain entry.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.domain.actor import Actor
from bot.domain.dates import PROGRAMME_TZ
from bot.domain.models import LANGUAGES, Role
from bot.domain.reminders import Recipient

LANGUAGE_NAMES = {"lv": "Latviešu", "ru": "Русский", "en": "English"}


CHILD = "child"  # the msgctxt of a text's informal form, the one pupils read


class Catalog(gettext.GNUTranslations):
    """One language's texts, compiled; it can tell whether a text has an entry in a context."""

    _catalog: dict[str | tuple[str, int], str]  # filled by GNUTranslations' parser

    def has(self, context: str, message: str, *, plural: bool = False) -> bool:
        # pgettext answers with the msgid when the context has no entry, so ask the table.
        key = f"{context}\x04{message}"
        return ((key, 0) if plural else key) in self._catalog


def _load_catalog(language: str) -> Catalog:
    # One entry per (context, msgid): a pupil's form never replaces the plain one.
    entries: dict[tuple[str | None, str], Message] = {}
    folder = resources.files("bot") / "locales" / language / "LC_MESSAGES"
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".po"):
                continue
            with entry.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                if msgid and message.string and not message.fuzzy:
                    entries.setdefault((message.context, msgid), message)
    merged = BabelCatalog(locale=language)
    for message in entries.values():
        merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Catalog(buffer)


def is_child(person: Actor | Recipient) -> bool:
    """Whether to speak to ``person`` as to a child: a pupil. Not linked yet is an adult,
    since the polite form is the safe one while we do not know who writes."""
    return person.role == Role.PUPIL


class Translator:
    """All catalogs, loaded once; :meth:`for_language` gives a :class:`Texts`."""

    def __init__(self, default_language: str = "lv") -> None:
        self.default_language = default_language
        self.tz = PROGRAMME_TZ
        self._catalogs = {language: _load_catalog(language) for language in LANGUAGES}
        self._texts: dict[tuple[str, bool], Texts] = {}

    def pick_language(self, chosen: str | None, telegram_language: str | None) -> str:
        """The user's choice, else their Telegram setting if we speak it, else the default."""
        if chosen in LANGUAGES:
            return chosen
        if telegram_language:
            short = telegram_language.split("-")[0].lower()
            if short in LANGUAGES:
                return short
        return self.default_language

    def for_actor(self, person: Actor | Recipient) -> Texts:
        """Texts for a person: their language (chosen, else from Telegram, else the
        default), in the voice for their audience (a pupil's, else the polite one)."""
        language = self.pick_language(person.language, person.telegram_language)
        return self._texts_for(language, child=is_child(person))

    def for_language(self, language: str) -> Texts:
        """Texts in a language, in the polite voice (for whoever is not known as a pupil)."""
        return self._texts_for(language, child=False)

    def _texts_for(self, language: str, *, child: bool) -> Texts:
        if language not in LANGUAGES:
            language = self.default_language
        texts = self._texts.get((language, child))
        if texts is None:
            texts = Texts(language, self._catalogs[language], self.tz, child=child)
            self._texts[(language, child)] = texts
        return texts


@dataclass(frozen=True)
class Texts:
    """Texts in one language and voice. ``t("Hello, {name}", name=...)``; ``t.n(...)`` for
    plurals. ``child``: a pupil reads them, so a text's "child" form is taken if it has one."""

    language: str
    catalog: Catalog
    tz: ZoneInfo
    child: bool = False

    def __call__(self, message: str, /, **values: object) -> str:
        if self.child and self.catalog.has(CHILD, message):
            text = self.catalog.pgettext(CHILD, message)
        else:
            text = self.catalog.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """A plural text; ``{n}`` in it is the count, formatted for the language."""
        if self.child and self.catalog.has(CHILD, singular, plural=True):
            text = self.catalog.npgettext(CHILD, singular, plural, count)
        else:
            text = self.catalog.ngettext(singular, plural, count)
        return text.format(n=self.number(count), **values)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    # Babel parses its patterns on every call (8-40 µs); a screen shows the same few dates,
    # numbers and times to everybody, so each is formatted once per language.

    def number(self, value: float) -> str:
        return _number(self.language, value)

    def money(self, cents: int) -> str:
        """An amount of euro cents with two decimals, written the language's way: '12,50'."""
        return format_decimal(cents / 100, format="#,##0.00", locale=self.language)

    def date(self, value: dt.date) -> str:
        """A date as people write it, with the weekday: 'otrdiena, 2026. gada 1. decembris'."""
        return _date(self.language, value, "full")

    def short_date(self, value: dt.date) -> str:
        return _date(self.language, value, "medium")

    def datetime(self, value: dt.datetime) -> str:
        """Date and time in Riga: 'otrd., 1. dec., 14:00' (the language's own day pattern)."""
        return _datetime(self.language, self.tz, value)

    def time(self, value: dt.datetime) -> str:
        return _time(self.language, self.tz, value)


_FORMATTED = 4096  # per kind: a few weeks of slot times in three languages


@functools.lru_cache(maxsize=_FORMATTED)
def _number(language: str, value: float) -> str:
    return format_decimal(value, locale=language)


@functools.lru_cache(maxsize=_FORMATTED)
def _date(language: str, value: dt.date, form: str) -> str:
    return format_date(value, format=form, locale=language)


@functools.lru_cache(maxsize=_FORMATTED)
def _time(language: str, tz: ZoneInfo, value: dt.datetime) -> str:
    # Equal instants hash alike whatever their zone, and give the same local time.
    return format_time(value.astimezone(tz), format="HH:mm", locale=language)


@functools.lru_cache(maxsize=_FORMATTED)
def _datetime(language: str, tz: ZoneInfo, value: dt.datetime) -> str:
    day = format_skeleton("MMMEd", value.astimezone(tz), locale=language)
    return f"{day}, {_time(language, tz, value)}"
