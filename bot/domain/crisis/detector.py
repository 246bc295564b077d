"""The detector: rules over the words of one message, most severe category first."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.crisis.forms import Forms, forms_for, shipped_near_words, words_needing_forms
from bot.domain.crisis.learned import LEARNED_RULE, shipped_model
from bot.domain.crisis.lexicon import LANGUAGE_BITS, Hit, Lexicon
from bot.domain.crisis.model import LANGUAGES, About, CrisisCategory, CrisisMatch, RuleSet
from bot.domain.crisis.rules import default_rules, parse_entry, rule_word
from bot.domain.crisis.text import clauses
from bot.domain.crisis.typos import typo_words

SEVERITY = {category: rank for rank, category in enumerate(CrisisCategory)}
# Whom a match is about: markers this far to the left of it, or to its right, decide.
_LOOK_LEFT = 10
_LOOK_RIGHT = 3

# (first word, last word, languages as bits, negated)
Occurrence = tuple[int, int, int, bool]


@dataclass(frozen=True, slots=True)
class _Term:
    slot: int
    negated: bool | None  # None: negated or not


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    category: CrisisCategory
    terms: tuple[_Term, ...]
    within: int
    ordered: bool
    unless: tuple[int, ...]
    unless_within: int
    about: About | None


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    languages: int


def compile_lexicon(
    rules: RuleSet, forms: Forms | None = None, near_words: frozenset[str] | None = None
) -> Lexicon:
    """The words of ``rules`` compiled; ``forms`` and ``near_words``: the shipped tables."""
    lexicon = Lexicon(
        rules,
        forms_for(words_needing_forms(rules)) if forms is None else forms,
        # Typos only for words whose real-word neighbours near_words.txt lists.
        typo_words(rules) & typo_words(default_rules()),
        shipped_near_words() if near_words is None else near_words,
    )
    parse_entry.cache_clear()  # the parsed entries are needed only while compiling
    return lexicon


@functools.lru_cache(maxsize=4)
def _shipped_lexicon(rules_json: str) -> Lexicon:
    """Compiled once per rule set: every detector of the same rules shares it (tests)."""
    return compile_lexicon(RuleSet.model_validate_json(rules_json))


class CrisisDetector:
    """Compiled once from a rule set; :meth:`detect` is cheap enough for every message."""

    def __init__(
        self,
        rules: RuleSet,
        forms: Forms | None = None,
        near_words: frozenset[str] | None = None,
        *,
        learned: bool = False,
        lexicon: Lexicon | None = None,
    ) -> None:
        """Compile ``rules``; ``forms`` and ``near_words`` default to the shipped tables.

        With ``learned``, the learned net (:mod:`bot.domain.crisis.learned`) looks at
        what the rules let pass. ``lexicon``: ``rules`` already compiled (see
        :mod:`bot.domain.crisis.compiled`).
        """
        self._net = shipped_model() if learned else None
        if lexicon is not None:
            self._lexicon = lexicon
        elif forms is None and near_words is None:
            self._lexicon = _shipped_lexicon(rules.model_dump_json())
        else:
            self._lexicon = compile_lexicon(rules, forms, near_words)
        slots = self._lexicon.group_slots
        self._rules: list[_Rule] = []
        for category in rules.terms:
            alone = (_Term(slots[f"terms:{category}"], negated=False),)
            name = f"terms.{category}"
            self._rules.append(_Rule(name, CrisisCategory(category), alone, 1, False, (), 0, None))
        for index, rule in enumerate(rules.rules):
            terms = tuple(
                _Term(slots[name], negated) for name, negated in map(rule_word, rule.words)
            )
            self._rules.append(
                _Rule(
                    rule.name or f"rules[{index + 1}]",
                    rule.category,
                    terms,
                    rule.within,
                    rule.order == "as written",
                    tuple(slots[name] for name in rule.unless),
                    rule.unless_within,
                    rule.about,
                )
            )
        self._rules.sort(key=lambda r: SEVERITY[r.category])  # stable: file order within
        # Each rule filed under one word it needs, the one fewest rules need: a message
        # is checked against the rules some of whose words it has, not all of them.
        uses = Counter(term.slot for compiled in self._rules for term in compiled.terms)
        self._rules_by_slot: dict[int, list[int]] = {}
        for index, compiled in enumerate(self._rules):
            key = min((term.slot for term in compiled.terms), key=lambda slot: uses[slot])
            self._rules_by_slot.setdefault(key, []).append(index)
        self._negation = slots.get("negation")
        self._skip = slots.get("negation_skip")
        self._writer = slots.get("writer")
        self._me = slots.get("me")
        self._someone_else = slots.get("someone_else")
        self._joke = slots.get("joke")
        self._serious = slots.get("serious")

    def detect(self, text: str) -> CrisisMatch | None:
        """The categories the rules find in ``text``, most severe first; None if none."""
        words, clause_starts = clauses(text)
        if not words:
            return None
        hits = [self._lexicon.lookup(word) for word in words]
        found = self._occurrences(hits, clause_starts)
        if not found:
            return self._learned(text, hits, found)
        categories: list[CrisisCategory] = []
        first: tuple[_Rule, _Found] | None = None
        candidates = sorted(index for slot in found for index in self._rules_by_slot.get(slot, ()))
        # "lol, but seriously", "not joking": a joke taken back silences no rule.
        joking = self._joke in found and not (
            self._serious in found or any(o[3] for o in found[self._joke])
        )
        for rule in map(self._rules.__getitem__, candidates):
            if rule.category in categories:
                continue
            match = self._match(rule, found, joking=joking)
            if match is not None:
                categories.append(rule.category)
                first = first or (rule, match)
        if first is None:
            return self._learned(text, hits, found)
        rule, match = first
        # Words of more than one language ("suicid*"): the language most words are in.
        score = {
            lang: sum(any(b & bit for _, b, _ in h) for h in hits)
            for lang, bit in LANGUAGE_BITS.items()
        }
        language = max(
            (lang for lang in LANGUAGES if match.languages & LANGUAGE_BITS[lang]),
            key=lambda lang: score[lang],
        )
        return CrisisMatch(
            categories=tuple(categories),
            about=rule.about or self._about(found, match),
            language=language,
            rule=rule.name,
        )

    def _learned(
        self, text: str, hits: Sequence[tuple[Hit, ...]], found: dict[int, list[Occurrence]]
    ) -> CrisisMatch | None:
        """The net's match, when it is on and sure enough; about whom as for a rule."""
        position = self._net.strongest_word(text) if self._net is not None else None
        if position is None:
            return None
        score = {
            lang: sum(any(b & bit for _, b, _ in h) for h in hits)
            for lang, bit in LANGUAGE_BITS.items()
        }
        cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
        return CrisisMatch(
            categories=(CrisisCategory.UNSPECIFIED,),
            about=self._about(found, _Found(position, position, -1)),
            language=max(LANGUAGES, key=lambda lang: (score[lang], cyrillic and lang == "ru")),
            rule=LEARNED_RULE,
        )

    def _occurrences(
        self, hits: Sequence[tuple[Hit, ...]], clause_starts: frozenset[int] = frozenset()
    ) -> dict[int, list[Occurrence]]:
        """Where each group's words are, each marked negated or not.

        A negation reaches no further than its clause: "нет, прощайте" says goodbye.
        """
        found: dict[int, list[Occurrence]] = {}
        # The languages in which the word before (fillers skipped) negates this one:
        # the Latvian "no" (from) in "no mājām" does not negate as the English "no".
        negating = 0
        for position, word_hits in enumerate(hits):
            if position in clause_starts:
                negating = 0
            negators, skipped = 0, False
            for slot, languages, negated in word_hits:
                found.setdefault(slot, []).append(
                    (position, position, languages, negated or bool(languages & negating))
                )
                if slot == self._negation:
                    negators |= languages
                elif slot == self._skip:
                    skipped = True
            if negators or not skipped:
                negating = negators
        for slot in list(found):
            for phrase in self._lexicon.phrases.get(slot, ()):
                for start, _, languages, negated in found[slot]:
                    end = self._phrase_end(phrase.slots, start, languages & phrase.languages, found)
                    if end is not None:
                        found.setdefault(phrase.group, []).append(
                            (start, end, phrase.languages, negated)
                        )
        return found

    @staticmethod
    def _phrase_end(
        slots: tuple[int, ...], start: int, languages: int, found: dict[int, list[Occurrence]]
    ) -> int | None:
        if not languages:
            return None
        for offset, slot in enumerate(slots[1:], start=1):
            if not any(
                s == start + offset and bits & languages for s, _, bits, _ in found.get(slot, ())
            ):
                return None
        return start + len(slots) - 1

    def _match(
        self, rule: _Rule, found: dict[int, list[Occurrence]], *, joking: bool = True
    ) -> _Found | None:
        """The first way the rule's words occur together, or None.

        ``joking`` False: a word of the group "joke" in ``unless`` silences nothing.
        """
        options: list[list[Occurrence]] = []
        for term in rule.terms:
            occurrences = [o for o in found.get(term.slot, ()) if term.negated in (None, o[3])]
            if not occurrences:
                return None
            options.append(occurrences)
        unless = rule.unless if joking else tuple(s for s in rule.unless if s != self._joke)
        return self._choose(rule, unless, options, 0, [], found)

    def _choose(
        self,
        rule: _Rule,
        unless: tuple[int, ...],
        options: list[list[Occurrence]],
        index: int,
        chosen: list[Occurrence],
        found: dict[int, list[Occurrence]],
    ) -> _Found | None:
        if index == len(options):
            start = min(o[0] for o in chosen)
            end = max(o[1] for o in chosen)
            languages = -1
            for occurrence in chosen:
                languages &= occurrence[2]
            for slot in unless:
                for near_start, near_end, near_languages, _ in found.get(slot, ()):
                    if (
                        near_languages & languages
                        and near_start >= start - rule.unless_within
                        and near_end <= end + rule.unless_within
                        # a word of a phrase the rule matched ("work" of "didnt work")
                        # silences nothing; a longer phrase around it ("hit me up") does
                        and not any(o[0] <= near_start and near_end <= o[1] for o in chosen)
                    ):
                        return None
            return _Found(start, end, languages)
        for occurrence in options[index]:
            if any(o[0] <= occurrence[1] and occurrence[0] <= o[1] for o in chosen):
                continue  # one word cannot stand for two of the rule's words
            if rule.ordered and chosen and occurrence[0] <= chosen[-1][1]:
                continue
            span = [*chosen, occurrence]
            # Words apart, not counting the words of a phrase itself.
            if max(o[0] for o in span) - min(o[1] for o in span) > rule.within:
                continue
            languages = -1
            for o in span:
                languages &= o[2]
            if not languages:
                continue
            result = self._choose(rule, unless, options, index + 1, span, found)
            if result is not None:
                return result
        return None

    def _about(self, found: dict[int, list[Occurrence]], match: _Found) -> About:
        """Whom the words are about, from "I/me" and "my son/she/him" words around them.

        Inside the match the writer wins ("he hits me"); just after it only "me" counts
        ("he raped me"), as an "I" there begins the next sentence ("he hurts himself i
        saw the scars"); otherwise the nearest such word before the match decides.
        """
        marks: dict[int, About] = {}
        me: set[int] = set()
        for slot, about in (
            (self._someone_else, About.OTHER),
            (self._writer, About.SELF),
            (self._me, About.SELF),
        ):
            for start, _, _, _ in found.get(slot, ()) if slot is not None else ():
                marks[start] = about  # the writer wins a word that is both
                if slot == self._me:
                    me.add(start)
        inside = {marks[p] for p in range(match.start, match.end + 1) if p in marks}
        if inside:
            return About.SELF if About.SELF in inside else About.OTHER
        if match.end + 1 in me:
            return About.SELF
        for position in range(match.start - 1, match.start - 1 - _LOOK_LEFT, -1):
            if position in marks:
                return marks[position]
        for position in range(match.end + 1, match.end + 1 + _LOOK_RIGHT):
            if position in marks and (position in me or marks[position] is About.OTHER):
                return marks[position]
        return About.SELF
