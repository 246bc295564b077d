"""Which English texts in the code have no Latvian or Russian translation.

``python -m bot.i18n_check`` prints them as ``.po`` entries to fill in; the test suite
fails while any is missing, so no user ever sees an untranslated text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "handlers")
# t("..."), texts("..."), context.texts("..."), t.n("one", "many", n), N_("...")
KEYWORDS: dict[str, tuple[int, ...] | None] = {"t": None, "texts": None, "N_": None, "n": (1, 2)}


def extracted() -> Iterator[tuple[str, str | None, str]]:
    """(msgid, plural msgid or None, where) for every marked text in the sources."""
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            where = f"{folder}/{filename}:{lineno}"
            if isinstance(message, tuple):
                yield message[0], message[1], where
            elif message:
                yield message, None, where


def translated(language: str) -> set[str]:
    ids: set[str] = set()
    folder = resources.files("bot") / "locales" / language / "LC_MESSAGES"
    if not folder.is_dir():
        return ids
    for entry in folder.iterdir():
        if entry.name.endswith(".po"):
            with entry.open("rb") as handle:
                for message in read_po(handle, locale=language):
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    strings = (
                        message.string if isinstance(message.string, tuple) else (message.string,)
                    )
                    if msgid and all(strings) and not message.fuzzy:
                        ids.add(msgid)
    return ids


def missing(language: str) -> list[tuple[str, str | None, str]]:
    have = translated(language)
    seen: set[str] = set()
    result = []
    for msgid, plural, where in extracted():
        if msgid not in have and msgid not in seen:
            seen.add(msgid)
            result.append((msgid, plural, where))
    return result


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    total = 0
    for language in ("lv", "ru"):
        gaps = missing(language)
        total += len(gaps)
        for msgid, plural, where in gaps:
            print(f"# {language}: {where}")
            print(f"msgid {_po_string(msgid)}")
            if plural:
                print(f"msgid_plural {_po_string(plural)}")
                for index in range(3):
                    print(f'msgstr[{index}] ""')
            else:
                print('msgstr ""')
            print()
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
