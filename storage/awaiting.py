"""The one question each account was last asked, whose answer comes as a plain message."""

from __future__ import annotations

import json
from typing import Any

from storage.db import Connection, fetch_all, fetch_one

# One row per account in account_settings: a new question replaces the one before it.
SETTING = "awaiting"


async def get_awaiting(conn: Connection, telegram_id: int) -> dict[str, Any] | None:
    row = await fetch_one(
        conn,
        "SELECT value FROM account_settings WHERE telegram_id = ? AND name = ?",
        (telegram_id, SETTING),
    )
    if row is None:
        return None
    value = json.loads(row[0])
    return value if isinstance(value, dict) else None


async def set_awaiting(conn: Connection, telegram_id: int, value: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO account_settings (telegram_id, name, value) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id, name) DO UPDATE SET value = excluded.value",
        (telegram_id, SETTING, json.dumps(value, ensure_ascii=False, sort_keys=True)),
    )


async def clear_awaiting(conn: Connection, telegram_id: int) -> None:
    await conn.execute(
        "DELETE FROM account_settings WHERE telegram_id = ? AND name = ?", (telegram_id, SETTING)
    )


async def all_awaiting(conn: Connection) -> dict[int, dict[str, Any]]:
    return {
        row[0]: json.loads(row[1])
        for row in await fetch_all(
            conn, "SELECT telegram_id, value FROM account_settings WHERE name = ?", (SETTING,)
        )
    }
