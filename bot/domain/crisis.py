"""Words of crisis: a pure detector over configurable word lists (no telegram, no SQL).

Both the text and the word lists are normalised the same way: case-folded, diacritics
dropped ("pašnāvība" ~ "pasnaviba", "ё" ~ "е"), everything that is not a letter or a
digit turned into one space. A term in a list is one or more words that must stand next
to each other; a word ending in ``*`` is a stem and matches any word starting with it
("pašnāv*" matches "pašnāvību"), any other word matches only itself. Every term is
matched at word starts, never inside a word, so a stem cannot fire on a longer innocent
word that merely contains it.

The lists are tuned against false positives: verbs with everyday idioms ("killed it at
the exam", "убить время", "nogalināt laiku", "mom will kill me") are listed only inside
phrases that name the person ("kill myself", "убить себя"); short Latvian forms that begin
common words ("sist" ~ "sistēma") are listed as whole phrases ("sit mani"). All lists are
applied to every text, whatever the sender's language, since pupils mix languages.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from importlib import resources
from pathlib import Path

from bot.domain.models import Model

LANGUAGES = ("lv", "ru", "en")
MIN_STEM = 3  # a shorter stem would match half the dictionary


class CrisisCategory(StrEnum):
    """In order of severity: the first one matched is the event's category."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ABUSE = "abuse"
    VIOLENCE = "violence"


# category -> language -> terms, as written in the word file
WordLists = dict[CrisisCategory, dict[str, tuple[str, ...]]]


class CrisisMatch(Model):
    """Which lists matched; the text itself is never kept."""

    categories: tuple[CrisisCategory, ...]
    languages: tuple[str, ...]

    @property
    def category(self) -> CrisisCategory:
        return self.categories[0]

    @property
    def language(self) -> str:
        """The language of the list that matched the most severe category."""
        return self.languages[0]


def normalize(text: str) -> str:
    """Case, diacritics and punctuation folded away; words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (" " if not ch.isalnum() else ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(kept).split())


def _term_pattern(term: str) -> str:
    """A regular expression for one term of the word file; ValueError says what is wrong."""
    parts: list[str] = []
    for token in term.split():
        stem = token.endswith("*")
        core = token[:-1] if stem else token
        if "*" in core:
            raise ValueError(f"{term!r}: '*' may only end a word")
        words = normalize(core).split()
        if not words:
            raise ValueError(f"{term!r}: a word has no letters")
        if stem and len(words[-1]) < MIN_STEM:
            raise ValueError(f"{term!r}: a stem needs at least {MIN_STEM} letters")
        for index, word in enumerate(words):
            if stem and index == len(words) - 1:
                parts.append(re.escape(word) + r"\w*")
            else:
                parts.append(re.escape(word) + r"(?!\w)")
    if not parts:
        raise ValueError("an empty term")
    return r"(?<!\w)" + " ".join(parts)


def check_terms(terms: list[str]) -> None:
    """ValueError naming the first term that cannot be used."""
    for term in terms:
        _term_pattern(term)


def parse_words(data: Mapping[str, object], where: str = "word list") -> WordLists:
    """Validate ``{category: {language: [terms]}}``; unknown names raise ValueError."""
    lists: WordLists = {}
    for category_name, by_language in data.items():
        try:
            category = CrisisCategory(category_name)
        except ValueError:
            known = ", ".join(c.value for c in CrisisCategory)
            raise ValueError(
                f"{where}: unknown category {category_name!r} (known: {known})"
            ) from None
        if not isinstance(by_language, Mapping):
            raise ValueError(f"{where}: {category_name} must be a table of languages")
        for language, terms in by_language.items():
            if language not in LANGUAGES:
                raise ValueError(f"{where}: {category_name}.{language}: unknown language")
            if not isinstance(terms, list | tuple) or not all(isinstance(t, str) for t in terms):
                raise ValueError(f"{where}: {category_name}.{language} must be a list of texts")
            for term in terms:
                try:
                    _term_pattern(term)
                except ValueError as exc:
                    raise ValueError(f"{where}: {category_name}.{language}: {exc}") from None
            lists.setdefault(category, {})[language] = tuple(terms)
    return lists


def default_words() -> WordLists:
    """The lists shipped with the bot (``bot/domain/crisis_words.toml``)."""
    text = (resources.files("bot.domain") / "crisis_words.toml").read_text(encoding="utf-8")
    return parse_words(tomllib.loads(text), "crisis_words.toml")


def load_words_file(path: Path) -> WordLists:
    """Lists from a TOML file laid out like the shipped one; ValueError names the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from None
    return parse_words(data, str(path))


def merge_words(base: WordLists, extra: WordLists) -> WordLists:
    """``base`` with the terms of ``extra`` added to the same category and language."""
    merged: WordLists = {category: dict(by_language) for category, by_language in base.items()}
    for category, by_language in extra.items():
        target = merged.setdefault(category, {})
        for language, terms in by_language.items():
            target[language] = target.get(language, ()) + tuple(terms)
    return merged


class CrisisDetector:
    """Compiled once from word lists; :meth:`detect` is cheap enough for every message."""

    def __init__(self, lists: WordLists) -> None:
        self._patterns: list[tuple[CrisisCategory, str, re.Pattern[str]]] = []
        for category in CrisisCategory:  # severity order
            for language in LANGUAGES:
                terms = lists.get(category, {}).get(language, ())
                if terms:
                    alternatives = "|".join(_term_pattern(term) for term in terms)
                    self._patterns.append((category, language, re.compile(alternatives)))

    def detect(self, text: str) -> CrisisMatch | None:
        """The categories whose words occur in ``text``, most severe first; None if none."""
        normalized = normalize(text)
        if not normalized:
            return None
        categories: list[CrisisCategory] = []
        languages: list[str] = []
        for category, language, pattern in self._patterns:
            if category not in categories and pattern.search(normalized):
                categories.append(category)
                languages.append(language)
        if not categories:
            return None
        return CrisisMatch(categories=tuple(categories), languages=tuple(languages))
