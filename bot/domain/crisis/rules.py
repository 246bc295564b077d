"""Reading, checking and merging crisis rules files laid out like ``rules.toml``.

Every problem is a ValueError whose message starts with where it is ("groups.want.lv:
...") so that the configuration can name the key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from bot.domain.crisis.model import LANGUAGES, CrisisCategory, Entries, Rule, RuleSet
from bot.domain.crisis.text import APOSTROPHES, fold

MIN_STEM = 3  # a shorter stem would match half the dictionary
# Groups the detector itself uses; a rules file may fill them, a rule may use them.
RESERVED_GROUPS = (
    "negation",
    "negation_prefix",
    "negation_skip",
    "writer",
    "me",
    "someone_else",
    "joke",
    "serious",
)
_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

WordKind = Literal["forms", "stem", "exact", "number"]
# How a rule asks for a group's word: "want" (not negated), "not want", "any want".
NEGATION_MARKS = {"not": True, "any": None}


def rule_word(word: str) -> tuple[str, bool | None]:
    """The group a rule's word names, and whether it must be negated (None: either)."""
    mark, _, name = word.strip().partition(" ")
    if name and mark in NEGATION_MARKS:
        return name.strip(), NEGATION_MARKS[mark]
    return word.strip(), False


@dataclass(frozen=True, slots=True)
class Word:
    """One word of an entry: how it matches, folded, and as written (for its forms)."""

    kind: WordKind
    text: str
    written: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a group or a term: a word or a phrase; ``exclude`` for "-word"."""

    words: tuple[Word, ...]
    exclude: bool = False


def _words(token: str) -> list[Word]:
    exact = token.startswith("=")
    stem = token.endswith("*")
    core = token[1 if exact else 0 : len(token) - 1 if stem else len(token)]
    if "*" in core or "=" in core:
        raise ValueError("'*' may only end a word and '=' only begin one")
    if exact and stem:
        raise ValueError("a word cannot be both '=exact' and 'stem*'")
    if core.startswith("#"):
        if not core[1:].isdigit() or exact or stem:
            raise ValueError("a number is written '#5' (any number from 5 up)")
        return [Word("number", core[1:], core)]
    written = "".join(
        ch if ch.isalnum() else " " for ch in core.casefold().translate(APOSTROPHES)
    ).split()
    folded = fold(core).split()
    if not folded or len(folded) != len(written):
        raise ValueError("a word has no letters")
    words = []
    for index, (text, as_written) in enumerate(zip(folded, written, strict=True)):
        kind: WordKind = "exact" if exact else "forms"
        if stem and index == len(folded) - 1:
            if len(text) < MIN_STEM:
                raise ValueError(f"a stem needs at least {MIN_STEM} letters")
            kind = "stem"
        words.append(Word(kind, text, as_written))
    return words


# Bigger than the shipped rules' entries (about 13,000), which are parsed twice at start:
# once to check the file, once to compile it.
@functools.lru_cache(maxsize=32768)
def parse_entry(entry: str, *, may_exclude: bool = False) -> Entry:
    """An entry as written in a rules file; ValueError says what is wrong with it."""
    text = entry.strip()
    exclude = text.startswith("-")
    if exclude:
        if not may_exclude:
            raise ValueError(f"{entry!r}: '-word' only excludes a form from a group")
        text = text[1:].strip()
    if not text:
        raise ValueError("an empty entry")
    tokens = text.split()
    if tokens[0].startswith("="):
        # "=manis vairs nebūs": the whole phrase as written, no other forms of its words
        tokens = [t if t.startswith(("=", "#")) or t.endswith("*") else f"={t}" for t in tokens]
    words: list[Word] = []
    for token in tokens:
        try:
            words.extend(_words(token))
        except ValueError as exc:
            raise ValueError(f"{entry!r}: {exc}") from None
    if exclude and (len(words) != 1 or words[0].kind != "forms"):
        raise ValueError(f"{entry!r}: '-' excludes one plain word")
    return Entry(tuple(words), exclude)


def check_terms(terms: list[str]) -> None:
    """ValueError naming the first term that cannot be used."""
    for term in terms:
        parse_entry(term)


def _entries(data: object, where: str, *, may_exclude: bool) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be a table of languages (lv, ru, en)")
    by_language: dict[str, tuple[str, ...]] = {}
    for language, entries in data.items():
        if language not in LANGUAGES:
            raise ValueError(f"{where}.{language}: unknown language (use lv, ru, en)")
        if not isinstance(entries, list | tuple) or not all(isinstance(e, str) for e in entries):
            raise ValueError(f"{where}.{language} must be a list of texts")
        for entry in entries:
            try:
                parse_entry(entry, may_exclude=may_exclude)
            except ValueError as exc:
                raise ValueError(f"{where}.{language}: {exc}") from None
        by_language[language] = tuple(entries)
    return by_language


def parse_terms(data: Mapping[str, object], where: str = "terms") -> Entries:
    """``{category: {language: [entries]}}``, checked; unknown names raise ValueError."""
    terms: Entries = {}
    for name, by_language in data.items():
        if name not in CrisisCategory.__members__.values():
            known = ", ".join(c.value for c in CrisisCategory)
            raise ValueError(f"{where}.{name}: unknown category (known: {known})")
        terms[name] = _entries(by_language, f"{where}.{name}", may_exclude=False)
    return terms


def parse_groups(data: Mapping[str, object], where: str = "groups") -> Entries:
    """``{group: {language: [entries]}}``, checked."""
    groups: Entries = {}
    for name, by_language in data.items():
        if not _GROUP_NAME.match(name):
            raise ValueError(f"{where}.{name}: a group name is lower-case letters, digits, _")
        groups[name] = _entries(by_language, f"{where}.{name}", may_exclude=True)
    return groups


def _rule(data: object, where: str, groups: Mapping[str, object]) -> Rule:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be a table")
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        reason = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise ValueError(f"{where}.{key}: {reason}") from None
    for word in (*rule.words, *rule.unless):
        name, _ = rule_word(word)
        if name not in groups:
            raise ValueError(f"{where}: unknown group {name!r}")
    return rule


def parse_rules(data: Mapping[str, object], where: str = "rules file") -> RuleSet:
    """A whole rules file (groups, terms, rules), checked; ValueError names the key."""
    unknown = set(data) - {"groups", "terms", "rules"}
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    raw_groups, raw_terms = data.get("groups", {}), data.get("terms", {})
    raw_rules = data.get("rules", [])
    if not isinstance(raw_groups, Mapping) or not isinstance(raw_terms, Mapping):
        raise ValueError(f"{where}: groups and terms must be tables")
    try:
        groups = parse_groups(raw_groups)
        terms = parse_terms(raw_terms)
        if not isinstance(raw_rules, list):
            raise ValueError("rules must be a list of [[rules]] tables")
        rules = tuple(
            _rule(rule, f"rules[{index + 1}]", groups) for index, rule in enumerate(raw_rules)
        )
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return RuleSet(groups=groups, terms=terms, rules=rules)


def merge_rules(
    base: RuleSet, *, terms: Entries | None = None, groups: Entries | None = None
) -> RuleSet:
    """``base`` with entries added to its terms and to its existing groups."""
    merged_terms = {name: dict(by_language) for name, by_language in base.terms.items()}
    for name, by_language in (terms or {}).items():
        target = merged_terms.setdefault(name, {})
        for language, entries in by_language.items():
            target[language] = target.get(language, ()) + tuple(entries)
    merged_groups = {name: dict(by_language) for name, by_language in base.groups.items()}
    for name, by_language in (groups or {}).items():
        if name not in merged_groups:
            raise ValueError(f"groups.{name}: unknown group (add it in a rules file)")
        for language, entries in by_language.items():
            merged_groups[name][language] = merged_groups[name].get(language, ()) + tuple(entries)
    return RuleSet(groups=merged_groups, terms=merged_terms, rules=base.rules)


@functools.cache
def default_rules() -> RuleSet:
    """The rules shipped with the bot (``bot/domain/crisis/rules.toml``)."""
    text = (resources.files(__package__ or "") / "rules.toml").read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text), "rules.toml")


def load_rules_file(path: Path) -> RuleSet:
    """Rules from a TOML file laid out like the shipped one; ValueError names the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from None
    return parse_rules(data, str(path))
