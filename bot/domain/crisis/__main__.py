"""``python -m bot.domain.crisis``: write forms.tsv and near_words.txt for rules.toml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.domain.crisis.forms import FORMS_FILE, NEAR_WORDS_FILE, regenerate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write forms.tsv and near_words.txt.")
    parser.add_argument("--check", action="store_true", help="only say whether they are current")
    args = parser.parse_args(argv)
    folder = Path(__file__).parent
    status = 0
    for name, text in zip((FORMS_FILE, NEAR_WORDS_FILE), regenerate(), strict=True):
        target = folder / name
        if args.check:
            current = target.read_text("utf-8") == text
            print(f"{target}: {'current' if current else 'out of date'}")
            status = status or (0 if current else 1)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target}: {text.count(chr(10))} lines")
    return status


if __name__ == "__main__":
    sys.exit(main())
