"""Buttons of meals at home (ml), the caterer (ct) and the coordinators' figures (mf)."""

from __future__ import annotations

from bot.domain.meals import WEEKDAYS, FailReason
from handlers.buttons import DAY, ID, Choice, Route, Word

MEALS = Route("ml", "menu")
CHILD = Route("ml", "child", (ID,))
START = Route("ml", "start", (ID,))
TOGGLE_DAY = Route("ml", "day", (ID, Word(frozenset(WEEKDAYS))))
NEXT = Route("ml", "next", (ID, Word(frozenset({"days", "note"}))))
KEEP = Route("ml", "keep", (ID, Word(frozenset({"address", "phone"}))))
CONSENT = Route("ml", "ok", (ID,))
CANCEL = Route("ml", "cancel", (ID,))
PAUSE = Route("ml", "pause", (ID,))
RESUME = Route("ml", "resume", (ID,))
STOP = Route("ml", "stop", (ID,))
STOP_OK = Route("ml", "stop_ok", (ID,))
RECEIVED = Route("ml", "rcv", (ID,))
NOT_RECEIVED = Route("ml", "nrcv", (ID,))

CATERER_TODAY = Route("ct", "day")
CATERER_DAY = Route("ct", "day", (DAY,))
DELIVERED = Route("ct", "ok", (ID,))
FAILED = Route("ct", "fail", (ID,))  # asks why
FAILED_BECAUSE = Route("ct", "why", (ID, Choice(FailReason)))
CATERER_CSV = Route("ct", "csv", (ID, DAY))

FIGURES = Route("mf", "show")
FIGURES_CSV = Route("mf", "csv")
