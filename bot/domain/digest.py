"""What the coordinators' figures tell people: the weekly digest, and the support nudge."""

from __future__ import annotations

from datetime import date

from bot.domain.figures import Period, SchoolFigures
from bot.domain.models import Model, Role
from bot.domain.reminders import Fact


class LateClaim(Model):
    """An internship claim waiting for the coordinator longer than it should."""

    claim_id: int
    pupil_name: str
    kind: str
    amount_cents: int
    submitted_on: date
    working_days: int


class DigestSection(Model):
    """Last week in one school or region, and what needs the coordinator."""

    scope_name: str
    is_region: bool
    figures: SchoolFigures
    stale_requests: int  # requests older than the configured days, still unanswered
    claims_waiting: int
    late_claims: tuple[LateClaim, ...] = ()  # named to the school's own coordinators only


class WeeklyDigest(Fact):
    period: Period
    sections: tuple[DigestSection, ...]


class SupportNudge(Fact):
    """A pupil's plan grants consultations and none is held or booked: to them and parents."""

    pupil_id: int
    pupil_name: str
    role: Role


class NudgeReport(Model):
    """What "remind them" planned."""

    pupils: int
    messages: int
    without_account: int  # pupils with no linked account, nor any parent's
