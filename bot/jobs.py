"""The job queue's part in reminders: wake the dispatcher, never hold the reminders.

APScheduler (through PTB's JobQueue) keeps exactly two jobs, whatever the number of
pending rows: a one-shot wake-up at the next due time (moved earlier when something
earlier is planned, and re-set after each run) and a repeating sweep. Both only start
a dispatch run in the background, so a long backlog never holds up the job queue or
the bot's shutdown; :meth:`ReminderService.close` stops a run gracefully.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import ContextTypes, JobQueue

from bot.services.reminders.dispatcher import Dispatcher
from bot.services.reminders.planner import ReminderService
from bot.services.reminders.sending import Sender

log = logging.getLogger(__name__)

WAKE = "reminders-wake"
SWEEP = "reminders-sweep"
# PTB's default misfire grace (1 s) would silently skip a late wake-up.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


class ReminderJobs:
    """Runs one dispatch at a time; a wake-up during a run asks for one more run."""

    def __init__(
        self,
        job_queue: JobQueue[Any],
        reminders: ReminderService,
        dispatcher: Dispatcher,
        sender: Sender,
    ) -> None:
        self.job_queue = job_queue
        self.reminders = reminders
        self.dispatcher = dispatcher
        self.sender = sender
        self._run: asyncio.Task[None] | None = None
        self._again = False
        self._wake_at: datetime | None = None

    async def start(self) -> None:
        """Recover rows a dead process claimed, then schedule the two jobs. Reads no rows."""
        await self.dispatcher.recover()
        self.reminders.on_planned = self.planned
        seconds = self.reminders.config.sweep_seconds
        self.job_queue.run_repeating(
            self._job, interval=seconds, first=seconds, name=SWEEP, job_kwargs=JOB_KWARGS
        )
        self.schedule(await self.dispatcher.next_due())

    def planned(self, due_at: datetime) -> None:
        """A row was planned: wake earlier if it is due before the current wake-up."""
        if self._wake_at is None or due_at < self._wake_at:
            self.schedule(due_at)

    def schedule(self, due_at: datetime | None) -> None:
        for job in self.job_queue.get_jobs_by_name(WAKE):
            job.schedule_removal()
        self._wake_at = due_at
        if due_at is None:
            return
        delay = max((due_at - self.reminders.clock.now()).total_seconds(), 0.0)
        self.job_queue.run_once(
            self._job, when=timedelta(seconds=delay), name=WAKE, job_kwargs=JOB_KWARGS
        )

    async def _job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.kick()

    def kick(self) -> None:
        """Start a dispatch run now, or one more right after the current one."""
        if self._run is not None and not self._run.done():
            self._again = True
            return
        self._run = asyncio.create_task(self._dispatch(), name="reminders-dispatch")

    async def _dispatch(self) -> None:
        dispatcher = self.dispatcher
        try:
            while True:
                self._again = False
                report = await dispatcher.dispatch_due(self.sender)
                if report.sent or report.failed:
                    log.info("reminders: %s", report)
                if dispatcher.stopping or not self._again:
                    break
            if not dispatcher.stopping:
                self.schedule(await dispatcher.next_due())
        except Exception:
            log.exception("reminder dispatch failed; the sweep will try again")

    async def wait_idle(self) -> None:
        """For tests and the local chat: wait until the current run is over."""
        if self._run is not None:
            await self._run
