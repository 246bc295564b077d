"""The crisis rules compile once, on a thread of their own while the bot starts, and are
kept in a file for the next start."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from bot.config import CareConfig
from bot.domain.crisis import RuleSet, compiled
from bot.services.care.care import CareService


def _care(config: CareConfig) -> CareService:
    # Only the config is read to compile the rules; the rest is never touched here.
    unused = cast(Any, None)
    return CareService(unused, unused, config, unused, unused)


def test_the_rules_compile_once_whoever_asks_first() -> None:
    care = _care(CareConfig.model_validate({"extra_words": {"suicide": {"en": ["zorbleflox"]}}}))
    thread = care.compile_in_background()
    asked: list[object] = []
    readers = [threading.Thread(target=lambda: asked.append(care.detector)) for _ in range(4)]
    for reader in readers:
        reader.start()
    first = care.detector  # waits for the thread if it is still compiling
    thread.join(timeout=30)
    for reader in readers:
        reader.join(timeout=30)
    assert not thread.is_alive()
    assert all(detector is first for detector in asked) and len(asked) == 4
    assert care.detector is first
    # The config's own words are in force: the rules compiled are these, not a default.
    found = first.detect("zorbleflox")
    assert found is not None and found.rule == "terms.suicide"


@pytest.fixture
def fresh_process() -> Iterator[None]:
    """As if in a new process: nothing compiled yet in memory."""
    compiled._COMPILED.clear()
    yield
    compiled._COMPILED.clear()


def _extra(word: str) -> CareConfig:
    return CareConfig.model_validate({"extra_words": {"suicide": {"en": [word]}}})


def test_the_compiled_rules_are_kept_for_the_next_start(
    tmp_path: Path, fresh_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "bot.sqlite3.crisis-rules"
    config = _extra("zorbleflox")
    first = compiled.cached_detector(
        config.rules_source(), config.word_lists, learned=False, cache_file=cache
    )
    assert cache.exists()
    compiled._COMPILED.clear()  # the next start

    def never() -> RuleSet:
        raise AssertionError("compiled again although the file holds these rules")

    again = compiled.cached_detector(config.rules_source(), never, learned=False, cache_file=cache)
    for text in ("zorbleflox", "gribu nomirt", "hochu umeret", "he said he'll kill me", "pica"):
        before, after = first.detect(text), again.detect(text)
        assert (before and before.model_dump()) == (after and after.model_dump()), text
    found = again.detect("zorbleflox")
    assert found is not None and found.rule == "terms.suicide"


def test_other_rules_or_a_broken_file_are_compiled_again(
    tmp_path: Path, fresh_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "bot.sqlite3.crisis-rules"
    old = _extra("zorbleflox")
    compiled.cached_detector(old.rules_source(), old.word_lists, learned=False, cache_file=cache)
    compiled._COMPILED.clear()
    # Other extra words: another key; the file's rules are not used.
    new = _extra("quuxintent")
    detector = compiled.cached_detector(
        new.rules_source(), new.word_lists, learned=False, cache_file=cache
    )
    assert detector.detect("quuxintent") is not None
    assert detector.detect("zorbleflox") is None
    compiled._COMPILED.clear()
    # A file cut short or overwritten: compiled again, said in the log, written anew.
    for broken in (cache.read_bytes()[:1000], b"not marshal at all"):
        cache.write_bytes(broken)
        compiled._COMPILED.clear()
        detector = compiled.cached_detector(
            new.rules_source(), new.word_lists, learned=False, cache_file=cache
        )
        assert detector.detect("quuxintent") is not None
    assert "compiling them again" in caplog.text
    assert "quuxintent" not in caplog.text and "zorbleflox" not in caplog.text


def test_a_folder_that_cannot_be_written_only_costs_the_next_start(
    tmp_path: Path, fresh_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "missing" / "bot.sqlite3.crisis-rules"  # no such folder
    config = _extra("zorbleflox")
    detector = compiled.cached_detector(
        config.rules_source(), config.word_lists, learned=False, cache_file=cache
    )
    assert detector.detect("zorbleflox") is not None
    assert "cannot be written" in caplog.text
    assert not list(tmp_path.rglob("*.tmp"))
