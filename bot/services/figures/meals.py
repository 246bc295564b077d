"""Meal figures per school and ISO week: eligible, confirmed, delivered, failed, not received."""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.dates import riga_day
from bot.domain.eligibility import ProgrammeRules, eligible_pupils
from bot.domain.errors import NotFound
from bot.domain.figures import WeekFigures, week_of, week_period
from storage.uow import Tx, UnitOfWork


def parse_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week such as ``2026-W49``."""
    period = week_period(text)
    return period.first, period.last


class MealFigures:
    def __init__(self, uow: UnitOfWork, clock: Clock, rules: ProgrammeRules) -> None:
        self.uow = uow
        self.clock = clock
        self.rules = rules

    async def week_figures(
        self, school_id: str | None = None, week: str | None = None
    ) -> list[WeekFigures]:
        """The figures of one school (or every school) for one week (this week by default)."""
        week = week or week_of(riga_day(self.clock.now()))
        # Off the event loop: a region's figures read for every school.
        async with self.uow.read(heavy=True) as tx:
            if school_id is not None:
                if await tx.people.school(school_id) is None:
                    raise NotFound(what=f"school {school_id}")
                ids = [school_id]
            else:
                ids = [s.id for s in await tx.people.schools()]
            return [await self._school_week(tx, sid, week) for sid in ids]

    async def _school_week(self, tx: Tx, school_id: str, week: str) -> WeekFigures:
        first, last = parse_week(week)
        school = await tx.people.school(school_id)
        assert school is not None  # noqa: S101
        school_days = [first + timedelta(days=i) for i in range(5)]
        pupils = await tx.people.pupils_of_school(school_id)
        plans = await tx.people.plans_of_school(school_id)
        eligible = len(
            {
                pupil.id
                for day in school_days
                for pupil, answer in eligible_pupils(pupils, school, plans, self.rules, day)
                if answer.eligible
            }
        )
        counts = await tx.meals.week_counts(school_id, first, last)
        return WeekFigures(school_id=school_id, week=week, eligible=eligible, **counts)

    async def figures_for(self, actor: Actor, week: str | None = None) -> list[WeekFigures]:
        """A coordinator's schools' figures (a regional coordinator sees the region)."""
        schools = actor.require_coordinator()
        figures: list[WeekFigures] = []
        for school_id in schools:
            figures += await self.week_figures(school_id, week)
        return figures
