"""The crisis rules compiled once, and kept in a file so that the next start is quick.

Compiling the rules takes about half a second (reading ``rules.toml``, every form of every
word, the tables); the bot does it at every start. The result is kept in a file next to
the database (``<database>.crisis-rules``), under a key made of everything that decides
it: this package's code and tables, the Python version, and the rules' source (the
shipped file, or the config's ``words_file`` and ``extra_words``). A key that differs, a
file that cannot be read or is not what it should be: the rules are compiled again and
the file written anew. Nothing of a message is ever in it, only words of the rules.

The file is read with :mod:`marshal` (plain tuples, dicts and texts; no code is run).
The typo index is not in it: it holds hashes, which differ from process to process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.domain.crisis.detector import CrisisDetector, compile_lexicon
from bot.domain.crisis.forms import shipped_near_words
from bot.domain.crisis.lexicon import Lexicon
from bot.domain.crisis.model import RuleSet

log = logging.getLogger(__name__)

# Every file of this package that decides what the compiled tables hold.
_SOURCES = (
    "compiled.py", "detector.py", "forms.py", "lexicon.py", "model.py", "rules.py",
    "text.py", "typos.py", "rules.toml", "forms.tsv", "near_words.txt",
)  # fmt: skip

# In this process, per key: tests and tools make many detectors of the same rules.
_COMPILED: dict[str, tuple[RuleSet, Lexicon]] = {}
_LOCK = threading.Lock()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.sha256(sys.version.encode())
    folder = Path(__file__).parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return digest.hexdigest()


def cached_detector(
    source: str,
    make_rules: Callable[[], RuleSet],
    *,
    learned: bool,
    cache_file: Path | None,
) -> CrisisDetector:
    """A detector of the rules ``make_rules`` gives, compiled or read from ``cache_file``.

    ``source`` must name everything ``make_rules`` reads besides the shipped files (the
    text of a words file, the extra words): two sources that differ, two keys.
    """
    key = hashlib.sha256(f"{_code_digest()}\0{source}".encode()).hexdigest()
    with _LOCK:
        found = _COMPILED.get(key)
        if found is None and cache_file is not None:
            found = _read(cache_file, key)
        if found is None:
            rules = make_rules()
            found = (rules, compile_lexicon(rules))
            if cache_file is not None:
                _write(cache_file, key, found)
        if len(_COMPILED) >= 4:
            _COMPILED.clear()
        _COMPILED[key] = found
    rules, lexicon = found
    return CrisisDetector(rules, learned=learned, lexicon=lexicon)


def _read(path: Path, key: str) -> tuple[RuleSet, Lexicon] | None:
    try:
        # The bot's own file in its data folder: whoever can write it can change the
        # database beside it too. Nothing read is ever run; its shape is checked.
        data = marshal.loads(path.read_bytes())  # noqa: S302
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError) as exc:
        log.warning("crisis rules: %s cannot be read (%s); compiling them again", path, exc)
        return None
    if not (isinstance(data, tuple) and len(data) == 3 and data[0] == key):
        return None  # other rules or another version of the code: compiled again
    try:
        if not isinstance(data[1], str):
            raise ValueError("no rules")
        return RuleSet.model_validate_json(data[1]), Lexicon.from_state(
            data[2], shipped_near_words()
        )
    except ValueError as exc:  # pydantic's ValidationError is one
        log.warning("crisis rules: %s is not as expected (%s); compiling them again", path, exc)
        return None


def _write(path: Path, key: str, compiled: tuple[RuleSet, Lexicon]) -> None:
    rules, lexicon = compiled
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        payload: Any = (key, rules.model_dump_json(), lexicon.state())  # plain containers
        temporary.write_bytes(marshal.dumps(payload))
        os.replace(temporary, path)  # whole or not at all, even if two processes write
    except OSError as exc:
        log.warning("crisis rules: %s cannot be written (%s); next start compiles again", path, exc)
        temporary.unlink(missing_ok=True)
