"""One-time link codes (only their keyed hashes) and the wrong tries that throttle them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.domain.models import LinkCode, Role
from storage.db import Repo, from_db_time, marks, to_db_time


class CodesRepo(Repo):
    async def add_codes(
        self, rows: list[tuple[str, str, Role, int]], now: datetime, expires_at: datetime
    ) -> None:
        """Many (hash, school, role, person) codes in one statement."""
        await self.run_many(
            "INSERT INTO link_codes (code_hash, school_id, role, person_id, created_at,"
            " expires_at, scheme) VALUES (?, ?, ?, ?, ?, ?, 'hmac')",
            [
                (code_hash, scope, role.value, person_id, to_db_time(now), to_db_time(expires_at))
                for code_hash, scope, role, person_id in rows
            ],
        )

    async def find_code(self, code_hash: str) -> LinkCode | None:
        row = await self.one(
            "SELECT school_id, role, person_id, expires_at, used_at, used_by FROM link_codes"
            " WHERE code_hash = ? AND scheme = 'hmac'",
            (code_hash,),
        )
        if row is None:
            return None
        return LinkCode(
            school_id=row["school_id"],
            role=Role(row["role"]),
            person_id=row["person_id"],
            expires_at=from_db_time(row["expires_at"]),
            used_at=from_db_time(row["used_at"]) if row["used_at"] else None,
            used_by=row["used_by"],
        )

    async def use_code(self, code_hash: str, telegram_id: int, now: datetime) -> bool:
        """Mark the code used; False if someone used it first."""
        changed = await self.run(
            "UPDATE link_codes SET used_at = ?, used_by = ? WHERE code_hash = ?"
            " AND used_at IS NULL",
            (to_db_time(now), telegram_id, code_hash),
        )
        return changed == 1

    async def unkeyed_hashes(self) -> list[str]:
        """Hashes stored before codes were keyed (plain SHA-256 of the code)."""
        rows = await self.all("SELECT code_hash FROM link_codes WHERE scheme = 'sha256'")
        return [row[0] for row in rows]

    async def rekey(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Replace each (old unkeyed hash, new keyed hash)."""
        await self.run_many(
            "UPDATE link_codes SET code_hash = ?, scheme = 'hmac'"
            " WHERE code_hash = ? AND scheme = 'sha256'",
            [(new, old) for old, new in pairs],
        )

    async def delete_expired(self, now: datetime) -> int:
        """Codes past their expiry answer like a wrong one: nothing is kept of them."""
        return await self.run("DELETE FROM link_codes WHERE expires_at <= ?", (to_db_time(now),))

    # --- wrong tries ----------------------------------------------------------------------

    async def add_failure(self, now: datetime, who: str, school_id: str | None) -> None:
        await self.run(
            "INSERT INTO link_failures (at, who, school_id) VALUES (?, ?, ?)",
            (to_db_time(now), who, school_id),
        )

    async def forget_failures(self, before: datetime) -> int:
        return await self.run("DELETE FROM link_failures WHERE at < ?", (to_db_time(before),))

    async def failures_since(
        self,
        since: datetime,
        *,
        who: str | None = None,
        schools: Iterable[str] | None = None,
        limit: int,
    ) -> list[datetime]:
        """When the latest ``limit`` wrong tries since ``since`` were, newest first: of one
        account (``who``), of some schools, or of everybody."""
        sql = "SELECT at FROM link_failures WHERE at >= ?"
        args: list[object] = [to_db_time(since)]
        if who is not None:
            sql, args = sql + " AND who = ?", [*args, who]
        if schools is not None:
            found = sorted(set(schools))
            if not found:
                return []
            sql += f" AND school_id IN ({marks(len(found))})"
            args += found
        rows = await self.all(sql + " ORDER BY at DESC LIMIT ?", [*args, limit])
        return [from_db_time(row[0]) for row in rows]
