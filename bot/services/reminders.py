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

ADDED BY THE REMINDERS FEATURE (the contract above is unchanged):

- ``plan`` applies quiet hours for the roles in ``[reminders] quiet_roles`` (see
  :meth:`bot.domain.quiet_hours.QuietHours.place`), skips a kind the recipient turned
  off, and defaults ``not_after`` to ``event_at`` only for a reminder due BEFORE its
  event (a question asked after a session does not expire when the session starts).
- ``plan_before`` skips offsets already in the past and cancels the recipient's other
  pending ``kind:*`` rows of that ``ref`` (so a moved session, or changed offsets, leave
  nothing stale). Offsets are exact durations ("24 hours before" is 24 real hours, also
  across a summer-time change); clock times (the agenda, quiet hours) are Riga wall time.
- ``cancel(conn, ref, kinds=("session",))`` also cancels the variants ``session:<m>``.
- ``declare_optional(base_kind, label, roles)``: users of ``roles`` may turn this kind
  off in /settings (``agenda`` and ``meal_tomorrow`` are declared here already).
- ``at_local(day, time)`` / ``agenda_due(day)``: a Riga clock time as an aware datetime.
- ``await dispatch_due(sender)``: send what is due (see ``bot.services.dispatcher``).
- ``on_planned``: set by the app; called with each planned due time (to wake earlier).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import RemindersConfig
from bot.domain.errors import N_
from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.domain.quiet_hours import QuietHours, at_local
from bot.i18n import Texts, Translator
from bot.services.dispatcher import Dispatcher, DispatchReport
from bot.services.sending import Sender
from storage import Database
from storage import reminders as repo
from storage import settings as settings_repo
from storage.db import Connection

Renderer = Callable[[Reminder, Texts], Awaitable[OutgoingMessage | None]]

OFFSETS_SETTING = "reminder_offsets"
OFF_SETTING = "reminders_off"  # read by storage.reminders.recipients too


@dataclass(frozen=True)
class OptionalKind:
    """A kind of reminder users may turn off; ``label`` is an English msgid."""

    base_kind: str
    label: str
    roles: frozenset[Role]


DEFAULT_OPTIONAL = (
    OptionalKind("agenda", N_("Morning agenda of my sessions"), frozenset({Role.SPECIALIST})),
    OptionalKind(
        "meal_tomorrow",
        N_("Meal delivery reminder the evening before"),
        frozenset({Role.PUPIL, Role.GUARDIAN}),
    ),
)


class ReminderService:
    def __init__(
        self, db: Database, clock: Clock, config: RemindersConfig, translator: Translator
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.translator = translator
        self.quiet = QuietHours(config.quiet_start, config.quiet_end, translator.tz)
        self._renderers: dict[str, Renderer] = {}
        self._optional: dict[str, OptionalKind] = {k.base_kind: k for k in DEFAULT_OPTIONAL}
        self.on_planned: Callable[[datetime], None] | None = None
        self.dispatcher = Dispatcher(
            db,
            clock,
            config,
            translator,
            self.renderer,
            optional_kinds=lambda: frozenset(self._optional),
        )

    def register(self, base_kind: str, renderer: Renderer) -> None:
        if base_kind in self._renderers:
            raise ValueError(f"a renderer for {base_kind!r} is registered already")
        self._renderers[base_kind] = renderer

    def renderer(self, base_kind: str) -> Renderer | None:
        return self._renderers.get(base_kind)

    def declare_optional(self, base_kind: str, label: str, roles: Iterable[Role]) -> None:
        """Let users of ``roles`` turn ``base_kind`` off in /settings."""
        self._optional[base_kind] = OptionalKind(base_kind, label, frozenset(roles))

    def optional_kinds(self, role: Role) -> list[OptionalKind]:
        return [kind for kind in self._optional.values() if role in kind.roles]

    def at_local(self, day: date, clock_time: time) -> datetime:
        return at_local(day, clock_time, self.translator.tz)

    def agenda_due(self, day: date) -> datetime:
        """When a specialist's agenda for ``day`` is sent (``[reminders] agenda_at``)."""
        return self.at_local(day, self.config.agenda_at)

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
        if not_after is None and event_at is not None and due_at < event_at:
            not_after = event_at
        if role.value in self.config.quiet_roles:
            due_at = self.quiet.place(due_at, event_at, self.clock.now())
        await repo.schedule_reminder(
            conn,
            chat_id=chat_id,
            role=role.value,
            kind=kind,
            ref=ref,
            due_at=due_at,
            event_at=event_at,
            not_after=not_after,
            payload=payload,
        )
        base = kind.split(":", 1)[0]
        if base in self._optional and base in await self._turned_off(conn, chat_id):
            # Kept, cancelled, so that turning the kind on again brings it back.
            await repo.cancel_reminders_of_chat_ref(conn, chat_id, ref, kind)
        elif self.on_planned is not None:
            self.on_planned(due_at)

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
        now = self.clock.now()
        # In UTC: subtracting from a Riga datetime would count wall-clock hours.
        event_at = event_at.astimezone(UTC)
        kept: list[str] = []
        for minutes in await self.offsets_of(conn, chat_id, role):
            due_at = event_at - timedelta(minutes=minutes)
            if due_at <= now:
                continue
            kept.append(f"{kind}:{minutes}")
            await self.plan(
                conn,
                chat_id=chat_id,
                role=role,
                kind=kept[-1],
                ref=ref,
                due_at=due_at,
                event_at=event_at,
                payload=payload,
            )
        await repo.cancel_variants(conn, chat_id, ref, kind, kept)

    async def cancel(self, conn: Connection, ref: str, kinds: tuple[str, ...] = ()) -> int:
        return await repo.cancel_reminders(conn, ref, kinds)

    async def offsets_of(self, conn: Connection, chat_id: int, role: Role) -> tuple[int, ...]:
        """The recipient's chosen minutes before a session, else the role's defaults."""
        chosen = await settings_repo.get_setting(conn, chat_id, OFFSETS_SETTING)
        if isinstance(chosen, list) and chosen:
            return tuple(sorted((int(m) for m in chosen), reverse=True))
        return self.config.offsets_for(role.value)

    async def _turned_off(self, conn: Connection, chat_id: int) -> set[str]:
        off = await settings_repo.get_setting(conn, chat_id, OFF_SETTING)
        return set(off) if isinstance(off, list) else set()

    async def dispatch_due(self, sender: Sender) -> DispatchReport:
        """Send everything due now through ``sender``; safe to call from several tasks."""
        return await self.dispatcher.dispatch_due(sender)

    async def close(self) -> None:
        """Graceful stop of the dispatcher (claimed unsent rows go back to pending)."""
        await self.dispatcher.stop()
