"""Care for a pupil in crisis: alerts that climb until someone takes them, and relayed chats.

An alert goes first to the school's on-duty specialists, then to its coordinators, then to
the region's coordinators, one level every few minutes until someone presses "I'm on it".
A conversation can then be held in the chat, relayed by the bot, so that neither side sees
the other's Telegram account; its messages are passed on and never stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum

from bot.domain.errors import N_, DomainError
from bot.domain.models import Model, Role
from bot.domain.reminders import Fact


class AlertKind(StrEnum):
    CRISIS = "crisis"  # words of crisis in a message
    CONTACT = "contact"  # "ask someone at school to contact me"


class Level(IntEnum):
    """Who an alert is with; it climbs while nobody takes it."""

    ON_DUTY = 0  # the school's on-duty specialists
    SCHOOL = 1  # the school's coordinators
    REGION = 2  # the region's coordinators


class CareAlert(Model):
    id: int
    kind: AlertKind
    telegram_id: int  # who wrote (0 once the account was erased)
    writer_role: Role
    school_id: str
    pupil_ids: tuple[int, ...]
    about: str  # "self", or "other": the writer wrote about somebody else
    category: str
    level: Level
    created_at: datetime
    escalate_at: datetime | None
    taken_by: int | None
    taken_name: str
    taken_at: datetime | None

    @property
    def taken(self) -> bool:
        return self.taken_at is not None


class RelaySession(Model):
    """A conversation relayed between a pupil (or parent) and a member of staff."""

    id: int
    person_chat: int
    person_role: Role
    person_name: str
    staff_chat: int
    staff_name: str
    booking_id: int | None
    alert_id: int | None
    opened_at: datetime
    closes_at: datetime
    ended_at: datetime | None

    def other_chat(self, chat_id: int) -> int:
        """The chat on the other side of ``chat_id``."""
        return self.staff_chat if chat_id == self.person_chat else self.person_chat

    def name_of(self, chat_id: int) -> str:
        """The name ``chat_id``'s side is shown by."""
        return self.person_name if chat_id == self.person_chat else self.staff_name


class Relayed(Model):
    """What a relayed message became: where it goes and under which name."""

    to_chat: int
    from_name: str
    session: RelaySession


# --- facts of care's messages ----------------------------------------------------------


class CrisisAlert(Fact):
    """An alert, for one member of staff: who wrote, about whom, where, and whether taken.

    Names are read when the alert is sent, never stored with it; the message itself is
    never stored at all.
    """

    alert_id: int
    kind: AlertKind
    at: datetime
    level: Level
    category: str
    about: str
    writer_role: Role
    writer_name: str
    pupil_names: tuple[str, ...]
    school_name: str
    taken_name: str = ""


class AlertTaken(Fact):
    """Somebody else took an alert this member of staff also got."""

    alert_id: int
    taken_name: str
    pupil_names: tuple[str, ...]


class RelayOpened(Fact):
    """A relayed conversation opened: told to the side that did not open it."""

    session_id: int
    other_name: str  # the name the other side is shown by
    for_staff: bool


class RelayEnded(Fact):
    session_id: int
    other_name: str


# --- errors ------------------------------------------------------------------------------


class AlreadyTaken(DomainError):
    """Somebody pressed "I'm on it" first: ``name`` at ``at``."""

    message = N_("{name} is already on it (since {at}).")


class ChatNotOpen(DomainError):
    message = N_("The conversation opens {minutes} minutes before the session.")


class ChatEnded(DomainError):
    message = N_("This conversation has ended.")


class OnlyText(DomainError):
    message = N_("Only text can be passed on in this conversation. Please write it in words.")
