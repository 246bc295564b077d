"""Running a school from the chat: its people, their links, who left, and messages.

Only a coordinator of the person's own school may act on them; a regional coordinator
reads figures but decides nothing in a school (``Actor.require_school_coordinator``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.domain.errors import N_, DomainError
from bot.domain.models import Model, Role, SpecialistKind
from bot.domain.reminders import Fact

# The people a coordinator runs, and the table each lives in.
PEOPLE_ROLES = (Role.PUPIL, Role.GUARDIAN, Role.SPECIALIST)
NAME_MAX = 120
SUBJECT_MAX = 64
BROADCAST_MAX = 2000


class PersonCard(Model):
    """One person of a school as the coordinator sees them."""

    role: Role
    id: int
    school_id: str
    external_id: str
    name: str
    grade: int | None = None  # a pupil's
    kind: SpecialistKind | None = None  # a specialist's
    subjects: tuple[str, ...] = ()
    on_duty: bool = False
    left_on: date | None = None
    accounts: int = 0  # linked Telegram accounts


class SchoolPeople(Model):
    school_id: str
    school_name: str
    pupils: int
    guardians: int
    specialists: int
    linked: int  # people with a linked account
    grades: tuple[int, ...]
    on_duty: tuple[str, ...]  # names of the specialists on duty


class PeoplePage(Model):
    people: tuple[PersonCard, ...]
    page: int
    has_more: bool


class LeftReport(Model):
    """What marking a person as left did."""

    person: PersonCard
    bookings_ended: int
    accounts_unlinked: int
    meals_stopped: bool = False


class SpecialistDraft(Model):
    """A specialist being added, one answer at a time."""

    school_id: str
    step: str  # name, kind, subjects, duty
    name: str = ""
    kind: SpecialistKind | None = None
    subjects: tuple[str, ...] = ()


class Audience(StrEnum):
    GUARDIANS = "guardians"
    PUPILS = "pupils"


class BroadcastDraft(Model):
    school_id: str
    audience: Audience
    grade: int | None = None
    text: str = ""


class BroadcastPreview(Model):
    """What the coordinator confirms: the message and how many it reaches."""

    draft: BroadcastDraft
    people: int  # guardians or pupils in the audience
    recipients: int  # linked, active accounts that will get it
    without_account: int


class Broadcast(Fact):
    """A coordinator's message to the school's families."""

    school_name: str
    text: str


class FullImportPlan(Model):
    """What ``import --full`` would do: who is marked as left, who is back."""

    kind: str
    schools: tuple[str, ...]
    leaving: tuple[PersonCard, ...]
    back: tuple[PersonCard, ...]


# --- errors -------------------------------------------------------------------------------


class PersonLeft(DomainError):
    message = N_("{name} is marked as having left the school.")


class AlreadyLeft(DomainError):
    message = N_("{name} was marked as left already.")


class BadName(DomainError):
    message = N_("Please write the name, at most {limit} characters.")


class NobodyToTell(DomainError):
    message = N_("Nobody in this group has a linked account yet, so nobody would get it.")


class ChooseAbove(DomainError):
    message = N_("Please choose one of the buttons above.")


class FullImportRefused(DomainError):
    message = N_(
        "Only a complete file of pupils, guardians or specialists can be imported in full."
    )
