"""Reminder rows: created, moved and cancelled inside the caller's transaction.

The dispatcher (``bot.services.reminders``) is the only reader that sends them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.db import Connection, to_db_time


async def schedule_reminder(
    conn: Connection,
    *,
    chat_id: int,
    role: str,
    kind: str,
    ref: str,
    due_at: datetime,
    event_at: datetime | None = None,
    not_after: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Create the reminder, or move it if it is not sent yet (one per chat, kind and ref)."""
    await conn.execute(
        "INSERT INTO reminders (chat_id, role, kind, ref, due_at, event_at, not_after, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, kind, ref) DO UPDATE SET due_at = excluded.due_at,"
        " event_at = excluded.event_at, not_after = excluded.not_after,"
        " payload = excluded.payload, state = 'pending', attempts = 0, last_error = NULL"
        " WHERE reminders.state IN ('pending', 'cancelled', 'expired', 'failed')",
        (
            chat_id,
            role,
            kind,
            ref,
            to_db_time(due_at),
            to_db_time(event_at) if event_at else None,
            to_db_time(not_after) if not_after else None,
            json.dumps(payload or {}, ensure_ascii=False, sort_keys=True),
        ),
    )


async def cancel_reminders(conn: Connection, ref: str, kinds: tuple[str, ...] = ()) -> int:
    """Cancel the pending reminders about ``ref`` (all kinds, or only ``kinds``)."""
    sql = "UPDATE reminders SET state = 'cancelled' WHERE ref = ? AND state = 'pending'"
    args: list[object] = [ref]
    if kinds:
        sql += f" AND kind IN ({','.join('?' * len(kinds))})"
        args.extend(kinds)
    cursor = await conn.execute(sql, args)
    return cursor.rowcount


async def cancel_reminders_of_chat(conn: Connection, chat_id: int) -> int:
    """Cancel everything pending for one chat (the account was erased)."""
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'cancelled' WHERE chat_id = ? AND state = 'pending'",
        (chat_id,),
    )
    return cursor.rowcount
