"""Free-text content is kept only as long as configured (``privacy.free_text_retention_days``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import Clock
from bot.config import PrivacyConfig
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class RetentionService:
    def __init__(self, uow: UnitOfWork, clock: Clock, config: PrivacyConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.keep = timedelta(days=config.free_text_retention_days)

    async def erase_old_free_text(self) -> int:
        """Blank notes and reasons older than the retention period; run nightly."""
        async with self.uow.write(heavy=True) as tx:  # a nightly sweep of every table
            changed = await tx.retention.erase_free_text(self.clock.now() - self.keep)
        if changed:
            log.info("erased old free text from %d records", changed)
        return changed
