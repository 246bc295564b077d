"""A coordinator's message to all guardians or all pupils of the school (or of one grade).

The coordinator writes it, sees how many it reaches, and confirms. Each recipient's copy
is a reminder due at once, so the dispatcher sends them at Telegram's rate limits, quiet
hours hold for pupils and parents, and nothing is lost to a network error. The message is
kept (``broadcasts``) and the sending is audited.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.admin import (
    BROADCAST_MAX,
    Audience,
    Broadcast,
    BroadcastDraft,
    BroadcastPreview,
    NobodyToTell,
)
from bot.domain.errors import NotAllowed, NothingAwaited, check_text
from bot.domain.models import Role
from bot.domain.questions import BroadcastAnswer
from bot.domain.reminders import BroadcastPayload, Fact, Planned, Reminder, ReminderKind
from bot.services.questions import Questions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork


class MessagesService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, reminders: ReminderService, questions: Questions
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.reminders = reminders
        self.questions = questions

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.BROADCAST, self.broadcast_fact)

    async def begin(
        self, actor: Actor, school_id: str, audience: Audience, grade: int | None
    ) -> BroadcastDraft:
        """Wait for the text of a message to this audience."""
        actor.require_school_coordinator(school_id)
        draft = BroadcastDraft(school_id=school_id, audience=audience, grade=grade)
        await self.questions.ask(actor, BroadcastAnswer(draft=draft))
        return draft

    async def _draft(self, tx: Tx, actor: Actor) -> BroadcastDraft:
        actor.require_role(Role.COORDINATOR)
        question = await self.questions.current(tx, actor, BroadcastAnswer)
        if question is None:
            raise NothingAwaited()
        actor.require_school_coordinator(question.draft.school_id)
        return question.draft

    async def take_text(self, actor: Actor, text: str) -> BroadcastPreview:
        """The message's text: kept until confirmed, with how many it would reach."""
        async with self.uow.write() as tx:
            draft = await self._draft(tx, actor)
            draft = draft.model_copy(
                update={"text": check_text(text, BROADCAST_MAX, required=True)}
            )
            await self.questions.ask_in(tx, actor, BroadcastAnswer(draft=draft))
            return await self._preview(tx, draft)

    async def _preview(self, tx: Tx, draft: BroadcastDraft) -> BroadcastPreview:
        people, linked, chats = await tx.admin.audience(
            draft.school_id, draft.audience, draft.grade
        )
        return BroadcastPreview(
            draft=draft, people=people, recipients=len(chats), without_account=people - linked
        )

    async def send(self, actor: Actor) -> BroadcastPreview:
        """Confirmed: one message per linked account of the audience, planned now."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            draft = await self._draft(tx, actor)
            if not draft.text:
                raise NotAllowed()
            _, _, chats = await tx.admin.audience(draft.school_id, draft.audience, draft.grade)
            if not chats:
                raise NobodyToTell()
            preview = await self._preview(tx, draft)
            broadcast_id = await tx.admin.add_broadcast(
                school_id=draft.school_id,
                audience=draft.audience,
                grade=draft.grade,
                text=draft.text,
                sent_by=actor.telegram_id,
                now=now,
                recipients=len(chats),
            )
            await self.reminders.plan(
                tx,
                [
                    Planned(
                        chat_id=chat,
                        role=role,
                        kind=ReminderKind.BROADCAST,
                        ref=f"broadcast:{broadcast_id}",
                        due_at=now,
                        payload=BroadcastPayload(broadcast_id=broadcast_id),
                    )
                    for chat, role in chats
                ],
            )
            await self.questions.end_in(tx, actor)
            detail = f"{draft.audience.value} grade {draft.grade or 'all'}: {len(chats)}"
            await tx.audit.add(
                now, actor.telegram_id, "broadcast", f"school:{draft.school_id}", detail
            )
            return preview

    async def broadcast_fact(self, reminder: Reminder) -> Fact | None:
        """The loader of BROADCAST: the message as it was sent, with the school's name."""
        if not isinstance(reminder.payload, BroadcastPayload):
            return None
        async with self.uow.read() as tx:
            found = await tx.admin.broadcast(reminder.payload.broadcast_id)
        if found is None:
            return None
        school_name, text = found
        return Broadcast(school_name=school_name, text=text)
