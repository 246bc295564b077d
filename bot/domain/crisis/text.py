"""Text as the rules see it: folded words, and a Latin key for Russian typed in Latin letters.

Folding drops case, diacritics and apostrophes ("Dzīvot" ~ "dzivot", "don't" ~ "dont",
"ё" ~ "е", "й" ~ "и"), so Latvian typed without diacritics and Russian with "е" for "ё"
match the same words. Whatever is not a letter or a digit separates words, except that
a laughing emoji is read as the word "lol" (the rules' sign of a joke).
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophes are dropped, not turned into spaces: "don't" is one word, and so is the
# Russian soft sign typed as an apostrophe ("zhit'").
APOSTROPHES = str.maketrans("", "", "'’`ʼ′")
_RUN = re.compile(r"(\w)\1{2,}")  # "dieee", "хочууу": pupils stretch words


def _fold_each(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (" " if not ch.isalnum() else ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(kept)


# What folding does to each character of Latvian, Russian and English text (and ASCII),
# as one translation: several times faster than decomposing every message.
_TABLE_END = 0x530
_TABLE = {
    code: "" if unicodedata.combining(chr(code)) else _fold_each(chr(code))
    for code in range(_TABLE_END)
}


# Laughing faces (and the skull, "I'm dead" of laughter): a joke is near, as with "lol".
# Crying faces are not among them: pupils in distress use them as much as in jest.
_LAUGHS = str.maketrans(dict.fromkeys("😂🤣😹😆😅😝😜🤪💀", " lol "))


def fold(text: str) -> str:
    """Case, diacritics and apostrophes folded away; non-letters become spaces."""
    lowered = text.casefold().translate(APOSTROPHES)
    if lowered and ord(max(lowered)) >= _TABLE_END:  # emoji, other scripts
        return " ".join(_fold_each(lowered.translate(_LAUGHS)).split())
    return " ".join(lowered.translate(_TABLE).split())


def tokenize(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()


# Where a clause ends: a negation does not reach past it ("нет, прощайте", "no, i want").
_CLAUSE_END = re.compile(r"[.,;:!?…\n]+")


def clauses(text: str) -> tuple[list[str], frozenset[int]]:
    """The folded words of ``text``, and the places of the words that begin a clause."""
    words: list[str] = []
    starts = set()
    for part in _CLAUSE_END.split(text):
        folded = tokenize(part)
        if folded and words:
            starts.add(len(words))
        words += folded
    return words, frozenset(starts)


def unstretched(word: str) -> str:
    """``word`` with letters repeated three times or more written once ("dieee" -> "die")."""
    return _RUN.sub(r"\1", word)


# One common way of writing Russian in Latin letters; :func:`latin_key` then folds the
# other common ways onto it ("kh"/"x"/"h", "ya"/"ja"/"ia", "zh", "sch"/"sh", "4" for "ч").
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
        "и": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip
_LATIN_STEPS = (
    ("shch", "w"), ("sch", "w"), ("sh", "w"), ("ch", "4"), ("zh", "3"), ("kh", "h"),
    ("x", "h"), ("ts", "c"), ("tz", "c"), ("j", "i"), ("y", "i"),
)  # fmt: skip
_IOTATED = re.compile(r"i([aeuo])")
_IOTA_VOWEL = {"a": "a", "e": "e", "u": "u", "o": "e"}  # "ё" is folded to "е"


def is_latin(word: str) -> bool:
    """True for a word of ASCII letters (and digits) with at least one letter."""
    return word.isascii() and word.isalnum() and not word.isdigit()


def latin_key(word: str) -> str:
    """The key under which Russian in Latin letters is looked up.

    Both sides meet here: a folded Russian word is first written in Latin letters, and a
    word a pupil typed in Latin letters is taken as it is; then both are reduced the same
    way, so "хочу", "hochu", "khochu" and "xochu" all give "ho4u", and "себя", "sebya",
    "sebja" and "sebia" all give "seba".
    """
    key = word.translate(_CYRILLIC_TO_LATIN)
    for old, new in _LATIN_STEPS:
        key = key.replace(old, new)
    key = _IOTATED.sub(lambda m: _IOTA_VOWEL[m.group(1)], key)
    while "ii" in key:
        key = key.replace("ii", "i")
    return key
