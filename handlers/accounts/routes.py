"""Buttons of the first screens: the language, /me, the plan."""

from __future__ import annotations

from bot.domain.models import LANGUAGES
from handlers.buttons import Route, Word

LANGUAGE_MENU = Route("lang", "menu")
SET_LANGUAGE = Route("lang", "set", (Word(frozenset(LANGUAGES)),))
ME = Route("me", "show")
EXPORT = Route("me", "export")
ERASE = Route("me", "erase")
ERASE_OK = Route("me", "erase_ok")
PLAN = Route("plan", "show")
PUPIL_AUDIT = Route("au", "ask")  # a school coordinator: who read a pupil's data
