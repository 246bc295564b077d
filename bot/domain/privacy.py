"""What the bot holds about a person (/me, the export) and who read a pupil's data."""

from __future__ import annotations

from datetime import date, datetime
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


class AlertRecord(Model):
    """An alert raised from the person's message (words of crisis, or "contact me"): when,
    the topic, and who at school took it."""

    kind: str
    category: str
    created_at: datetime
    taken_name: str = ""
    taken_at: datetime | None = None


class OfferRecord(Model):
    """A freed time offered to a place in line, and what became of it."""

    slot_starts_at: datetime
    state: str
    offered_at: datetime
    expires_at: datetime
    booking_id: int | None = None


class WaitlistRecord(Model):
    """A place in line for one measure, with the times that suit and the offers made."""

    pupil_name: str
    kind: str
    subject: str
    specialist_name: str = ""  # "" for any suitable specialist
    weekdays: int
    day_parts: int
    state: str
    queued_at: datetime
    ends_on: date
    closed_at: datetime | None = None
    end_reason: str | None = None
    offers: tuple[OfferRecord, ...] = ()


class SeriesRecord(Model):
    """Sessions booked together; each session is among the bookings with its series_id."""

    id: int
    pupil_name: str
    specialist_name: str
    kind: str
    subject: str
    every_weeks: int
    booked_by: int
    created_at: datetime


class CalendarCopyRecord(Model):
    """A calendar file with this session was given to the account: it gets its updates."""

    booking_id: int
    sent_at: datetime


class MealDeliveryRecord(Model):
    """One day's delivery of meals and what the caterer and the family marked."""

    pupil_id: int
    day: date
    state: str
    fail_reason: str
    receipt: str | None = None


class InternshipDayRecord(Model):
    """A day the student confirmed being on the internship."""

    pupil_id: int
    day: date
    confirmed_at: datetime
    provided_as: str
    allowance_cents: int | None = None


class BroadcastRecord(Model):
    """A message the coordinator sent to a school's parents or pupils."""

    school_id: str
    audience: str
    grade: int | None = None
    text: str
    created_at: datetime
    recipients: int


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
    parent typed among them), the series and places in line, the meal confirmations with
    address, phone and dietary note and each delivery, the claims and internship days,
    and who read the children's data. For anyone: what they wrote that alerted someone,
    their relayed conversations, the calendar files they were given, and (a coordinator)
    the messages they sent to families. ``storage/data_map/tables.py`` says which table
    goes where.
    """

    plans: tuple[SupportPlan, ...] = ()
    bookings: tuple[Booking, ...] = ()
    meals: tuple[MealSubscription, ...] = ()
    claims: tuple[TransportClaim, ...] = ()
    crisis_events: tuple[CrisisRecord, ...] = ()
    conversations: tuple[ConversationRecord, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()
    waitlist: tuple[WaitlistRecord, ...] = ()
    series: tuple[SeriesRecord, ...] = ()
    calendar_copies: tuple[CalendarCopyRecord, ...] = ()
    meal_deliveries: tuple[MealDeliveryRecord, ...] = ()
    internship_days: tuple[InternshipDayRecord, ...] = ()
    broadcasts: tuple[BroadcastRecord, ...] = ()
    reads: tuple[AuditRead, ...] = ()


class RetentionReport(Model):
    """What one nightly pass deleted or blanked, per kind."""

    free_text: int = 0
    reminders: int = 0
    audit_rows: int = 0
    crisis_events: int = 0
    care: int = 0
    waitlist: int = 0
    calendar_copies: int = 0
    broadcasts: int = 0
    accounts: int = 0
    codes: int = 0
    link_failures: int = 0

    @property
    def total(self) -> int:
        return sum(self.model_dump().values())


class PupilNotFound(DomainError):
    """A coordinator typed an id that is no pupil of their school's."""

    message = N_("There is no pupil with the id {pupil} in your school.")
