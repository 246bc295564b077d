"""/settings: each user's minutes before a session, and the reminders they turned off."""

from __future__ import annotations

from bot.domain.actor import Actor
from bot.domain.errors import N_, DomainError, NotAllowed
from bot.domain.models import Model, Role
from bot.domain.reminders import ReminderKind
from bot.services.reminders.planner import OFF_SETTING, OFFSETS_SETTING, ReminderService
from storage.uow import Tx, UnitOfWork

# Roles that get session reminders and so have offsets to choose.
ROLES_WITH_OFFSETS = frozenset({Role.SPECIALIST, Role.PUPIL, Role.GUARDIAN})


class KeepOneReminder(DomainError):
    """The last offset cannot be turned off: the session reminder is not optional."""

    message = N_("Keep at least one reminder before a session.")


class OffsetChoice(Model):
    minutes: int
    chosen: bool


class KindChoice(Model):
    kind: ReminderKind
    on: bool


class SettingsView(Model):
    role: Role | None
    offsets: tuple[OffsetChoice, ...] = ()
    kinds: tuple[KindChoice, ...] = ()


class ReminderSettings:
    def __init__(self, uow: UnitOfWork, reminders: ReminderService) -> None:
        self.uow = uow
        self.reminders = reminders
        self.clock = reminders.clock

    async def view(self, actor: Actor) -> SettingsView:
        actor.require_linked()
        async with self.uow.read() as tx:
            return await self._view(tx, actor)

    async def toggle_offset(self, actor: Actor, minutes: int) -> SettingsView:
        """Turn one offset on or off and re-plan this user's coming session reminders.

        Raises:
            NotAllowed: ``minutes`` is not offered to this user's role (a forged button).
            KeepOneReminder: it was the last one.
        """
        actor.require_role(*ROLES_WITH_OFFSETS)
        role = actor.role
        assert role is not None  # noqa: S101 - checked just above
        if minutes not in self.reminders.config.offset_choices_for(role.value):
            raise NotAllowed()
        now = self.clock.now()
        async with self.uow.write() as tx:
            stored = await tx.settings.get(actor.telegram_id, OFFSETS_SETTING)
            chosen = set(self.reminders.offsets(role, stored)) ^ {minutes}
            if not chosen:
                raise KeepOneReminder()
            await tx.settings.set(actor.telegram_id, OFFSETS_SETTING, sorted(chosen))
            # Re-plan every coming session reminder of this user with the new offsets.
            seen: set[tuple[ReminderKind, str]] = set()
            for row in await tx.reminders.offset_rows_of_chat(actor.telegram_id, now):
                if (row.kind, row.ref) in seen or row.event_at is None or row.payload is None:
                    continue
                seen.add((row.kind, row.ref))
                await self.reminders.plan_before(
                    tx,
                    [actor.as_recipient(row.role)],
                    kind=row.kind,
                    ref=row.ref,
                    event_at=row.event_at,
                    payload=row.payload,
                )
            return await self._view(tx, actor)

    async def toggle_kind(self, actor: Actor, kind: ReminderKind) -> SettingsView:
        """Turn an optional kind off (its pending rows are cancelled) or on again."""
        actor.require_linked()
        if kind not in self.reminders.optional_kinds(actor.role):
            raise NotAllowed()
        now = self.clock.now()
        async with self.uow.write() as tx:
            off = set(await tx.settings.get(actor.telegram_id, OFF_SETTING) or [])
            if kind.value in off:
                off.discard(kind.value)
                await tx.reminders.turn_on_kind(actor.telegram_id, kind, now)
            else:
                off.add(kind.value)
                await tx.reminders.turn_off_kind(actor.telegram_id, kind)
            await tx.settings.set(actor.telegram_id, OFF_SETTING, sorted(off))
            return await self._view(tx, actor)

    async def _view(self, tx: Tx, actor: Actor) -> SettingsView:
        role = actor.role
        if role is None:
            return SettingsView(role=None)
        offsets: tuple[OffsetChoice, ...] = ()
        if role in ROLES_WITH_OFFSETS:
            stored = await tx.settings.get(actor.telegram_id, OFFSETS_SETTING)
            current = set(self.reminders.offsets(role, stored))
            offsets = tuple(
                OffsetChoice(minutes=m, chosen=m in current)
                for m in self.reminders.config.offset_choices_for(role.value)
            )
        off = set(await tx.settings.get(actor.telegram_id, OFF_SETTING) or [])
        kinds = tuple(
            KindChoice(kind=kind, on=kind.value not in off)
            for kind in self.reminders.optional_kinds(role)
        )
        return SettingsView(role=role, offsets=offsets, kinds=kinds)
