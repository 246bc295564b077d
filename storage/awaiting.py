"""The question each account was last asked and whose answer comes as a plain message."""

from __future__ import annotations

import json

from bot.domain.booking import Awaiting
from storage.db import Connection

# One row per account in account_settings; the prefix keeps other features' settings apart.
SETTING = "booking.awaiting"


async def all_awaiting(conn: Connection) -> dict[int, Awaiting]:
    async with conn.execute(
        "SELECT telegram_id, value FROM account_settings WHERE name = ?", (SETTING,)
    ) as cursor:
        rows = await cursor.fetchall()
    return {row[0]: Awaiting.model_validate(json.loads(row[1])) for row in rows}


async def save_awaiting(conn: Connection, telegram_id: int, awaiting: Awaiting) -> None:
    await conn.execute(
        "INSERT INTO account_settings (telegram_id, name, value) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id, name) DO UPDATE SET value = excluded.value",
        (telegram_id, SETTING, awaiting.model_dump_json()),
    )


async def clear_awaiting(conn: Connection, telegram_id: int) -> None:
    await conn.execute(
        "DELETE FROM account_settings WHERE telegram_id = ? AND name = ?", (telegram_id, SETTING)
    )
