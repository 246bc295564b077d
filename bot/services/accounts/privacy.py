"""A person's rights over their data: see it (/me), export it, erase it; and the audit.

GDPR art. 15, 17 and 20 for the person; the audit log for the school: every read of a
pupil's data by someone other than the pupil is a row, and a coordinator of the pupil's
school (or the administrator, ``pumpurs-bot audit``) can read them back.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.care import RelaySession
from bot.domain.consultations import BookingEvent, BookingState
from bot.domain.dates import riga_day
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.models import Pupil, Role
from bot.domain.privacy import ConversationRecord, MyData, MyExport, PupilAudit, PupilNotFound
from bot.domain.questions import AuditPupil
from bot.services.care.relay import RelayService
from bot.services.consultations import sessions
from bot.services.questions import Questions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

# The audit rows a coordinator's screen shows; the administrator's command shows them all.
SCREEN_READS = 40
ALL_READS = 100_000


class PrivacyService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        booking: BookingConfig,
        reminders: ReminderService,
        questions: Questions,
        relay: RelayService,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.booking = booking
        self.reminders = reminders
        self.questions = questions
        self.relay = relay

    async def describe(self, actor: Actor) -> MyData:
        """What /me shows; a parent reading it reads their children's names (audited)."""
        async with self.uow.read() as tx:
            found = MyData(
                account=actor,
                children=tuple(child.name for child in actor.children),
                settings=await tx.settings.all_of(actor.telegram_id),
                scheduled_messages=await tx.reminders.pending_count_of_chat(actor.telegram_id),
            )
        if actor.children:
            async with self.uow.write() as tx:
                await self._audit(tx, actor, "read_me")
        return found

    async def export(self, actor: Actor) -> MyExport:
        """Everything the bot holds about the person and the pupils they act for."""
        pupil_ids = [pupil.id for pupil in actor.pupils]
        async with self.uow.write() as tx:
            plans = [plan for pid in pupil_ids for plan in await tx.people.plans_of_pupil(pid)]
            meals = [await tx.meals.get_subscription(pid) for pid in pupil_ids]
            claims = [c for pid in pupil_ids for c in await tx.internship.claims_of_pupil(pid)]
            reads = await tx.privacy.reads_of_pupils(
                pupil_ids, limit=ALL_READS, not_by=actor.telegram_id
            )
            found = MyExport(
                account=actor,
                children=tuple(child.name for child in actor.children),
                settings=await tx.settings.all_of(actor.telegram_id),
                scheduled_messages=await tx.reminders.pending_count_of_chat(actor.telegram_id),
                plans=tuple(plans),
                bookings=tuple(await tx.bookings.all_of_pupils(pupil_ids)),
                meals=tuple(sub for sub in meals if sub is not None),
                claims=tuple(claims),
                crisis_events=tuple(await tx.privacy.crisis_of_account(actor.telegram_id)),
                conversations=tuple(
                    _conversation(session, actor.telegram_id)
                    for session in await tx.care.sessions_of_chat(actor.telegram_id)
                ),
                alerts=tuple(await tx.privacy.alerts_of_account(actor.telegram_id)),
                waitlist=tuple(await tx.privacy.waitlist_of_pupils(pupil_ids)),
                series=tuple(await tx.privacy.series_of_pupils(pupil_ids)),
                calendar_copies=tuple(await tx.privacy.calendar_copies_of(actor.telegram_id)),
                meal_deliveries=tuple(await tx.privacy.deliveries_of_pupils(pupil_ids)),
                internship_days=tuple(await tx.privacy.internship_days_of_pupils(pupil_ids)),
                broadcasts=tuple(await tx.privacy.broadcasts_of(actor.telegram_id)),
                # Staff are named by role and name; their Telegram ids are not the family's.
                reads=tuple(r.model_copy(update={"reader_telegram_id": None}) for r in reads),
            )
            await self._audit(tx, actor, "export")
        return found

    async def erase(self, actor: Actor) -> None:
        """Forget the account and everything it typed; the school's records stay.

        The pupil's plan, sessions, deliveries and claims are the school's and stay, no
        longer naming this account. A specialist's own words on their sessions (reasons,
        typed call details) go too: a session still to come gets a video link again, and
        the family is told.
        """
        now = self.clock.now()
        telegram_id = actor.telegram_id
        async with self.uow.write() as tx:
            if actor.specialist_ids:
                await self._forget_specialist_words(tx, actor)
            await self.relay.forget_account(tx, telegram_id, now)
            await tx.privacy.erase_account(telegram_id, riga_day(now))
            for link in actor.links:
                await tx.audit.add(now, None, "account_erased", f"{link.role}:{link.person_id}")
            tx.after_commit(lambda: self.questions.forget(telegram_id))

    async def _forget_specialist_words(self, tx: Tx, actor: Actor) -> None:
        now = self.clock.now()
        prefix = self.booking.call_link_template.split("{room}")[0]
        upcoming = [
            booking
            for specialist_id in actor.specialist_ids
            for booking in await tx.bookings.bookings_of_specialist(
                specialist_id, now, now + timedelta(days=3660), (BookingState.CONFIRMED,), now
            )
            if booking.call_link and not booking.call_link.startswith(prefix)
        ]
        await tx.privacy.blank_specialist_words(actor.specialist_ids, prefix)
        for booking in upcoming:
            link = sessions.new_call_link(self.booking)
            await tx.bookings.set_call_link(booking.id, link)
            changed = booking.model_copy(update={"call_link": link})
            await sessions.announce(tx, self.reminders, changed, actor, BookingEvent.CALL, now)

    async def ask_audit(self, actor: Actor) -> None:
        """A school coordinator asks for a pupil's audit: the bot waits for the pupil's id."""
        actor.require_role(Role.COORDINATOR)
        if not actor.coordinated_schools:
            raise NotAllowed()
        await self.questions.ask(actor, AuditPupil())

    async def pupil_audit(self, actor: Actor, pupil_text: str) -> PupilAudit:
        """Who read a pupil's data: for a coordinator of the pupil's own school (audited)."""
        actor.require_role(Role.COORDINATOR)
        if not actor.coordinated_schools:
            raise NotAllowed()
        async with self.uow.write() as tx:
            pupil = await tx.privacy.pupil_by_external_id(actor.coordinated_schools, pupil_text)
            if pupil is None:
                raise PupilNotFound(pupil=pupil_text.strip()[:64])
            actor.require_school_coordinator(pupil.school_id)
            reads = await tx.privacy.reads_of_pupils([pupil.id], limit=SCREEN_READS)
            await tx.audit.add_reads(self.clock.now(), actor.telegram_id, "read_audit", [pupil.id])
            await self.questions.end_in(tx, actor, AuditPupil)
        return PupilAudit(pupil=pupil, reads=tuple(reads))

    async def audit_of_pupil(self, pupil_text: str, school_id: str | None) -> PupilAudit:
        """The whole audit of one pupil, for the administrator's command line.

        ``pupil_text`` is the bot's number of the pupil, or with ``school_id`` the school's
        own id of the pupil.
        """
        async with self.uow.read() as tx:
            pupil: Pupil | None
            if school_id is not None:
                pupil = await tx.privacy.pupil_by_external_id([school_id], pupil_text)
            elif pupil_text.isascii() and pupil_text.isdigit():
                pupil = await tx.people.pupil(int(pupil_text))
            else:
                pupil = None
            if pupil is None:
                where = f" in school {school_id}" if school_id else ""
                raise NotFound(what=f"pupil {pupil_text}{where}")
            reads = await tx.privacy.reads_of_pupils([pupil.id], limit=ALL_READS)
        return PupilAudit(pupil=pupil, reads=tuple(reads))

    async def _audit(self, tx: Tx, actor: Actor, action: str) -> None:
        others = [pupil.id for pupil in actor.pupils if not actor.is_own(pupil.id)]
        await tx.audit.add_reads(self.clock.now(), actor.telegram_id, action, others)


def _conversation(session: RelaySession, chat: int) -> ConversationRecord:
    return ConversationRecord(
        with_name=session.name_of(session.other_chat(chat)),
        opened_at=session.opened_at,
        ended_at=session.ended_at,
        booking_id=session.booking_id,
    )
