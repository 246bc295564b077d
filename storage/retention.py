"""The nightly pass's statements: what is past its period is deleted or blanked.

What each table keeps and for how long is written in ``storage/data_map/tables.py``.
"""

from __future__ import annotations

from datetime import datetime

from storage.data_map import FREE_TEXT
from storage.db import Repo, to_db_time
from storage.privacy import ERASED_ADDRESS, ERASED_PHONE


class RetentionRepo(Repo):
    async def erase_free_text(self, before: datetime) -> int:
        """Blank free text whose moment passed before ``before``; the number of rows changed."""
        changed = 0
        cutoff = to_db_time(before)
        for table, columns, moment in FREE_TEXT:
            blank = ", ".join(f"{column} = ''" for column in columns)
            some = " OR ".join(f"{column} != ''" for column in columns)
            cursor = await self.conn.execute(
                f"UPDATE {table} SET {blank} WHERE {moment} < ? AND ({some})",  # noqa: S608
                (cutoff,),
            )
            changed += cursor.rowcount
        # An address, a phone and a dietary note are needed while meals are delivered;
        # once they stopped, blanked as erasing blanks them (so "keep" is not offered).
        cursor = await self.conn.execute(
            "UPDATE meal_subscriptions SET dietary_note = '', address = ?, phone = ?,"
            " created_by = 0 WHERE state = 'stopped' AND updated_at < ?"
            " AND (dietary_note != '' OR address != ? OR phone != ? OR created_by != 0)",
            (ERASED_ADDRESS, ERASED_PHONE, cutoff, ERASED_ADDRESS, ERASED_PHONE),
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

    async def delete_care(self, before: datetime) -> int:
        """Conversations that ended and alerts made before the time given.

        An alert a kept conversation refers to stays until the conversation goes.
        """
        cutoff = to_db_time(before)
        sessions = await self.run(
            "DELETE FROM relay_sessions WHERE opened_at < ? AND ended_at IS NOT NULL",
            (cutoff,),
        )
        return sessions + await self.run(
            "DELETE FROM care_alerts WHERE created_at < ? AND NOT EXISTS"
            " (SELECT 1 FROM relay_sessions r WHERE r.alert_id = care_alerts.id)",
            (cutoff,),
        )

    async def delete_closed_places(self, before: datetime) -> int:
        """Places in line closed before the time given (their offers cascade)."""
        return await self.run(
            "DELETE FROM waitlist WHERE state NOT IN ('waiting', 'offered')"
            " AND coalesce(closed_at, created_at) < ?",
            (to_db_time(before),),
        )

    async def delete_calendar_copies(self, ended_before: datetime) -> int:
        """Who holds a copy of a session that ended before the time given."""
        return await self.run(
            "DELETE FROM calendar_copies WHERE booking_id IN"
            " (SELECT id FROM bookings WHERE ends_at < ?)",
            (to_db_time(ended_before),),
        )

    async def delete_broadcasts(self, before: datetime) -> int:
        """Messages to families sent before the time given, once no copy waits to go."""
        return await self.run(
            "DELETE FROM broadcasts WHERE created_at < ? AND NOT EXISTS"
            " (SELECT 1 FROM reminders r WHERE r.ref = 'broadcast:' || broadcasts.id"
            " AND r.state IN ('pending', 'sending'))",
            (to_db_time(before),),
        )
