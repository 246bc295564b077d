"""A school coordinator runs the school's people: codes, links, who left, who is on duty.

Every method checks that the person is of one of the actor's own schools. Marking a
person as left keeps their history (plans, sessions, claims stay) and stops everything
ahead: their accounts are unlinked (and, linked to nobody else, get no more messages),
their open bookings end with a notice to the other parties, a pupil's meals stop, a
specialist's free time is withdrawn.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.admin import (
    PEOPLE_ROLES,
    AlreadyLeft,
    LeftReport,
    PeoplePage,
    PersonCard,
    PersonLeft,
    SchoolPeople,
)
from bot.domain.consultations import BookingEvent, BookingState, SlotState
from bot.domain.dates import riga_day
from bot.domain.errors import NotAllowed
from bot.domain.meals import SubscriptionState
from bot.domain.models import Person, Role
from bot.services.accounts.linking import IssuedCode, LinkingService
from bot.services.consultations import sessions
from bot.services.meals.deliveries import DeliveryService
from bot.services.questions import Questions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

PAGE_SIZE = 10


class AdminService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        reminders: ReminderService,
        linking: LinkingService,
        deliveries: DeliveryService,
        questions: Questions,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.reminders = reminders
        self.linking = linking
        self.deliveries = deliveries
        self.questions = questions

    async def _card(self, tx: Tx, actor: Actor, role: Role, person_id: int) -> PersonCard:
        """The person, if they are of one of the actor's own schools."""
        card = await tx.admin.person(role, person_id) if role in PEOPLE_ROLES else None
        if card is None:
            actor.require_role(Role.COORDINATOR)
            raise NotAllowed()
        actor.require_school_coordinator(card.school_id)
        return card

    async def school(self, actor: Actor, school_id: str) -> SchoolPeople:
        actor.require_school_coordinator(school_id)
        async with self.uow.read() as tx:
            school = await tx.people.school(school_id)
            counts = await tx.admin.counts(school_id)
            return SchoolPeople(
                school_id=school_id,
                school_name=school.name if school else school_id,
                grades=tuple(await tx.admin.grades(school_id)),
                on_duty=tuple(await tx.admin.on_duty_names(school_id)),
                **counts,
            )

    async def people(
        self, actor: Actor, school_id: str, role: Role, grade: int | None, page: int
    ) -> PeoplePage:
        """A page of the school's pupils (of one grade), parents or specialists."""
        actor.require_school_coordinator(school_id)
        if role not in PEOPLE_ROLES:
            raise NotAllowed()
        async with self.uow.read() as tx:
            found = await tx.admin.people(school_id, role, grade, page * PAGE_SIZE, PAGE_SIZE + 1)
        return PeoplePage(
            people=tuple(found[:PAGE_SIZE]), page=page, has_more=len(found) > PAGE_SIZE
        )

    async def person(self, actor: Actor, role: Role, person_id: int) -> PersonCard:
        """One person's card (a pupil's read is audited)."""
        async with self.uow.write() as tx:
            card = await self._card(tx, actor, role, person_id)
            if role == Role.PUPIL:
                await tx.audit.add_reads(
                    self.clock.now(), actor.telegram_id, "read_person", [person_id]
                )
            return card

    async def new_code(
        self, actor: Actor, role: Role, person_id: int
    ) -> tuple[PersonCard, IssuedCode]:
        """A fresh one-time code for one person; their older unused codes stop working."""
        async with self.uow.write() as tx:
            card = await self._card(tx, actor, role, person_id)
            if card.left_on is not None:
                raise PersonLeft(name=card.name)
            await tx.admin.forget_unused_codes(role, person_id)
            person = Person(id=card.id, external_id=card.external_id, display_name=card.name)
            issued = await self.linking.issue_in(tx, card.school_id, role, person)
            await tx.audit.add(self.clock.now(), actor.telegram_id, "code_issued", _subject(card))
            return card, issued

    async def unlink(self, actor: Actor, role: Role, person_id: int) -> tuple[PersonCard, int]:
        """Unlink every Telegram account from the person (a lost phone); how many."""
        async with self.uow.write() as tx:
            card = await self._card(tx, actor, role, person_id)
            chats = await self._unlink(tx, card)
            await tx.audit.add(
                self.clock.now(), actor.telegram_id, "unlinked", _subject(card), str(len(chats))
            )
            return card.model_copy(update={"accounts": 0}), len(chats)

    async def _unlink(self, tx: Tx, card: PersonCard) -> list[int]:
        chats = await tx.admin.unlink(card.role, card.id)
        for chat in await tx.admin.without_links(chats):
            # Linked to nobody any more: nothing more is sent to this account.
            await tx.reminders.cancel_of_chat(chat)
            await tx.accounts.set_active(chat, False)
            tx.after_commit(partial(self.questions.forget, chat))
        return chats

    async def mark_left(self, actor: Actor, role: Role, person_id: int) -> LeftReport:
        async with self.uow.write() as tx:
            card = await self._card(tx, actor, role, person_id)
            if card.left_on is not None:
                raise AlreadyLeft(name=card.name)
            return await self.leave_in(tx, actor, card, self.clock.now())

    async def leave_in(self, tx: Tx, actor: Actor, card: PersonCard, now: datetime) -> LeftReport:
        """Mark one person as left, in the caller's transaction (also ``import --full``)."""
        chats = await self._unlink(tx, card)  # first: the leaver is not told of the endings
        ended = 0
        if card.role in (Role.PUPIL, Role.SPECIALIST):
            # A pupil's time goes back to the specialist; a specialist who left has none.
            slot = SlotState.FREE if card.role == Role.PUPIL else SlotState.WITHDRAWN
            for booking_id in await tx.admin.open_bookings(card.role, card.id):
                booking = await sessions.reload(tx, booking_id)
                ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
                await sessions.end(tx, self.reminders, booking, actor, ending, slot, now)
                ended += 1
        stopped = False
        if card.role == Role.PUPIL:
            sub = await tx.meals.get_subscription(card.id)
            if sub is not None and sub.state != SubscriptionState.STOPPED:
                await tx.meals.set_subscription_state(card.id, SubscriptionState.STOPPED, now)
                await self.deliveries.unplan(tx, sub)
                stopped = True
        if card.role == Role.SPECIALIST:
            await tx.admin.stop_availability(card.id, now)
        await tx.admin.mark_left(card.role, card.id, riga_day(now))
        await tx.admin.forget_unused_codes(card.role, card.id)
        await tx.audit.add(now, actor.telegram_id or None, "marked_left", _subject(card))
        left = card.model_copy(update={"left_on": riga_day(now), "accounts": 0})
        return LeftReport(
            person=left, bookings_ended=ended, accounts_unlinked=len(chats), meals_stopped=stopped
        )

    async def set_on_duty(self, actor: Actor, specialist_id: int, on: bool) -> PersonCard:
        """Who is alerted on words of crisis: turn a specialist's duty on or off."""
        async with self.uow.write() as tx:
            card = await self._card(tx, actor, Role.SPECIALIST, specialist_id)
            if card.left_on is not None:
                raise PersonLeft(name=card.name)
            await tx.admin.set_on_duty(specialist_id, on)
            await tx.audit.add(
                self.clock.now(),
                actor.telegram_id,
                "on_duty",
                _subject(card),
                "on" if on else "off",
            )
            return card.model_copy(update={"on_duty": on})


def _subject(card: PersonCard) -> str:
    return f"{card.role.value}:{card.id}"
