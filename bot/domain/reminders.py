"""Scheduled messages: their kinds, one typed payload per kind, and the facts they carry.

A reminder row is planned by a service in the transaction of the change that causes it.
At send time the feature that planned it loads a :class:`Fact` from the payload (the
booking as it is now, the day's deliveries, ...) or None when there is nothing to say any
more; the Telegram side turns the fact into words in the recipient's language.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import ValidationError

from bot.domain.models import Model, Role


class ReminderKind(StrEnum):
    SESSION = "session"  # before a session (one row per offset: ``session:<minutes>``)
    EVIDENCE = "evidence"  # "did the session take place?"
    EVIDENCE_AGAIN = "evidence_again"
    AGENDA = "agenda"  # a specialist's sessions of the day, in the morning
    NOTICE = "notice"  # a booking changed: told to its other parties
    CRISIS_ALERT = "crisis_alert"  # an alert to a member of staff, with "I'm on it"
    ALERT_TAKEN = "alert_taken"  # somebody else took an alert this person also got
    RELAY_OPENED = "relay_opened"  # a relayed conversation opened: to the other side
    RELAY_ENDED = "relay_ended"
    MEAL_TOMORROW = "meal_tomorrow"
    MEAL_CONFIRM = "meal_confirm"  # "did the meal come?"
    CATERER_LIST = "caterer_list"
    MEAL_NOT_RECEIVED = "meal_not_received"
    CLAIM_DECIDED = "claim_decided"
    LATE_CANCEL = "late_cancel"  # a specialist cancelled past the cut-off: to coordinators
    CLAIM_SUBMITTED = "claim_submitted"  # a new internship claim, to the school coordinators
    WEEKLY_DIGEST = "weekly_digest"  # last week's figures, to every coordinator
    SUPPORT_NUDGE = "support_nudge"  # "your plan's consultations are waiting for you"
    BROADCAST = "broadcast"  # a coordinator's message to the school's families
    CALENDAR = "calendar"  # a changed session, as an .ics file, to whoever holds one
    WAITLIST_OFFER = "waitlist_offer"  # a freed time held for a place in line
    SERIES_NOTICE = "series_notice"  # several sessions of a series changed at once


class ReminderState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# --- payloads: what a row remembers, ids only (names are read at send time) -------------


class Payload(Model):
    """The typed payload of a reminder kind; stored as JSON."""


class BookingPayload(Payload):
    booking_id: int


class NoticePayload(Payload):
    booking_id: int
    event: str  # a BookingEvent value (kept a plain string so old rows stay readable)


class AgendaPayload(Payload):
    specialist_id: int
    day: date


class AlertPayload(Payload):
    alert_id: int


class RelayPayload(Payload):
    session_id: int


class DeliveryPayload(Payload):
    delivery_id: int


class CatererListPayload(Payload):
    caterer_id: int
    day: date


class ClaimPayload(Payload):
    claim_id: int


class LateCancelPayload(Payload):
    booking_id: int
    hours: int  # how long before the start the session was cancelled


class DigestPayload(Payload):
    week: str  # the ISO week the digest is about, e.g. 2026-W49


class NudgePayload(Payload):
    pupil_id: int


class BroadcastPayload(Payload):
    broadcast_id: int


class CalendarPayload(Payload):
    booking_id: int
    sequence: int  # the event's version this file carries (a later one supersedes it)


class OfferPayload(Payload):
    offer_id: int


class SeriesPayload(Payload):
    series_id: int
    event: str  # a BookingEvent value
    booking_ids: tuple[int, ...]  # the sessions it is about


PAYLOADS: dict[ReminderKind, type[Payload]] = {
    ReminderKind.SESSION: BookingPayload,
    ReminderKind.EVIDENCE: BookingPayload,
    ReminderKind.EVIDENCE_AGAIN: BookingPayload,
    ReminderKind.AGENDA: AgendaPayload,
    ReminderKind.NOTICE: NoticePayload,
    ReminderKind.CRISIS_ALERT: AlertPayload,
    ReminderKind.ALERT_TAKEN: AlertPayload,
    ReminderKind.RELAY_OPENED: RelayPayload,
    ReminderKind.RELAY_ENDED: RelayPayload,
    ReminderKind.MEAL_TOMORROW: DeliveryPayload,
    ReminderKind.MEAL_CONFIRM: DeliveryPayload,
    ReminderKind.CATERER_LIST: CatererListPayload,
    ReminderKind.MEAL_NOT_RECEIVED: DeliveryPayload,
    ReminderKind.CLAIM_DECIDED: ClaimPayload,
    ReminderKind.LATE_CANCEL: LateCancelPayload,
    ReminderKind.CLAIM_SUBMITTED: ClaimPayload,
    ReminderKind.WEEKLY_DIGEST: DigestPayload,
    ReminderKind.SUPPORT_NUDGE: NudgePayload,
    ReminderKind.BROADCAST: BroadcastPayload,
    ReminderKind.CALENDAR: CalendarPayload,
    ReminderKind.WAITLIST_OFFER: OfferPayload,
    ReminderKind.SERIES_NOTICE: SeriesPayload,
}


def parse_kind(text: str) -> tuple[ReminderKind, int | None] | None:
    """``session:120`` -> (SESSION, 120); None for a kind this version does not know."""
    base, _, variant = text.partition(":")
    try:
        kind = ReminderKind(base)
    except ValueError:
        return None
    return kind, int(variant) if variant.isdigit() else None


def parse_payload(kind: ReminderKind, data: object) -> Payload | None:
    """The kind's payload model, or None if the stored JSON does not fit it."""
    try:
        return PAYLOADS[kind].model_validate(data)
    except ValidationError:
        return None


class Planned(Model):
    """A message to plan: to whom, of which kind, about what (``ref``), when."""

    chat_id: int
    role: Role
    kind: ReminderKind
    ref: str
    due_at: datetime
    payload: Payload
    event_at: datetime | None = None
    not_after: datetime | None = None
    variant: int | None = None  # minutes before the event, for offset reminders
    urgent: bool = False  # never held by quiet hours (an alert, a conversation opening)

    @property
    def kind_text(self) -> str:
        return f"{self.kind.value}:{self.variant}" if self.variant is not None else self.kind


class Reminder(Model):
    """One scheduled message as stored; ``payload`` is None if it no longer parses."""

    id: int
    chat_id: int
    role: Role
    kind: ReminderKind
    variant: int | None
    ref: str
    due_at: datetime
    event_at: datetime | None
    not_after: datetime | None
    payload: Payload | None
    state: ReminderState
    attempts: int
    urgent: bool = False

    @property
    def kind_text(self) -> str:
        """As stored: ``session:120`` for a reminder 120 minutes before a session."""
        return f"{self.kind.value}:{self.variant}" if self.variant is not None else self.kind


class Fact(Model):
    """What a due reminder is about, as it stands at send time: words come later."""

    def pupils_shown(self) -> tuple[int, ...]:
        """The pupils whose data the message shows: once it is sent to someone other than
        the pupil, the dispatcher writes the read to the audit log. None by default."""
        return ()


class Recipient(Model):
    """Someone a message goes to, with what the words depend on."""

    chat_id: int
    role: Role
    language: str | None = None
    telegram_language: str | None = None
    # Their chosen minutes before a session, when read together with them
    # (``offsets_read``): planning then needs no query of its own.
    chosen_offsets: tuple[int, ...] | None = None
    offsets_read: bool = False
