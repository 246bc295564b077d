"""Reminders: planned in the caller's transaction, sent later by one dispatcher.

Features plan reminders through :class:`ReminderService` (never by writing rows
themselves), each a :class:`~bot.domain.reminders.Planned` with a typed payload, and
register a loader per kind that turns a due row into a fact at send time (None: there is
nothing to say any more, and the row expires). The rules every plan obeys live here:

- Quiet hours for the roles in ``[reminders] quiet_roles``: a row due in the night moves
  to the morning, unless its event comes first (:meth:`QuietHours.place`).
- ``not_after`` defaults to ``event_at`` only for a reminder due BEFORE its event (a
  question asked after a session does not expire when the session starts).
- A kind the recipient turned off in /settings is stored cancelled, so turning it on
  again brings it back.
- :meth:`ReminderService.plan_before` plans one row per offset before an event (the
  recipient's chosen offsets, else the role's), skips offsets already past, and cancels
  the recipient's other ``kind:*`` rows of that ref, so a moved session leaves nothing
  stale. Offsets are exact durations; clock times are Riga wall time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.config import RemindersConfig
from bot.domain.dates import RIGA
from bot.domain.models import Role
from bot.domain.quiet_hours import QuietHours
from bot.domain.reminders import (
    Fact,
    Payload,
    Planned,
    Recipient,
    Reminder,
    ReminderKind,
)
from storage.uow import Tx

Loader = Callable[[Reminder], Awaitable[Fact | None]]

OFFSETS_SETTING = "reminder_offsets"
OFF_SETTING = "reminders_off"  # read by the dispatcher's chat query too


@dataclass(frozen=True)
class OptionalKind:
    """A kind of reminder users of ``roles`` may turn off in /settings."""

    kind: ReminderKind
    roles: frozenset[Role]


OPTIONAL_KINDS = (
    OptionalKind(ReminderKind.AGENDA, frozenset({Role.SPECIALIST})),
    OptionalKind(ReminderKind.MEAL_TOMORROW, frozenset({Role.PUPIL, Role.GUARDIAN})),
    OptionalKind(ReminderKind.SUPPORT_NUDGE, frozenset({Role.PUPIL, Role.GUARDIAN})),
    OptionalKind(ReminderKind.WEEKLY_DIGEST, frozenset({Role.COORDINATOR})),
)
_OPTIONAL = frozenset(k.kind for k in OPTIONAL_KINDS)


class ReminderService:
    def __init__(self, clock: Clock, config: RemindersConfig) -> None:
        self.clock = clock
        self.config = config
        self.quiet = QuietHours(config.quiet_start, config.quiet_end, RIGA)
        self._loaders: dict[ReminderKind, Loader] = {}
        # Set by the application: called with the earliest due time planned (to wake up).
        self.on_planned: Callable[[datetime], None] | None = None

    # --- loaders: each feature says what its kinds are about at send time ------------

    def register(self, kind: ReminderKind, loader: Loader) -> None:
        if kind in self._loaders:
            raise ValueError(f"a loader for {kind!r} is registered already")
        self._loaders[kind] = loader

    def loader(self, kind: ReminderKind) -> Loader | None:
        return self._loaders.get(kind)

    @staticmethod
    def optional_kinds(role: Role | None) -> list[ReminderKind]:
        return [k.kind for k in OPTIONAL_KINDS if role in k.roles]

    # --- planning --------------------------------------------------------------------

    async def plan(self, tx: Tx, items: Iterable[Planned]) -> None:
        """Plan every item in the caller's transaction, in one statement."""
        now = self.clock.now()
        # Chat 0 is an erased account's, kept in a record that outlives it: never sent to.
        placed = [self._place(item, now) for item in items if item.chat_id > 0]
        if not placed:
            return
        await tx.reminders.schedule(placed, _OPTIONAL)
        if self.on_planned is not None:
            self.on_planned(min(item.due_at for item in placed))

    def _place(self, item: Planned, now: datetime) -> Planned:
        not_after = item.not_after
        if not_after is None and item.event_at is not None and item.due_at < item.event_at:
            not_after = item.event_at
        due_at = item.due_at
        if item.role.value in self.config.quiet_roles and not item.urgent:
            due_at = self.quiet.place(due_at, item.event_at, now)
        return item.model_copy(update={"due_at": due_at, "not_after": not_after})

    async def plan_before(
        self,
        tx: Tx,
        recipients: Sequence[Recipient],
        *,
        kind: ReminderKind,
        ref: str,
        event_at: datetime,
        payload: Payload,
    ) -> None:
        """One reminder per offset before ``event_at`` for each recipient."""
        items = await self.items_before(
            tx, recipients, kind=kind, ref=ref, event_at=event_at, payload=payload
        )
        await tx.reminders.cancel_other_variants(
            ref, kind, (r.chat_id for r in recipients), ((i.chat_id, i.kind_text) for i in items)
        )
        await self.plan(tx, items)

    async def items_before(
        self,
        tx: Tx,
        recipients: Sequence[Recipient],
        *,
        kind: ReminderKind,
        ref: str,
        event_at: datetime,
        payload: Payload,
    ) -> list[Planned]:
        """The rows :meth:`plan_before` plans (their offsets read unless read already)."""
        now = self.clock.now()
        # In UTC: subtracting from a Riga datetime would count wall-clock hours.
        event_at = event_at.astimezone(UTC)
        if all(r.offsets_read for r in recipients):
            chosen: dict[int, object] = {
                r.chat_id: list(r.chosen_offsets) if r.chosen_offsets else None for r in recipients
            }
        else:
            chosen = await tx.settings.values(OFFSETS_SETTING, {r.chat_id for r in recipients})
        return [
            Planned(
                chat_id=recipient.chat_id,
                role=recipient.role,
                kind=kind,
                variant=minutes,
                ref=ref,
                due_at=event_at - timedelta(minutes=minutes),
                event_at=event_at,
                payload=payload,
            )
            for recipient in recipients
            for minutes in self.offsets(recipient.role, chosen.get(recipient.chat_id))
            if event_at - timedelta(minutes=minutes) > now
        ]

    def offsets(self, role: Role, chosen: object) -> tuple[int, ...]:
        """The recipient's chosen minutes before a session, else the role's defaults."""
        if isinstance(chosen, list) and chosen:
            return tuple(sorted((int(m) for m in chosen), reverse=True))
        return self.config.offsets_for(role.value)

    async def cancel(self, tx: Tx, ref: str, kinds: Iterable[ReminderKind] = ()) -> int:
        return await tx.reminders.cancel(ref, kinds)
