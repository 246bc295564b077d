"""What the bot holds about a person (/me, the export) and who read a pupil's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from bot.domain.actor import Actor
from bot.domain.consultations import Booking
from bot.domain.errors import N_, DomainError
from bot.domain.internship import TransportClaim
from bot.domain.meals import MealSubscription
from bot.domain.models import Model, Pupil, Role, SupportPlan


class MyData(Model):
    """What /me shows: the account, its links and children, settings, messages planned."""

    account: Actor
    children: tuple[str, ...] = ()
    settings: dict[str, Any] = Field(default_factory=dict)
    scheduled_messages: int = 0


class CrisisRecord(Model):
    """That words of crisis were seen in one of the person's messages: when and which
    list matched. The message itself was never stored."""

    at: datetime
    category: str


class ConversationRecord(Model):
    """A conversation relayed by the bot: with whom and when. Its messages were never stored."""

    with_name: str
    opened_at: datetime
    ended_at: datetime | None
    booking_id: int | None = None


class AuditRead(Model):
    """One read of a pupil's data by someone other than the pupil, as the audit log has it.

    ``reader_role`` and ``reader_name`` are the reader's link as it stands now (empty if
    the reader's account was erased since); the Telegram id is for the administrator's
    command only and is left out of what families see.
    """

    at: datetime
    action: str
    pupil_id: int
    reader_role: Role | None = None
    reader_name: str = ""
    reader_telegram_id: int | None = None


class PupilAudit(Model):
    """Who read one pupil's data, newest first."""

    pupil: Pupil
    reads: tuple[AuditRead, ...]


class MyExport(MyData):
    """Everything the bot holds about the person, for the JSON export (GDPR art. 15, 20).

    For a parent, their children's: the plans, the sessions with their notes (what the
    parent typed among them), the meal confirmations with address, phone and dietary note,
    the claims, and who read the children's data.
    """

    plans: tuple[SupportPlan, ...] = ()
    bookings: tuple[Booking, ...] = ()
    meals: tuple[MealSubscription, ...] = ()
    claims: tuple[TransportClaim, ...] = ()
    crisis_events: tuple[CrisisRecord, ...] = ()
    conversations: tuple[ConversationRecord, ...] = ()
    reads: tuple[AuditRead, ...] = ()


class RetentionReport(Model):
    """What one nightly pass deleted or blanked, per kind."""

    free_text: int = 0
    reminders: int = 0
    audit_rows: int = 0
    crisis_events: int = 0
    accounts: int = 0
    codes: int = 0
    link_failures: int = 0

    @property
    def total(self) -> int:
        return sum(self.model_dump().values())


class PupilNotFound(DomainError):
    """A coordinator typed an id that is no pupil of their school's."""

    message = N_("There is no pupil with the id {pupil} in your school.")
