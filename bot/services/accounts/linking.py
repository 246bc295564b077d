"""Linking a Telegram account to a person by a one-time code, and issuing the codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import LinkingConfig
from bot.domain.actor import Actor
from bot.domain.errors import (
    CodeExpired,
    CodeInvalid,
    LinkThrottled,
    NotFound,
    RoleConflict,
)
from bot.domain.models import LinkCode, Model, Person, PersonRef, Role
from storage.uow import Tx, UnitOfWork

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


def normalize_code(text: str) -> str:
    """Upper-case, without spaces and dashes: 'k7m2-q9xp' and 'K7M2Q9XP' are one code."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "ignore")).hexdigest()


class LinkingService:
    def __init__(self, uow: UnitOfWork, clock: Clock, config: LinkingConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config

    async def link(self, actor: Actor, code_text: str) -> PersonRef:
        """Link the account to the person the code was issued for.

        Raises:
            LinkThrottled: too many wrong codes lately; nothing is checked.
            CodeInvalid: no such code or already used (counts as a wrong try).
            CodeExpired: a real code past its expiry.
            RoleConflict: the account is already linked with another role.
        """
        now = self.clock.now()
        telegram_id = actor.telegram_id
        code_hash = _hash(normalize_code(code_text))
        async with self.uow.write() as tx:
            await tx.accounts.ensure(telegram_id, None, now)
            failures, locked_until = await tx.accounts.throttle(telegram_id)
            if locked_until is not None and locked_until > now:
                raise LinkThrottled(until=locked_until)
            found = await tx.accounts.find_code(code_hash)
            if found is not None and found.used_by == telegram_id:
                # The same /start delivered twice (Telegram redelivers after a crash).
                person = await tx.accounts.person(found.role, found.person_id)
                if person is not None:
                    return person
            if found is not None and found.used_by is None:
                return await self._link_found(tx, actor, code_hash, found, now)
            # A wrong try must be stored, so it is committed and only then raised.
            failed = await self._count_failure(tx, telegram_id, failures + 1, now)
        raise failed

    async def _count_failure(
        self, tx: Tx, telegram_id: int, failures: int, now: datetime
    ) -> LinkThrottled | CodeInvalid:
        await tx.audit.add(now, telegram_id, "link_failed", f"account:{telegram_id}")
        if failures >= self.config.max_failed_attempts:
            until = now + timedelta(minutes=self.config.lockout_minutes)
            await tx.accounts.set_throttle(telegram_id, 0, until)
            return LinkThrottled(until=until)
        await tx.accounts.set_throttle(telegram_id, failures, None)
        return CodeInvalid(attempts_left=self.config.max_failed_attempts - failures)

    async def _link_found(
        self, tx: Tx, actor: Actor, code_hash: str, found: LinkCode, now: datetime
    ) -> PersonRef:
        role, person_id = found.role, found.person_id
        if found.expires_at <= now:
            raise CodeExpired()
        current = actor.links
        # Only a guardian links several people (their children's guardian records).
        already = any(p.role == role and p.person_id == person_id for p in current)
        if current and (current[0].role != role or role != Role.GUARDIAN) and not already:
            raise RoleConflict()
        person = await tx.accounts.person(role, person_id)
        if person is None or not await tx.accounts.use_code(code_hash, actor.telegram_id, now):
            raise CodeInvalid(attempts_left=self.config.max_failed_attempts)
        await tx.accounts.add_link(actor.telegram_id, role, person_id, now)
        await tx.accounts.set_throttle(actor.telegram_id, 0, None)
        await tx.audit.add(now, actor.telegram_id, "linked", f"{role.value}:{person_id}")
        return person

    async def issue_codes(self, school_id: str, roles: list[Role]) -> list[IssuedCode]:
        """One fresh code per person of the school in each role; old unused codes stay valid."""
        async with self.uow.write() as tx:
            if await tx.people.school(school_id) is None:
                raise NotFound(what=f"school {school_id}")
            persons = [
                (role, person)
                for role in roles
                for person in await tx.people.people_of_school(_ROLE_TABLES[role], school_id)
            ]
            return await self._issue(tx, f"school:{school_id}", school_id, persons)

    async def issue_region_codes(self, region_id: str) -> list[IssuedCode]:
        """One fresh code per regional coordinator of the region."""
        async with self.uow.write() as tx:
            persons = [
                (Role.COORDINATOR, person)
                for person in await tx.people.regional_coordinators(region_id)
            ]
            if not persons and not await tx.people.schools(region_id):
                raise NotFound(what=f"region {region_id}")
            return await self._issue(tx, f"region:{region_id}", region_id, persons)

    async def issue_in(self, tx: Tx, school_id: str, role: Role, person: Person) -> IssuedCode:
        """One person's fresh code, inside the caller's transaction (a coordinator's new
        code for a lost one)."""
        (issued,) = await self._issue(tx, f"school:{school_id}", school_id, [(role, person)])
        return issued

    async def _issue(
        self, tx: Tx, subject: str, scope: str, persons: list[tuple[Role, Person]]
    ) -> list[IssuedCode]:
        now = self.clock.now()
        expires_at = now + timedelta(hours=self.config.code_ttl_hours)
        issued: list[IssuedCode] = []
        rows: list[tuple[str, str, Role, int]] = []
        for role, person in persons:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            rows.append((_hash(code), scope, role, person.id))
            issued.append(
                IssuedCode(
                    code=code,
                    role=role,
                    external_id=person.external_id,
                    display_name=person.display_name,
                    expires_at=expires_at,
                )
            )
        await tx.accounts.add_codes(rows, now, expires_at)
        await tx.audit.add(now, None, "codes_issued", subject, str(len(issued)))
        return issued
