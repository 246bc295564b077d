"""A school's people as its coordinator runs them: links, leaving, specialists, messages."""

from __future__ import annotations

from typing import Literal

from storage.db import Repo

PeopleTable = Literal["pupils", "guardians", "specialists"]
_TABLES = ("pupils", "guardians", "specialists")


class AdminRepo(Repo):
    async def has_left(self, table: PeopleTable, person_id: int) -> bool:
        if table not in _TABLES:
            raise ValueError(table)
        row = await self.one(
            f"SELECT left_on IS NOT NULL FROM {table} WHERE id = ?",  # noqa: S608 - whitelisted
            (person_id,),
        )
        return bool(row and row[0])
