"""Care: words of crisis -> helplines at once, an event, and an alert that always lands.

Nothing of the message is ever stored: only when, who wrote, about whom, the school, and
which rule matched. An alert goes to the school's on-duty specialists; if there are none
(or nobody says "I'm on it" within ``care.escalate_after_minutes``) it climbs to the
school's coordinators, then to the region's (:mod:`bot.domain.care`). Every message of it
is a reminder row planned in the transaction that decides it, so the one dispatcher sends
it (retries, blocked chats, restarts), and the escalation is a row's ``escalate_at``, so a
restart loses nothing. By night nothing escalates unless ``care.escalate_at_night``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import Clock
from bot.config import CareConfig
from bot.domain.actor import Actor
from bot.domain.care import AlertKind, AlertTaken, AlreadyTaken, CareAlert, CrisisAlert, Level
from bot.domain.crisis import About, CrisisCategory, CrisisDetector, CrisisMatch
from bot.domain.crisis.compiled import cached_detector
from bot.domain.errors import NotAllowed
from bot.domain.models import Model, Role
from bot.domain.quiet_hours import QuietHours
from bot.domain.reminders import AlertPayload, Fact, Planned, Reminder, ReminderKind
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

log = logging.getLogger(__name__)


class CrisisResponse(Model):
    """What the writer should hear: the helplines always; whether someone at school knows."""

    categories: tuple[CrisisCategory, ...]
    about: About = About.SELF
    # A person at school knows: alerted now, or shortly before about the same pupil.
    specialist_told: bool = False
    # The names of the children a parent's words are about (to name them in the answer).
    children: tuple[str, ...] = ()


class ContactResponse(Model):
    """The answer to "ask someone at school to contact me"."""

    asked: bool  # somebody at school got the request


class _Group(Model):
    """The pupils of one school that a message is about."""

    school_id: str
    pupil_ids: tuple[int, ...]


class CareService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: CareConfig,
        reminders: ReminderService,
        quiet: QuietHours,
        rules_cache: Path | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.quiet = quiet
        self.rules_cache = rules_cache  # the compiled rules, kept for the next start
        self._detector: CrisisDetector | None = None
        self._detector_lock = threading.Lock()

    @property
    def detector(self) -> CrisisDetector:
        """The crisis rules, compiled once on first use (about half a second; a tenth of
        that when ``rules_cache`` holds them from the last start).

        Commands that never read a message never pay for it; the bot starts compiling on
        a thread of its own while it starts (:meth:`compile_in_background`), so a message
        that arrives before they are ready waits for them, and none is read without them.
        """
        detector = self._detector
        if detector is None:
            with self._detector_lock:
                if self._detector is None:
                    self._detector = cached_detector(
                        self.config.rules_source(),
                        self.config.word_lists,
                        learned=self.config.learned,
                        cache_file=self.rules_cache,
                    )
                detector = self._detector
        return detector

    def compile_in_background(self) -> threading.Thread:
        """Start compiling :attr:`detector` on a thread, so that start-up need not wait."""
        thread = threading.Thread(target=lambda: self.detector, name="crisis-rules", daemon=True)
        thread.start()
        return thread

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.CRISIS_ALERT, self.alert_fact)
        reminders.register(ReminderKind.ALERT_TAKEN, self.taken_fact)

    # --- words of crisis ---------------------------------------------------------------

    async def notice(self, actor: Actor, text: str) -> CrisisResponse | None:
        """Look for words of crisis in a message; None if there are none.

        Staff accounts (specialists, coordinators, caterers) get None: they are not the
        ones at risk. An account not linked yet gets the helplines, and nothing is recorded.
        """
        match = self.detector.detect(text)
        if match is None:
            return None
        response = CrisisResponse(
            categories=match.categories,
            about=match.about,
            children=tuple(child.name for child in actor.children),
        )
        if not actor.is_linked:
            return response
        if actor.role not in (Role.PUPIL, Role.GUARDIAN):
            return None
        try:
            async with self.uow.write() as tx:
                told = await self._record(tx, actor, match)
        except sqlite3.Error:
            # The helplines must show even if the database cannot be written right now.
            log.exception("could not record a crisis event")
            return response
        return response.model_copy(update={"specialist_told": told})

    async def _record(self, tx: Tx, actor: Actor, match: CrisisMatch) -> bool:
        now = self.clock.now()
        told = False
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
            crisis = (AlertKind.CRISIS, match.about, match.category.value)
            if await self._raise(tx, actor, group, crisis, now):
                await tx.care.mark_alerted(event_ids)
                told = True
        return told

    async def _raise(
        self,
        tx: Tx,
        actor: Actor,
        group: _Group,
        what: tuple[AlertKind, About, str],
        now: datetime,
    ) -> bool:
        """A new alert of ``what`` (kind, about, category) from ``actor``, sent to the first
        level with anyone on it; whether anybody got it."""
        kind, about, category = what
        alert_id = await tx.care.add_alert(
            kind=kind,
            telegram_id=actor.telegram_id,
            writer_role=actor.role or Role.PUPIL,
            school_id=group.school_id,
            pupil_ids=group.pupil_ids,
            about=about.value,
            category=category,
            now=now,
        )
        return await self._deliver(tx, alert_id, group, Level.ON_DUTY, now)

    async def _alerted_lately(self, tx: Tx, now: datetime, group: _Group, telegram_id: int) -> bool:
        if self.config.alert_every_minutes == 0:
            return False
        since = now - timedelta(minutes=self.config.alert_every_minutes)
        return await tx.care.alerted_since(
            since, pupil_ids=list(group.pupil_ids), telegram_id=telegram_id
        )

    async def ask_contact(self, actor: Actor) -> ContactResponse:
        """ "Ask someone at school to contact me": an alert of its own, climbing the same way."""
        actor.require_family()
        now = self.clock.now()
        asked = False
        async with self.uow.write() as tx:
            for group in _groups(actor):
                contact = (AlertKind.CONTACT, About.SELF, "")
                asked = await self._raise(tx, actor, group, contact, now) or asked
        return ContactResponse(asked=asked)

    # --- delivery and escalation -------------------------------------------------------------

    async def _deliver(
        self, tx: Tx, alert_id: int, group: _Group, start: Level, now: datetime
    ) -> bool:
        """Send the alert to the first level from ``start`` that has anyone to send it to.

        Returns whether anybody got it. With nobody at any level it stays at the top and
        tries again after the escalation period (somebody may link meanwhile): it never
        ends as a log line only.
        """
        for level in Level:
            if level < start:
                continue
            chats = await tx.care.recipients(group.school_id, level)
            if not chats:
                continue
            role = Role.SPECIALIST if level == Level.ON_DUTY else Role.COORDINATOR
            items = [_alert_item(alert_id, chat, role, now) for chat in chats]
            await self.reminders.plan(tx, items)
            for chat in chats:
                await tx.audit.add_reads(now, chat, "read_crisis_alert", group.pupil_ids)
            top = level == Level.REGION
            await tx.care.raise_to(alert_id, level, None if top else self._escalate_at(now))
            return True
        log.error(
            "care alert %d: nobody at school or region to alert; trying again later", alert_id
        )
        await tx.care.raise_to(alert_id, Level.REGION, self._escalate_at(now))
        return False

    def _escalate_at(self, now: datetime) -> datetime:
        due = now + timedelta(minutes=self.config.escalate_after_minutes)
        if self.config.escalate_at_night:
            return due
        return self.quiet.place(due, None, now)

    async def escalate_due(self) -> int:
        """The periodic job: every alert nobody took in time goes one level up."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            due = await tx.care.to_escalate(now)
            for alert in due:
                group = _Group(school_id=alert.school_id, pupil_ids=alert.pupil_ids)
                sent = await tx.care.alerted_chats(alert.id)
                start = Level(min(alert.level + 1, Level.REGION)) if sent else Level.ON_DUTY
                if sent and alert.level == Level.REGION:
                    await tx.care.raise_to(alert.id, Level.REGION, None)
                    continue
                await self._deliver(tx, alert.id, group, start, now)
        return len(due)

    # --- "I'm on it" ------------------------------------------------------------------------

    async def take(self, actor: Actor, alert_id: int) -> CareAlert:
        """The first member of staff who got the alert and presses "I'm on it" takes it;
        the others it went to are told who did."""
        actor.require_role(Role.SPECIALIST, Role.COORDINATOR)
        now = self.clock.now()
        name = actor.links[0].display_name
        async with self.uow.write() as tx:
            alert = await tx.care.alert(alert_id)
            chats = await tx.care.alerted_chats(alert_id)
            if alert is None or actor.telegram_id not in chats:
                raise NotAllowed()
            if alert.taken_by == actor.telegram_id:
                return alert
            if not await tx.care.take(alert_id, actor.telegram_id, name, now):
                assert alert.taken_at is not None  # noqa: S101 - somebody was first
                raise AlreadyTaken(name=alert.taken_name, at=alert.taken_at)
            others = [chat for chat in chats if chat != actor.telegram_id]
            await self.reminders.plan(tx, [_taken_item(alert_id, chat, now) for chat in others])
            taken = await tx.care.alert(alert_id)
        assert taken is not None  # noqa: S101 - just taken
        return taken

    # --- what the messages say, at send time -----------------------------------------------

    async def alert_fact(self, reminder: Reminder) -> Fact | None:
        """The loader of CRISIS_ALERT: who wrote, about whom, where (names read now)."""
        if not isinstance(reminder.payload, AlertPayload):
            return None
        async with self.uow.read() as tx:
            alert = await tx.care.alert(reminder.payload.alert_id)
            if alert is None:
                return None
            pupils, school = await tx.care.names(alert.pupil_ids, alert.school_id)
            writer = await tx.accounts.actor(alert.telegram_id) if alert.telegram_id else None
        link = next(
            (x for x in (writer.links if writer else ()) if x.role in (Role.PUPIL, Role.GUARDIAN)),
            None,
        )
        return CrisisAlert(
            alert_id=alert.id,
            kind=alert.kind,
            at=alert.created_at,
            level=alert.level,
            category=alert.category,
            about=alert.about,
            writer_role=alert.writer_role,
            writer_name=link.display_name if link else "",
            pupil_names=tuple(pupils),
            school_name=school,
            taken_name=alert.taken_name,
        )

    async def taken_fact(self, reminder: Reminder) -> Fact | None:
        if not isinstance(reminder.payload, AlertPayload):
            return None
        async with self.uow.read() as tx:
            alert = await tx.care.alert(reminder.payload.alert_id)
            if alert is None or not alert.taken:
                return None
            pupils, _ = await tx.care.names(alert.pupil_ids, alert.school_id)
        return AlertTaken(alert_id=alert.id, taken_name=alert.taken_name, pupil_names=tuple(pupils))


def _alert_item(alert_id: int, chat_id: int, role: Role, now: datetime) -> Planned:
    return Planned(
        chat_id=chat_id,
        role=role,
        kind=ReminderKind.CRISIS_ALERT,
        ref=f"care:{alert_id}",
        due_at=now,
        payload=AlertPayload(alert_id=alert_id),
        urgent=True,
    )


def _taken_item(alert_id: int, chat_id: int, now: datetime) -> Planned:
    return Planned(
        chat_id=chat_id,
        role=Role.SPECIALIST,
        kind=ReminderKind.ALERT_TAKEN,
        ref=f"care:{alert_id}",
        due_at=now,
        payload=AlertPayload(alert_id=alert_id),
    )


def _groups(actor: Actor) -> list[_Group]:
    """The pupils a message is about, by school: the pupil, or a parent's children.

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
