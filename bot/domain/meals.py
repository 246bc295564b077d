"""Meals delivered home and internship support: models, input rules and domain errors."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from bot.domain.eligibility import Reason
from bot.domain.errors import N_, DomainError
from bot.domain.models import Model

ADDRESS_MIN = 5
ADDRESS_MAX = 300
NOTE_MAX = 200
REASON_MAX = 300
WEEKDAYS = "1234567"  # ISO: 1 = Monday


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class DeliveryState(StrEnum):
    PLANNED = "planned"
    DELIVERED = "delivered"
    FAILED = "failed"


class Receipt(StrEnum):
    RECEIVED = "received"
    NOT_RECEIVED = "not_received"


class FailReason(StrEnum):
    NOBODY_HOME = "nobody_home"
    WRONG_ADDRESS = "wrong_address"
    NO_ACCESS = "no_access"
    OTHER = "other"


class ClaimState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Caterer(Model):
    id: int
    external_id: str
    display_name: str
    delivery_days: str
    cutoff_time: str
    delivery_time: str
    school_ids: tuple[str, ...] = ()


class MealSubscription(Model):
    id: int
    pupil_id: int
    address: str
    phone: str
    days: str
    dietary_note: str
    consent_at: datetime
    state: SubscriptionState
    created_by: int


class Delivery(Model):
    """One day's delivery, with what the caterer and the family need to see."""

    id: int
    subscription_id: int
    caterer_id: int
    school_id: str
    day: date
    state: DeliveryState
    fail_reason: str
    receipt: Receipt | None
    pupil_id: int
    pupil_name: str
    address: str
    phone: str
    dietary_note: str
    created_by: int


class MealDraft(Model):
    """What the family has entered so far; kept in the database until consent."""

    pupil_id: int
    step: str
    address: str = ""
    phone: str = ""
    days: str = ""
    dietary_note: str = ""


class TransportClaim(Model):
    id: int
    pupil_id: int
    pupil_name: str = ""
    school_id: str
    first_day: date
    last_day: date
    amount_cents: int
    ticket_file_id: str
    state: ClaimState
    reason: str
    submitted_by: int


class WeekFigures(Model):
    school_id: str
    week: str
    eligible: int
    confirmed: int
    delivered: int
    failed: int
    not_received: int


# --- input rules ----------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalize_phone(text: str) -> str:
    """A Latvian phone number as ``+371XXXXXXXX``; :class:`InvalidPhone` otherwise."""
    raw = _PHONE_SEPARATORS.sub("", text.strip())
    if raw.startswith("00371"):
        raw = "+" + raw[2:]
    if raw.startswith("+371"):
        digits = raw[4:]
        if len(digits) == 8 and digits.isascii() and digits.isdigit():
            return "+371" + digits
    elif len(raw) == 8 and raw.isascii() and raw.isdigit() and raw[0] in "26":
        return "+371" + raw
    raise InvalidPhone()


def clean_address(text: str) -> str:
    address = " ".join(_CONTROL.sub(" ", text).split())
    if len(address) > ADDRESS_MAX:
        raise TextTooLong(ADDRESS_MAX, len(address))
    if len(address) < ADDRESS_MIN:
        raise AddressTooShort()
    return address


def clean_note(text: str, limit: int = NOTE_MAX) -> str:
    note = " ".join(_CONTROL.sub(" ", text).split())
    if len(note) > limit:
        raise TextTooLong(limit, len(note))
    return note


def parse_amount_cents(text: str, max_cents: int) -> int:
    """'12,50' or '12.50 €' as 1250 cents, within (0, max]."""
    raw = text.replace("€", "").replace("EUR", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidAmount(max_cents) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise InvalidAmount(max_cents)
    cents = int(value * 100)
    if cents <= 0 or cents > max_cents:
        raise InvalidAmount(max_cents)
    return cents


def parse_day(text: str, year: int) -> date:
    """'3.12', '03.12.2026' or '2026-12-03' as a date; ``ValueError`` otherwise."""
    text = text.strip().rstrip(".")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?", text)
    if match is None:
        raise ValueError(text)
    day, month, full_year = match.groups()
    return date(int(full_year or year), int(month), int(day))


# --- domain errors --------------------------------------------------------------------


class NotEligible(DomainError):
    """The pupil may not get the measure; the handler lists the reasons."""

    message = N_("Not eligible.")

    def __init__(self, reasons: tuple[Reason, ...]) -> None:
        super().__init__(reasons)
        self.reasons = reasons


class InvalidPhone(DomainError):
    message = N_(
        "That is not a Latvian phone number. Please write 8 digits starting with 2 or 6, "
        "for example 26123456, or with +371 in front."
    )


class TextTooLong(DomainError):
    message = N_("That is too long: {length} characters. Please keep it under {limit}.")

    def __init__(self, limit: int, length: int) -> None:
        super().__init__(limit, length)
        self.limit, self.length = limit, length

    def values(self) -> dict[str, Any]:
        return {"limit": self.limit, "length": self.length}


class AddressTooShort(DomainError):
    message = N_("Please write the full address: street, house, flat and town.")


class TextExpected(DomainError):
    message = N_("I am waiting for a text message here. Please type your answer.")


class PhotoExpected(DomainError):
    message = N_("Please send a photo of the ticket.")


class NoDaysChosen(DomainError):
    message = N_("Please choose at least one day.")


class NoCaterer(DomainError):
    message = N_(
        "The school has no caterer for home delivery registered yet. "
        "Please ask the school's PuMPuRS coordinator."
    )


class NotSubscribed(DomainError):
    message = N_("There is no confirmed meal delivery for this child.")


class AlreadyMarked(DomainError):
    message = N_("This delivery was marked already.")


class InvalidAmount(DomainError):
    message = N_("Please write the amount in euro, for example 12.50 (at most {max}).")

    def __init__(self, max_cents: int) -> None:
        super().__init__(max_cents)
        self.max_cents = max_cents

    def values(self) -> dict[str, Any]:
        return {"max": f"{self.max_cents / 100:.2f}"}


class InvalidDates(DomainError):
    message = N_(
        "Please write the first and last day of the trips like 1.12-5.12, or one day like "
        "3.12. The days must be in the plan's period and not in the future."
    )


class ReasonNeeded(DomainError):
    message = N_("Please write the reason in a few words.")


class ClaimDecided(DomainError):
    message = N_("This claim was decided already.")
