"""Care for a pupil who writes words of crisis: the facts the school is told."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Role
from bot.domain.reminders import Fact


class CrisisAlert(Fact):
    """A pupil or parent wrote words of crisis: to the school's on-duty staff.

    Names are read when the alert is sent, never stored with it; the message itself is
    never stored at all.
    """

    event_id: int
    at: datetime
    category: str
    writer_role: Role
    writer_name: str
    pupil_names: tuple[str, ...]
    school_name: str
