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


class ClaimKind(StrEnum):
    TRANSPORT = "transport"  # tickets of the trips to the internship
    ACCOMMODATION = "accommodation"  # a place to stay near the internship


class Claim(Model):
    """A transport or accommodation claim; ``ticket_file_id`` is the ticket's or the
    receipt's photo."""

    id: int
    pupil_id: int
    pupil_name: str = ""
    school_id: str
    kind: ClaimKind = ClaimKind.TRANSPORT
    first_day: date
    last_day: date
    amount_cents: int
    ticket_file_id: str
    state: ClaimState
    reason: str
    submitted_by: int
    exported: bool = False  # put in a payment file


TransportClaim = Claim  # the name before accommodation claims existed


class ClaimDraft(Model):
    """A claim being entered, one answer at a time."""

    step: str
    kind: ClaimKind = ClaimKind.TRANSPORT
    first_day: date | None = None
    last_day: date | None = None
    amount_cents: int | None = None
    claim: Claim | None = None


class InternshipMeal(Model):
    """A student's internship day whose meal the school's caterer provides."""

    pupil_id: int
    pupil_name: str
    school_id: str
    day: date


class PaymentRow(Model):
    """One line of a payment file: a claim, or a student's meal allowance days."""

    kind: str  # transport, accommodation or meal_allowance
    pupil_external_id: str
    pupil_name: str
    first_day: date
    last_day: date
    days: int
    amount_cents: int
    claim_id: int | None = None


class PaymentExport(Model):
    """A school's payment file: everything in it is marked paid, never paid twice."""

    id: int
    school_id: str
    first_day: date
    last_day: date
    rows: tuple[PaymentRow, ...]

    @property
    def total_cents(self) -> int:
        return sum(row.amount_cents for row in self.rows)


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

    claim: Claim
    pupil_name: str

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.claim.pupil_id,)


class ClaimSubmitted(Fact):
    """A student sent a claim: to the school's coordinators."""

    claim: Claim


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


class ReceiptExpected(DomainError):
    message = N_("Please send a photo of the receipt.")


class AlreadyDecided(DomainError):
    message = N_("This claim was decided already.")


class TooLateForMeal(DomainError):
    message = N_("The caterer has fixed the meals of {day} already; it can no longer be changed.")


class NothingToPay(DomainError):
    message = N_("No approved claims or allowance days are waiting to be paid in this period.")
