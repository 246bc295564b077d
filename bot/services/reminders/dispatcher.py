"""The dispatcher: sends due reminders in batches, paced, and records each outcome.

GUARANTEES (one bot process per database, as Telegram's polling requires anyway):

- Two dispatches at once (the wake-up job and the sweep, or two dispatchers on one
  file) never take the same row: rows are claimed ``pending -> sending`` in one
  ``BEGIN IMMEDIATE`` transaction, and only the claimer sends them.
- Each row is marked ``sent`` in a write committed right after Telegram accepted it
  (marks that arrive together share one commit; nobody waits for a timer).
- A graceful stop (:meth:`Dispatcher.stop`, called when the bot shuts down) lets the
  sends already under way finish and be marked, and gives every claimed row not yet
  sent back to ``pending`` without counting an attempt: the next start sends each of
  them exactly once.
- A hard crash (kill -9, power loss) leaves claimed rows in ``sending``; the next start
  (:meth:`Dispatcher.recover`) returns them to ``pending``. This is AT-LEAST-ONCE: the
  only message that can arrive twice is one whose send succeeded in the instant
  between Telegram's answer and the ``sent`` commit (at most the sends in flight, a
  few). We chose it over at-most-once because a lost session reminder costs more
  than a duplicate one. Nothing is ever lost.
- After downtime, a due row whose ``not_after`` has passed (the session started) is
  marked ``expired``; the others are sent late, quiet hours permitting.

What is sent is a fact, not text: the loader of the row's kind (registered by the feature
that planned it) reads what the row is about as it stands now, and the Telegram side
(:class:`~bot.services.reminders.sending.Sender`) puts it into the recipient's words.

AUDIT: a message that shows a pupil's data (``Fact.pupils_shown``) to someone other than
the pupil is a read, written to the audit log in the transaction that marks it sent, so
only what Telegram accepted is audited; loaders and renderers write nothing.

FAMILY: a message about a pupil goes to a pupil's or parent's chat only if that account
still acts for the pupil when it is sent (unlinked, marked as left or no longer the
child's parent since it was planned: the row is cancelled).

Rates: at most ``rate_per_second`` sends a second overall and one a chat every
``per_chat_seconds`` (see :class:`~bot.services.pacing.Pacer`). In production PTB's
``AIORateLimiter`` also sits under ``bot.send_message``: it keeps the overall 30/s
shared with handler answers and retries a RetryAfter up to 3 times itself (pausing
every request), so the dispatcher sees ``SendThrottled`` only when those retries ran
out. The limiter has no per-private-chat limit and would queue a whole backlog in
memory; the dispatcher's own pacing provides both, so neither makes the other redundant.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.config import RemindersConfig
from bot.domain.dates import RIGA
from bot.domain.models import Role
from bot.domain.quiet_hours import QuietHours
from bot.domain.reminders import Fact, Recipient, Reminder
from bot.services.reminders.pacing import Pacer, Sleep
from bot.services.reminders.planner import OPTIONAL_KINDS, ReminderService
from bot.services.reminders.sending import (
    RecipientGone,
    Sender,
    SendFailedTemporarily,
    SendRejected,
    SendThrottled,
)
from storage.lanes import Lane, in_lane
from storage.reminders import ChatInfo
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_THROTTLES_PER_SEND = 5
_OPTIONAL = frozenset(k.kind.value for k in OPTIONAL_KINDS)


@dataclass
class DispatchReport:
    """What one :meth:`Dispatcher.dispatch_due` did."""

    sent: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    deferred: int = 0
    retrying: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Outcomes:
    """Outcomes of one batch other than 'sent', written in one transaction at its end."""

    finished: list[tuple[int, str, str | None]] = field(default_factory=list)
    later: list[tuple[int, datetime | None, str | None, bool]] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)


class Dispatcher:
    def __init__(
        self,
        uow: UnitOfWork,
        reminders: ReminderService,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep | None = None,
    ) -> None:
        self.uow = uow
        self.reminders = reminders
        self.clock: Clock = reminders.clock
        self.config: RemindersConfig = reminders.config
        self.quiet = QuietHours(self.config.quiet_start, self.config.quiet_end, RIGA)
        self._stopping = asyncio.Event()
        self.pacer = Pacer(
            self.config.rate_per_second,
            self.config.per_chat_seconds,
            monotonic=monotonic,
            sleep=sleep or self._sleep_unless_stopped,
        )
        self._active: set[asyncio.Task[Any]] = set()
        self._unmarked: set[int] = set()
        # Reads to audit with each 'sent' mark: reminder id -> (reader, action, pupils).
        self._reads: dict[int, tuple[int, str, tuple[int, ...]]] = {}
        self._mark_lock = asyncio.Lock()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def recover(self) -> int:
        """At start only: rows a previous process claimed and never finished go back."""
        async with self.uow.write() as tx:
            count = await tx.reminders.recover_interrupted()
        if count:
            log.warning("%d reminders were being sent when the bot stopped; sending again", count)
        return count

    async def next_due(self) -> datetime | None:
        async with self.uow.read() as tx:
            return await tx.reminders.next_due_at()

    def request_stop(self) -> None:
        self._stopping.set()

    async def stop(self) -> None:
        """Graceful stop: finish sends under way, give claimed unsent rows back."""
        self.request_stop()
        current = asyncio.current_task()
        running = [task for task in self._active if task is not current]
        if running:
            await asyncio.gather(*running, return_exceptions=True)

    async def dispatch_due(self, sender: Sender) -> DispatchReport:
        """Send everything due now, batch after batch, until nothing is due or stopping."""
        report = DispatchReport()
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
        try:
            with in_lane(Lane.BACKGROUND):
                await self._dispatch_batches(sender, report)
        finally:
            if task is not None:
                self._active.discard(task)
        return report

    async def _dispatch_batches(self, sender: Sender, report: DispatchReport) -> None:
        """Claim and send batches in the background lane: users waiting go first."""
        while not self.stopping:
            batch = await self._claim(report)
            if not batch:
                break
            await self._send_batch(sender, batch, report)

    async def _claim(self, report: DispatchReport) -> list[Reminder]:
        now = self.clock.now()
        async with self.uow.write() as tx:
            expired = await tx.reminders.expire_overdue(now)
            batch = await tx.reminders.claim_due(now, self.config.batch_size)
        if expired:
            log.info("%d reminders expired unsent (their moment passed)", expired)
            report.expired += expired
        return batch

    async def _send_batch(
        self, sender: Sender, batch: list[Reminder], report: DispatchReport
    ) -> None:
        async with self.uow.read() as tx:
            chats = await tx.reminders.chats(r.chat_id for r in batch)
        outcomes = _Outcomes()
        try:
            await asyncio.gather(
                *(
                    self._deliver(sender, reminder, chats[reminder.chat_id], report, outcomes)
                    for reminder in batch
                )
            )
        finally:
            await self._write_outcomes(outcomes)

    async def _deliver(
        self,
        sender: Sender,
        reminder: Reminder,
        chat: ChatInfo,
        report: DispatchReport,
        outcomes: _Outcomes,
    ) -> None:
        fact = await self._prepare(reminder, chat, report, outcomes)
        if fact is None:
            return
        recipient = Recipient(
            chat_id=chat.chat_id,
            role=reminder.role,
            language=chat.language,
            telegram_language=chat.telegram_language,
        )
        throttles = 0
        while True:
            await self.pacer.wait_turn(reminder.chat_id)
            if self.stopping:
                outcomes.later.append((reminder.id, None, None, False))
                report.released += 1
                return
            try:
                await sender.send(recipient, fact)
            except SendThrottled as exc:
                throttles += 1
                log.warning("reminder %d: throttled for %s s", reminder.id, exc.retry_after)
                self.pacer.pause(exc.retry_after)
                if throttles < MAX_THROTTLES_PER_SEND:
                    continue
                self._retry(reminder, f"throttled: {exc}", report, outcomes)
            except RecipientGone as exc:
                self._fail(reminder, f"recipient gone: {exc}", report, outcomes)
                outcomes.gone.add(reminder.chat_id)
            except SendRejected as exc:
                self._fail(reminder, f"rejected: {exc}", report, outcomes)
            except SendFailedTemporarily as exc:
                self._retry(reminder, f"network: {exc}", report, outcomes)
            except Exception as exc:
                log.exception("reminder %d: unexpected error while sending", reminder.id)
                self._retry(reminder, f"{type(exc).__name__}: {exc}", report, outcomes)
            else:
                pupils = fact.pupils_shown()
                if pupils and reminder.role != Role.PUPIL:
                    read = (reminder.chat_id, f"sent_{reminder.kind.value}", pupils)
                    self._reads[reminder.id] = read
                await self._mark_sent(reminder.id)
                report.sent += 1
            return

    async def _prepare(
        self, reminder: Reminder, chat: ChatInfo, report: DispatchReport, outcomes: _Outcomes
    ) -> Fact | None:
        """What the row is about now, or None after recording why nothing is sent now."""
        now = self.clock.now()
        kind = reminder.kind.value
        if not chat.active:
            self._drop(reminder, "cancelled", "recipient inactive", report, outcomes)
            return None
        if kind in chat.off_kinds and kind in _OPTIONAL:
            self._drop(reminder, "cancelled", "turned off by the user", report, outcomes)
            return None
        if reminder.role.value in self.config.quiet_roles and not reminder.urgent:
            placed = self.quiet.place(now, reminder.event_at, now)
            if placed > now:
                outcomes.later.append((reminder.id, placed, None, False))
                report.deferred += 1
                return None
        loader = self.reminders.loader(reminder.kind)
        if loader is None or reminder.payload is None:
            why = f"no loader for {kind}" if loader is None else f"bad payload for {kind}"
            log.error("reminder %d: %s", reminder.id, why)
            self._drop(reminder, "failed", why, report, outcomes)
            return None
        try:
            fact = await loader(reminder)
        except Exception as exc:
            log.exception("reminder %d: the %r loader failed", reminder.id, kind)
            self._drop(reminder, "failed", f"loader: {type(exc).__name__}"[:300], report, outcomes)
            return None
        if fact is None:
            self._drop(reminder, "expired", "nothing to say any more", report, outcomes)
            return None
        shown = set(fact.pupils_shown())
        if reminder.role in (Role.PUPIL, Role.GUARDIAN) and not shown <= chat.family_pupils:
            # Unlinked, marked as left, or no longer the child's parent since it was planned:
            # a message about a child reaches only those who act for the child now.
            self._drop(reminder, "cancelled", "no longer acts for the pupil", report, outcomes)
            return None
        return fact

    def _drop(
        self,
        reminder: Reminder,
        state: str,
        why: str,
        report: DispatchReport,
        outcomes: _Outcomes,
    ) -> None:
        outcomes.finished.append((reminder.id, state, why))
        if state == "failed":
            report.failed += 1
            report.errors.append(why)
        elif state == "expired":
            report.expired += 1
        else:
            report.cancelled += 1
        return None

    def _fail(
        self, reminder: Reminder, why: str, report: DispatchReport, outcomes: _Outcomes
    ) -> None:
        log.warning("reminder %d to chat %d failed: %s", reminder.id, reminder.chat_id, why)
        self._drop(reminder, "failed", why, report, outcomes)

    def _retry(
        self, reminder: Reminder, why: str, report: DispatchReport, outcomes: _Outcomes
    ) -> None:
        if reminder.attempts >= self.config.max_attempts:
            self._fail(
                reminder, f"gave up after {reminder.attempts} attempts: {why}", report, outcomes
            )
            return
        delay = min(
            self.config.backoff_seconds * 2 ** (reminder.attempts - 1),
            self.config.max_backoff_seconds,
        )
        log.warning(
            "reminder %d to chat %d: attempt %d failed (%s); again in %.0f s",
            reminder.id,
            reminder.chat_id,
            reminder.attempts,
            why,
            delay,
        )
        when = self.clock.now() + timedelta(seconds=delay)
        outcomes.later.append((reminder.id, when, why[:300], True))
        report.retrying += 1

    async def _mark_sent(self, reminder_id: int) -> None:
        """Commit 'sent' now; marks that queue up meanwhile share the next commit."""
        self._unmarked.add(reminder_id)
        async with self._mark_lock:
            if reminder_id not in self._unmarked:
                return
            ids = sorted(self._unmarked)
            reads = [self._reads[i] for i in ids if i in self._reads]
            now = self.clock.now()
            async with self.uow.write() as tx:
                await tx.reminders.mark_sent(ids, now)
                for reader, action, pupils in reads:
                    await tx.audit.add_reads(now, reader, action, pupils)
            self._unmarked.difference_update(ids)
            for reminder_id in ids:
                self._reads.pop(reminder_id, None)

    async def _write_outcomes(self, outcomes: _Outcomes) -> None:
        if not (outcomes.finished or outcomes.later or outcomes.gone):
            return
        async with self.uow.write() as tx:
            await tx.reminders.finish_many(outcomes.finished)
            for reminder_id, due_at, why, counted in outcomes.later:
                await tx.reminders.release(
                    [reminder_id], due_at=due_at, error=why, count_attempt=counted
                )
            for chat_id in outcomes.gone:
                await tx.accounts.set_active(chat_id, False)

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
