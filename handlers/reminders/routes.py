"""Buttons of /settings (rs)."""

from __future__ import annotations

from bot.domain.reminders import ReminderKind
from handlers.buttons import Choice, Int, Route

SETTINGS = Route("rs", "show")
TOGGLE_OFFSET = Route("rs", "off", (Int(1, 7 * 24 * 60),))
TOGGLE_KIND = Route("rs", "kind", (Choice(ReminderKind),))
