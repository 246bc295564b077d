"""The weekly digest: last week's figures in a few lines, and what needs the coordinator.

A nightly job plans one digest row per coordinator account for the next digest time
(``[figures] digest_weekday``, ``digest_hour``); planning again changes nothing. At send
time the loader reads the coordinator as they are then (their schools and regions) and
computes last week's figures; a coordinator who turned the digest off in /settings gets
nothing (the reminder engine sees to it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import FiguresConfig
from bot.domain.dates import RIGA, riga_day
from bot.domain.digest import DigestSection, LateClaim, WeeklyDigest
from bot.domain.figures import Period, SchoolFigures, Scope, this_week, week_period
from bot.domain.models import Role
from bot.domain.reminders import DigestPayload, Fact, Planned, Reminder, ReminderKind
from bot.services.figures.report import FiguresService
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork


def working_days_between(first: date, last: date) -> int:
    """Monday-to-Friday days after ``first`` up to and including ``last``."""
    days, day = 0, first
    while day < last:
        day += timedelta(days=1)
        days += day.isoweekday() <= 5
    return days


class DigestService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: FiguresConfig,
        reminders: ReminderService,
        figures: FiguresService,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.figures = figures

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.WEEKLY_DIGEST, self.digest_fact)

    def next_digest_at(self, now: datetime) -> datetime:
        """The first digest time (Riga weekday and hour) at or after ``now``."""
        local = now.astimezone(RIGA)
        day = local.date() + timedelta(days=(self.config.digest_weekday - local.isoweekday()) % 7)
        due = datetime.combine(day, time(self.config.digest_hour), tzinfo=RIGA)
        return due if due >= local else due + timedelta(days=7)

    async def plan_digests(self) -> int:
        """Plan the next digest for every coordinator account (the nightly job; idempotent)."""
        now = self.clock.now()
        due = self.next_digest_at(now)
        week = this_week(riga_day(due), back=1).label
        async with self.uow.write() as tx:
            chats = await tx.figures.coordinator_chats()
            await self.reminders.plan(
                tx,
                [
                    Planned(
                        chat_id=chat,
                        role=Role.COORDINATOR,
                        kind=ReminderKind.WEEKLY_DIGEST,
                        ref=f"digest:{week}",
                        due_at=due,
                        payload=DigestPayload(week=week),
                    )
                    for chat in chats
                ],
            )
        return len(chats)

    async def digest_fact(self, reminder: Reminder) -> Fact | None:
        """The loader of WEEKLY_DIGEST: the coordinator's schools and regions, last week."""
        if not isinstance(reminder.payload, DigestPayload):
            return None
        period = week_period(reminder.payload.week)
        async with self.uow.read() as tx:
            actor = await tx.accounts.actor(reminder.chat_id)
            if actor is None or actor.role != Role.COORDINATOR:
                return None
            sections = [await self._school(tx, s, period) for s in actor.coordinated_schools]
            sections += [await self._region(tx, r, period) for r in actor.region_ids]
        if not sections:
            return None
        return WeeklyDigest(period=period, sections=tuple(sections))

    async def _school(self, tx: Tx, school_id: str, period: Period) -> DigestSection:
        report = await self.figures.compute_in(tx, Scope.school(school_id), period)
        return await self._section(tx, report.scope_name, False, report.total, [school_id])

    async def _region(self, tx: Tx, region_id: str, period: Period) -> DigestSection:
        report = await self.figures.compute_in(tx, Scope.region(region_id), period)
        schools = [s.school_id for s in report.schools]
        return await self._section(tx, report.scope_name, True, report.total, schools)

    async def _section(
        self, tx: Tx, name: str, is_region: bool, figures: SchoolFigures, schools: list[str]
    ) -> DigestSection:
        now = self.clock.now()
        stale = await tx.figures.stale_requests(
            schools, now - timedelta(days=self.config.stale_request_days), now
        )
        waiting = await tx.figures.waiting_claims(schools)
        today = riga_day(now)
        late = [
            LateClaim(
                claim_id=c.claim_id,
                pupil_name=c.pupil_name,
                kind=c.kind,
                amount_cents=c.amount_cents,
                submitted_on=riga_day(c.submitted_at),
                working_days=working_days_between(riga_day(c.submitted_at), today),
            )
            for c in waiting
        ]
        late = [c for c in late if c.working_days > self.config.claim_wait_working_days]
        return DigestSection(
            scope_name=name,
            is_region=is_region,
            figures=figures,
            stale_requests=stale,
            claims_waiting=len(waiting),
            late_claims=() if is_region else tuple(late),
        )
