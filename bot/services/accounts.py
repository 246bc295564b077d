"""Accounts: first contact, linking by one-time code, language, and the user's own data."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from bot.clock import Clock
from bot.config import LinkingConfig
from bot.domain.errors import (
    CodeExpired,
    CodeInvalid,
    LinkThrottled,
    NotAllowed,
    NotFound,
    NotLinked,
    RoleConflict,
)
from bot.domain.models import (
    Account,
    LinkCode,
    Model,
    Person,
    PersonRef,
    Role,
    SupportPlan,
)
from storage import Database, people
from storage import accounts as repo
from storage import settings as settings_repo
from storage.db import Connection
from storage.reminders import cancel_reminders_of_chat, pending_count_of_chat

# No 0/O, 1/I/L: codes are read aloud and typed by children.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

_ROLE_TABLES = {
    Role.PUPIL: "pupils",
    Role.GUARDIAN: "guardians",
    Role.SPECIALIST: "specialists",
    Role.COORDINATOR: "coordinators",
    Role.CATERER: "caterer_people",  # a view: the caterers serving the school
}


class IssuedCode(Model):
    code: str
    role: Role
    external_id: str
    display_name: str
    expires_at: datetime


class MyData(Model):
    """Everything the bot holds about one account, for /me and the export."""

    account: Account
    children: tuple[str, ...] = ()
    settings: dict[str, Any] = Field(default_factory=dict)
    scheduled_messages: int = 0


class PlanView(Model):
    pupil_name: str
    plans: tuple[SupportPlan, ...]


def normalize_code(text: str) -> str:
    """Upper-case, without spaces and dashes: 'k7m2-q9xp' and 'K7M2Q9XP' are one code."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "ignore")).hexdigest()


class AccountService:
    def __init__(self, db: Database, clock: Clock, config: LinkingConfig) -> None:
        self.db = db
        self.clock = clock
        self.config = config

    async def touch(self, telegram_id: int, telegram_language: str | None) -> Account:
        """The account of whoever sent an update, created on first contact."""
        account = await repo.get_account(self.db.reader, telegram_id)
        if (
            account is not None
            and account.telegram_language == telegram_language
            and account.active
        ):
            return account
        async with self.db.write() as conn:
            await repo.ensure_account(conn, telegram_id, telegram_language, self.clock.now())
            account = await repo.get_account(conn, telegram_id)
        assert account is not None  # noqa: S101 - just written in this transaction
        return account

    async def link(self, telegram_id: int, code_text: str) -> PersonRef:
        """Link the account to the person the code was issued for.

        Raises:
            LinkThrottled: too many wrong codes lately; nothing is checked.
            CodeInvalid: no such code or already used (counts as a wrong try).
            CodeExpired: a real code past its expiry.
            RoleConflict: the account is already linked with another role.
        """
        now = self.clock.now()
        code_hash = _hash(normalize_code(code_text))
        async with self.db.write() as conn:
            await repo.ensure_account(conn, telegram_id, None, now)
            failures, locked_until = await repo.get_throttle(conn, telegram_id)
            if locked_until is not None and locked_until > now:
                raise LinkThrottled(locked_until)
            found = await repo.find_link_code(conn, code_hash)
            if found is not None and found.used_by == telegram_id:
                # The same /start delivered twice (Telegram redelivers after a crash).
                person = await repo.get_person(conn, found.role, found.person_id)
                if person is not None:
                    return person
            if found is not None and found.used_by is None:
                return await self._link_found(conn, telegram_id, code_hash, found, now)
            # A wrong try must be stored, so it is committed and only then raised.
            failed = await self._count_failure(conn, telegram_id, failures + 1, now)
        raise failed

    async def _count_failure(
        self, conn: Connection, telegram_id: int, failures: int, now: datetime
    ) -> LinkThrottled | CodeInvalid:
        await repo.audit(conn, now, telegram_id, "link_failed", f"account:{telegram_id}")
        if failures >= self.config.max_failed_attempts:
            until = now + timedelta(minutes=self.config.lockout_minutes)
            await repo.set_throttle(conn, telegram_id, 0, until)
            return LinkThrottled(until)
        await repo.set_throttle(conn, telegram_id, failures, None)
        return CodeInvalid(self.config.max_failed_attempts - failures)

    async def _link_found(
        self,
        conn: Connection,
        telegram_id: int,
        code_hash: str,
        found: LinkCode,
        now: datetime,
    ) -> PersonRef:
        role, person_id = found.role, found.person_id
        if found.expires_at <= now:
            raise CodeExpired()
        account = await repo.get_account(conn, telegram_id)
        current = account.links if account else ()
        # Only a guardian links several people (their children's guardian records).
        already = any(p.role == role and p.person_id == person_id for p in current)
        if current and (current[0].role != role or role != Role.GUARDIAN) and not already:
            raise RoleConflict()
        person = await repo.get_person(conn, role, person_id)
        if person is None or not await repo.use_link_code(conn, code_hash, telegram_id, now):
            raise CodeInvalid(self.config.max_failed_attempts)
        await repo.add_link(conn, telegram_id, role, person_id, now)
        await repo.set_throttle(conn, telegram_id, 0, None)
        await repo.audit(conn, now, telegram_id, "linked", f"{role.value}:{person_id}")
        return person

    async def set_language(self, telegram_id: int, language: str) -> None:
        async with self.db.write() as conn:
            await repo.ensure_account(conn, telegram_id, None, self.clock.now())
            await repo.set_language(conn, telegram_id, language)

    async def mark_blocked(self, telegram_id: int) -> None:
        """The user blocked the bot: stop sending until they write again."""
        async with self.db.write() as conn:
            await repo.set_active(conn, telegram_id, False)

    async def describe(self, telegram_id: int) -> MyData:
        account = await repo.get_account(self.db.reader, telegram_id)
        if account is None:
            raise NotLinked()
        guardian_ids = [p.person_id for p in account.links if p.role == Role.GUARDIAN]
        children = await people.children_of(self.db.reader, guardian_ids)
        return MyData(
            account=account,
            children=tuple(c.display_name for c in children),
            settings=await settings_repo.all_settings(self.db.reader, telegram_id),
            scheduled_messages=await pending_count_of_chat(self.db.reader, telegram_id),
        )

    async def erase(self, telegram_id: int) -> None:
        """Forget the account, its links and its pending messages; plans stay with the school."""
        now = self.clock.now()
        async with self.db.write() as conn:
            await cancel_reminders_of_chat(conn, telegram_id)
            await repo.erase_account(conn, telegram_id)
            await repo.audit(conn, now, None, "account_erased", f"account:{telegram_id}")

    async def view_plans(self, telegram_id: int) -> list[PlanView]:
        """The plans a pupil may see (their own) or a guardian (their children's), audited."""
        account = await repo.get_account(self.db.reader, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role == Role.PUPIL:
            pupil_ids = [account.links[0].person_id]
        elif account.role == Role.GUARDIAN:
            guardian_ids = [p.person_id for p in account.links]
            pupil_ids = [c.id for c in await people.children_of(self.db.reader, guardian_ids)]
        else:
            raise NotAllowed()
        views = []
        async with self.db.write() as conn:
            for pupil_id in pupil_ids:
                pupil = await people.get_pupil(conn, pupil_id)
                if pupil is None:
                    continue
                plans = await people.plans_of_pupil(conn, pupil_id)
                if account.role != Role.PUPIL:
                    await repo.audit(
                        conn, self.clock.now(), telegram_id, "read_plan", f"pupil:{pupil_id}"
                    )
                views.append(PlanView(pupil_name=pupil.display_name, plans=tuple(plans)))
        return views

    async def issue_codes(self, school_id: str, roles: list[Role]) -> list[IssuedCode]:
        """One fresh code per person of the school in each role; old unused codes stay valid."""
        async with self.db.write() as conn:
            if await people.get_school(conn, school_id) is None:
                raise NotFound(f"school {school_id}")
            persons = [
                (role, person)
                for role in roles
                for person in await people.list_people(conn, _ROLE_TABLES[role], school_id)
            ]
            return await self._issue(conn, f"school:{school_id}", school_id, persons)

    async def issue_region_codes(self, region_id: str) -> list[IssuedCode]:
        """One fresh code per regional coordinator of the region."""
        async with self.db.write() as conn:
            persons = [
                (Role.COORDINATOR, person)
                for person in await people.regional_coordinators(conn, region_id)
            ]
            if not persons and not await people.list_schools(conn, region_id):
                raise NotFound(f"region {region_id}")
            return await self._issue(conn, f"region:{region_id}", region_id, persons)

    async def _issue(
        self,
        conn: Connection,
        subject: str,
        scope: str,
        persons: list[tuple[Role, Person]],
    ) -> list[IssuedCode]:
        now = self.clock.now()
        expires_at = now + timedelta(hours=self.config.code_ttl_hours)
        issued: list[IssuedCode] = []
        for role, person in persons:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            await repo.add_link_code(conn, _hash(code), scope, role, person.id, now, expires_at)
            issued.append(
                IssuedCode(
                    code=code,
                    role=role,
                    external_id=person.external_id,
                    display_name=person.display_name,
                    expires_at=expires_at,
                )
            )
        await repo.audit(conn, now, None, "codes_issued", subject, str(len(issued)))
        return issued
