"""Internship support for vocational students: claims, their amounts and errors."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.domain.errors import N_, DomainError
from bot.domain.models import Model
from bot.domain.reminders import Fact

REASON_MAX = 300


class ClaimState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


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


class ClaimDraft(Model):
    """A claim being entered, one answer at a time."""

    step: str
    first_day: date | None = None
    last_day: date | None = None
    amount_cents: int | None = None
    claim: TransportClaim | None = None


# Euro and cents as people write them: "12", "12.5", "12.50" (no sign, no exponent).
_AMOUNT = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,2})?")


def parse_amount_cents(text: str, max_cents: int) -> int:
    """'12,50' or '12.50 €' as 1250 cents, within (0, max]; "1E+1000" is no amount."""
    raw = text.replace("€", "").replace("EUR", "").replace(" ", "").replace(",", ".")
    if not _AMOUNT.fullmatch(raw):
        raise InvalidAmount(max=f"{max_cents / 100:.2f}")
    cents = int(Decimal(raw) * 100)
    if cents <= 0 or cents > max_cents:
        raise InvalidAmount(max=f"{max_cents / 100:.2f}")
    return cents


class ClaimDecided(Fact):
    """A coordinator approved or returned a claim: to the student."""

    claim: TransportClaim
    pupil_name: str

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.claim.pupil_id,)


class InvalidAmount(DomainError):
    message = N_("Please write the amount in euro, for example 12.50 (at most {max}).")


class InvalidDates(DomainError):
    message = N_(
        "Please write the first and last day of the trips like 1.12-5.12, or one day like "
        "3.12. The days must be in the plan's period and not in the future."
    )


class ReasonNeeded(DomainError):
    message = N_("Please write the reason in a few words.")


class PhotoExpected(DomainError):
    message = N_("Please send a photo of the ticket.")


class AlreadyDecided(DomainError):
    message = N_("This claim was decided already.")
