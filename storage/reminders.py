"""Reminder rows: created, moved and cancelled inside the caller's transaction.

The dispatcher (``bot.services.dispatcher``) is the only reader that sends them. Its
states: ``pending`` -> ``sending`` (claimed by one dispatch, in one write transaction)
-> ``sent`` | ``failed`` | ``expired`` | ``cancelled``, or back to ``pending`` (released
at a graceful stop, retried later, or deferred past quiet hours).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.models import Model, Reminder
from storage.db import Connection, fetch_all, fetch_one, from_db_time, to_db_time

_COLUMNS = "id, chat_id, role, kind, ref, due_at, event_at, not_after, payload, state, attempts"


class Recipient(Model):
    """What the dispatcher needs to know about a chat before it sends to it."""

    chat_id: int
    language: str | None = None
    telegram_language: str | None = None
    active: bool = True
    off_kinds: frozenset[str] = frozenset()


def _reminder(row: aiosqlite.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        chat_id=row["chat_id"],
        role=row["role"],
        kind=row["kind"],
        ref=row["ref"],
        due_at=from_db_time(row["due_at"]),
        event_at=from_db_time(row["event_at"]) if row["event_at"] else None,
        not_after=from_db_time(row["not_after"]) if row["not_after"] else None,
        payload=json.loads(row["payload"]),
        state=row["state"],
        attempts=row["attempts"],
    )


def _marks(count: int) -> str:
    return ",".join("?" * count)


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
    """Create the reminder, or move it (one per chat, kind and ref).

    A sent reminder is planned again only when its time or its event's time changed
    (a moved session deserves a new reminder; planning the same one twice does not).
    A row being sent right now is moved too: the dispatcher's 'sent' mark then finds it
    pending and leaves it for its new time.
    """
    await conn.execute(
        "INSERT INTO reminders (chat_id, role, kind, ref, due_at, event_at, not_after, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, kind, ref) DO UPDATE SET due_at = excluded.due_at,"
        " event_at = excluded.event_at, not_after = excluded.not_after, role = excluded.role,"
        " payload = excluded.payload, state = 'pending', attempts = 0, last_error = NULL,"
        " sent_at = NULL"
        " WHERE reminders.state <> 'sent' OR reminders.due_at <> excluded.due_at"
        " OR reminders.event_at IS NOT excluded.event_at",
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
    """Cancel the pending reminders about ``ref`` (all kinds, or only ``kinds``).

    A kind without a variant also cancels its variants: ``session`` cancels
    ``session:1440`` and ``session:15``.
    """
    sql = (
        "UPDATE reminders SET state = 'cancelled' WHERE ref = ? AND state IN ('pending', 'sending')"
    )
    args: list[object] = [ref]
    if kinds:
        sql += " AND (" + " OR ".join("kind = ? OR kind LIKE ?" for _ in kinds) + ")"
        for kind in kinds:
            args.extend([kind, f"{kind}:%"])
    cursor = await conn.execute(sql, args)
    return cursor.rowcount


async def cancel_reminders_of_chat(
    conn: Connection, chat_id: int, base_kind: str | None = None
) -> int:
    """Cancel everything pending for one chat (or only one base kind of it)."""
    sql = (
        "UPDATE reminders SET state = 'cancelled' WHERE chat_id = ?"
        " AND state IN ('pending', 'sending')"
    )
    args: list[object] = [chat_id]
    if base_kind is not None:
        sql += " AND (kind = ? OR kind LIKE ?)"
        args.extend([base_kind, f"{base_kind}:%"])
    cursor = await conn.execute(sql, args)
    return cursor.rowcount


async def cancel_variants(
    conn: Connection, chat_id: int, ref: str, base_kind: str, keep: Iterable[str]
) -> int:
    """Cancel the pending ``base_kind:*`` rows of one chat and ref, except ``keep``."""
    kept = list(keep)
    sql = (
        "UPDATE reminders SET state = 'cancelled' WHERE chat_id = ? AND ref = ?"
        " AND kind LIKE ? AND state = 'pending'"
    )
    if kept:
        sql += f" AND kind NOT IN ({_marks(len(kept))})"
    cursor = await conn.execute(sql, [chat_id, ref, f"{base_kind}:%", *kept])
    return cursor.rowcount


# --- the dispatcher's side ----------------------------------------------------------------


async def next_due_at(conn: Connection) -> datetime | None:
    """The earliest pending due time: one step down the (state, due_at) index."""
    row = await fetch_one(
        conn, "SELECT due_at FROM reminders WHERE state = 'pending' ORDER BY due_at LIMIT 1"
    )
    return from_db_time(row[0]) if row else None


async def expire_overdue(conn: Connection, now: datetime) -> int:
    """Due reminders whose moment has passed (a session already started) become expired."""
    stamp = to_db_time(now)
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'expired', last_error = 'too late'"
        " WHERE state = 'pending' AND due_at <= ? AND not_after IS NOT NULL AND not_after <= ?",
        (stamp, stamp),
    )
    return cursor.rowcount


async def claim_due(conn: Connection, now: datetime, limit: int) -> list[Reminder]:
    """Move up to ``limit`` due pending rows to 'sending' and return them, earliest first.

    Run inside a write transaction: a row claimed here is claimed by nobody else.
    """
    rows = await fetch_all(
        conn,
        f"UPDATE reminders SET state = 'sending', attempts = attempts + 1"  # noqa: S608 - constants and ? marks only
        f" WHERE id IN (SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ?"
        f" ORDER BY due_at, id LIMIT ?) RETURNING {_COLUMNS}",
        (to_db_time(now), limit),
    )
    return sorted((_reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))


async def mark_sent(conn: Connection, ids: Sequence[int], now: datetime) -> int:
    """Only rows still being sent: one moved meanwhile stays pending for its new time."""
    if not ids:
        return 0
    cursor = await conn.execute(
        f"UPDATE reminders SET state = 'sent', sent_at = ?, last_error = NULL"  # noqa: S608 - constants and ? marks only
        f" WHERE state = 'sending' AND id IN ({_marks(len(ids))})",
        [to_db_time(now), *ids],
    )
    return cursor.rowcount


async def finish(conn: Connection, reminder_id: int, state: str, error: str | None) -> None:
    """End a claimed row without sending: 'failed', 'expired' or 'cancelled'."""
    await conn.execute(
        "UPDATE reminders SET state = ?, last_error = ? WHERE id = ? AND state = 'sending'",
        (state, error, reminder_id),
    )


async def release(
    conn: Connection,
    ids: Sequence[int],
    *,
    due_at: datetime | None = None,
    error: str | None = None,
    count_attempt: bool = False,
) -> None:
    """Give claimed rows back to 'pending' (later, if ``due_at``); not an attempt unless said."""
    if not ids:
        return
    sql = "UPDATE reminders SET state = 'pending'"
    args: list[object] = []
    if not count_attempt:
        sql += ", attempts = attempts - 1"
    if due_at is not None:
        sql += ", due_at = ?"
        args.append(to_db_time(due_at))
    if error is not None:
        sql += ", last_error = ?"
        args.append(error)
    sql += f" WHERE state = 'sending' AND id IN ({_marks(len(ids))})"
    await conn.execute(sql, [*args, *ids])


async def recover_interrupted(conn: Connection) -> int:
    """At start: rows a dead process had claimed go back to 'pending' (at-least-once)."""
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'pending', attempts = max(attempts - 1, 0)"
        " WHERE state = 'sending'"
    )
    return cursor.rowcount


async def recipients(conn: Connection, chat_ids: Iterable[int]) -> dict[int, Recipient]:
    """Language, active flag and turned-off kinds of each chat (defaults if unknown)."""
    ids = sorted(set(chat_ids))
    found = {chat_id: Recipient(chat_id=chat_id) for chat_id in ids}
    if not ids:
        return found
    async with conn.execute(
        f"SELECT a.telegram_id, a.language, a.telegram_language, a.active, s.value AS off"  # noqa: S608 - constants and ? marks only
        f" FROM accounts a LEFT JOIN account_settings s"
        f" ON s.telegram_id = a.telegram_id AND s.name = 'reminders_off'"
        f" WHERE a.telegram_id IN ({_marks(len(ids))})",
        ids,
    ) as cursor:
        for row in await cursor.fetchall():
            found[row["telegram_id"]] = Recipient(
                chat_id=row["telegram_id"],
                language=row["language"],
                telegram_language=row["telegram_language"],
                active=bool(row["active"]),
                off_kinds=frozenset(json.loads(row["off"])) if row["off"] else frozenset(),
            )
    return found


# --- reading, for settings and tests -----------------------------------------------------


async def offset_reminders_of_chat(conn: Connection, chat_id: int, now: datetime) -> list[Reminder]:
    """Pending or sent ``kind:<minutes>`` rows of a chat whose event is still to come."""
    return [
        _reminder(row)
        for row in await fetch_all(
            conn,
            f"SELECT {_COLUMNS} FROM reminders WHERE chat_id = ? AND state IN ('pending', 'sent')"  # noqa: S608 - constants and ? marks only
            f" AND event_at > ? AND kind GLOB '*:[0-9]*' ORDER BY event_at, id",
            (chat_id, to_db_time(now)),
        )
    ]


async def list_reminders(conn: Connection, chat_id: int | None = None) -> list[Reminder]:
    sql = f"SELECT {_COLUMNS} FROM reminders"  # noqa: S608 - constants and ? marks only
    args: list[object] = []
    if chat_id is not None:
        sql += " WHERE chat_id = ?"
        args.append(chat_id)
    return [_reminder(row) for row in await fetch_all(conn, sql + " ORDER BY due_at, id", args)]


async def count_by_state(conn: Connection) -> dict[str, int]:
    return {
        row[0]: int(row[1])
        for row in await fetch_all(conn, "SELECT state, count(*) FROM reminders GROUP BY state")
    }


async def cancel_reminders_of_chat_ref(conn: Connection, chat_id: int, ref: str, kind: str) -> int:
    """Cancel one pending row (a kind the recipient turned off)."""
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'cancelled', last_error = 'turned off'"
        " WHERE chat_id = ? AND ref = ? AND kind = ? AND state = 'pending'",
        (chat_id, ref, kind),
    )
    return cursor.rowcount


async def turn_off_kind(conn: Connection, chat_id: int, base_kind: str) -> int:
    """Cancel a chat's pending rows of one base kind, marked so they can come back."""
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'cancelled', last_error = 'turned off'"
        " WHERE chat_id = ? AND (kind = ? OR kind LIKE ?) AND state = 'pending'",
        (chat_id, base_kind, f"{base_kind}:%"),
    )
    return cursor.rowcount


async def turn_on_kind(conn: Connection, chat_id: int, base_kind: str, now: datetime) -> int:
    """Bring back the rows :func:`turn_off_kind` cancelled that are still to come."""
    cursor = await conn.execute(
        "UPDATE reminders SET state = 'pending', last_error = NULL"
        " WHERE chat_id = ? AND (kind = ? OR kind LIKE ?) AND state = 'cancelled'"
        " AND last_error = 'turned off' AND due_at > ?",
        (chat_id, base_kind, f"{base_kind}:%", to_db_time(now)),
    )
    return cursor.rowcount


async def pending_count_of_chat(conn: Connection, chat_id: int) -> int:
    row = await fetch_one(
        conn, "SELECT count(*) FROM reminders WHERE chat_id = ? AND state = 'pending'", (chat_id,)
    )
    return int(row[0]) if row else 0
