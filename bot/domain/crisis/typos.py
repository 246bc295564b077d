"""One typo in a long word of crisis: "nomirtt", "умиреть", "mysefl".

A word of :data:`TYPO_MIN` letters or more that the rules do not know is read as a
word of the rules if one letter was left out, added, changed, or two swapped, unless it
is itself a real word ("писать" is not a typo of "пинать"). The real words one edit
away from a word of the shipped rules are listed in ``near_words.txt``, made with
``forms.tsv`` from simplemma's dictionaries; typos are therefore read only for words of
the shipped rules (see :func:`typo_words`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from bot.domain.crisis.model import RuleSet
from bot.domain.crisis.rules import RESERVED_GROUPS, parse_entry, rule_word

TYPO_MIN = 6
_HASH_OFFSET = 1 << 63  # hash() is a signed 64-bit number
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщъыьэюя"  # folded: no "ё", "й"

# (language, kind, folded text) of a word of the rules
WordKey = tuple[str, str, str]


def typo_words(rules: RuleSet) -> frozenset[WordKey]:
    """The words of the groups and terms that make a rule match, read with typos.

    Not the groups that only silence a rule (unless) nor the detector's own groups
    (negation, whom it is about): a typo may find a word of crisis, never hide one.
    """
    used = {rule_word(word)[0] for rule in rules.rules for word in rule.words}
    tables = [rules.groups[name] for name in used - set(RESERVED_GROUPS) if name in rules.groups]
    tables += rules.terms.values()
    return frozenset(
        (language, word.kind, word.text)
        for by_language in tables
        for language, entries in by_language.items()
        for entry in entries
        for word in parse_entry(entry, may_exclude=True).words
        if not entry.startswith("-") and word.kind in ("forms", "exact")
    )


def deletions(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


def one_edit(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` differ by one letter changed, added, dropped, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i + 1 : i + 2] + a[i : i + 1] == b[i : i + 2] and a[i + 2 :] == b[i + 2 :]
        return a[i + 1 :] == b[i + 1 :] or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


def edits(word: str) -> Iterator[str]:
    """Every word one edit away from ``word``, in its own alphabet."""
    alphabet = _LATIN if word.isascii() else _CYRILLIC
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
        for letter in alphabet:
            yield head + letter + tail
            if tail:
                yield head + letter + tail[1:]


class TypoIndex:
    """Known words by their one-letter deletions, to find a word's typo quickly."""

    def __init__(self, keys: Iterable[str], near_words: Iterable[str]) -> None:
        self.keys = frozenset(key for key in keys if len(key) >= TYPO_MIN - 1)
        # The index would be most of the detector's memory as Python objects, so it is
        # kept in sorted arrays of hashes, searched by bisection: a hash shared by two
        # strings only adds a candidate that one_edit rejects, or leaves a typo unread
        # once in billions.
        self._near_words = array("q", sorted({hash(word) for word in near_words}))
        self._words = tuple(sorted(self.keys))
        # (hash, word) pairs sorted as one number each: the hash made unsigned, then
        # the word's place in the low bits.
        shift = max(len(self._words), 1).bit_length()
        packed = sorted(
            (hash(deleted) + _HASH_OFFSET) << shift | index
            for index, key in enumerate(self._words)
            for deleted in deletions(key)
        )
        self._deleted = array("q", [(number >> shift) - _HASH_OFFSET for number in packed])
        self._owners = array("i", [number & ((1 << shift) - 1) for number in packed])

    def _with_deletion(self, deleted: str) -> list[str]:
        """The known words of which ``deleted`` is a one-letter deletion."""
        wanted = hash(deleted)
        found = []
        index = bisect_left(self._deleted, wanted)
        while index < len(self._deleted) and self._deleted[index] == wanted:
            found.append(self._words[self._owners[index]])
            index += 1
        return found

    def _is_near_word(self, word: str) -> bool:
        wanted = hash(word)
        index = bisect_left(self._near_words, wanted)
        return index < len(self._near_words) and self._near_words[index] == wanted

    def find(self, word: str) -> list[str]:
        """The known words ``word`` may be a typo of; none for a short or real word."""
        if len(word) < TYPO_MIN or self._is_near_word(word):
            return []
        candidates = set(self._with_deletion(word))  # a letter left out
        for deleted in deletions(word):
            if deleted in self.keys:  # a letter too many
                candidates.add(deleted)
            candidates.update(self._with_deletion(deleted))  # one changed or swapped
        return sorted(key for key in candidates if one_edit(word, key))

    def near_words(self, real_words: frozenset[str]) -> set[str]:
        """The ``real_words`` one edit away from a known word (for ``near_words.txt``)."""
        near: set[str] = set()
        for key in self.keys:
            near.update(edit for edit in edits(key) if len(edit) >= TYPO_MIN)
        return (near & real_words) - self.keys
