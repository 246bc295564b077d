"""A family's history: the sessions that are over (held, missed, cancelled) and the hours
they used of the plans."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.calendar import HistoryPage, PupilHours
from bot.services.consultations import sessions
from storage.uow import UnitOfWork

PAGE_SIZE = 10


class HistoryService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def history(self, actor: Actor, page: int = 0) -> HistoryPage:
        """A page of the past sessions of the pupils this account acts for, newest first,
        with the minutes each pupil's sessions used of their plans."""
        pupils = actor.require_family()
        ids = [p.id for p in pupils]
        now = self.clock.now()
        page = max(0, page)
        async with self.uow.read() as tx:
            found = await tx.history.past_sessions(
                ids, now, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE
            )
            used = await tx.history.minutes_used(ids, now)
            await sessions.audit_reads(tx, actor, now, ids)
        return HistoryPage(
            bookings=tuple(found[:PAGE_SIZE]),
            used=tuple(
                PupilHours(pupil_id=p.id, pupil_name=p.name, minutes=used.get(p.id, 0))
                for p in pupils
            ),
            page=page,
            has_more=len(found) > PAGE_SIZE,
        )
