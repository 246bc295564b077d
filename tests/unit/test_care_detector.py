"""The crisis rules compile once, on a thread of their own while the bot starts."""

from __future__ import annotations

import threading
from typing import Any, cast

from bot.config import CareConfig
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
