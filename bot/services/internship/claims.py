"""Internship claims, the coordinator's side: the list, the photo, approve or return, and
the payment file.

Deciding a claim is a school's own business: only a coordinator of the claim's school
may do it (a regional coordinator reads figures, but decides nothing in a school). A
payment file holds the approved claims and the meal allowance days of a period that no
earlier file held; everything in it is marked, so nothing is paid twice.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.dates import riga_day
from bot.domain.errors import NotAllowed, NothingAwaited, TextExpected
from bot.domain.figures import Period
from bot.domain.internship import (
    REASON_MAX,
    AlreadyDecided,
    Claim,
    ClaimDecided,
    ClaimState,
    ClaimSubmitted,
    NothingToPay,
    PaymentExport,
    ReasonNeeded,
)
from bot.domain.meals import clean_note
from bot.domain.models import Role
from bot.domain.questions import ReturnReason
from bot.domain.reminders import ClaimPayload, Fact, Planned, Reminder, ReminderKind
from bot.services.questions import Questions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork


def claim_ref(claim_id: int) -> str:
    return f"meals:claim:{claim_id}"


class ClaimsService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        reminders: ReminderService,
        questions: Questions,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.reminders = reminders
        self.questions = questions

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.CLAIM_DECIDED, self.claim_decided)
        reminders.register(ReminderKind.CLAIM_SUBMITTED, self.claim_submitted)

    async def claims_to_decide(self, actor: Actor) -> list[Claim]:
        actor.require_coordinator()
        async with self.uow.write() as tx:
            claims = await tx.internship.submitted_claims(list(actor.coordinated_schools))
            await tx.audit.add_reads(
                self.clock.now(), actor.telegram_id, "read_claim", [c.pupil_id for c in claims]
            )
            return claims

    async def _claim_for(self, tx: Tx, actor: Actor, claim_id: int) -> Claim:
        claim = await tx.internship.get_claim(claim_id)
        if claim is None:
            actor.require_coordinator()
            raise NotAllowed()
        actor.require_school_coordinator(claim.school_id)
        if claim.state != ClaimState.SUBMITTED:
            raise AlreadyDecided()
        return claim

    async def ticket(self, actor: Actor, claim_id: int) -> Claim:
        """The claim whose ticket photo a coordinator of its school looks at (audited)."""
        async with self.uow.write() as tx:
            claim = await self._claim_for(tx, actor, claim_id)
            await tx.audit.add_reads(
                self.clock.now(), actor.telegram_id, "read_ticket", [claim.pupil_id]
            )
            return claim

    async def approve(self, actor: Actor, claim_id: int) -> Claim:
        async with self.uow.write() as tx:
            await self._claim_for(tx, actor, claim_id)
            return await self._decide(tx, actor, claim_id, ClaimState.APPROVED, "")

    async def begin_return(self, actor: Actor, claim_id: int) -> Claim:
        async with self.uow.write() as tx:
            claim = await self._claim_for(tx, actor, claim_id)
            await self.questions.ask_in(tx, actor, ReturnReason(claim_id=claim_id))
            return claim

    async def take_return_reason(self, actor: Actor, text: str | None) -> Claim:
        actor.require_coordinator()
        async with self.uow.write() as tx:
            question = await self.questions.current(tx, actor, ReturnReason)
            if question is None:
                raise NothingAwaited()
            if text is None:
                raise TextExpected()
            reason = clean_note(text, REASON_MAX)
            if len(reason) < 3:
                raise ReasonNeeded()
            await self._claim_for(tx, actor, question.claim_id)
            await self.questions.end_in(tx, actor)
            return await self._decide(tx, actor, question.claim_id, ClaimState.RETURNED, reason)

    async def _decide(
        self, tx: Tx, actor: Actor, claim_id: int, state: ClaimState, reason: str
    ) -> Claim:
        now = self.clock.now()
        if not await tx.internship.decide_claim(claim_id, state, reason, actor.telegram_id, now):
            raise AlreadyDecided()
        claim = await tx.internship.get_claim(claim_id)
        assert claim is not None  # noqa: S101
        await self.reminders.plan(
            tx,
            [
                Planned(
                    chat_id=claim.submitted_by,
                    role=Role.PUPIL,
                    kind=ReminderKind.CLAIM_DECIDED,
                    ref=claim_ref(claim_id),
                    due_at=now,
                    payload=ClaimPayload(claim_id=claim_id),
                )
            ],
        )
        return claim

    async def claim_decided(self, reminder: Reminder) -> Fact | None:
        """The loader of CLAIM_DECIDED: the claim as decided, for the student."""
        if not isinstance(reminder.payload, ClaimPayload):
            return None
        async with self.uow.read() as tx:
            claim = await tx.internship.get_claim(reminder.payload.claim_id)
        if claim is None or claim.state == ClaimState.SUBMITTED:
            return None
        return ClaimDecided(claim=claim, pupil_name=claim.pupil_name)

    async def claim_submitted(self, reminder: Reminder) -> Fact | None:
        """The loader of CLAIM_SUBMITTED: the new claim, unless decided meanwhile."""
        if not isinstance(reminder.payload, ClaimPayload):
            return None
        async with self.uow.read() as tx:
            claim = await tx.internship.get_claim(reminder.payload.claim_id)
        if claim is None or claim.state != ClaimState.SUBMITTED:
            return None
        return ClaimSubmitted(claim=claim)

    # --- payment files ----------------------------------------------------------------

    async def export_payments(self, actor: Actor, school_id: str, period: Period) -> PaymentExport:
        """A new payment file of the school's approved claims and allowance days (up to
        today) of the period; they are marked paid in the same transaction."""
        actor.require_school_coordinator(school_id)
        now = self.clock.now()
        last = min(period.last, riga_day(now))
        async with self.uow.write() as tx:
            rows = await tx.internship.unpaid(school_id, period.first, last)
            if not rows:
                raise NothingToPay()
            export_id = await tx.internship.add_export(
                school_id, period.first, last, actor.telegram_id, now, rows
            )
            await tx.audit.add(
                now, actor.telegram_id, "payment_export", f"school:{school_id}", str(export_id)
            )
        return PaymentExport(
            id=export_id,
            school_id=school_id,
            first_day=period.first,
            last_day=last,
            rows=tuple(rows),
        )

    async def last_export(self, actor: Actor, school_id: str) -> PaymentExport | None:
        """The school's latest payment file again (if sending it failed), marking nothing."""
        actor.require_school_coordinator(school_id)
        async with self.uow.read() as tx:
            return await tx.internship.last_export(school_id)
