"""Translations and locale-aware formatting.

Catalogs are gettext ``.po`` files under ``bot/locales/<lang>/LC_MESSAGES/``, one per
feature; all of a language's files are merged at start and compiled in memory, so there
is no build step and no binary file in the repository. Message ids are the English text.
Dates, times and numbers are formatted by Babel in the user's language and in Riga time.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.domain.actor import Actor
from bot.domain.dates import PROGRAMME_TZ
from bot.domain.models import LANGUAGES
from bot.domain.reminders import Recipient

LANGUAGE_NAMES = {"lv": "Latviešu", "ru": "Русский", "en": "English"}


def _load_catalog(language: str) -> gettext.GNUTranslations:
    merged = Catalog(locale=language)
    folder = resources.files("bot") / "locales" / language / "LC_MESSAGES"
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".po"):
                continue
            with entry.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """All catalogs, loaded once; :meth:`for_language` gives a :class:`Texts`."""

    def __init__(self, default_language: str = "lv") -> None:
        self.default_language = default_language
        self.tz = PROGRAMME_TZ
        self._catalogs = {language: _load_catalog(language) for language in LANGUAGES}
        self._texts: dict[str, Texts] = {}

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
        """Texts in a person's language: chosen, else from Telegram, else the default."""
        return self.for_language(self.pick_language(person.language, person.telegram_language))

    def for_language(self, language: str) -> Texts:
        if language not in LANGUAGES:
            language = self.default_language
        texts = self._texts.get(language)
        if texts is None:
            texts = Texts(language, self._catalogs[language], self.tz)
            self._texts[language] = texts
        return texts


@dataclass(frozen=True)
class Texts:
    """Texts in one language. ``t("Hello, {name}", name=...)``; ``t.n(...)`` for plurals."""

    language: str
    catalog: gettext.GNUTranslations
    tz: ZoneInfo

    def __call__(self, message: str, /, **values: object) -> str:
        text = self.catalog.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """A plural text; ``{n}`` in it is the count, formatted for the language."""
        text = self.catalog.ngettext(singular, plural, count)
        return text.format(n=self.number(count), **values)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)

    def money(self, cents: int) -> str:
        """An amount of euro cents with two decimals, written the language's way: '12,50'."""
        return format_decimal(cents / 100, format="#,##0.00", locale=self.language)

    def date(self, value: dt.date) -> str:
        """A date as people write it, with the weekday: 'otrdiena, 2026. gada 1. decembris'."""
        return format_date(value, format="full", locale=self.language)

    def short_date(self, value: dt.date) -> str:
        return format_date(value, format="medium", locale=self.language)

    def datetime(self, value: dt.datetime) -> str:
        """Date and time in Riga: 'otrd., 1. dec., 14:00' (the language's own day pattern)."""
        local = value.astimezone(self.tz)
        day = format_skeleton("MMMEd", local, locale=self.language)
        return f"{day}, {self.time(value)}"

    def time(self, value: dt.datetime) -> str:
        return format_time(value.astimezone(self.tz), format="HH:mm", locale=self.language)
