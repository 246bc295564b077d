"""Pupils who have not used their support: a reminder to them and their parents.

The reminder is a row of the reminder engine for each linked account, so quiet hours
apply and a pupil or parent who turned it off in /settings gets nothing. A pupil is
reminded at most once a week, however often the coordinator presses.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.dates import riga_day
from bot.domain.digest import NudgeReport, SupportNudge
from bot.domain.figures import Period, week_of
from bot.domain.reminders import Fact, NudgePayload, Planned, Reminder, ReminderKind
from bot.services.figures.report import FiguresService
from bot.services.reminders.planner import ReminderService
from storage.uow import UnitOfWork


def nudge_ref(pupil_id: int, week: str) -> str:
    return f"nudge:{pupil_id}:{week}"


class NudgeService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        reminders: ReminderService,
        figures: FiguresService,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.reminders = reminders
        self.figures = figures

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.SUPPORT_NUDGE, self.nudge_fact)

    async def remind_not_used(self, actor: Actor, school_id: str, period: Period) -> NudgeReport:
        """Plan the reminder for every pupil of the school who has not used their support."""
        actor.require_school_coordinator(school_id)
        now = self.clock.now()
        week = week_of(riga_day(now))
        async with self.uow.write() as tx:
            pupils = await self.figures.not_used_in(tx, school_id, period)
            ids = [p.pupil_id for p in pupils]
            chats = await tx.figures.family_chats(ids)
            refs = [nudge_ref(pid, week) for pid in ids]
            done = await tx.figures.planned_refs(ReminderKind.SUPPORT_NUDGE.value, refs)
            items = [
                Planned(
                    chat_id=chat,
                    role=role,
                    kind=ReminderKind.SUPPORT_NUDGE,
                    ref=nudge_ref(pupil_id, week),
                    due_at=now,
                    payload=NudgePayload(pupil_id=pupil_id),
                )
                for pupil_id, chat, role in chats
                if (chat, nudge_ref(pupil_id, week)) not in done
            ]
            await self.reminders.plan(tx, items)
            await tx.audit.add(
                now, actor.telegram_id, "support_reminder", f"school:{school_id}", str(len(items))
            )
        reached = {pupil_id for pupil_id, _, _ in chats}
        return NudgeReport(
            pupils=len(ids), messages=len(items), without_account=len(set(ids) - reached)
        )

    async def nudge_fact(self, reminder: Reminder) -> Fact | None:
        """The loader of SUPPORT_NUDGE: nothing if the pupil booked meanwhile or left."""
        if not isinstance(reminder.payload, NudgePayload):
            return None
        pupil_id = reminder.payload.pupil_id
        async with self.uow.read() as tx:
            pupil = await tx.people.pupil(pupil_id)
            if pupil is None or await tx.figures.has_support_in_use(
                pupil_id, riga_day(self.clock.now())
            ):
                return None
            if await tx.admin.has_left("pupils", pupil_id):
                return None
        return SupportNudge(pupil_id=pupil_id, pupil_name=pupil.display_name, role=reminder.role)
