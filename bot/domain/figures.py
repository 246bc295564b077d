"""Figures for coordinators and the funder: counts only, never names or texts."""

from __future__ import annotations

from bot.domain.models import Model


class WeekFigures(Model):
    """Meals at home in one school and ISO week."""

    school_id: str
    week: str
    eligible: int
    confirmed: int
    delivered: int
    failed: int
    not_received: int
