"""Crisis events: who wrote words of crisis, when, and which list matched (never the text)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Model
from storage.db import Repo, from_db_time, marks, to_db_time


class CrisisEventGroup(Model):
    id: int
    at: datetime
    category: str
    telegram_id: int
    school_name: str
    pupil_names: tuple[str, ...]


class CareRepo(Repo):
    async def add_event(
        self,
        *,
        at: datetime,
        telegram_id: int,
        pupil_id: int | None,
        school_id: str,
        category: str,
        language: str,
    ) -> int:
        return await self.insert(
            "INSERT INTO crisis_events (at, telegram_id, pupil_id, school_id, category, language)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (to_db_time(at), telegram_id, pupil_id, school_id, category, language),
        )

    async def mark_alerted(self, event_ids: list[int]) -> None:
        await self.run(
            f"UPDATE crisis_events SET alerted = 1 WHERE id IN ({marks(len(event_ids))})",  # noqa: S608
            event_ids,
        )

    async def alerted_since(
        self, since: datetime, *, pupil_ids: list[int], telegram_id: int
    ) -> bool:
        """Whether an alert went out since ``since`` about one of the pupils.

        With no pupils (a parent whose children are not on file), about the writer instead.
        """
        if pupil_ids:
            sql = (
                "SELECT 1 FROM crisis_events WHERE alerted = 1 AND at >= ?"  # noqa: S608
                f" AND pupil_id IN ({marks(len(pupil_ids))}) LIMIT 1"
            )
            args: list[object] = [to_db_time(since), *pupil_ids]
        else:
            sql = (
                "SELECT 1 FROM crisis_events WHERE alerted = 1 AND at >= ?"
                " AND telegram_id = ? AND pupil_id IS NULL LIMIT 1"
            )
            args = [to_db_time(since), telegram_id]
        return await self.one(sql, args) is not None

    async def alert_of_event(self, event_id: int) -> CrisisEventGroup | None:
        """An event with the pupils written about in the same message (same writer, time
        and school), and the school's name."""
        row = await self.one(
            "SELECT e.id, e.at, e.category, e.telegram_id, coalesce(s.name, e.school_id, '')"
            " AS school_name, (SELECT group_concat(p.display_name, char(31))"
            "   FROM crisis_events e2 JOIN pupils p ON p.id = e2.pupil_id"
            "   WHERE e2.telegram_id = e.telegram_id AND e2.at = e.at"
            "   AND e2.school_id IS e.school_id) AS pupils"
            " FROM crisis_events e LEFT JOIN schools s ON s.id = e.school_id WHERE e.id = ?",
            (event_id,),
        )
        if row is None:
            return None
        return CrisisEventGroup(
            id=row["id"],
            at=from_db_time(row["at"]),
            category=row["category"],
            telegram_id=row["telegram_id"],
            school_name=row["school_name"],
            pupil_names=tuple(row["pupils"].split("\x1f")) if row["pupils"] else (),
        )
