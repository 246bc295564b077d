"""Nothing is kept longer than configured: the nightly pass over what the bot holds.

``[privacy]`` says how long each kind is kept (the README gives the reasons for the
defaults): free text (notes, reasons, a stopped meal confirmation's address and phone),
reminders done with, audit rows, records of words of crisis, alerts and relayed
conversations, closed places in line, calendar copies of sessions that are over,
messages to families, accounts that never linked (``storage/data_map/tables.py`` lists
every table and what is kept of it). Link codes go when they expire (an expired code
answers like a wrong one, so there is nothing to keep it for), and wrong tries once no
throttle looks at them any more.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import Clock
from bot.config import LinkingConfig, PrivacyConfig
from bot.domain.privacy import RetentionReport
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class RetentionService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, config: PrivacyConfig, linking: LinkingConfig
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.keep = timedelta(days=config.free_text_retention_days)
        self.throttle_window = timedelta(minutes=max(linking.lockout_minutes, 1))

    async def erase_old_free_text(self) -> int:
        """Blank notes and reasons older than the retention period."""
        async with self.uow.write(heavy=True) as tx:
            return await tx.retention.erase_free_text(self.clock.now() - self.keep)

    async def prune(self) -> RetentionReport:
        """Everything past its period, in one transaction; run nightly."""
        now = self.clock.now()

        def days(count: int) -> timedelta:
            return timedelta(days=count)

        config = self.config
        async with self.uow.write(heavy=True) as tx:  # a nightly sweep of every table
            report = RetentionReport(
                free_text=await tx.retention.erase_free_text(now - self.keep),
                reminders=await tx.retention.delete_done_reminders(
                    now - days(config.reminder_retention_days)
                ),
                audit_rows=await tx.retention.delete_audit(now - days(config.audit_retention_days)),
                crisis_events=await tx.retention.delete_crisis_events(
                    now - days(config.crisis_event_retention_days)
                ),
                care=await tx.retention.delete_care(now - days(config.care_retention_days)),
                waitlist=await tx.retention.delete_closed_places(
                    now - days(config.waitlist_retention_days)
                ),
                calendar_copies=await tx.retention.delete_calendar_copies(
                    now - days(config.calendar_copy_retention_days)
                ),
                broadcasts=await tx.retention.delete_broadcasts(
                    now - days(config.broadcast_retention_days)
                ),
                accounts=await tx.retention.delete_unlinked_accounts(
                    now - days(config.unlinked_account_days)
                ),
                codes=await tx.codes.delete_expired(now),
                link_failures=await tx.codes.forget_failures(now - self.throttle_window),
            )
        if report.total:
            log.info("retention: %s", report.model_dump())
        return report
