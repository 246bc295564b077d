"""Per-account preferences in ``account_settings``: one JSON value per name."""

from __future__ import annotations

import json
from typing import Any

from storage.db import Connection, fetch_all, fetch_one


async def get_setting(conn: Connection, telegram_id: int, name: str) -> Any:
    """The stored value, or None."""
    row = await fetch_one(
        conn,
        "SELECT value FROM account_settings WHERE telegram_id = ? AND name = ?",
        (telegram_id, name),
    )
    return json.loads(row[0]) if row else None


async def set_setting(conn: Connection, telegram_id: int, name: str, value: Any) -> None:
    """Store ``value``; the account must exist."""
    await conn.execute(
        "INSERT INTO account_settings (telegram_id, name, value) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id, name) DO UPDATE SET value = excluded.value",
        (telegram_id, name, json.dumps(value, ensure_ascii=False, sort_keys=True)),
    )


async def all_settings(conn: Connection, telegram_id: int) -> dict[str, Any]:
    """Every preference stored for one account (for /me and its export)."""
    rows = await fetch_all(
        conn,
        "SELECT name, value FROM account_settings WHERE telegram_id = ? ORDER BY name",
        (telegram_id,),
    )
    return {row[0]: json.loads(row[1]) for row in rows}
