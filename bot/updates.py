"""Updates of different users at once, the updates of one user strictly one after another.

PTB hands every update it fetches (polling or webhook, through ``update_queue``) to
:meth:`PerUserUpdateProcessor.process_update`, each in a task of its own. A direct call
of ``Application.process_update`` (the tests, the local chat) bypasses any processor.

GUARANTEES

- Order per sender: updates are keyed by ``effective_user.id``, else ``effective_chat.id``
  (a private chat's id is its user's), else one shared key. Updates of one key run in the
  order PTB fetched them, each only after the previous one finished, also if it raised.
  The key's place in line is taken before the first ``await``, so the order is the
  queue's: PTB's own semaphore around :meth:`~BaseUpdateProcessor.do_process_update` is
  made too large ever to block, because a wait there could let a later update overtake.
- The bound: at most ``max_concurrent_updates`` updates run at once (urgent ones aside).
  An update takes a slot only when its sender's previous update is over, so waiting for
  oneself holds none: one user pressing a button 300 times uses one slot, and the others
  share the rest. Slots are handed out first come, first served.
- The urgent lane: an update for which ``urgent(update)`` is true (the app passes words
  of crisis) never waits for a slot, i.e. for other users' work; it still waits for its
  sender's earlier updates, which then skip the slot queue too (an urgent update behind
  a menu press would otherwise wait for the press's slot all the same). Lane updates run
  beyond the bound: at most one per sender at a time, so a flood of them is bounded by
  the number of senders writing words of crisis at that moment. They run in the urgent
  lane of :mod:`storage.lanes`: first in line for the one database writer, with a
  reader of their own, and past the rate limiter's wait (:mod:`bot.ratelimit`).
- Memory: a key's state is dropped as soon as it has nothing queued. There is no bound on
  queued updates that would not drop some, so there is none: nothing upstream waits for
  this processor. PTB's fetcher starts a task per update without awaiting it (when
  ``max_concurrent_updates > 1``) and the Updater confirms updates to Telegram as it
  queues them, so a backlog lives here as one waiting task per update, as it would with
  PTB's own processor. :attr:`PerUserUpdateProcessor.pending_updates` shows its size.
- ``max_concurrent_updates = 1`` makes PTB's fetcher await each update itself: one update
  at a time for everybody, as with ``concurrent_updates(False)``, and no urgent lane.
- Shutdown: ``Application.stop`` already waits until every fetched update is processed;
  :meth:`PerUserUpdateProcessor.shutdown` waits for whatever is still in flight besides.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import sys
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from storage.lanes import Lane, in_lane

log = logging.getLogger(__name__)

UrgentPredicate = Callable[[Update], bool]

# The key of updates with neither a user nor a chat; Telegram never gives an id 0.
SHARED_KEY = 0
DEFAULT_MAX_CONCURRENT_UPDATES = 64


def sender_key(update: object) -> int:
    """Whose turn the update waits for: its user, else its chat, else everybody's."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return SHARED_KEY


def never_urgent(update: Update) -> bool:
    return False


@dataclass(eq=False)
class _Sender:
    """The queue of one key: a FIFO lock, and what the urgent lane needs to know."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0  # accepted and not finished, the running one included
    urgent: int = 0  # urgent updates among them
    at_gate: asyncio.Future[None] | None = None  # its update waiting for a slot, if any


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs the updates of different senders concurrently and each sender's in order.

    Args:
        max_concurrent_updates: updates running at once, urgent ones not counted.
        urgent: tells an update that must not wait for other users' work; it runs
            synchronously on every update before it waits, so it must be cheap.
    """

    def __init__(
        self,
        max_concurrent_updates: int = DEFAULT_MAX_CONCURRENT_UPDATES,
        *,
        urgent: UrgentPredicate = never_urgent,
    ) -> None:
        # PTB sizes the semaphore it holds around do_process_update by this property,
        # read in __init__: it must never block (see the module doc), so it reads as
        # unlimited until then.
        self._bound = sys.maxsize
        super().__init__(sys.maxsize)
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be at least 1")
        self._bound = max_concurrent_updates
        self.urgent = urgent
        self._senders: dict[int, _Sender] = {}
        self._running = 0  # updates holding a slot, plus those of the urgent lane
        self._gate: deque[asyncio.Future[None]] = deque()  # waiting for a slot, in order
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def max_concurrent_updates(self) -> int:
        return self._bound

    @property
    def current_concurrent_updates(self) -> int:
        return self._running

    @property
    def pending_updates(self) -> int:
        """Updates accepted and not finished: running, waiting for a slot or their turn."""
        return self._pending

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        """Wait until every update handed over has finished."""
        if self._pending:
            log.info("waiting for %d updates to finish", self._pending)
        await self._idle.wait()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Nothing is awaited before the sender's lock is asked for: that keeps the order.
        key = sender_key(update)
        urgent = self._is_urgent(update)
        sender = self._senders.get(key)
        if sender is None:
            sender = self._senders[key] = _Sender()
        sender.pending += 1
        self._pending += 1
        self._idle.clear()
        if urgent:
            sender.urgent += 1
            self._let_in(sender)
        started = False
        try:
            async with sender.lock:
                await self._enter(sender)
                try:
                    started = True
                    if sender.urgent:
                        with in_lane(Lane.URGENT):
                            await coroutine
                    else:
                        await coroutine
                finally:
                    self._leave()
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never run, no warning
            sender.urgent -= urgent
            sender.pending -= 1
            if sender.pending == 0:
                del self._senders[key]
            self._pending -= 1
            if self._pending == 0:
                self._idle.set()

    def _is_urgent(self, update: object) -> bool:
        if not isinstance(update, Update):
            return False
        try:
            return self.urgent(update)
        except Exception:
            # A broken predicate must not lose the update; it just waits its turn.
            log.exception("the urgent-update check failed; the update waits for a slot")
            return False

    async def _enter(self, sender: _Sender) -> None:
        """Take a slot, wait for one, or go in at once through the urgent lane.

        While anybody waits at the gate all slots are taken (``_leave`` hands a freed
        slot to the first in line), so a newcomer who sees a free slot jumps nobody.
        """
        if sender.urgent or self._running < self._bound:
            self._running += 1
            return
        ticket = asyncio.get_running_loop().create_future()
        self._gate.append(ticket)
        sender.at_gate = ticket
        try:
            await ticket
        except asyncio.CancelledError:
            if ticket.cancelled():
                with contextlib.suppress(ValueError):
                    self._gate.remove(ticket)
            else:
                self._leave()  # let in, then cancelled before it could run: give it back
            raise
        finally:
            sender.at_gate = None

    def _let_in(self, sender: _Sender) -> None:
        """An urgent update arrived: its sender's update waiting for a slot goes in now."""
        ticket = sender.at_gate
        if ticket is not None and not ticket.done():
            self._gate.remove(ticket)
            self._running += 1
            ticket.set_result(None)

    def _leave(self) -> None:
        self._running -= 1
        while self._gate and self._running < self._bound:
            ticket = self._gate.popleft()
            if not ticket.done():
                self._running += 1
                ticket.set_result(None)
