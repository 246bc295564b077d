"""Every figure of a school, a region or the country over a period, from the database.

One report is a handful of set-based queries grouped by school (``storage/figures.py``);
the scope's total is the sum of its schools, except the median answer time, which is
computed over all the scope's requests. The bot, the CLI, the exports and the digest all
read the same :class:`~bot.domain.figures.FiguresReport`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.dates import riga_day, riga_midnight
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.figures import (
    Claims,
    FiguresReport,
    Hours,
    Period,
    SchoolFigures,
    Scope,
    ScopeKind,
    WeekPoint,
    total_of,
    week_of,
)
from storage.figures import NotUsed, Window
from storage.uow import Tx, UnitOfWork


class FiguresService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def today(self) -> date:
        return riga_day(self.clock.now())

    async def report(self, actor: Actor, scope: Scope, period: Period) -> FiguresReport:
        """A coordinator's figures: of one of their schools, or of their region."""
        if scope.kind == ScopeKind.SCHOOL:
            actor.require_readable_school(scope.id)
        elif scope.kind == ScopeKind.REGION:
            actor.require_region(scope.id)
        else:
            actor.require_coordinator()
            raise NotAllowed()
        return await self.compute(scope, period)

    async def compute(self, scope: Scope, period: Period) -> FiguresReport:
        """The figures of ``scope`` over ``period`` (for the CLI and the digest: no rights)."""
        async with self.uow.read() as tx:
            return await self.compute_in(tx, scope, period)

    async def compute_in(self, tx: Tx, scope: Scope, period: Period) -> FiguresReport:
        school_id = scope.id if scope.kind == ScopeKind.SCHOOL else None
        region_id = scope.id if scope.kind == ScopeKind.REGION else None
        refs = await tx.figures.schools_of(school_id, region_id)
        if not refs:
            raise NotFound(what=f"{scope.kind.value} {scope.id}")
        if region_id is not None:
            name = await tx.figures.region_name(region_id) or region_id
        else:
            name = refs[0].name if school_id is not None else ""
        now = self.clock.now()
        window = self._window(tuple(r.id for r in refs), period)
        counted = now >= window.middle
        parts: dict[str, dict[str, Any]] = defaultdict(dict)
        hours: dict[str, list[Hours]] = defaultdict(list)
        for sid, found in await tx.figures.hours(window):
            hours[sid].append(found)
        for sid, sessions, evidence in await tx.figures.sessions(window):
            parts[sid].update(sessions=sessions, evidence=evidence)
        answers: dict[str, list[float]] = defaultdict(list)
        for sid, hours_taken in await tx.figures.answer_hours(window):
            answers[sid].append(hours_taken)
        for sid, usage in await tx.figures.usage(window):
            parts[sid]["usage"] = (
                usage if counted else usage.model_copy(update={"under_quarter": 0})
            )
        for sid, meals in await tx.figures.meals(window):
            parts[sid]["meals"] = meals
        claims: dict[str, dict[str, Claims]] = defaultdict(dict)
        for sid, claim in await tx.figures.claims(window):
            claims[sid][claim.kind] = claim
        for sid, care in await tx.figures.care(window):
            parts[sid]["care"] = care
        schools = []
        for ref in refs:
            base = SchoolFigures(school_id=ref.id, school_name=ref.name, region_id=ref.region_id)
            by_kind = {h.kind: h for h in hours.get(ref.id, [])}
            schools.append(
                base.model_copy(
                    update={
                        **parts.get(ref.id, {}),
                        "hours": tuple(by_kind.get(h.kind, h) for h in base.hours),
                        "claims": tuple(claims[ref.id].get(c.kind, c) for c in base.claims),
                        "answer_median_hours": _median(answers.get(ref.id, [])),
                    }
                )
            )
        total = total_of("", schools)
        every = [h for found in answers.values() for h in found]
        total = total.model_copy(update={"answer_median_hours": _median(every)})
        return FiguresReport(
            scope=scope,
            scope_name=name,
            period=period,
            made_at=now,
            total=total,
            schools=tuple(schools),
            weeks=await self._weeks(tx, window, period),
            under_quarter_counted=counted,
        )

    def _window(self, schools: tuple[str, ...], period: Period) -> Window:
        return Window(
            schools=schools,
            first=period.first,
            last=period.last,
            start=period.starts_at,
            end=period.ends_at,
            middle=riga_midnight(period.middle),
            now=self.clock.now(),
        )

    async def _weeks(self, tx: Tx, window: Window, period: Period) -> tuple[WeekPoint, ...]:
        used: dict[str, float] = defaultdict(float)
        booked: dict[str, float] = defaultdict(float)
        for hour, held, open_minutes in await tx.figures.hourly(window):
            week = week_of(riga_day(hour))
            used[week] += held / 60
            booked[week] += open_minutes / 60
        return tuple(
            WeekPoint(week=week, used=used[week], booked=booked[week]) for week in period.weeks()
        )

    async def not_used(self, actor: Actor, school_id: str, period: Period) -> list[NotUsed]:
        """The school's pupils whose consultation plan has nothing held or booked (audited:
        names are read). A school's own coordinators only."""
        actor.require_school_coordinator(school_id)
        async with self.uow.write() as tx:
            found = await self.not_used_in(tx, school_id, period)
            await tx.audit.add_reads(
                self.clock.now(), actor.telegram_id, "read_not_used", [p.pupil_id for p in found]
            )
        return found

    async def not_used_in(self, tx: Tx, school_id: str, period: Period) -> list[NotUsed]:
        return await tx.figures.not_used(self._window((school_id,), period))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
