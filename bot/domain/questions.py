"""Questions whose answer arrives as a plain message: one typed model per question.

An account has at most one open question (asking a new one replaces it, whichever
feature asked). The question is stored with its model's ``kind``, so a restart forgets
nothing, and the typed-answer handler routes an answer by the question's type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from bot.domain.admin import BroadcastDraft, SpecialistDraft
from bot.domain.internship import ClaimDraft
from bot.domain.meals import MealDraft
from bot.domain.models import Model


class BookingNote(Model):
    """The optional note for the specialist, while a pupil or parent books."""

    kind: Literal["booking_note"] = "booking_note"
    pupil_id: int
    measure_id: int
    slot_id: int
    draft: str = ""
    in_chat: bool = False  # an emotional-support session held here in the chat

    def is_for(self, pupil_id: int, measure_id: int, slot_id: int) -> bool:
        return (self.pupil_id, self.measure_id, self.slot_id) == (pupil_id, measure_id, slot_id)


class DeclineReason(Model):
    kind: Literal["decline_reason"] = "decline_reason"
    booking_id: int


class CancelReason(Model):
    """A specialist's reason for cancelling a confirmed session."""

    kind: Literal["cancel_reason"] = "cancel_reason"
    booking_id: int


class CallDetails(Model):
    """How the specialist will call instead of the video link."""

    kind: Literal["call_details"] = "call_details"
    booking_id: int


class WeeklyHours(Model):
    kind: Literal["weekly_hours"] = "weekly_hours"
    weekday: int
    specialist_id: int | None = None  # the school's record, for a person in several schools


class OneOffTime(Model):
    kind: Literal["one_off_time"] = "one_off_time"
    specialist_id: int | None = None


class RuleHours(Model):
    """New hours (and slot length) of one of the specialist's weekly hours."""

    kind: Literal["rule_hours"] = "rule_hours"
    rule_id: int


class RuleUntil(Model):
    """The last date of one of the specialist's weekly hours."""

    kind: Literal["rule_until"] = "rule_until"
    rule_id: int


class DayOff(Model):
    kind: Literal["day_off"] = "day_off"


class MealAnswer(Model):
    """A step of the family's meal confirmation (address, phone, note)."""

    kind: Literal["meal"] = "meal"
    draft: MealDraft


class ClaimAnswer(Model):
    """A step of a student's claim (dates, amount, the ticket's photo)."""

    kind: Literal["claim"] = "claim"
    draft: ClaimDraft


class AuditPupil(Model):
    """A school coordinator's pupil id, whose audit log they want to read."""

    kind: Literal["audit_pupil"] = "audit_pupil"


class ReturnReason(Model):
    """A coordinator's reason for returning a claim."""

    kind: Literal["return_reason"] = "return_reason"
    claim_id: int


class SpecialistAnswer(Model):
    """A step of a coordinator adding a specialist (name, subjects)."""

    kind: Literal["specialist"] = "specialist"
    draft: SpecialistDraft


class BroadcastAnswer(Model):
    """A coordinator's message to the school's families, then its confirmation."""

    kind: Literal["broadcast"] = "broadcast"
    draft: BroadcastDraft


class SeriesReason(Model):
    """A specialist's reason for declining (or cancelling) every coming session of a series."""

    kind: Literal["series_reason"] = "series_reason"
    series_id: int
    cancel: bool = False


Question = Annotated[
    BookingNote
    | DeclineReason
    | CancelReason
    | CallDetails
    | WeeklyHours
    | OneOffTime
    | RuleHours
    | RuleUntil
    | DayOff
    | MealAnswer
    | ClaimAnswer
    | ReturnReason
    | AuditPupil
    | SpecialistAnswer
    | BroadcastAnswer
    | SeriesReason,
    Field(discriminator="kind"),
]
QUESTION = TypeAdapter[Question](Question)


class OpenQuestion(Model):
    """A question as stored: what was asked, and until when the answer is taken."""

    question: Question
    until: datetime
