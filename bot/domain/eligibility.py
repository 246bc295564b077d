"""Who may get an economic support measure, and why not: a pure engine over a rules file.

The rules (``programme_rules.toml``) hold every date, grade and condition; this module
only reads them and compares. :func:`check` answers one pupil, :func:`eligible_pupils`
a whole school (the coordinators' bulk question).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from bot.domain.models import MeasureKind, Model, Pupil, School, SchoolKind, SupportPlan

SHIPPED_RULES = "programme_rules.toml"


class Measure(StrEnum):
    MEALS_HOME = "meals_home"
    INTERNSHIP_TRANSPORT = "internship_transport"
    INTERNSHIP_ACCOMMODATION = "internship_accommodation"
    INTERNSHIP_MEALS = "internship_meals"


INTERNSHIP_MEASURES = (
    Measure.INTERNSHIP_TRANSPORT,
    Measure.INTERNSHIP_ACCOMMODATION,
    Measure.INTERNSHIP_MEALS,
)


class Reason(StrEnum):
    """Why the answer is 'no'; handlers put each in words."""

    NOT_YET_IN_FORCE = "not_yet_in_force"
    PROGRAMME_PERIOD_OVER = "programme_period_over"
    WRONG_SCHOOL_KIND = "wrong_school_kind"
    WRONG_GRADE = "wrong_grade"
    NO_PLAN_FOR_PERIOD = "no_plan_for_period"
    MEASURE_NOT_IN_PLAN = "measure_not_in_plan"
    PLAN_NOT_STARTED = "plan_not_started"
    PLAN_PERIOD_ENDED = "plan_period_ended"
    PLAN_MADE_TOO_LATE = "plan_made_too_late"
    CATERER_DOES_NOT_DELIVER_HOME = "caterer_does_not_deliver_home"


class RulesError(Exception):
    """The rules file cannot be used; the message names the period and key."""


class RulePeriod(Model):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    measure: Measure
    school_kind: SchoolKind
    grade_min: int | None = Field(default=None, ge=1, le=12)
    grade_max: int | None = Field(default=None, ge=1, le=12)
    plan_school_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    plan_semester: int = Field(ge=1, le=2)
    plan_measure: MeasureKind
    requires_caterer_delivers_home: bool = False
    in_force_from: date
    in_force_until: date | None = None
    plan_created_before: date | None = None
    # internship_meals only: the school's caterer provides the meal of each day the
    # student marks, or the student is paid an allowance of so many cents a day.
    provided_as: Literal["caterer", "allowance"] = "caterer"
    allowance_cents_per_day: int | None = Field(default=None, ge=1, le=100_000)

    @model_validator(mode="after")
    def _consistent(self) -> RulePeriod:
        if self.provided_as == "allowance" and self.allowance_cents_per_day is None:
            raise ValueError("provided_as = 'allowance' needs allowance_cents_per_day")
        if self.measure != Measure.INTERNSHIP_MEALS and (
            self.provided_as != "caterer" or self.allowance_cents_per_day is not None
        ):
            raise ValueError("provided_as and allowance_cents_per_day are for internship_meals")
        if self.in_force_until is not None and self.in_force_until < self.in_force_from:
            raise ValueError("in_force_until is before in_force_from")
        if (
            self.grade_min is not None
            and self.grade_max is not None
            and self.grade_min > self.grade_max
        ):
            raise ValueError("grade_min is above grade_max")
        return self

    def contains(self, on: date) -> bool:
        return self.in_force_from <= on and (
            self.in_force_until is None or on <= self.in_force_until
        )


class ProgrammeRules(Model):
    periods: tuple[RulePeriod, ...]

    def of(self, measure: Measure) -> list[RulePeriod]:
        return [p for p in self.periods if p.measure == measure]


class Eligibility(Model):
    """The answer for one pupil and measure on one day; ``reasons`` is empty when eligible."""

    eligible: bool
    measure: Measure
    reasons: tuple[Reason, ...] = ()
    period: RulePeriod | None = None
    plan: SupportPlan | None = None


def parse_rules(data: Mapping[str, object]) -> ProgrammeRules:
    try:
        rules = ProgrammeRules.model_validate({"periods": data.get("period", [])})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "period"
        raise RulesError(f"period {where}: {first['msg']}") from None
    ids = [p.id for p in rules.periods]
    if len(set(ids)) != len(ids):
        raise RulesError("period ids must be unique")
    return rules


def load_rules(path: Path | None = None) -> ProgrammeRules:
    """The rules from ``path``, or the file shipped with the bot."""
    try:
        if path is None:
            text = (resources.files("bot.domain") / SHIPPED_RULES).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path or SHIPPED_RULES}: {exc}") from None
    return parse_rules(data)


def _pick_periods(periods: list[RulePeriod], on: date) -> list[tuple[RulePeriod, Reason | None]]:
    """The periods in force on ``on``; else the nearest before and after, with why not."""
    current = [p for p in periods if p.contains(on)]
    if current:
        return [(p, None) for p in current]
    upcoming = sorted((p for p in periods if p.in_force_from > on), key=lambda p: p.in_force_from)
    past = sorted(
        (p for p in periods if p.in_force_from <= on), key=lambda p: p.in_force_until or on
    )
    found: list[tuple[RulePeriod, Reason | None]] = []
    found += [(p, Reason.NOT_YET_IN_FORCE) for p in upcoming[:1]]
    found += [(p, Reason.PROGRAMME_PERIOD_OVER) for p in past[-1:]]
    return found


def _check_period(
    period: RulePeriod,
    pupil: Pupil,
    school: School,
    plans: Iterable[SupportPlan],
    on: date,
) -> tuple[list[Reason], SupportPlan | None]:
    reasons: list[Reason] = []
    if school.kind != period.school_kind:
        reasons.append(Reason.WRONG_SCHOOL_KIND)
    if (period.grade_min is not None and pupil.grade < period.grade_min) or (
        period.grade_max is not None and pupil.grade > period.grade_max
    ):
        reasons.append(Reason.WRONG_GRADE)
    plan = next(
        (
            p
            for p in plans
            if p.pupil_id == pupil.id
            and p.school_year == period.plan_school_year
            and p.semester == period.plan_semester
        ),
        None,
    )
    if plan is None:
        reasons.append(Reason.NO_PLAN_FOR_PERIOD)
    else:
        if not any(m.kind == period.plan_measure for m in plan.measures):
            reasons.append(Reason.MEASURE_NOT_IN_PLAN)
        if on < plan.starts_on:
            reasons.append(Reason.PLAN_NOT_STARTED)
        if on > plan.ends_on:
            reasons.append(Reason.PLAN_PERIOD_ENDED)
        if period.plan_created_before is not None and (
            plan.created_on is None or plan.created_on >= period.plan_created_before
        ):
            reasons.append(Reason.PLAN_MADE_TOO_LATE)
    if period.requires_caterer_delivers_home and not school.caterer_delivers_home:
        reasons.append(Reason.CATERER_DOES_NOT_DELIVER_HOME)
    return reasons, plan


def check(
    pupil: Pupil,
    school: School,
    plans: Iterable[SupportPlan],
    rules: ProgrammeRules,
    on_date: date,
    measure: Measure = Measure.MEALS_HOME,
) -> Eligibility:
    """Whether ``pupil`` may get ``measure`` on ``on_date``, with every reason if not."""
    plans = list(plans)
    answers = []
    for period, timing in _pick_periods(rules.of(measure), on_date):
        reasons, plan = _check_period(period, pupil, school, plans, on_date)
        if timing is not None:
            reasons.insert(0, timing)
        answer = Eligibility(
            eligible=not reasons, measure=measure, reasons=tuple(reasons), period=period, plan=plan
        )
        if answer.eligible:
            return answer
        answers.append(answer)
    if not answers:
        return Eligibility(eligible=False, measure=measure, reasons=(Reason.NOT_YET_IN_FORCE,))
    # The period the pupil had a plan for explains best; then the one with fewest reasons.
    return min(answers, key=lambda a: (Reason.NO_PLAN_FOR_PERIOD in a.reasons, len(a.reasons)))


def eligible_pupils(
    pupils: Iterable[Pupil],
    school: School,
    plans: Iterable[SupportPlan],
    rules: ProgrammeRules,
    on_date: date,
    measure: Measure = Measure.MEALS_HOME,
) -> list[tuple[Pupil, Eligibility]]:
    """Every pupil of one school with the answer for each (the coordinators' bulk question).

    ``plans`` may be the whole school's: each pupil is checked against their own.
    """
    by_pupil: dict[int, list[SupportPlan]] = {}
    for plan in plans:
        by_pupil.setdefault(plan.pupil_id, []).append(plan)
    return [
        (pupil, check(pupil, school, by_pupil.get(pupil.id, []), rules, on_date, measure))
        for pupil in pupils
    ]
