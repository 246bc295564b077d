"""Erasing free text that was kept as long as configured (notes, reasons)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Repo, to_db_time

# (table, the free-text columns, the time after which the text is no longer needed)
_FREE_TEXT = (
    ("bookings", ("note", "reason"), "ends_at"),
    ("meal_deliveries", ("fail_reason",), "marked_at"),
    ("transport_claims", ("reason",), "decided_at"),
)


class RetentionRepo(Repo):
    async def erase_free_text(self, before: datetime) -> int:
        """Blank free text whose moment passed before ``before``; the number of rows changed."""
        changed = 0
        cutoff = to_db_time(before)
        for table, columns, moment in _FREE_TEXT:
            blank = ", ".join(f"{column} = ''" for column in columns)
            some = " OR ".join(f"{column} != ''" for column in columns)
            cursor = await self.conn.execute(
                f"UPDATE {table} SET {blank} WHERE {moment} < ? AND ({some})",  # noqa: S608
                (cutoff,),
            )
            changed += cursor.rowcount
        # A dietary note is needed while meals are delivered; erased once they stopped.
        cursor = await self.conn.execute(
            "UPDATE meal_subscriptions SET dietary_note = ''"
            " WHERE state = 'stopped' AND updated_at < ? AND dietary_note != ''",
            (cutoff,),
        )
        return changed + cursor.rowcount
