"""Linking a Telegram account to a person by a one-time code, and issuing the codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.config import LinkingConfig
from bot.domain.actor import Actor
from bot.domain.errors import (
    CodeInvalid,
    CodeUsed,
    LinkThrottled,
    NotFound,
)
from bot.domain.models import LinkCode, Model, Person, PersonRef, Role
from storage.uow import Tx, UnitOfWork

# No 0/O, 1/I/L: codes are read aloud and typed by children.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_MINUTE = timedelta(minutes=1)

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


def digest(code: str) -> str:
    """The unkeyed SHA-256 of a normalised code: what was stored before codes were keyed."""
    return hashlib.sha256(code.encode("ascii", "ignore")).hexdigest()


class LinkingService:
    """Linking by one-time code, its throttles, and issuing codes.

    A code is stored as HMAC-SHA-256 under the server's secret key (of its SHA-256, so
    that codes stored unkeyed before can be wrapped without knowing them). Every try that
    does not link counts as a wrong try, whatever the reason, and gets the same answer:
    a wrong code, an expired one, one for someone of another role. Only a code already
    used says so (it can never link again). Wrong tries are counted by an HMAC of the
    Telegram id in a table of their own, so erasing the account does not reset them.
    """

    def __init__(
        self, uow: UnitOfWork, clock: Clock, config: LinkingConfig, key: bytes | None
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self._key = key

    def _mac(self, purpose: str, text: str) -> str:
        if not self._key:
            raise RuntimeError("linking needs the server's secret key (PUMPURS_SECRET_KEY)")
        message = f"{purpose}:{text}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def code_hash(self, code: str) -> str:
        """What is stored of a (normalised) code."""
        return self._wrap(digest(code))

    def _wrap(self, sha256_hex: str) -> str:
        return self._mac("code", sha256_hex)

    def _who(self, telegram_id: int) -> str:
        return self._mac("account", str(telegram_id))

    async def upgrade_stored_codes(self) -> int:
        """Wrap codes stored unkeyed before this version in the HMAC; run at start."""
        if not self._key:
            return 0
        async with self.uow.write() as tx:
            old = await tx.codes.unkeyed_hashes()
            await tx.codes.rekey([(value, self._wrap(value)) for value in old])
        return len(old)

    async def link(self, actor: Actor, code_text: str) -> PersonRef:
        """Link the account to the person the code was issued for.

        Raises:
            LinkThrottled: too many wrong codes lately (this account's, its school's or
                everybody's); nothing is checked.
            CodeInvalid: no such code, expired, or for someone of another role.
            CodeUsed: the code was used already.
        """
        now = self.clock.now()
        telegram_id = actor.telegram_id
        who = self._who(telegram_id)
        code_hash = self.code_hash(normalize_code(code_text))
        async with self.uow.write() as tx:
            await tx.accounts.ensure(telegram_id, None, now)
            await tx.codes.forget_failures(now - self._longest_window())
            await self._check_throttles(tx, now, who=who)
            found = await tx.codes.find_code(code_hash)
            schools = [*actor.school_ids, *([found.school_id] if found else [])]
            await self._check_throttles(tx, now, schools=schools)
            used = found is not None and found.used_at is not None
            if found is not None and used:
                person = await self._linked_already(tx, actor, found)
                if person is not None:
                    return person  # the same /start delivered twice (after a crash)
            elif found is not None and found.expires_at > now:
                person = await self._link_found(tx, actor, code_hash, found, now)
                if person is not None:
                    return person
            # A wrong try must be stored, so it is committed and only then raised.
            school = found.school_id if found else next(iter(actor.school_ids), None)
            await tx.codes.add_failure(now, who, school)
            left = self.config.max_failed_attempts - len(
                await tx.codes.failures_since(
                    now - self._lockout(), who=who, limit=self.config.max_failed_attempts
                )
            )
        if left <= 0:
            raise LinkThrottled(until=now + self._lockout())
        if used:
            raise CodeUsed()
        raise CodeInvalid(attempts_left=left)

    def _lockout(self) -> timedelta:
        return timedelta(minutes=self.config.lockout_minutes)

    def _longest_window(self) -> timedelta:
        return max(self._lockout(), _MINUTE)

    async def _check_throttles(
        self, tx: Tx, now: datetime, *, who: str | None = None, schools: list[str] | None = None
    ) -> None:
        """LinkThrottled if the account, one of the schools, or everybody tried too often."""
        limits: list[tuple[timedelta, int, dict[str, Any]]] = []
        if who is not None:
            limits.append((self._lockout(), self.config.max_failed_attempts, {"who": who}))
            limits.append((_MINUTE, self.config.global_failures_per_minute, {}))
        if schools:
            limits.append((_MINUTE, self.config.school_failures_per_minute, {"schools": schools}))
        for window, limit, scope in limits:
            tries = await tx.codes.failures_since(now - window, limit=limit, **scope)
            if len(tries) >= limit:
                raise LinkThrottled(until=min(tries) + window)

    async def _linked_already(self, tx: Tx, actor: Actor, found: LinkCode) -> PersonRef | None:
        """The code's person, if this very account used it and is linked to them still."""
        if found.used_by != actor.telegram_id:
            return None
        if not any(p.role == found.role and p.person_id == found.person_id for p in actor.links):
            return None
        return await tx.accounts.person(found.role, found.person_id)

    async def _link_found(
        self, tx: Tx, actor: Actor, code_hash: str, found: LinkCode, now: datetime
    ) -> PersonRef | None:
        """Link by an unused, unexpired code; None if it is not for this account's role."""
        role, person_id = found.role, found.person_id
        current = actor.links
        # Only a guardian (their children's guardian records) and a specialist (their
        # record in each school they work in) link several people.
        already = any(p.role == role and p.person_id == person_id for p in current)
        several = role in (Role.GUARDIAN, Role.SPECIALIST)
        if current and (current[0].role != role or not several) and not already:
            return None
        person = await tx.accounts.person(role, person_id)
        if person is None or not await tx.codes.use_code(code_hash, actor.telegram_id, now):
            return None
        await tx.accounts.add_link(actor.telegram_id, role, person_id, now)
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
            rows.append((self.code_hash(code), scope, role, person.id))
            issued.append(
                IssuedCode(
                    code=code,
                    role=role,
                    external_id=person.external_id,
                    display_name=person.display_name,
                    expires_at=expires_at,
                )
            )
        await tx.codes.add_codes(rows, now, expires_at)
        await tx.audit.add(now, None, "codes_issued", subject, str(len(issued)))
        return issued
