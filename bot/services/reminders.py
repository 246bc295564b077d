"""Reminders: planned in the caller's transaction, sent by one dispatcher.

Features plan reminders through :class:`ReminderService` (never by writing rows
themselves) and register a renderer per kind, which turns a due row into words in the
recipient's language at send time.

INTERFACE CONTRACT (used by consultations and meals; the reminders feature fills in
quiet hours, user settings and the dispatcher behind it without changing it):

- ``await reminders.plan(conn, chat_id=, role=, kind=, ref=, due_at=, event_at=None,
  not_after=None, payload=None)``: one message at ``due_at``.
- ``await reminders.plan_before(conn, chat_id=, role=, kind=, ref=, event_at=, payload=)``:
  one message per offset before ``event_at`` (the recipient's offsets, else the role's
  defaults); kinds become ``kind:<minutes>``.
- ``await reminders.cancel(conn, ref, kinds=())``: cancel what is pending about ``ref``.
- ``reminders.register(base_kind, renderer)`` where
  ``renderer(reminder, texts) -> Awaitable[OutgoingMessage | None]``; None means
  "nothing to say any more" and the row is marked expired.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import RemindersConfig
from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.i18n import Texts, Translator
from storage import Database
from storage import reminders as repo
from storage.db import Connection

Renderer = Callable[[Reminder, Texts], Awaitable[OutgoingMessage | None]]

DEFAULT_OFFSETS_MINUTES: dict[Role, tuple[int, ...]] = {
    Role.SPECIALIST: (24 * 60, 15),
    Role.PUPIL: (120,),
    Role.GUARDIAN: (120,),
}


class ReminderService:
    def __init__(
        self, db: Database, clock: Clock, config: RemindersConfig, translator: Translator
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.translator = translator
        self._renderers: dict[str, Renderer] = {}

    def register(self, base_kind: str, renderer: Renderer) -> None:
        if base_kind in self._renderers:
            raise ValueError(f"a renderer for {base_kind!r} is registered already")
        self._renderers[base_kind] = renderer

    def renderer(self, base_kind: str) -> Renderer | None:
        return self._renderers.get(base_kind)

    async def plan(
        self,
        conn: Connection,
        *,
        chat_id: int,
        role: Role,
        kind: str,
        ref: str,
        due_at: datetime,
        event_at: datetime | None = None,
        not_after: datetime | None = None,
        payload: dict[str, object] | None = None,
    ) -> None:
        await repo.schedule_reminder(
            conn,
            chat_id=chat_id,
            role=role.value,
            kind=kind,
            ref=ref,
            due_at=due_at,
            event_at=event_at,
            not_after=not_after if not_after is not None else event_at,
            payload=payload,
        )

    async def plan_before(
        self,
        conn: Connection,
        *,
        chat_id: int,
        role: Role,
        kind: str,
        ref: str,
        event_at: datetime,
        payload: dict[str, object] | None = None,
    ) -> None:
        for minutes in DEFAULT_OFFSETS_MINUTES.get(role, (60,)):
            await self.plan(
                conn,
                chat_id=chat_id,
                role=role,
                kind=f"{kind}:{minutes}",
                ref=ref,
                due_at=event_at - timedelta(minutes=minutes),
                event_at=event_at,
                payload=payload,
            )

    async def cancel(self, conn: Connection, ref: str, kinds: tuple[str, ...] = ()) -> int:
        return await repo.cancel_reminders(conn, ref, kinds)
