"""The one question each account was last asked, whose answer comes as a plain message."""

from __future__ import annotations

from pydantic import ValidationError

from bot.domain.questions import OpenQuestion
from storage.db import Repo

# One row per account in account_settings: a new question replaces the one before it.
SETTING = "awaiting"


def _parse(text: str) -> OpenQuestion | None:
    """The stored question, or None for one this version cannot read (it is dropped)."""
    try:
        return OpenQuestion.model_validate_json(text)
    except ValidationError:
        return None


class QuestionsRepo(Repo):
    async def get(self, telegram_id: int) -> OpenQuestion | None:
        row = await self.one(
            "SELECT value FROM account_settings WHERE telegram_id = ? AND name = ?",
            (telegram_id, SETTING),
        )
        return _parse(row[0]) if row else None

    async def set(self, telegram_id: int, question: OpenQuestion) -> None:
        await self.run(
            "INSERT INTO account_settings (telegram_id, name, value) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id, name) DO UPDATE SET value = excluded.value",
            (telegram_id, SETTING, question.model_dump_json()),
        )

    async def clear(self, telegram_id: int) -> None:
        await self.run(
            "DELETE FROM account_settings WHERE telegram_id = ? AND name = ?",
            (telegram_id, SETTING),
        )

    async def all_open(self) -> dict[int, OpenQuestion]:
        rows = await self.all(
            "SELECT telegram_id, value FROM account_settings WHERE name = ?", (SETTING,)
        )
        found = {row[0]: _parse(row[1]) for row in rows}
        return {key: value for key, value in found.items() if value is not None}
