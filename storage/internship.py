"""Internship days and transport compensation claims of vocational students."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain.internship import (
    Claim,
    ClaimKind,
    ClaimState,
    InternshipMeal,
    PaymentExport,
    PaymentRow,
)
from storage.db import Repo, to_db_time

_CLAIM_SQL = (
    "SELECT c.*, p.display_name AS pupil_name FROM transport_claims c"
    " JOIN pupils p ON p.id = c.pupil_id"
)


def _claim(row: aiosqlite.Row) -> Claim:
    return Claim(
        id=row["id"],
        pupil_id=row["pupil_id"],
        pupil_name=row["pupil_name"],
        school_id=row["school_id"],
        kind=ClaimKind(row["kind"]),
        first_day=date.fromisoformat(row["first_day"]),
        last_day=date.fromisoformat(row["last_day"]),
        amount_cents=row["amount_cents"],
        ticket_file_id=row["ticket_file_id"],
        state=ClaimState(row["state"]),
        reason=row["reason"],
        submitted_by=row["submitted_by"],
        exported=row["export_id"] is not None,
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

    async def is_internship_day(self, pupil_id: int, day: date) -> bool:
        row = await self.one(
            "SELECT 1 FROM internship_days WHERE pupil_id = ? AND day = ?",
            (pupil_id, day.isoformat()),
        )
        return row is not None

    async def toggle_internship_day(
        self,
        pupil_id: int,
        day: date,
        now: datetime,
        provided_as: str = "caterer",
        allowance_cents: int | None = None,
    ) -> bool:
        """Confirm the day, or take the confirmation back; True if it is confirmed now.

        A day already paid out stays (it cannot be taken back).
        """
        cursor = await self.conn.execute(
            "DELETE FROM internship_days WHERE pupil_id = ? AND day = ? AND export_id IS NULL",
            (pupil_id, day.isoformat()),
        )
        if cursor.rowcount or await self.is_internship_day(pupil_id, day):
            return False
        await self.conn.execute(
            "INSERT INTO internship_days (pupil_id, day, confirmed_at, provided_as,"
            " allowance_cents) VALUES (?, ?, ?, ?, ?)",
            (pupil_id, day.isoformat(), to_db_time(now), provided_as, allowance_cents),
        )
        return True

    async def allowance_due(self, pupil_id: int, until: date) -> tuple[int, int]:
        """(days, cents) of the student's allowance days up to ``until`` not paid yet."""
        row = await self.one(
            "SELECT count(*), coalesce(sum(allowance_cents), 0) FROM internship_days"
            " WHERE pupil_id = ? AND provided_as = 'allowance' AND export_id IS NULL"
            " AND day <= ?",
            (pupil_id, until.isoformat()),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def meals_of_caterer(self, caterer_id: int, day: date) -> list[InternshipMeal]:
        """The internship days of ``day`` whose meal this caterer provides."""
        rows = await self.all(
            "SELECT d.pupil_id, p.display_name, p.school_id, d.day FROM internship_days d"
            " JOIN pupils p ON p.id = d.pupil_id AND p.left_on IS NULL"
            " JOIN caterer_schools cs ON cs.school_id = p.school_id"
            " WHERE cs.caterer_id = ? AND d.day = ? AND d.provided_as = 'caterer'"
            " ORDER BY p.school_id, p.display_name",
            (caterer_id, day.isoformat()),
        )
        return [
            InternshipMeal(
                pupil_id=row[0],
                pupil_name=row[1],
                school_id=row[2],
                day=date.fromisoformat(row[3]),
            )
            for row in rows
        ]

    async def add_claim(
        self,
        *,
        kind: ClaimKind = ClaimKind.TRANSPORT,
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
            " ticket_file_id, submitted_by, submitted_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pupil_id,
                school_id,
                first_day.isoformat(),
                last_day.isoformat(),
                amount_cents,
                ticket_file_id,
                submitted_by,
                to_db_time(now),
                kind.value,
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101
        return int(cursor.lastrowid)

    async def get_claim(self, claim_id: int) -> Claim | None:
        row = await self.one(_CLAIM_SQL + " WHERE c.id = ?", (claim_id,))
        return _claim(row) if row else None

    async def claims_of_pupil(self, pupil_id: int) -> list[Claim]:
        return [
            _claim(row)
            for row in await self.all(
                _CLAIM_SQL + " WHERE c.pupil_id = ? ORDER BY c.id DESC LIMIT 10", (pupil_id,)
            )
        ]

    async def submitted_claims(self, school_ids: list[str]) -> list[Claim]:
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

    # --- payment files ------------------------------------------------------------------

    async def unpaid(self, school_id: str, first: date, last: date) -> list[PaymentRow]:
        """Approved claims whose last day is in the period, and each student's allowance
        days of the period (up to ``last``), none of them in a payment file yet."""
        args = {"school": school_id, "first": first.isoformat(), "last": last.isoformat()}
        rows = await self.all(
            "SELECT c.kind, p.external_id, p.display_name, c.first_day, c.last_day,"
            " julianday(c.last_day) - julianday(c.first_day) + 1 AS days, c.amount_cents, c.id"
            " FROM transport_claims c JOIN pupils p ON p.id = c.pupil_id"
            " WHERE c.school_id = :school AND c.state = 'approved' AND c.export_id IS NULL"
            " AND c.last_day BETWEEN :first AND :last"
            " UNION ALL"
            " SELECT 'meal_allowance', p.external_id, p.display_name, min(d.day), max(d.day),"
            " count(*), sum(d.allowance_cents), NULL"
            " FROM internship_days d JOIN pupils p ON p.id = d.pupil_id"
            " WHERE p.school_id = :school AND d.provided_as = 'allowance'"
            " AND d.export_id IS NULL AND d.day BETWEEN :first AND :last"
            " GROUP BY d.pupil_id ORDER BY 3, 4, 1",
            args,
        )
        return [_payment_row(row) for row in rows]

    async def add_export(
        self,
        school_id: str,
        first: date,
        last: date,
        by: int,
        now: datetime,
        rows: list[PaymentRow],
    ) -> int:
        """Store the payment file and mark everything in it as paid."""
        export_id = await self.insert(
            "INSERT INTO payment_exports (school_id, first_day, last_day, created_at, created_by,"
            " rows, total_cents) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                school_id,
                first.isoformat(),
                last.isoformat(),
                to_db_time(now),
                by,
                len(rows),
                sum(r.amount_cents for r in rows),
            ),
        )
        claims = [r.claim_id for r in rows if r.claim_id is not None]
        await self.run_many(
            "UPDATE transport_claims SET export_id = ? WHERE id = ? AND export_id IS NULL",
            [(export_id, claim_id) for claim_id in claims],
        )
        await self.run(
            "UPDATE internship_days SET export_id = :export WHERE export_id IS NULL"
            " AND provided_as = 'allowance' AND day BETWEEN :first AND :last"
            " AND pupil_id IN (SELECT id FROM pupils WHERE school_id = :school)",
            {"export": export_id, "first": first.isoformat(), "last": last.isoformat(),
             "school": school_id},
        )  # fmt: skip
        return export_id

    async def last_export(self, school_id: str) -> PaymentExport | None:
        """The school's latest payment file, with its rows (to send it again)."""
        head = await self.one(
            "SELECT id, first_day, last_day FROM payment_exports WHERE school_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (school_id,),
        )
        if head is None:
            return None
        rows = await self.all(
            "SELECT c.kind, p.external_id, p.display_name, c.first_day, c.last_day,"
            " julianday(c.last_day) - julianday(c.first_day) + 1 AS days, c.amount_cents, c.id"
            " FROM transport_claims c JOIN pupils p ON p.id = c.pupil_id WHERE c.export_id = :id"
            " UNION ALL"
            " SELECT 'meal_allowance', p.external_id, p.display_name, min(d.day), max(d.day),"
            " count(*), sum(d.allowance_cents), NULL"
            " FROM internship_days d JOIN pupils p ON p.id = d.pupil_id WHERE d.export_id = :id"
            " GROUP BY d.pupil_id ORDER BY 3, 4, 1",
            {"id": head[0]},
        )
        return PaymentExport(
            id=head[0],
            school_id=school_id,
            first_day=date.fromisoformat(head[1]),
            last_day=date.fromisoformat(head[2]),
            rows=tuple(_payment_row(row) for row in rows),
        )


def _payment_row(row: aiosqlite.Row) -> PaymentRow:
    return PaymentRow(
        kind=row[0],
        pupil_external_id=row[1],
        pupil_name=row[2],
        first_day=date.fromisoformat(row[3]),
        last_day=date.fromisoformat(row[4]),
        days=int(row[5]),
        amount_cents=int(row[6]),
        claim_id=row[7],
    )
