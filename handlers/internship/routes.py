"""Buttons of internship support (is) and the coordinators' claims (cl)."""

from __future__ import annotations

from handlers.buttons import DAY, ID, Route

INTERNSHIP = Route("is", "menu")
TOGGLE_DAY = Route("is", "day", (DAY,))
NEW_CLAIM = Route("is", "claim")
CANCEL_CLAIM = Route("is", "cancel")

CLAIMS = Route("cl", "list")
APPROVE = Route("cl", "ok", (ID,))
RETURN = Route("cl", "ret", (ID,))  # asks the reason
TICKET = Route("cl", "pic", (ID,))
CANCEL_RETURN = Route("cl", "cancel")
