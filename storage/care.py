"""Crisis events: who wrote words of crisis, when, and which list matched (never the text)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Connection, fetch_one, to_db_time


async def add_crisis_event(
    conn: Connection,
    *,
    at: datetime,
    telegram_id: int,
    pupil_id: int | None,
    school_id: str,
    category: str,
    language: str,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO crisis_events (at, telegram_id, pupil_id, school_id, category, language)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (to_db_time(at), telegram_id, pupil_id, school_id, category, language),
    )
    return int(cursor.lastrowid or 0)


async def mark_alerted(conn: Connection, event_ids: list[int]) -> None:
    marks = ",".join("?" * len(event_ids))
    await conn.execute(
        f"UPDATE crisis_events SET alerted = 1 WHERE id IN ({marks})",  # noqa: S608
        event_ids,
    )


async def alerted_since(
    conn: Connection, since: datetime, *, pupil_ids: list[int], telegram_id: int
) -> bool:
    """Whether an alert went out since ``since`` about one of the pupils.

    With no pupils (a parent whose children are not on file), about the writer instead.
    """
    if pupil_ids:
        marks = ",".join("?" * len(pupil_ids))
        sql = (
            "SELECT 1 FROM crisis_events WHERE alerted = 1 AND at >= ?"  # noqa: S608
            f" AND pupil_id IN ({marks}) LIMIT 1"
        )
        args: list[object] = [to_db_time(since), *pupil_ids]
    else:
        sql = (
            "SELECT 1 FROM crisis_events WHERE alerted = 1 AND at >= ?"
            " AND telegram_id = ? AND pupil_id IS NULL LIMIT 1"
        )
        args = [to_db_time(since), telegram_id]
    return await fetch_one(conn, sql, args) is not None
