"""Per-account preferences in ``account_settings``: one JSON value per name."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from storage.db import Repo, marks


class SettingsRepo(Repo):
    async def get(self, telegram_id: int, name: str) -> Any:
        """The stored value, or None."""
        row = await self.one(
            "SELECT value FROM account_settings WHERE telegram_id = ? AND name = ?",
            (telegram_id, name),
        )
        return json.loads(row[0]) if row else None

    async def set(self, telegram_id: int, name: str, value: Any) -> None:
        """Store ``value``; the account must exist."""
        await self.run(
            "INSERT INTO account_settings (telegram_id, name, value) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id, name) DO UPDATE SET value = excluded.value",
            (telegram_id, name, json.dumps(value, ensure_ascii=False, sort_keys=True)),
        )

    async def all_of(self, telegram_id: int) -> dict[str, Any]:
        """Every preference stored for one account (for /me and its export)."""
        rows = await self.all(
            "SELECT name, value FROM account_settings WHERE telegram_id = ? ORDER BY name",
            (telegram_id,),
        )
        return {row[0]: json.loads(row[1]) for row in rows}

    async def values(self, name: str, telegram_ids: Iterable[int]) -> dict[int, Any]:
        """One preference of many accounts at once (those who have it)."""
        ids = sorted(set(telegram_ids))
        if not ids:
            return {}
        rows = await self.all(
            "SELECT telegram_id, value FROM account_settings WHERE name = ?"  # noqa: S608 - ? marks only
            f" AND telegram_id IN ({marks(len(ids))})",
            [name, *ids],
        )
        return {row[0]: json.loads(row[1]) for row in rows}
