"""Care: words of crisis in any message -> helplines at once, an event, an on-duty alert.

Nothing of the message is ever stored: only when, who (the account and the pupil it is
about), the school, and which rule matched. The alert to the school's on-duty specialists
is a reminder due at once, planned in the same transaction as the event, so it is sent by
the one dispatcher (retries, blocked chats) like every other message.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import CareConfig
from bot.domain.actor import Actor
from bot.domain.care import CrisisAlert
from bot.domain.crisis import CrisisCategory, CrisisDetector, CrisisMatch
from bot.domain.models import Model, Role
from bot.domain.reminders import CrisisAlertPayload, Fact, Planned, Reminder, ReminderKind
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

log = logging.getLogger(__name__)


class CrisisResponse(Model):
    """What the sender should hear: the helplines always; whether a specialist knows."""

    categories: tuple[CrisisCategory, ...]
    # A new alert went out to the on-duty specialists because of this message.
    alert_sent: bool = False
    # The on-duty specialists know: alerted now, or shortly before about the same pupil.
    specialist_told: bool = False


class _Group(Model):
    """The pupils of one school that a message is about."""

    school_id: str
    pupil_ids: tuple[int, ...]


class CareService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, config: CareConfig, reminders: ReminderService
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.detector = CrisisDetector(config.word_lists())

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.CRISIS_ALERT, self.alert_fact)

    async def notice(self, actor: Actor, text: str) -> CrisisResponse | None:
        """Look for words of crisis in a pupil's or parent's text; None if there are none.

        Staff accounts (specialists, coordinators) get None: they are not the ones at risk.
        Unknown accounts get the helplines, and nothing is recorded about them.
        """
        match = self.detector.detect(text)
        if match is None:
            return None
        response = CrisisResponse(categories=match.categories)
        if not actor.is_linked:
            return response
        if actor.role not in (Role.PUPIL, Role.GUARDIAN):
            return None
        try:
            async with self.uow.write() as tx:
                return await self._record(tx, actor, match, response)
        except sqlite3.Error:
            # The helplines must show even if the database cannot be written right now.
            log.exception("could not record a crisis event")
            return response

    async def _record(
        self, tx: Tx, actor: Actor, match: CrisisMatch, response: CrisisResponse
    ) -> CrisisResponse:
        now = self.clock.now()
        sent = told = False
        for group in _groups(actor):
            event_ids = [
                await tx.care.add_event(
                    at=now,
                    telegram_id=actor.telegram_id,
                    pupil_id=pupil_id,
                    school_id=group.school_id,
                    category=match.category.value,
                    language=match.language,
                )
                for pupil_id in group.pupil_ids or (None,)
            ]
            if not self.config.on_duty_alert:
                continue
            if await self._alerted_lately(tx, now, group, actor.telegram_id):
                told = True
                continue
            if await self._alert(tx, now, actor, group, event_ids[0]):
                await tx.care.mark_alerted(event_ids)
                sent = told = True
        return response.model_copy(update={"alert_sent": sent, "specialist_told": told})

    async def _alerted_lately(self, tx: Tx, now: datetime, group: _Group, telegram_id: int) -> bool:
        if self.config.alert_every_minutes == 0:
            return False
        since = now - timedelta(minutes=self.config.alert_every_minutes)
        return await tx.care.alerted_since(
            since, pupil_ids=list(group.pupil_ids), telegram_id=telegram_id
        )

    async def _alert(
        self, tx: Tx, now: datetime, actor: Actor, group: _Group, event_id: int
    ) -> bool:
        """Plan an alert to every linked account of the school's on-duty specialists."""
        recipients: list[int] = []
        for specialist_id in await tx.people.on_duty_specialists(group.school_id):
            recipients += await tx.accounts.of_person(Role.SPECIALIST, specialist_id)
        recipients = list(dict.fromkeys(recipients))
        if not recipients:
            log.warning("no on-duty specialist to alert in school %s", group.school_id)
            return False
        await self.reminders.plan(
            tx,
            [
                Planned(
                    chat_id=chat_id,
                    role=Role.SPECIALIST,
                    kind=ReminderKind.CRISIS_ALERT,
                    ref=f"crisis:{event_id}",
                    due_at=now,
                    payload=CrisisAlertPayload(event_id=event_id),
                )
                for chat_id in recipients
            ],
        )
        for chat_id in recipients:
            await tx.audit.add_reads(now, chat_id, "read_crisis_alert", group.pupil_ids)
        return True

    async def alert_fact(self, reminder: Reminder) -> Fact | None:
        """The loader of CRISIS_ALERT: who wrote, about whom, where (names read now)."""
        if not isinstance(reminder.payload, CrisisAlertPayload):
            return None
        async with self.uow.read() as tx:
            event = await tx.care.alert_of_event(reminder.payload.event_id)
            if event is None:
                return None
            writer = await tx.accounts.actor(event.telegram_id) if event.telegram_id else None
        link = next(
            (x for x in (writer.links if writer else ()) if x.role in (Role.PUPIL, Role.GUARDIAN)),
            None,
        )
        return CrisisAlert(
            event_id=event.id,
            at=event.at,
            category=event.category,
            writer_role=link.role if link else Role.GUARDIAN,
            writer_name=link.display_name if link else "",
            pupil_names=event.pupil_names,
            school_name=event.school_name,
        )


def _groups(actor: Actor) -> list[_Group]:
    """The pupils the message is about, by school: the pupil, or a parent's children.

    A parent's words are taken to be about each of their children: the specialist
    decides, and every child's emotional-support request is then marked urgent.
    """
    by_school: dict[str, list[int]] = defaultdict(list)
    for pupil in actor.pupils:
        by_school[pupil.school_id].append(pupil.id)
    groups = [_Group(school_id=school, pupil_ids=tuple(ids)) for school, ids in by_school.items()]
    if actor.guardian_ids and not actor.children:
        schools = [link.school_id for link in actor.links if link.role is Role.GUARDIAN]
        groups += [_Group(school_id=school, pupil_ids=()) for school in dict.fromkeys(schools)]
    return groups
