"""Buttons of internship support (is) and the coordinators' claims (cl)."""

from __future__ import annotations

from handlers.buttons import DAY, ID, Int, Route, Word

INTERNSHIP = Route("is", "menu")
FAMILY = Route("is", "family")  # a parent's view of their children's
TOGGLE_DAY = Route("is", "day", (DAY,))
NEW_CLAIM = Route("is", "claim")  # transport
NEW_ACCOMMODATION = Route("is", "stay")
CANCEL_CLAIM = Route("is", "cancel")

CLAIMS = Route("cl", "list")
APPROVE = Route("cl", "ok", (ID,))
RETURN = Route("cl", "ret", (ID,))  # asks the reason
TICKET = Route("cl", "pic", (ID,))
CANCEL_RETURN = Route("cl", "cancel")
PAY = Route("cl", "pay", (Int(0, 999),))  # a school (index of the actor's): pick the period
PAY_PERIOD = Route("cl", "payp", (Int(0, 999), Word(frozenset({"m0", "m1", "s0"}))))
PAY_AGAIN = Route("cl", "paya", (Int(0, 999),))
