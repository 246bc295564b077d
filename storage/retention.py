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

    async def delete_done_reminders(self, before: datetime) -> int:
        """Reminders sent, expired, failed or cancelled, due before ``before``."""
        return await self.run(
            "DELETE FROM reminders WHERE state IN ('sent', 'expired', 'failed', 'cancelled')"
            " AND due_at < ?",
            (to_db_time(before),),
        )

    async def delete_audit(self, before: datetime) -> int:
        return await self.run("DELETE FROM audit_log WHERE at < ?", (to_db_time(before),))

    async def delete_crisis_events(self, before: datetime) -> int:
        return await self.run("DELETE FROM crisis_events WHERE at < ?", (to_db_time(before),))

    async def delete_unlinked_accounts(self, created_before: datetime) -> int:
        """Accounts that never linked (no link now) and first wrote before the time given."""
        return await self.run(
            "DELETE FROM accounts WHERE created_at < ? AND NOT EXISTS"
            " (SELECT 1 FROM account_links l WHERE l.telegram_id = accounts.telegram_id)",
            (to_db_time(created_before),),
        )
