"""Meals delivered home: subscriptions, deliveries, the family's answers, and their errors."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from bot.domain.eligibility import Reason
from bot.domain.errors import N_, DomainError, TextTooLong
from bot.domain.internship import InternshipMeal
from bot.domain.models import Model
from bot.domain.reminders import Fact

ADDRESS_MIN = 5
ADDRESS_MAX = 300
NOTE_MAX = 200
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
        raise TextTooLong(limit=ADDRESS_MAX, length=len(address))
    if len(address) < ADDRESS_MIN:
        raise AddressTooShort()
    return address


def clean_note(text: str, limit: int = NOTE_MAX) -> str:
    note = " ".join(_CONTROL.sub(" ", text).split())
    if len(note) > limit:
        raise TextTooLong(limit=limit, length=len(note))
    return note


# --- domain errors --------------------------------------------------------------------


class NotEligible(DomainError):
    """The pupil may not get the measure; the handler lists the reasons."""

    message = N_("Not eligible.")

    @property
    def reasons(self) -> tuple[Reason, ...]:
        found = self.values.get("reasons", ())
        return tuple(found) if isinstance(found, tuple) else ()


class InvalidPhone(DomainError):
    message = N_(
        "That is not a Latvian phone number. Please write 8 digits starting with 2 or 6, "
        "for example 26123456, or with +371 in front."
    )


class AddressTooShort(DomainError):
    message = N_("Please write the full address: street, house, flat and town.")


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


class TooEarly(DomainError):
    message = N_("This delivery is not due yet; it can be marked on its day.")


# --- facts of the meals' reminders ----------------------------------------------------


class _AboutDelivery(Fact):
    delivery: Delivery

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.delivery.pupil_id,)


class MealTomorrow(_AboutDelivery):
    """The evening before: tomorrow's meal, to the family."""


class MealReceiptQuestion(_AboutDelivery):
    """On the day: did the meal come?"""


class CatererList(Fact):
    """At cut-off: the caterer's deliveries of ``day``."""

    caterer_id: int
    day: date
    deliveries: tuple[Delivery, ...]
    internship_meals: tuple[InternshipMeal, ...] = ()

    def pupils_shown(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(d.pupil_id for d in self.deliveries))


class MealNotReceived(_AboutDelivery):
    """A family said the meal did not come: to the school's coordinators."""

    caterer_name: str
