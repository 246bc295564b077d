"""/settings: each user's minutes before a session, and the reminders they turned off."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import N_, DomainError, NotAllowed, NotLinked
from bot.domain.models import Model, Role
from bot.services.reminders import OFF_SETTING, OFFSETS_SETTING, ReminderService
from storage import accounts as accounts_repo
from storage import reminders as repo
from storage import settings as settings_repo
from storage.db import Connection

# Roles that get session reminders and so have offsets to choose.
ROLES_WITH_OFFSETS = frozenset({Role.SPECIALIST, Role.PUPIL, Role.GUARDIAN})


class KeepOneReminder(DomainError):
    """The last offset cannot be turned off: the session reminder is not optional."""

    message = N_("Keep at least one reminder before a session.")


class OffsetChoice(Model):
    minutes: int
    chosen: bool


class KindChoice(Model):
    base_kind: str
    label: str  # an English msgid
    on: bool


class SettingsView(Model):
    role: Role | None
    offsets: tuple[OffsetChoice, ...] = ()
    kinds: tuple[KindChoice, ...] = ()


class ReminderSettings:
    def __init__(self, reminders: ReminderService) -> None:
        self.reminders = reminders
        self.db = reminders.db
        self.clock = reminders.clock

    async def view(self, telegram_id: int) -> SettingsView:
        role = await self._role(telegram_id)
        return await self._view(self.db.reader, telegram_id, role)

    async def toggle_offset(self, telegram_id: int, minutes: int) -> SettingsView:
        """Turn one offset on or off and re-plan this user's coming session reminders.

        Raises:
            NotAllowed: ``minutes`` is not offered to this user's role (a forged button).
            KeepOneReminder: it was the last one.
        """
        role = await self._role(telegram_id)
        if role not in ROLES_WITH_OFFSETS:
            raise NotAllowed()
        choices = self.reminders.config.offset_choices_for(role.value)
        if minutes not in choices:
            raise NotAllowed()
        now = self.clock.now()
        async with self.db.write() as conn:
            current = set(await self.reminders.offsets_of(conn, telegram_id, role))
            chosen = current ^ {minutes}
            if not chosen:
                raise KeepOneReminder()
            await settings_repo.set_setting(conn, telegram_id, OFFSETS_SETTING, sorted(chosen))
            await self._replan(conn, telegram_id, now)
            return await self._view(conn, telegram_id, role)

    async def toggle_kind(self, telegram_id: int, base_kind: str) -> SettingsView:
        """Turn an optional kind off (its pending rows are cancelled) or on again."""
        role = await self._role(telegram_id)
        if role is None or base_kind not in {
            k.base_kind for k in self.reminders.optional_kinds(role)
        }:
            raise NotAllowed()
        now = self.clock.now()
        async with self.db.write() as conn:
            off = set(await settings_repo.get_setting(conn, telegram_id, OFF_SETTING) or [])
            if base_kind in off:
                off.discard(base_kind)
                await repo.turn_on_kind(conn, telegram_id, base_kind, now)
            else:
                off.add(base_kind)
                await repo.turn_off_kind(conn, telegram_id, base_kind)
            await settings_repo.set_setting(conn, telegram_id, OFF_SETTING, sorted(off))
            return await self._view(conn, telegram_id, role)

    async def _replan(self, conn: Connection, telegram_id: int, now: datetime) -> None:
        seen: set[tuple[str, str]] = set()
        for row in await repo.offset_reminders_of_chat(conn, telegram_id, now):
            key = (row.base_kind, row.ref)
            if key in seen or row.event_at is None:
                continue
            seen.add(key)
            await self.reminders.plan_before(
                conn,
                chat_id=telegram_id,
                role=row.role,
                kind=row.base_kind,
                ref=row.ref,
                event_at=row.event_at,
                payload=row.payload,
            )

    async def _role(self, telegram_id: int) -> Role | None:
        account = await accounts_repo.get_account(self.db.reader, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        return account.role

    async def _view(self, conn: Connection, telegram_id: int, role: Role | None) -> SettingsView:
        if role is None:
            return SettingsView(role=None)
        offsets: tuple[OffsetChoice, ...] = ()
        if role in ROLES_WITH_OFFSETS:
            current = set(await self.reminders.offsets_of(conn, telegram_id, role))
            offsets = tuple(
                OffsetChoice(minutes=m, chosen=m in current)
                for m in self.reminders.config.offset_choices_for(role.value)
            )
        off = set(await settings_repo.get_setting(conn, telegram_id, OFF_SETTING) or [])
        kinds = tuple(
            KindChoice(base_kind=k.base_kind, label=k.label, on=k.base_kind not in off)
            for k in self.reminders.optional_kinds(role)
        )
        return SettingsView(role=role, offsets=offsets, kinds=kinds)
