"""The messages of the waiting list (an offer of a freed time) and of series."""

from __future__ import annotations

from bot.domain.series import SeriesNotice
from bot.domain.waitlist import SlotOffered
from handlers.consultations.series import series_notice
from handlers.consultations.waitlist import slot_offered
from handlers.sender import Renderers


def register(renderers: Renderers) -> None:
    renderers.register(SlotOffered, slot_offered)
    renderers.register(SeriesNotice, series_notice)
