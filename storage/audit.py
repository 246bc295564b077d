"""The audit log: every read of a pupil's data by another person, and account events.

In a write transaction the rows go in with it. A screen that only reads needs no write
transaction of its own: its rows are collected while it reads and handed to the
:class:`AuditWriter` when the read ends, which writes the rows of every screen that
ended meanwhile in one statement (a group commit) and returns only once they are
committed: before the screen's answer is sent, and never lost (a failed write keeps
the rows for the next one, and the screen that waited on it fails).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from bot.domain.models import AuditEntry
from storage.db import Connection, Database, Repo, from_db_time, to_db_time

AuditRow = tuple[str, int | None, str, str, str]
_COLUMNS = "INSERT INTO audit_log (at, actor_telegram_id, action, subject, detail) VALUES "
_ROWS_PER_STATEMENT = 500  # 5 values a row, well within SQLite's 32,766 variables


async def insert_rows(conn: Connection, rows: list[AuditRow]) -> None:
    """Every row in one statement (per 500): one trip."""
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        values = ",".join("(?, ?, ?, ?, ?)" for _ in chunk)
        await conn.execute(_COLUMNS + values, [v for row in chunk for v in row])


class AuditRepo(Repo):
    """Adds rows in the transaction, or (``collect`` given) collects them for the writer."""

    def __init__(self, conn: Connection, collect: list[AuditRow] | None = None) -> None:
        super().__init__(conn)
        self._collect = collect

    async def _add(self, rows: list[AuditRow]) -> None:
        if not rows:
            return
        if self._collect is not None:
            self._collect.extend(rows)
        else:
            await insert_rows(self.conn, rows)

    async def add(
        self,
        now: datetime,
        actor_telegram_id: int | None,
        action: str,
        subject: str,
        detail: str = "",
    ) -> None:
        await self._add([(to_db_time(now), actor_telegram_id, action, subject, detail)])

    async def add_reads(
        self, now: datetime, actor_telegram_id: int, action: str, pupil_ids: Iterable[int]
    ) -> None:
        """One row per pupil read, in one statement."""
        stamp = to_db_time(now)
        await self._add(
            [
                (stamp, actor_telegram_id, action, f"pupil:{pid}", "")
                for pid in dict.fromkeys(pupil_ids)
            ]
        )

    async def of_subject(self, subject: str) -> list[AuditEntry]:
        rows = await self.all(
            "SELECT id, at, actor_telegram_id, action, subject, detail FROM audit_log"
            " WHERE subject = ? ORDER BY id",
            (subject,),
        )
        return [
            AuditEntry(
                id=row["id"],
                at=from_db_time(row["at"]),
                actor_telegram_id=row["actor_telegram_id"],
                action=row["action"],
                subject=row["subject"],
                detail=row["detail"],
            )
            for row in rows
        ]


class AuditWriter:
    """Group commit of the audit rows of screens that only read."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._rows: list[AuditRow] = []
        self._batch = 0  # the batch rows join now
        self._written = -1  # the last batch committed
        self._lock = asyncio.Lock()

    async def write(self, rows: list[AuditRow]) -> None:
        """Return once ``rows`` are committed (by this call or one running meanwhile)."""
        if not rows:
            return
        self._rows.extend(rows)
        mine = self._batch
        async with self._lock:
            if self._written >= mine:
                return  # a write that ran while this one waited took them
            taken, self._rows = self._rows, []
            batch, self._batch = self._batch, self._batch + 1
            one_statement = len(taken) <= _ROWS_PER_STATEMENT
            try:
                async with self.db.single() if one_statement else self.db.write() as conn:
                    await insert_rows(conn, taken)
            except BaseException:
                self._rows[:0] = taken  # kept for the next write; this screen fails
                raise
            self._written = batch
