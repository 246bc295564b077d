"""Internship days and transport compensation claims of vocational students."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain.internship import ClaimState, TransportClaim
from storage.db import Repo, to_db_time

_CLAIM_SQL = (
    "SELECT c.*, p.display_name AS pupil_name FROM transport_claims c"
    " JOIN pupils p ON p.id = c.pupil_id"
)


def _claim(row: aiosqlite.Row) -> TransportClaim:
    return TransportClaim(
        id=row["id"],
        pupil_id=row["pupil_id"],
        pupil_name=row["pupil_name"],
        school_id=row["school_id"],
        first_day=date.fromisoformat(row["first_day"]),
        last_day=date.fromisoformat(row["last_day"]),
        amount_cents=row["amount_cents"],
        ticket_file_id=row["ticket_file_id"],
        state=ClaimState(row["state"]),
        reason=row["reason"],
        submitted_by=row["submitted_by"],
    )


class InternshipRepo(Repo):
    async def internship_days(self, pupil_id: int, first: date, last: date) -> list[date]:
        return [
            date.fromisoformat(row[0])
            for row in await self.all(
                "SELECT day FROM internship_days WHERE pupil_id = ? AND day BETWEEN ? AND ?"
                " ORDER BY day",
                (pupil_id, first.isoformat(), last.isoformat()),
            )
        ]

    async def toggle_internship_day(self, pupil_id: int, day: date, now: datetime) -> bool:
        """Confirm the day, or take the confirmation back; True if it is confirmed now."""
        cursor = await self.conn.execute(
            "DELETE FROM internship_days WHERE pupil_id = ? AND day = ?",
            (pupil_id, day.isoformat()),
        )
        if cursor.rowcount:
            return False
        await self.conn.execute(
            "INSERT INTO internship_days (pupil_id, day, confirmed_at) VALUES (?, ?, ?)",
            (pupil_id, day.isoformat(), to_db_time(now)),
        )
        return True

    async def add_claim(
        self,
        *,
        pupil_id: int,
        school_id: str,
        first_day: date,
        last_day: date,
        amount_cents: int,
        ticket_file_id: str,
        submitted_by: int,
        now: datetime,
    ) -> int:
        cursor = await self.conn.execute(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day, amount_cents,"
            " ticket_file_id, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pupil_id,
                school_id,
                first_day.isoformat(),
                last_day.isoformat(),
                amount_cents,
                ticket_file_id,
                submitted_by,
                to_db_time(now),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101
        return int(cursor.lastrowid)

    async def get_claim(self, claim_id: int) -> TransportClaim | None:
        row = await self.one(_CLAIM_SQL + " WHERE c.id = ?", (claim_id,))
        return _claim(row) if row else None

    async def claims_of_pupil(self, pupil_id: int) -> list[TransportClaim]:
        return [
            _claim(row)
            for row in await self.all(
                _CLAIM_SQL + " WHERE c.pupil_id = ? ORDER BY c.id DESC LIMIT 10", (pupil_id,)
            )
        ]

    async def submitted_claims(self, school_ids: list[str]) -> list[TransportClaim]:
        if not school_ids:
            return []
        marks = ",".join("?" * len(school_ids))
        return [
            _claim(row)
            for row in await self.all(
                _CLAIM_SQL
                + f" WHERE c.state = 'submitted' AND c.school_id IN ({marks}) ORDER BY c.id",
                school_ids,
            )
        ]

    async def decide_claim(
        self, claim_id: int, state: ClaimState, reason: str, by: int, now: datetime
    ) -> bool:
        """Approve or return a submitted claim; False if it was decided already."""
        cursor = await self.conn.execute(
            "UPDATE transport_claims SET state = ?, reason = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND state = 'submitted'",
            (state.value, reason, by, to_db_time(now), claim_id),
        )
        return cursor.rowcount == 1
