"""Care: words of crisis in any message -> helplines at once, an event, an on-duty alert.

Nothing of the message is ever stored: only when, who (the account and the pupil it is
about), the school, and which list matched. The alert to the school's on-duty specialists
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
from bot.domain.crisis import CrisisCategory, CrisisDetector, CrisisMatch
from bot.domain.errors import N_
from bot.domain.models import Account, Model, OutgoingMessage, Reminder, Role
from bot.i18n import Texts
from bot.services.reminders import ReminderService
from storage import Database, people
from storage import accounts as accounts_repo
from storage import care as repo
from storage.db import Connection, from_db_time, to_db_time

log = logging.getLogger(__name__)

ALERT_KIND = "crisis_alert"

CATEGORY_NAMES = {
    CrisisCategory.SUICIDE: N_("suicide"),
    CrisisCategory.SELF_HARM: N_("self-harm"),
    CrisisCategory.ABUSE: N_("abuse"),
}


class CrisisResponse(Model):
    """What the sender should hear: the helplines always; whether a specialist knows."""

    categories: tuple[CrisisCategory, ...]
    # A new alert went out to the on-duty specialists because of this message.
    alert_sent: bool = False
    # The on-duty specialists know: alerted now, or shortly before about the same pupil.
    specialist_told: bool = False


class _Group(Model):
    """The pupils of one school that a message is about, and who wrote it."""

    school_id: str
    pupil_ids: tuple[int, ...]
    pupil_names: tuple[str, ...]


class CareService:
    def __init__(
        self, db: Database, clock: Clock, config: CareConfig, reminders: ReminderService
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.detector = CrisisDetector(config.word_lists())
        reminders.register(ALERT_KIND, self.render_alert)

    async def notice(self, telegram_id: int, text: str) -> CrisisResponse | None:
        """Look for words of crisis in a pupil's or parent's text; None if there are none.

        Staff accounts (specialists, coordinators) get None: they are not the ones at risk.
        Unknown accounts get the helplines, and nothing is recorded about them.
        """
        match = self.detector.detect(text)
        if match is None:
            return None
        response = CrisisResponse(categories=match.categories)
        try:
            async with self.db.write() as conn:
                account = await accounts_repo.get_account(conn, telegram_id)
                if account is None or not account.is_linked:
                    return response
                if not {Role.PUPIL, Role.GUARDIAN} & {link.role for link in account.links}:
                    return None
                return await self._record(conn, account, match, response)
        except sqlite3.Error:
            # The helplines must show even if the database cannot be written right now.
            log.exception("could not record a crisis event")
            return response

    async def _record(
        self, conn: Connection, account: Account, match: CrisisMatch, response: CrisisResponse
    ) -> CrisisResponse:
        now = self.clock.now()
        sent = told = False
        for group in await self._groups(conn, account):
            event_ids = []
            for pupil_id in group.pupil_ids or (None,):
                event_ids.append(
                    await repo.add_crisis_event(
                        conn,
                        at=now,
                        telegram_id=account.telegram_id,
                        pupil_id=pupil_id,
                        school_id=group.school_id,
                        category=match.category.value,
                        language=match.language,
                    )
                )
            if not self.config.on_duty_alert:
                continue
            if await self._alerted_lately(conn, now, group, account.telegram_id):
                told = True
                continue
            if await self._alert(conn, now, account, group, match.category, event_ids[0]):
                await repo.mark_alerted(conn, event_ids)
                sent = told = True
        return response.model_copy(update={"alert_sent": sent, "specialist_told": told})

    async def _groups(self, conn: Connection, account: Account) -> list[_Group]:
        """The pupils the message is about, by school: the pupil, or a parent's children.

        A parent's words are taken to be about each of their children: the specialist
        decides, and every child's emotional-support request is then marked urgent.
        """
        pupils: dict[int, tuple[str, str]] = {}  # id -> (school, name)
        schools_without_pupils: list[str] = []
        guardian_ids = []
        for link in account.links:
            if link.role is Role.PUPIL:
                pupils[link.person_id] = (link.school_id, link.display_name)
            elif link.role is Role.GUARDIAN:
                guardian_ids.append(link.person_id)
        children = await people.children_of(conn, guardian_ids)
        for child in children:
            pupils.setdefault(child.id, (child.school_id, child.display_name))
        if guardian_ids and not children:
            schools_without_pupils = [
                link.school_id for link in account.links if link.role is Role.GUARDIAN
            ]
        by_school: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pupil_id, (school_id, name) in pupils.items():
            by_school[school_id].append((pupil_id, name))
        groups = [
            _Group(
                school_id=school_id,
                pupil_ids=tuple(pupil_id for pupil_id, _ in members),
                pupil_names=tuple(name for _, name in members),
            )
            for school_id, members in by_school.items()
        ]
        for school_id in dict.fromkeys(schools_without_pupils):
            groups.append(_Group(school_id=school_id, pupil_ids=(), pupil_names=()))
        return groups

    async def _alerted_lately(
        self, conn: Connection, now: datetime, group: _Group, telegram_id: int
    ) -> bool:
        if self.config.alert_every_minutes == 0:
            return False
        since = now - timedelta(minutes=self.config.alert_every_minutes)
        return await repo.alerted_since(
            conn, since, pupil_ids=list(group.pupil_ids), telegram_id=telegram_id
        )

    async def _alert(
        self,
        conn: Connection,
        now: datetime,
        account: Account,
        group: _Group,
        category: CrisisCategory,
        event_id: int,
    ) -> bool:
        """Plan an alert to every linked account of the school's on-duty specialists."""
        recipients: list[int] = []
        for specialist_id in await people.on_duty_specialists(conn, group.school_id):
            recipients += await accounts_repo.accounts_of_person(
                conn, Role.SPECIALIST, specialist_id
            )
        recipients = list(dict.fromkeys(recipients))
        if not recipients:
            log.warning("no on-duty specialist to alert in school %s", group.school_id)
            return False
        school = await people.get_school(conn, group.school_id)
        writer = next(
            (link for link in account.links if link.role in (Role.PUPIL, Role.GUARDIAN)),
            account.links[0],
        )
        payload: dict[str, object] = {
            "writer_role": writer.role.value,
            "writer_name": writer.display_name,
            "pupils": list(group.pupil_names),
            "school": school.name if school else group.school_id,
            "category": category.value,
            "at": to_db_time(now),
        }
        for chat_id in recipients:
            await self.reminders.plan(
                conn,
                chat_id=chat_id,
                role=Role.SPECIALIST,
                kind=ALERT_KIND,
                ref=f"crisis:{event_id}",
                due_at=now,
                payload=payload,
            )
            for pupil_id in group.pupil_ids:
                await accounts_repo.audit(
                    conn, now, chat_id, "read_crisis_alert", f"pupil:{pupil_id}"
                )
        return True

    async def render_alert(self, reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
        """The alert in the specialist's language: who, where, when, which words; no content."""
        payload = reminder.payload
        at = from_db_time(str(payload["at"])) if payload.get("at") else reminder.due_at
        category = next(
            (name for key, name in CATEGORY_NAMES.items() if key.value == payload.get("category")),
            N_("crisis"),
        )
        raw_names = payload.get("pupils")
        names = [str(name) for name in raw_names] if isinstance(raw_names, list) else []
        values = {
            "time": texts.datetime(at),
            "category": texts(category),
            "school": str(payload.get("school", "")),
            "writer": str(payload.get("writer_name", "")),
            "pupils": ", ".join(names),
        }
        if payload.get("writer_role") == Role.PUPIL.value:
            lines = [
                texts(
                    "⚠️ Urgent. {time}: a message from the pupil {writer} ({school}) "
                    "contains words of crisis. Topic: {category}.",
                    **values,
                ),
                texts("Please get in touch with them as soon as you can."),
            ]
        else:
            headline = (
                texts(
                    "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) "
                    "contains words of crisis. About: {pupils}. Topic: {category}.",
                    **values,
                )
                if names
                else texts(
                    "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) "
                    "contains words of crisis. Topic: {category}.",
                    **values,
                )
            )
            lines = [headline, texts("Please get in touch with the family as soon as you can.")]
        lines.append(
            texts("They were shown the helpline numbers at once. The message itself is not stored.")
        )
        return OutgoingMessage(text="\n\n".join(lines))
