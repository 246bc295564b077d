"""Care: crisis events (never the text), alerts that climb until taken, relayed chats."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.domain.care import AlertKind, CareAlert, Level, RelaySession
from bot.domain.models import Role
from storage.db import Repo, from_db_time, marks, to_db_time

# The active accounts an alert of a school goes to, per level (?1 = the school).
_RECIPIENTS = {
    Level.ON_DUTY: (
        "SELECT DISTINCT l.telegram_id FROM specialists s"
        " JOIN account_links l ON l.role = 'specialist' AND l.person_id = s.id"
        " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
        " WHERE s.school_id = ?1 AND s.on_duty = 1 ORDER BY l.linked_at"
    ),
    Level.SCHOOL: (
        "SELECT DISTINCT l.telegram_id FROM coordinators c"
        " JOIN account_links l ON l.role = 'coordinator' AND l.person_id = c.id"
        " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
        " WHERE c.school_id = ?1 ORDER BY l.linked_at"
    ),
    Level.REGION: (
        "SELECT DISTINCT l.telegram_id FROM coordinators c"
        " JOIN account_links l ON l.role = 'coordinator' AND l.person_id = c.id"
        " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
        " WHERE c.school_id IS NULL"
        " AND c.region_id = (SELECT region_id FROM schools WHERE id = ?1)"
        " ORDER BY l.linked_at"
    ),
}


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _alert(row: aiosqlite.Row) -> CareAlert:
    return CareAlert(
        id=row["id"],
        kind=AlertKind(row["kind"]),
        telegram_id=row["telegram_id"],
        writer_role=Role(row["writer_role"]),
        school_id=row["school_id"],
        pupil_ids=tuple(json.loads(row["pupil_ids"])),
        about=row["about"],
        category=row["category"],
        level=Level(row["level"]),
        created_at=from_db_time(row["created_at"]),
        escalate_at=_time(row["escalate_at"]),
        taken_by=row["taken_by"],
        taken_name=row["taken_name"],
        taken_at=_time(row["taken_at"]),
    )


def _session(row: aiosqlite.Row) -> RelaySession:
    return RelaySession(
        id=row["id"],
        person_chat=row["person_chat"],
        person_role=Role(row["person_role"]),
        person_name=row["person_name"],
        staff_chat=row["staff_chat"],
        staff_name=row["staff_name"],
        booking_id=row["booking_id"],
        alert_id=row["alert_id"],
        opened_at=from_db_time(row["opened_at"]),
        closes_at=from_db_time(row["closes_at"]),
        ended_at=_time(row["ended_at"]),
    )


class CareRepo(Repo):
    # --- crisis events: when, who, about whom, which rule (never the text) --------------

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
        """Whether an alert about one of the pupils (or, with none, the writer) is recent."""
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

    # --- alerts ----------------------------------------------------------------------------

    async def add_alert(
        self,
        *,
        kind: AlertKind,
        telegram_id: int,
        writer_role: Role,
        school_id: str,
        pupil_ids: tuple[int, ...],
        about: str,
        category: str,
        now: datetime,
    ) -> int:
        return await self.insert(
            "INSERT INTO care_alerts (kind, telegram_id, writer_role, school_id, pupil_ids,"
            " about, category, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind.value,
                telegram_id,
                writer_role.value,
                school_id,
                json.dumps(list(pupil_ids)),
                about,
                category,
                to_db_time(now),
            ),
        )

    async def alert(self, alert_id: int) -> CareAlert | None:
        row = await self.one("SELECT * FROM care_alerts WHERE id = ?", (alert_id,))
        return _alert(row) if row else None

    async def recipients(self, school_id: str, level: Level) -> list[int]:
        """The active accounts an alert of this school reaches at ``level``."""
        return [row[0] for row in await self.all(_RECIPIENTS[level], (school_id,))]

    async def raise_to(self, alert_id: int, level: Level, escalate_at: datetime | None) -> None:
        await self.run(
            "UPDATE care_alerts SET level = ?, escalate_at = ? WHERE id = ?",
            (int(level), to_db_time(escalate_at) if escalate_at else None, alert_id),
        )

    async def take(self, alert_id: int, telegram_id: int, name: str, now: datetime) -> bool:
        """The first "I'm on it" wins; False if somebody was first."""
        changed = await self.run(
            "UPDATE care_alerts SET taken_by = ?, taken_name = ?, taken_at = ?, escalate_at = NULL"
            " WHERE id = ? AND taken_at IS NULL",
            (telegram_id, name, to_db_time(now), alert_id),
        )
        return changed == 1

    async def to_escalate(self, now: datetime) -> list[CareAlert]:
        rows = await self.all(
            "SELECT * FROM care_alerts WHERE taken_at IS NULL AND escalate_at <= ?"
            " ORDER BY escalate_at",
            (to_db_time(now),),
        )
        return [_alert(row) for row in rows]

    async def alerted_chats(self, alert_id: int) -> list[int]:
        """Everyone an alert was sent to so far (its reminder rows)."""
        rows = await self.all(
            "SELECT DISTINCT chat_id FROM reminders WHERE kind = 'crisis_alert' AND ref = ?",
            (f"care:{alert_id}",),
        )
        return [row[0] for row in rows]

    async def names(self, pupil_ids: tuple[int, ...], school_id: str) -> tuple[list[str], str]:
        """The pupils' display names, and the school's name (read at send time)."""
        rows = await self.all(
            "SELECT display_name FROM pupils"  # noqa: S608 - ? marks only
            f" WHERE id IN ({marks(len(pupil_ids))}) ORDER BY display_name",
            list(pupil_ids),
        )
        school = await self.one("SELECT name FROM schools WHERE id = ?", (school_id,))
        return [row[0] for row in rows], school[0] if school else school_id

    # --- relayed conversations -------------------------------------------------------------

    async def open_session(
        self,
        *,
        person_chat: int,
        person_role: Role,
        person_name: str,
        staff_chat: int,
        staff_name: str,
        booking_id: int | None,
        alert_id: int | None,
        now: datetime,
        closes_at: datetime,
    ) -> RelaySession:
        row = await self.one(
            "INSERT INTO relay_sessions (person_chat, person_role, person_name, staff_chat,"
            " staff_name, booking_id, alert_id, opened_at, closes_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (
                person_chat,
                person_role.value,
                person_name,
                staff_chat,
                staff_name,
                booking_id,
                alert_id,
                to_db_time(now),
                to_db_time(closes_at),
            ),
        )
        assert row is not None  # noqa: S101 - RETURNING gives the row
        return _session(row)

    async def session(self, session_id: int) -> RelaySession | None:
        row = await self.one("SELECT * FROM relay_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def session_of_booking(self, booking_id: int) -> RelaySession | None:
        row = await self.one(
            "SELECT * FROM relay_sessions WHERE booking_id = ? AND ended_at IS NULL",
            (booking_id,),
        )
        return _session(row) if row else None

    async def open_sessions(self, now: datetime) -> list[RelaySession]:
        rows = await self.all(
            "SELECT * FROM relay_sessions WHERE ended_at IS NULL AND closes_at > ?",
            (to_db_time(now),),
        )
        return [_session(row) for row in rows]

    async def end_session(self, session_id: int, by: int, now: datetime) -> bool:
        changed = await self.run(
            "UPDATE relay_sessions SET ended_at = ?, ended_by = ?"
            " WHERE id = ? AND ended_at IS NULL",
            (to_db_time(now), by, session_id),
        )
        return changed == 1

    async def sessions_of_chat(self, chat: int) -> list[RelaySession]:
        """Every conversation the chat took part in, newest first (for the export)."""
        rows = await self.all(
            "SELECT * FROM relay_sessions WHERE person_chat = ?1 OR staff_chat = ?1"
            " ORDER BY opened_at DESC",
            (chat,),
        )
        return [_session(row) for row in rows]

    async def forget_account(self, telegram_id: int, now: datetime) -> None:
        """An erased account: its conversations end, and no alert or conversation names it.

        The rows stay (the school's record that somebody cared, and when); the chat id and
        the name of the erased side become 0 and ''.
        """
        await self.run(
            "UPDATE relay_sessions SET ended_at = ?2, ended_by = 0"
            " WHERE ended_at IS NULL AND (person_chat = ?1 OR staff_chat = ?1)",
            (telegram_id, to_db_time(now)),
        )
        for statement in (
            "UPDATE relay_sessions SET person_chat = 0, person_name = '' WHERE person_chat = ?",
            "UPDATE relay_sessions SET staff_chat = 0, staff_name = '' WHERE staff_chat = ?",
            "UPDATE relay_sessions SET ended_by = 0 WHERE ended_by = ?",
            "UPDATE care_alerts SET telegram_id = 0 WHERE telegram_id = ?",
            "UPDATE care_alerts SET taken_by = 0, taken_name = '' WHERE taken_by = ?",
        ):
            await self.run(statement, (telegram_id,))
