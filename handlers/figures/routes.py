"""Buttons of the coordinators' figures (fg).

A scope is ``s`` (one of the actor's readable schools) or ``r`` (one of their regions)
with its index in the actor's list, never a free-text id; a period is one of
:data:`~bot.domain.figures.RELATIVE`, counted back from today.
"""

from __future__ import annotations

from bot.domain.figures import RELATIVE
from handlers.buttons import PAGE, Int, Route, Word

SCOPE = Word(frozenset({"s", "r"}))
INDEX = Int(0, 999)
PERIOD = Word(frozenset(RELATIVE))

HOME = Route("fg", "home")
SHOW = Route("fg", "show", (SCOPE, INDEX, PERIOD))
CHART = Route("fg", "png", (SCOPE, INDEX, PERIOD))
SHEET = Route("fg", "xlsx", (SCOPE, INDEX, PERIOD))
SCHOOLS = Route("fg", "sch", (INDEX, PERIOD, PAGE))  # the schools of a region, to open one
NOT_USED = Route("fg", "idle", (INDEX, PERIOD))
REMIND = Route("fg", "nudge", (INDEX, PERIOD))
