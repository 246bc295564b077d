"""A school's people as its coordinator runs them: links, leaving, specialists, messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.domain.admin import Audience, PersonCard
from bot.domain.models import Role, SpecialistKind
from storage.db import Repo, to_db_time

TABLES = {Role.PUPIL: "pupils", Role.GUARDIAN: "guardians", Role.SPECIALIST: "specialists"}
_OPEN = "('requested', 'proposed', 'confirmed')"

# One person with their linked accounts; grade, kind and on_duty only where they exist.
_PERSON = """
SELECT x.id, x.school_id, x.external_id, x.display_name, x.left_on, {extra},
  (SELECT count(*) FROM account_links l WHERE l.role = :role AND l.person_id = x.id) AS accounts
FROM {table} x
"""
_EXTRA = {
    Role.PUPIL: "x.grade, NULL AS kind, 0 AS on_duty, '' AS subjects",
    Role.GUARDIAN: "NULL AS grade, NULL AS kind, 0 AS on_duty, '' AS subjects",
    Role.SPECIALIST: "NULL AS grade, x.kind, x.on_duty,"
    " (SELECT group_concat(subject, ';') FROM specialist_subjects t"
    " WHERE t.specialist_id = x.id) AS subjects",
}


def _sql(role: Role, where: str) -> str:
    return _PERSON.format(extra=_EXTRA[role], table=TABLES[role]) + where


def _card(role: Role, row: aiosqlite.Row) -> PersonCard:
    return PersonCard(
        role=role,
        id=row["id"],
        school_id=row["school_id"],
        external_id=row["external_id"],
        name=row["display_name"],
        grade=row["grade"],
        kind=SpecialistKind(row["kind"]) if row["kind"] else None,
        subjects=tuple(sorted(row["subjects"].split(";"))) if row["subjects"] else (),
        on_duty=bool(row["on_duty"]),
        left_on=date.fromisoformat(row["left_on"]) if row["left_on"] else None,
        accounts=row["accounts"],
    )


class AdminRepo(Repo):
    async def has_left(self, table: str, person_id: int) -> bool:
        if table not in TABLES.values():
            raise ValueError(table)
        row = await self.one(
            f"SELECT left_on IS NOT NULL FROM {table} WHERE id = ?",  # noqa: S608 - whitelisted
            (person_id,),
        )
        return bool(row and row[0])

    async def person(self, role: Role, person_id: int) -> PersonCard | None:
        row = await self.one(_sql(role, " WHERE x.id = :id"), {"role": role.value, "id": person_id})
        return _card(role, row) if row else None

    async def people(
        self, school_id: str, role: Role, grade: int | None, offset: int, limit: int
    ) -> list[PersonCard]:
        """People of one role in a school (pupils of one grade), left ones last, by name."""
        where = " WHERE x.school_id = :school"
        if grade is not None:
            where += " AND x.grade = :grade"
        where += " ORDER BY x.left_on IS NOT NULL, x.display_name, x.id LIMIT :limit OFFSET :offset"
        args = {"role": role.value, "school": school_id, "grade": grade, "limit": limit,
                "offset": offset}  # fmt: skip
        return [_card(role, row) for row in await self.all(_sql(role, where), args)]

    async def all_of_school(self, school_id: str, role: Role) -> list[PersonCard]:
        return await self.people(school_id, role, None, 0, 1_000_000)

    async def counts(self, school_id: str) -> dict[str, int]:
        row = await self.one(
            "SELECT (SELECT count(*) FROM pupils WHERE school_id = :s AND left_on IS NULL),"
            " (SELECT count(*) FROM guardians WHERE school_id = :s AND left_on IS NULL),"
            " (SELECT count(*) FROM specialists WHERE school_id = :s AND left_on IS NULL),"
            " (SELECT count(DISTINCT l.role || l.person_id) FROM account_links l"
            "  LEFT JOIN pupils p ON l.role = 'pupil' AND p.id = l.person_id"
            "  LEFT JOIN guardians g ON l.role = 'guardian' AND g.id = l.person_id"
            "  LEFT JOIN specialists x ON l.role = 'specialist' AND x.id = l.person_id"
            "  WHERE coalesce(p.school_id, g.school_id, x.school_id) = :s)",
            {"s": school_id},
        )
        assert row is not None  # noqa: S101 - an aggregate always has a row
        return {"pupils": row[0], "guardians": row[1], "specialists": row[2], "linked": row[3]}

    async def grades(self, school_id: str) -> list[int]:
        rows = await self.all(
            "SELECT DISTINCT grade FROM pupils WHERE school_id = ? ORDER BY grade", (school_id,)
        )
        return [row[0] for row in rows]

    # --- links and leaving ------------------------------------------------------------

    async def forget_unused_codes(self, role: Role, person_id: int) -> int:
        """A lost code must not work any more: the person's unused codes are deleted."""
        return await self.run(
            "DELETE FROM link_codes WHERE role = ? AND person_id = ? AND used_at IS NULL",
            (role.value, person_id),
        )

    async def unlink(self, role: Role, person_id: int) -> list[int]:
        """Remove every account's link to the person; the chats that were linked."""
        rows = await self.all(
            "DELETE FROM account_links WHERE role = ? AND person_id = ? RETURNING telegram_id",
            (role.value, person_id),
        )
        return sorted({row[0] for row in rows})

    async def without_links(self, chat_ids: Sequence[int]) -> list[int]:
        """Of these chats, those linked to nobody any more."""
        rows = await self.all(
            "SELECT value FROM json_each(?) WHERE value NOT IN"
            " (SELECT telegram_id FROM account_links)",
            (json.dumps(list(chat_ids)),),
        )
        return [row[0] for row in rows]

    async def mark_left(self, role: Role, person_id: int, day: date | None) -> None:
        """Set (or, with None, clear) the day the person left."""
        await self.run(
            f"UPDATE {TABLES[role]} SET left_on = ? WHERE id = ?",  # noqa: S608 - whitelisted
            (day.isoformat() if day else None, person_id),
        )

    async def open_bookings(self, role: Role, person_id: int) -> list[int]:
        column = "pupil_id" if role == Role.PUPIL else "specialist_id"
        rows = await self.all(
            f"SELECT id FROM bookings WHERE {column} = ? AND state IN {_OPEN} ORDER BY id",  # noqa: S608
            (person_id,),
        )
        return [row[0] for row in rows]

    async def stop_availability(self, specialist_id: int, now: datetime) -> None:
        """A specialist who left: no weekly hours, no free time ahead, not on duty."""
        await self.run(
            "UPDATE slots SET state = 'withdrawn' WHERE specialist_id = ? AND state = 'free'"
            " AND starts_at > ?",
            (specialist_id, to_db_time(now)),
        )
        await self.run("DELETE FROM availability_rules WHERE specialist_id = ?", (specialist_id,))
        await self.run("UPDATE specialists SET on_duty = 0 WHERE id = ?", (specialist_id,))

    # --- specialists --------------------------------------------------------------------

    async def set_on_duty(self, specialist_id: int, on: bool) -> None:
        await self.run("UPDATE specialists SET on_duty = ? WHERE id = ?", (int(on), specialist_id))

    async def on_duty_names(self, school_id: str) -> list[str]:
        rows = await self.all(
            "SELECT display_name FROM specialists WHERE school_id = ? AND on_duty = 1"
            " AND left_on IS NULL ORDER BY display_name",
            (school_id,),
        )
        return [row[0] for row in rows]

    async def add_specialist(
        self, school_id: str, name: str, kind: SpecialistKind, subjects: Sequence[str], on: bool
    ) -> int:
        """A specialist added in the chat: the school's id for them is ``CHAT-<n>``."""
        row = await self.one(
            "SELECT count(*) FROM specialists WHERE school_id = ? AND external_id LIKE 'CHAT-%'",
            (school_id,),
        )
        number = (row[0] if row else 0) + 1
        while await self.one(
            "SELECT 1 FROM specialists WHERE school_id = ? AND external_id = ?",
            (school_id, f"CHAT-{number}"),
        ):
            number += 1
        specialist_id = await self.insert(
            "INSERT INTO specialists (school_id, external_id, display_name, kind, on_duty)"
            " VALUES (?, ?, ?, ?, ?)",
            (school_id, f"CHAT-{number}", name, kind.value, int(on)),
        )
        await self.conn.executemany(
            "INSERT INTO specialist_subjects (specialist_id, subject) VALUES (?, ?)",
            [(specialist_id, subject) for subject in subjects],
        )
        return specialist_id

    # --- messages to families --------------------------------------------------------------

    async def audience(
        self, school_id: str, audience: Audience, grade: int | None
    ) -> tuple[int, int, list[tuple[int, Role]]]:
        """How many people are in the audience, how many of them have a linked account, and
        the chats (with role) that would get a message."""
        if audience == Audience.PUPILS:
            people = (
                "SELECT p.id AS person FROM pupils p WHERE p.school_id = :s"
                " AND p.left_on IS NULL AND (:grade IS NULL OR p.grade = :grade)"
            )
            role = "pupil"
        else:
            people = (
                "SELECT DISTINCT g.id AS person FROM guardians g"
                " JOIN guardian_pupils gp ON gp.guardian_id = g.id"
                " JOIN pupils p ON p.id = gp.pupil_id AND p.left_on IS NULL"
                " WHERE g.school_id = :s AND g.left_on IS NULL"
                " AND (:grade IS NULL OR p.grade = :grade)"
            )
            role = "guardian"
        args = {"s": school_id, "grade": grade, "role": role}
        row = await self.one(
            f"SELECT count(*), sum(EXISTS (SELECT 1 FROM account_links l"  # noqa: S608
            f" WHERE l.role = :role AND l.person_id = x.person)) FROM ({people}) x",
            args,
        )
        chats = await self.all(
            f"SELECT DISTINCT l.telegram_id FROM ({people}) x"  # noqa: S608 - fixed fragments
            " JOIN account_links l ON l.role = :role AND l.person_id = x.person"
            " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1 ORDER BY 1",
            args,
        )
        assert row is not None  # noqa: S101 - an aggregate always has a row
        return row[0], row[1] or 0, [(r[0], Role(role)) for r in chats]

    async def add_broadcast(
        self,
        *,
        school_id: str,
        audience: Audience,
        grade: int | None,
        text: str,
        sent_by: int,
        now: datetime,
        recipients: int,
    ) -> int:
        return await self.insert(
            "INSERT INTO broadcasts (school_id, audience, grade, text, sent_by, created_at,"
            " recipients) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (school_id, audience.value, grade, text, sent_by, to_db_time(now), recipients),
        )

    async def broadcast(self, broadcast_id: int) -> tuple[str, str] | None:
        """(school name, text) of a broadcast."""
        row = await self.one(
            "SELECT s.name, b.text FROM broadcasts b JOIN schools s ON s.id = b.school_id"
            " WHERE b.id = ?",
            (broadcast_id,),
        )
        return (row[0], row[1]) if row else None
