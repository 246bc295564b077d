"""Transport claims, the coordinator's side: the list, the ticket, approve or return.

Deciding a claim is a school's own business: only a coordinator of the claim's school
may do it (a regional coordinator reads figures, but decides nothing in a school).
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.errors import NotAllowed, NothingAwaited, TextExpected
from bot.domain.internship import (
    REASON_MAX,
    AlreadyDecided,
    ClaimDecided,
    ClaimState,
    ReasonNeeded,
    TransportClaim,
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

    async def claims_to_decide(self, actor: Actor) -> list[TransportClaim]:
        actor.require_coordinator()
        async with self.uow.write() as tx:
            claims = await tx.internship.submitted_claims(list(actor.coordinated_schools))
            await tx.audit.add_reads(
                self.clock.now(), actor.telegram_id, "read_claim", [c.pupil_id for c in claims]
            )
            return claims

    async def _claim_for(self, tx: Tx, actor: Actor, claim_id: int) -> TransportClaim:
        claim = await tx.internship.get_claim(claim_id)
        if claim is None:
            actor.require_coordinator()
            raise NotAllowed()
        actor.require_school_coordinator(claim.school_id)
        if claim.state != ClaimState.SUBMITTED:
            raise AlreadyDecided()
        return claim

    async def ticket(self, actor: Actor, claim_id: int) -> TransportClaim:
        """The claim whose ticket photo a coordinator of its school looks at (audited)."""
        async with self.uow.write() as tx:
            claim = await self._claim_for(tx, actor, claim_id)
            await tx.audit.add_reads(
                self.clock.now(), actor.telegram_id, "read_ticket", [claim.pupil_id]
            )
            return claim

    async def approve(self, actor: Actor, claim_id: int) -> TransportClaim:
        async with self.uow.write() as tx:
            await self._claim_for(tx, actor, claim_id)
            return await self._decide(tx, actor, claim_id, ClaimState.APPROVED, "")

    async def begin_return(self, actor: Actor, claim_id: int) -> TransportClaim:
        async with self.uow.write() as tx:
            claim = await self._claim_for(tx, actor, claim_id)
            await self.questions.ask_in(tx, actor, ReturnReason(claim_id=claim_id))
            return claim

    async def take_return_reason(self, actor: Actor, text: str | None) -> TransportClaim:
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
    ) -> TransportClaim:
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
