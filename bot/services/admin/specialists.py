"""Adding a specialist in the chat, without a CSV file: name, kind, subjects, on duty.

The answers are kept in the coordinator's open question until the last one, so nothing is
stored half-way. A specialist added so has the school's id ``CHAT-<n>``; importing the
school's specialists file later adds its own ids beside it.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.admin import (
    NAME_MAX,
    SUBJECT_MAX,
    BadName,
    ChooseAbove,
    PersonCard,
    SpecialistDraft,
)
from bot.domain.errors import NotAllowed, NothingAwaited, TextTooLong
from bot.domain.meals import clean_note
from bot.domain.models import Role, SpecialistKind
from bot.domain.questions import SpecialistAnswer
from bot.services.questions import Questions
from storage.uow import Tx, UnitOfWork


class SpecialistsService:
    def __init__(self, uow: UnitOfWork, clock: Clock, questions: Questions) -> None:
        self.uow = uow
        self.clock = clock
        self.questions = questions

    async def begin(self, actor: Actor, school_id: str) -> SpecialistDraft:
        actor.require_school_coordinator(school_id)
        draft = SpecialistDraft(school_id=school_id, step="name")
        await self.questions.ask(actor, SpecialistAnswer(draft=draft))
        return draft

    async def _draft(self, tx: Tx, actor: Actor, step: str | None = None) -> SpecialistDraft:
        actor.require_role(Role.COORDINATOR)
        question = await self.questions.current(tx, actor, SpecialistAnswer)
        if question is None:
            raise NothingAwaited()
        draft = question.draft
        actor.require_school_coordinator(draft.school_id)
        if step is not None and draft.step != step:
            raise NotAllowed()
        return draft

    async def take_text(self, actor: Actor, text: str) -> SpecialistDraft:
        """The typed answers: the name, then (for a teacher) the subjects."""
        async with self.uow.write() as tx:
            draft = await self._draft(tx, actor)
            if draft.step == "name":
                name = clean_note(text, NAME_MAX)
                if len(name) < 2:
                    raise BadName(limit=NAME_MAX)
                draft = draft.model_copy(update={"name": name, "step": "kind"})
            elif draft.step == "subjects":
                draft = draft.model_copy(update={"subjects": _subjects(text), "step": "duty"})
            else:
                raise ChooseAbove()
            await self.questions.ask_in(tx, actor, SpecialistAnswer(draft=draft))
            return draft

    async def choose_kind(self, actor: Actor, kind: SpecialistKind) -> SpecialistDraft:
        """A teacher is asked for subjects next; the others give emotional support."""
        async with self.uow.write() as tx:
            draft = await self._draft(tx, actor, "kind")
            step = "subjects" if kind == SpecialistKind.TEACHER else "duty"
            draft = draft.model_copy(update={"kind": kind, "step": step})
            await self.questions.ask_in(tx, actor, SpecialistAnswer(draft=draft))
            return draft

    async def finish(self, actor: Actor, on_duty: bool) -> PersonCard:
        """The last answer (on duty or not): the specialist is stored."""
        async with self.uow.write() as tx:
            draft = await self._draft(tx, actor, "duty")
            assert draft.kind is not None  # noqa: S101 - chosen before this step
            specialist_id = await tx.admin.add_specialist(
                draft.school_id, draft.name, draft.kind, draft.subjects, on_duty
            )
            await self.questions.end_in(tx, actor)
            await tx.audit.add(
                self.clock.now(),
                actor.telegram_id,
                "specialist_added",
                f"specialist:{specialist_id}",
            )
            card = await tx.admin.person(Role.SPECIALIST, specialist_id)
        assert card is not None  # noqa: S101 - just written
        return card


def _subjects(text: str) -> tuple[str, ...]:
    """'Matemātika; Fizika' (or with commas) as subjects; '-' for none."""
    if text.strip() in {"-", "—"}:
        return ()
    found = []
    for part in text.replace(",", ";").split(";"):
        subject = clean_note(part, SUBJECT_MAX)
        if subject and subject not in found:
            found.append(subject)
    if len(found) > 20:
        raise TextTooLong(limit=20, length=len(found))
    return tuple(found)
