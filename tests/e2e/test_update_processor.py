"""Updates as production feeds them (``update_queue``, PTB's fetcher, our processor).

The Bot API answers slowly here, as the real one does; the assertions are about the
order and overlap of the calls it saw (timestamps it recorded), never about how long
the whole took, so a loaded machine makes them slower, not flaky.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.app import BotApp, build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import ConfigError, parse_config
from bot.localchat import InProcessBotApi, LocalTelegram, TelegramUser
from bot.runtime import Services
from bot.updates import PerUserUpdateProcessor

CRISIS = "Everything is bad, I want to kill myself"


@dataclass(frozen=True)
class Call:
    method: str
    chat_id: int | None
    markup: str
    started: float
    ended: float


class TimedApi(InProcessBotApi):
    """The in-process Bot API, recording when each call started and ended."""

    def __init__(self) -> None:
        super().__init__()
        self.timed: list[Call] = []

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        started = time.monotonic()
        result = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        params = dict(request_data.parameters) if request_data else {}
        chat_id = params.get("chat_id")
        self.timed.append(
            Call(
                url.rsplit("/", 1)[-1],
                int(str(chat_id)) if chat_id is not None else None,
                str(params.get("reply_markup", "")),
                started,
                time.monotonic(),
            )
        )
        return result

    def sent_to(self, chat_id: int) -> list[Call]:
        """The messages sent to one chat, in the order they were asked for."""
        found = [c for c in self.timed if c.method == "sendMessage" and c.chat_id == chat_id]
        return sorted(found, key=lambda c: c.started)


@dataclass
class Served:
    app: BotApp
    api: TimedApi
    tg: LocalTelegram
    services: Services

    @property
    def processor(self) -> PerUserUpdateProcessor:
        processor = self.app.update_processor
        assert isinstance(processor, PerUserUpdateProcessor)
        return processor

    async def feed(self, *updates: dict[str, Any]) -> None:
        """Put updates where polling and the webhook put them."""
        for data in updates:
            await self.app.update_queue.put(Update.de_json(data, self.app.bot))

    async def settle(self) -> None:
        """Wait until PTB has processed every update fed (it marks each done after)."""
        await self.app.update_queue.join()


async def _serve(tmp_path: Path, clock: FakeClock, bound: int) -> AsyncIterator[Served]:
    config = parse_config(
        {
            "telegram": {"max_concurrent_updates": bound},
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "reminders": {"rate_per_second": 0, "per_chat_seconds": 0},
        }
    )
    api = TimedApi()
    app = build_application(config, clock=clock, request=api, token="1:local")
    async with app:
        services = await open_services(app)
        await app.start()
        try:
            yield Served(app, api, LocalTelegram(app, api), services)
        finally:
            if app.running:
                await app.stop()
            await close_services(app)


@pytest.fixture
async def served(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Served]:
    async for value in _serve(tmp_path, clock, bound=64):
        yield value


@pytest.fixture
async def served_by_8(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Served]:
    async for value in _serve(tmp_path, clock, bound=8):
        yield value


def test_the_bound_comes_from_the_config_and_a_bad_one_names_the_key() -> None:
    config = parse_config({"telegram": {"max_concurrent_updates": 16}})
    app = build_application(config, request=TimedApi(), token="1:local")
    assert app.update_processor.max_concurrent_updates == 16
    with pytest.raises(ConfigError, match=r"telegram\.max_concurrent_updates"):
        parse_config({"telegram": {"max_concurrent_updates": 0}})


async def test_two_users_are_answered_at_the_same_time(served: Served) -> None:
    served.api.latency = 0.3
    anna, boris = TelegramUser(101), TelegramUser(102)
    tg = served.tg
    await served.feed(
        tg.message_update(anna, "/help"),
        tg.message_update(anna, "/help"),
        tg.message_update(boris, "/help"),
        tg.message_update(boris, "/help"),
    )
    await served.settle()
    anna_1, anna_2 = served.api.sent_to(101)
    boris_1, boris_2 = served.api.sent_to(102)
    # Boris did not wait behind Anna's two updates: his first answer was under way
    # while her first one still was.
    assert boris_1.started < anna_1.ended
    # Each user's answers came one after the other.
    assert anna_1.ended <= anna_2.started
    assert boris_1.ended <= boris_2.started


async def test_one_users_updates_are_handled_in_the_order_they_came(served: Served) -> None:
    served.api.latency = 0.1
    anna = TelegramUser(103)
    tg = served.tg
    # The first is slow (the helplines, then the language menu of the second).
    await served.feed(tg.message_update(anna, CRISIS), tg.message_update(anna, "/language"))
    await served.settle()
    calls = served.api.sent_to(103)
    assert len(calls) == 2
    assert all(a.ended <= b.started for a, b in pairwise(calls))
    assert "lang:set" in calls[-1].markup  # the language menu came last


async def test_a_user_pressing_300_times_does_not_hold_up_the_others(
    served_by_8: Served,
) -> None:
    served = served_by_8
    served.api.latency = 0.002
    presser, other = TelegramUser(104), TelegramUser(105)
    tg = served.tg
    await served.feed(*(tg.message_update(presser, "/help") for _ in range(300)))
    await served.feed(tg.message_update(other, "/help"))
    await served.settle()
    (answer,) = served.api.sent_to(105)
    before = [c for c in served.api.sent_to(104) if c.ended <= answer.started]
    assert len(before) <= 2  # one at a time: the other's update got a slot at once
    assert len(served.api.sent_to(104)) == 300


async def test_words_of_crisis_skip_the_queue_of_other_users(served_by_8: Served) -> None:
    served = served_by_8
    detector = served.services.care.detector

    def has_crisis_words(update: Update) -> bool:
        # The user's own message only: a button press's effective_message is the bot's.
        message = update.message
        text = (message.text or message.caption or "") if message else ""
        return detector.detect(text) is not None

    served.processor.urgent = has_crisis_words
    served.api.latency = 0.02
    tg = served.tg
    others = [TelegramUser(2000 + n) for n in range(500)]
    pupil = TelegramUser(106)
    await served.feed(*(tg.message_update(user, "/help") for user in others))
    # The pupil's /help waits for a slot behind the 500; the words of crisis after it
    # take it along through the urgent lane, and come after it.
    await served.feed(tg.message_update(pupil, "/help"), tg.message_update(pupil, CRISIS))
    await served.settle()
    help_answer, helplines = served.api.sent_to(106)
    assert help_answer.ended <= helplines.started
    others_done = [
        c
        for c in served.api.timed
        if c.method == "sendMessage" and c.chat_id != 106 and c.ended <= helplines.ended
    ]
    assert len(others_done) < 100, len(others_done)  # most of the 500 were still waiting
    assert len([c for c in served.api.timed if c.method == "sendMessage"]) == 502


async def test_a_failing_update_does_not_block_the_users_next_one(served: Served) -> None:
    served.api.latency = 0.05
    anna = TelegramUser(107)
    tg = served.tg
    served.api.fail_next("sendMessage", "network")
    await served.feed(tg.message_update(anna, "/help"), tg.message_update(anna, "/language"))
    await served.settle()
    sorry, menu = served.api.sent_to(107)
    assert "lang:set" not in sorry.markup  # the error handler's apology
    assert "lang:set" in menu.markup
    assert served.processor.pending_updates == 0


async def test_stopping_waits_for_the_updates_in_flight(served_by_8: Served) -> None:
    served = served_by_8
    served.api.latency = 0.05
    tg = served.tg
    users = [TelegramUser(3000 + n % 10) for n in range(40)]
    await served.feed(*(tg.message_update(user, "/help") for user in users))
    await asyncio.sleep(0)  # PTB's fetcher takes them: now they are in flight
    # As run_polling does on a signal: stop, then shut down, with updates still queued.
    await served.app.stop()
    await served.app.shutdown()
    assert len(served.api.sent_to(3000)) == 4
    assert len([c for c in served.api.timed if c.method == "sendMessage"]) == 40
    assert served.processor.pending_updates == 0
    assert served.processor.current_concurrent_updates == 0


async def test_a_direct_process_update_call_still_answers_at_once(served: Served) -> None:
    # The other end-to-end tests and the local chat call process_update directly,
    # which bypasses every update processor: the answer is there when it returns.
    sent = await served.tg.send(TelegramUser(108), "/help")
    assert len(sent) == 1


async def test_a_press_is_answered_while_its_message_is_edited(served: Served) -> None:
    served.api.latency = 0.1
    anna = TelegramUser(106)
    tg = served.tg
    await served.feed(tg.message_update(anna, "/start"))
    await served.settle()
    await served.feed(tg.press_update(anna, "menu:home"))
    await served.settle()
    (edit,) = [c for c in served.api.timed if c.method == "editMessageText"]
    (press,) = [c for c in served.api.timed if c.method == "answerCallbackQuery"]
    # The press's answer was asked for before the edit came back: together, not after.
    assert press.started < edit.ended
    # A forged press still gets its alert, with the same two calls at most.
    await served.feed(tg.press_update(anna, "lang:set:xx"))
    await served.settle()
    alerts = [c for c in served.api.outgoing if c.method == "answerCallbackQuery" and c.alert]
    assert len(alerts) == 1
