"""Every word of the rules, compiled into lookups that take a folded word of a message.

A word is found by its forms (``forms.tsv``), by a stem, as Russian typed in Latin
letters (:func:`~bot.domain.crisis.text.latin_key`), after a glued negation prefix
("negribu", "нехочу"), or with one typo when it is long (see ``typos.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.crisis.forms import Forms
from bot.domain.crisis.model import LANGUAGES, RuleSet
from bot.domain.crisis.rules import Entry, Word, parse_entry
from bot.domain.crisis.text import fold, is_latin, latin_key, unstretched
from bot.domain.crisis.typos import TypoIndex, WordKey

LANGUAGE_BITS = {language: 1 << index for index, language in enumerate(LANGUAGES)}
ALL_LANGUAGES = sum(LANGUAGE_BITS.values())
_CACHE_SIZE = 50_000
# Raised whenever what Lexicon.state() holds, or how the tables are made, changes.
_STATE_VERSION = 1
# Russian words this short in Latin letters are English or Latvian words ("on", "a").
_LATIN_MIN = 3
# "8th floor" is a number too
_ORDINALS = ("st", "nd", "rd", "th")

# (slot, languages as bits, negated): a slot is a group, or one word of a phrase
Hit = tuple[int, int, bool]
# folded word -> its hits, each packed in one int, while the tables are built: the
# languages in the lowest bits, then whether negated, then the slot (see _put)
_Table = dict[str, list[int]]
_LANGUAGES_MASK = (1 << len(LANGUAGES)) - 1
_NEGATED = 1 << len(LANGUAGES)
_SLOT_SHIFT = len(LANGUAGES) + 1


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must follow each other; found, they count as a word of ``group``."""

    group: int
    slots: tuple[int, ...]
    languages: int


def _freeze(table: _Table) -> dict[str, tuple[Hit, ...]]:
    # The forms of one word share their hits: one tuple for all of them saves memory.
    shared: dict[tuple[Hit, ...], tuple[Hit, ...]] = {}
    frozen = {}
    for key, hits in table.items():
        merged: dict[int, int] = {}  # a word's hit in several languages: their bits joined
        for packed in hits:
            head = packed >> len(LANGUAGES)
            merged[head] = merged.get(head, 0) | packed & _LANGUAGES_MASK
        found = tuple(sorted((head >> 1, bits, bool(head & 1)) for head, bits in merged.items()))
        frozen[key] = shared.setdefault(found, found)
    return frozen


class _Builder:
    """Collects the tables of a :class:`Lexicon`; thrown away once they are frozen."""

    def __init__(self, rules: RuleSet, forms: Forms, typo_words: frozenset[WordKey]) -> None:
        self.forms = forms
        self.typo_words = typo_words
        self.typo_keys: set[str] = set()
        # Words a group excludes ("-word"): never read as a typo of a word either.
        self.excluded: set[str] = set()
        self.exact: _Table = {}
        self.stems: _Table = {}
        self.latin: _Table = {}
        self.latin_stems: _Table = {}
        self.numbers: list[tuple[int, int]] = []
        self.phrases: dict[int, list[Phrase]] = {}
        self.word_slots: dict[tuple[str, str, str], int] = {}
        prefixes = rules.groups.get("negation_prefix", {}).values()
        self.prefixes = tuple(sorted({fold(entry) for entries in prefixes for entry in entries}))
        names = [*rules.groups, *(f"terms:{category}" for category in rules.terms)]
        self.group_slots = {name: slot for slot, name in enumerate(names)}
        self.slot_count = len(names)
        for name, by_language in rules.groups.items():
            self.add_group(self.group_slots[name], by_language, may_exclude=True)
        for category, by_language in rules.terms.items():
            self.add_group(self.group_slots[f"terms:{category}"], by_language, may_exclude=False)

    def add_group(
        self, slot: int, by_language: dict[str, tuple[str, ...]], *, may_exclude: bool
    ) -> None:
        for language, entries in by_language.items():
            parsed = [parse_entry(entry, may_exclude=may_exclude) for entry in entries]
            excluded = {entry.words[0].text for entry in parsed if entry.exclude}
            self.excluded |= excluded
            for entry in parsed:
                if not entry.exclude:
                    self.add_entry(slot, language, entry, excluded)

    def add_entry(self, slot: int, language: str, entry: Entry, excluded: set[str]) -> None:
        if len(entry.words) == 1:
            self.add_word(slot, language, entry.words[0], excluded)
            return
        slots = []
        for word in entry.words:
            key = (language, word.kind, word.text)
            if key not in self.word_slots:
                self.word_slots[key] = self.slot_count
                self.slot_count += 1
                self.add_word(self.word_slots[key], language, word, excluded)
            slots.append(self.word_slots[key])
        self.phrases.setdefault(slots[0], []).append(
            Phrase(slot, tuple(slots), LANGUAGE_BITS[language])
        )

    def add_word(self, slot: int, language: str, word: Word, excluded: set[str]) -> None:
        bit = LANGUAGE_BITS[language]
        if word.kind == "number":
            self.numbers.append((int(word.text), slot))
            return
        if word.kind == "stem":
            _put(self.stems, word.text, slot, bit, negated=False)
            if not is_latin(word.text):
                _put(self.latin_stems, latin_key(word.text), slot, bit, negated=False)
            return
        read_with_typos = (language, word.kind, word.text) in self.typo_words
        for key, negated, latin in self.keys_of(language, word):
            if key in excluded:
                continue
            _put(self.exact, key, slot, bit, negated=negated)
            if read_with_typos:
                self.typo_keys.add(key)
            if latin:
                _put(self.latin, latin, slot, bit, negated=negated)

    def keys_of(self, language: str, word: Word) -> list[tuple[str, bool, str]]:
        """The folded forms of a word, whether negated, and their Latin keys ("": none)."""
        keys = {word.text}
        if word.kind == "forms":
            keys |= {fold(form) for form in self.forms.get((language, word.written), ())}
        found = []
        for key in keys:
            if " " in key:
                continue  # a dictionary form of two words ("по-моему") is not one word
            # "negribu" is listed under "gribēt": the glued "ne" still negates it.
            negated = key.startswith(self.prefixes) and any(
                key.startswith(p) and not word.text.startswith(p) for p in self.prefixes
            )
            latin = "" if is_latin(key) else latin_key(key)
            found.append((key, negated, latin if len(latin) >= _LATIN_MIN else ""))
        return found


def _put(table: _Table, key: str, slot: int, bit: int, *, negated: bool) -> None:
    # One int per hit, joined per word when frozen: a dict per word would double the
    # memory taken while building.
    table.setdefault(key, []).append(slot << _SLOT_SHIFT | (_NEGATED if negated else 0) | bit)


def _joined(hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """One hit per group and negation, its languages joined.

    "suicide" is the English word, and the Russian stem in Latin letters: one hit in
    both languages, so that an English word near it ("essay") can silence a rule.
    """
    if len(hits) < 2:
        return hits
    joined: dict[tuple[int, bool], int] = {}
    for slot, languages, negated in hits:
        joined[(slot, negated)] = joined.get((slot, negated), 0) | languages
    if len(joined) == len(hits):
        return hits
    return tuple((slot, languages, negated) for (slot, negated), languages in joined.items())


class Lexicon:
    """Folded words -> the groups (and phrase words) they belong to, per language."""

    def __init__(
        self,
        rules: RuleSet,
        forms: Forms,
        typo_words: frozenset[WordKey] = frozenset(),
        near_words: Iterable[str] = (),
    ) -> None:
        built = _Builder(rules, forms, typo_words)
        self.group_slots = built.group_slots
        self.phrases = built.phrases
        self._prefixes = built.prefixes
        self._numbers = built.numbers
        # Each table frozen, its building copy let go, before the typo index is made:
        # the most memory the detector ever takes is while it is compiled.
        self._exact = _freeze(built.exact)
        built.exact.clear()
        self._stems = _freeze(built.stems)
        self._latin = _freeze(built.latin)
        built.latin.clear()
        self._latin_stems = _freeze(built.latin_stems)
        self._excluded = tuple(sorted(built.excluded))
        self._finish(built.typo_keys, near_words)

    def _finish(self, typo_keys: Iterable[str], near_words: Iterable[str]) -> None:
        # The typo index keeps hashes, which differ from process to process: it is made
        # again each time, never stored.
        self.typos = TypoIndex(typo_keys, itertools.chain(near_words, self._excluded))
        self._stem_lengths = sorted({len(stem) for stem in self._stems})
        self._latin_stem_lengths = sorted({len(stem) for stem in self._latin_stems})
        self._cache: dict[str, tuple[Hit, ...]] = {}

    def state(self) -> tuple[object, ...]:
        """What was compiled, in plain tuples and dicts (for :mod:`marshal`), typos aside."""
        phrases = {
            slot: tuple((p.group, p.slots, p.languages) for p in found)
            for slot, found in self.phrases.items()
        }
        return (
            _STATE_VERSION, self.group_slots, phrases, self._prefixes, tuple(self._numbers),
            self._exact, self._stems, self._latin, self._latin_stems,
            tuple(sorted(self.typos.keys)), self._excluded,
        )  # fmt: skip

    @classmethod
    def from_state(cls, state: object, near_words: Iterable[str]) -> Lexicon:
        """A lexicon from :meth:`state`; ValueError if ``state`` is not one of this version."""
        if not (isinstance(state, tuple) and len(state) == 11 and state[0] == _STATE_VERSION):
            raise ValueError("not a compiled lexicon of this version")
        _, slots, phrases, prefixes, numbers, exact, stems, latin, latin_stems, keys, excluded = (
            state
        )
        tables = (exact, stems, latin, latin_stems)
        if not (
            isinstance(slots, dict)
            and isinstance(phrases, dict)
            and isinstance(prefixes, tuple)
            and isinstance(numbers, tuple)
            and all(isinstance(table, dict) for table in tables)
            and isinstance(keys, tuple)
            and isinstance(excluded, tuple)
        ):
            raise ValueError("a compiled lexicon of the wrong shape")
        lexicon = cls.__new__(cls)
        lexicon.group_slots = slots
        lexicon.phrases = {
            slot: [Phrase(group, tuple(words), languages) for group, words, languages in found]
            for slot, found in phrases.items()
        }
        lexicon._prefixes = prefixes
        lexicon._numbers = [(least, slot) for least, slot in numbers]
        lexicon._exact, lexicon._stems, lexicon._latin, lexicon._latin_stems = tables
        lexicon._excluded = excluded
        lexicon._finish(keys, near_words)
        return lexicon

    def lookup(self, word: str) -> tuple[Hit, ...]:
        """The groups a folded word belongs to; cached, as pupils repeat their words."""
        hits = self._cache.get(word)
        if hits is None:
            hits = _joined(self._lookup(word))
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = hits
        return hits

    def _lookup(self, word: str) -> tuple[Hit, ...]:
        if word.isdigit() or (word[-2:] in _ORDINALS and word[:-2].isdigit()):
            number = int(word[:9] if word.isdigit() else word[:-2][:9])
            return tuple(
                (slot, ALL_LANGUAGES, False) for least, slot in self._numbers if number >= least
            )
        hits = self._plain(word)
        # A word found only as part of a phrase ("neļauj" of "neļauj izkāpt") may still
        # be a word of a group behind a glued negation ("ne"+"ļauj").
        if all(slot >= len(self.group_slots) for slot, _, _ in hits):
            for prefix in self._prefixes:
                if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                    rest = self._plain(word[len(prefix) :])
                    if rest:
                        hits += tuple((slot, bits, True) for slot, bits, _ in rest)
                        break
        if not hits:
            for key in self.typos.find(word):
                hits += self._exact[key]
        if not hits:
            shorter = unstretched(word)
            if shorter != word:
                hits = self._lookup(shorter)
        return hits

    def _plain(self, word: str) -> tuple[Hit, ...]:
        hits = self._exact.get(word, ())
        for length in self._stem_lengths:
            if length > len(word):
                break
            hits += self._stems.get(word[:length], ())
        if is_latin(word) and len(word) >= _LATIN_MIN:
            key = latin_key(word)
            hits += self._latin.get(key, ())
            for length in self._latin_stem_lengths:
                if length > len(key):
                    break
                hits += self._latin_stems.get(key[:length], ())
        return hits
