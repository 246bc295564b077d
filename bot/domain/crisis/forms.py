"""The forms of each word in the rules ("gribēt" -> "gribu", "grib", "negribu", ...).

simplemma's dictionaries know them, but loading Russian alone takes about 1.4 s and
150 MiB. So the forms of the shipped rules' words are kept in ``forms.tsv``, made from
simplemma's data by ``python -m bot.domain.crisis``, and a test checks that it is what
that command would write today. Words a reviewer adds (a words file, extra words) that
the table does not hold are looked up when the rules are compiled, by one pass over
the stored dictionary of their language without loading it (lv about 0.2 s, ru 0.8 s,
en 0.2 s; about 25 MiB more while it runs).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources

from bot.domain.crisis.model import LANGUAGES, RuleSet
from bot.domain.crisis.rules import default_rules, parse_entry
from bot.domain.crisis.text import fold

FORMS_FILE = "forms.tsv"
NEAR_WORDS_FILE = "near_words.txt"
# (language, word as written in the rules) -> its forms, as simplemma spells them
Forms = dict[tuple[str, str], tuple[str, ...]]
# What fold() does to one letter, for the letters of Latvian, Russian and English
_FOLD_TABLE = {
    code: "" if unicodedata.combining(chr(code)) else fold(chr(code)) or " "
    for code in range(0x80, 0x530)
}


def words_needing_forms(rules: RuleSet) -> dict[str, set[str]]:
    """Per language, every plain word of the rules (not stems, not '=exact')."""
    needed: dict[str, set[str]] = {}
    for table in (rules.groups, rules.terms):
        for by_language in table.values():
            for language, entries in by_language.items():
                for entry in entries:
                    for word in parse_entry(entry, may_exclude=True).words:
                        if word.kind == "forms":
                            needed.setdefault(language, set()).add(word.written)
    return needed


def read_forms(text: str) -> Forms:
    """The table as written by :func:`write_forms`."""
    forms: Forms = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            language, word, listed = line.split("\t")
            forms[(language, word)] = tuple(listed.split())
    return forms


def _read(name: str) -> str:
    return (resources.files(__package__ or "") / name).read_text("utf-8")


def shipped_forms() -> Forms:
    """The table shipped with the bot."""
    return read_forms(_read(FORMS_FILE))


def shipped_near_words() -> Iterator[str]:
    """The real words that are never read as a typo (see bot.domain.crisis.typos).

    One at a time: the index keeps only their hashes, never all of them as strings.
    """
    return (line for line in _read(NEAR_WORDS_FILE).splitlines() if line[:1] != "#")


def _records(language: str) -> Iterator[tuple[bytes, bytes]]:
    """(word, lemma) of simplemma's stored dictionary, read without loading it."""
    # The public lemmatizer would load the whole dictionary (see the docstring); the
    # stored format is read the way simplemma itself reads it. The version is pinned,
    # and a test regenerates the shipped tables, so a change of format shows at once.
    from simplemma.strategies.dictionaries import frontcode
    from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

    data = _read_decompressed(language)
    reverse, _count, start = frontcode._read_header(data)
    for _, key, value in frontcode._iter_records(data, start):
        yield (key[::-1], value[::-1]) if reverse else (key, value)


def scan_dictionary(
    language: str, words: Iterable[str], every_word: set[str] | None = None
) -> Forms:
    """The forms of ``words`` in simplemma's dictionary, in one pass over it.

    A word's forms are the dictionary's words whose lemma is that word; a word that is
    not a lemma there (a form such as "sevi", "dying") gets the forms of its lemma.
    ``every_word``, if given, receives every word of the dictionary, folded.
    """
    wanted = set(words)
    keys: list[bytes] = []

    def scan(lemmas: set[str], collect: bool) -> dict[str, list[str]]:
        spelled = {v.encode(): v for w in lemmas for v in {w, w.capitalize(), w.upper()}}
        by_lemma: dict[str, list[str]] = {}
        for key, value in _records(language):
            if value in spelled:
                by_lemma.setdefault(spelled[value].casefold(), []).append(key.decode())
            if key in spelled:
                lemma_of[spelled[key].casefold()] = value.decode().casefold()
            if collect:
                keys.append(key)
        return by_lemma

    lemma_of: dict[str, str] = {}
    by_lemma = scan(wanted, every_word is not None)
    via_lemma = {w: lemma_of[w] for w in wanted if w not in by_lemma and w in lemma_of}
    if via_lemma:
        by_lemma.update(scan(set(via_lemma.values()), collect=False))
    if every_word is not None:
        # fold() as one translation of all the words at once: the same words, faster.
        text = b"\n".join(keys).decode().casefold().translate(_FOLD_TABLE)
        every_word.update(word for word in text.split("\n") if word.isalnum())
    forms: Forms = {}
    for word in wanted:
        found = {f.casefold() for f in by_lemma.get(via_lemma.get(word, word), [])}
        # The dictionary files some words under another's lemma ("лучше" under
        # "хороший", "tēvocis" under "tante"): a form must begin with the word's letter.
        forms[(language, word)] = tuple(sorted(f for f in found - {word} if _same_start(f, word)))
    return forms


def _same_start(form: str, word: str) -> bool:
    folded_form, folded_word = fold(form), fold(word)
    return bool(folded_form) and folded_form[0] == folded_word[:1]


def forms_for(needed: Mapping[str, set[str]], known: Forms | None = None) -> Forms:
    """The forms of ``needed`` words: from ``known`` (the shipped table), else looked up."""
    table = shipped_forms() if known is None else known
    result: Forms = {}
    for language, words in needed.items():
        missing = {w for w in words if (language, w) not in table}
        result.update({(language, w): table[(language, w)] for w in words - missing})
        if missing:
            result.update(scan_dictionary(language, missing))
    return result


def _header(*lines: str) -> list[str]:
    from simplemma import __version__

    return [line.replace("{simplemma}", f"simplemma {__version__}") for line in lines]


def write_forms(forms: Forms) -> str:
    """The table as text: one line per word, sorted, so that a change reads as a diff."""
    lines = _header(
        "# Forms of the words in rules.toml, from the dictionaries of {simplemma}.",
        "# Made by `python -m bot.domain.crisis`: do not edit; run it again after changing",
        "# rules.toml (a test fails until then). To keep a form out of a group, write",
        "# '-form' in the group.",
        "# language<TAB>word<TAB>its other forms (empty: the dictionary does not know it)",
    )
    for (language, word), listed in sorted(forms.items()):
        lines.append(f"{language}\t{word}\t{' '.join(listed)}")
    return "\n".join(lines) + "\n"


def typo_fingerprint(keys: Iterable[str]) -> str:
    """A short digest of the words read with typos, written in near_words.txt's header."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:16]


def write_near_words(words: Iterable[str], fingerprint: str) -> str:
    lines = _header(
        "# Real words (in the dictionaries of {simplemma}) one letter away from a word",
        "# of rules.toml: never read as its typo. Made with forms.tsv by",
        "# `python -m bot.domain.crisis`: do not edit.",
        f"# for the words read with typos: {fingerprint}",
    )
    return "\n".join([*lines, *sorted(words)]) + "\n"


def near_words_fingerprint() -> str:
    """The fingerprint the shipped near_words.txt was made for."""
    marker = "# for the words read with typos: "
    for line in _read(NEAR_WORDS_FILE).splitlines():
        if line.startswith(marker):
            return line.removeprefix(marker)
    return ""


def regenerate(rules: RuleSet | None = None, *, near: bool = True) -> tuple[str, str]:
    """The texts of forms.tsv and near_words.txt for ``rules`` (the shipped ones).

    ``near=False`` skips the near words (most of the time) and returns "" for them.
    """
    from bot.domain.crisis.lexicon import Lexicon
    from bot.domain.crisis.typos import typo_words

    rules = rules or default_rules()
    needed = words_needing_forms(rules)
    forms: Forms = {}
    real: set[str] | None = set() if near else None
    for language in LANGUAGES:
        forms.update(scan_dictionary(language, needed.get(language, set()), real))
    if real is None:
        return write_forms(forms), ""
    typos = Lexicon(rules, forms, typo_words(rules)).typos
    words = typos.near_words(frozenset(real))
    return write_forms(forms), write_near_words(words, typo_fingerprint(typos.keys))
