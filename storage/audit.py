"""The audit log: every read of a pupil's data by another person, and account events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.models import AuditEntry
from storage.db import Repo, from_db_time, to_db_time


class AuditRepo(Repo):
    async def add(
        self,
        now: datetime,
        actor_telegram_id: int | None,
        action: str,
        subject: str,
        detail: str = "",
    ) -> None:
        await self.run(
            "INSERT INTO audit_log (at, actor_telegram_id, action, subject, detail)"
            " VALUES (?, ?, ?, ?, ?)",
            (to_db_time(now), actor_telegram_id, action, subject, detail),
        )

    async def add_reads(
        self, now: datetime, actor_telegram_id: int, action: str, pupil_ids: Iterable[int]
    ) -> None:
        """One row per pupil read, in one statement."""
        stamp = to_db_time(now)
        await self.run_many(
            "INSERT INTO audit_log (at, actor_telegram_id, action, subject) VALUES (?, ?, ?, ?)",
            [
                (stamp, actor_telegram_id, action, f"pupil:{pid}")
                for pid in dict.fromkeys(pupil_ids)
            ],
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
