"""Figure 2: the full booking flow through the real Application, against a bare echo bot.

``python -m bench.bench_flow [--quick]`` takes linked pupils of the national data set
(two a school: one with a subject consultation, one with emotional support, so no two
race for the same slot) and plays the whole flow for each: /start, "Book a
consultation", the kind, the first free time, Skip (no note), Book. Every next button is
read from the bot's own last answer in that chat.

- Closed loop: every user's next step goes in together (one round per step) through
  ``app.update_queue`` with ``app.start()`` running, so PTB's own update fetcher hands
  them to ``process_update`` one at a time, as in production (``concurrent_updates``
  is off in this bot). Throughput = updates / seconds until the queue is drained.
- The same updates, in the same rounds, to a bare PTB echo bot (one MessageHandler that
  answers with ``send_message``, one CallbackQueryHandler that answers the query) on the
  same in-process Bot API: the ratio bot / echo is the figure (goal >= 0.5).
- Open loop at 100 updates/s: arrivals at fixed 10 ms ticks (50 users take turns, each
  tick the next user's next step, the steps of the flow mixed); latency is from the tick to the end
  of ``process_update`` (a handler in the last group marks it), so a backlog counts
  against the bot. Goal: p95 < 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bench.dataset import FULL, NOW, PUPIL_CHAT, QUICK, Sizes, build, copy_of
from bot.app import build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import parse_config
from bot.localchat.transport import InProcessBotApi

RATIO_GOAL = 0.5
P95_GOAL_MS = 25.0
RATE = 100.0
TURN = 50  # users taking turns in the open loop
STEPS = 6
DATE = int(NOW.timestamp())


class BenchApi(InProcessBotApi):
    """Records nothing but the last keyboard per chat, which the users read."""

    def __init__(self) -> None:
        super().__init__()
        self.record = False
        self.markup: dict[int, Any] = {}

    def _api_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        self.markup[int(params["chat_id"])] = params.get("reply_markup")
        return super()._api_sendMessage(params, files)

    def _api_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        self.markup[int(params["chat_id"])] = params.get("reply_markup")
        return super()._api_editMessageText(params, files)

    def button(self, chat_id: int, prefix: str) -> str | None:
        markup = self.markup.get(chat_id)
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith(prefix):
                    return data
        return None


@dataclass
class User:
    chat_id: int
    pupil_id: int
    measure_id: int
    step: int = 0
    failed: str = ""


def pick_users(path: Path, per_school_kind: int = 1, limit: int | None = None) -> list[User]:
    """Pupils with a bookable measure, hours for two more sessions and at most one open."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT u.school_id, m.kind, u.id, m.id FROM pupils u"
            " JOIN plans p ON p.pupil_id = u.id AND p.starts_on <= ?1 AND p.ends_on >= ?1"
            " JOIN plan_measures m ON m.plan_id = p.id"
            " WHERE m.kind IN ('subject_consultation', 'emotional_support')"
            " AND (m.kind = 'emotional_support' OR EXISTS (SELECT 1 FROM specialists s"
            "   JOIN specialist_subjects t ON t.specialist_id = s.id"
            "   WHERE s.school_id = u.school_id AND t.subject = m.subject))"
            " AND (SELECT count(*) FROM bookings b WHERE b.pupil_id = u.id"
            "   AND b.state IN ('requested', 'proposed', 'confirmed')) <= 1"
            " AND coalesce(m.hours_granted * 60, 1e9) - (SELECT coalesce(sum(minutes), 0)"
            "   FROM bookings b WHERE b.plan_id = p.id AND b.kind = m.kind"
            "   AND b.subject = m.subject AND b.state IN ('requested', 'proposed', 'confirmed',"
            "   'held')) >= 90"
            " ORDER BY u.school_id, m.kind, u.id",
            (NOW.date().isoformat(),),
        ).fetchall()
    taken: dict[tuple[str, str], int] = {}
    users: list[User] = []
    seen: set[int] = set()
    for school, kind, pupil, measure in rows:
        if taken.get((school, kind), 0) >= per_school_kind or pupil in seen:
            continue
        taken[(school, kind)] = taken.get((school, kind), 0) + 1
        seen.add(pupil)
        users.append(User(PUPIL_CHAT + pupil, pupil, measure))
    return users[:limit] if limit else users


def _message(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Skolēns", "language_code": "lv"}
    message: dict[str, Any] = {
        "message_id": 1,
        "date": DATE,
        "chat": {"id": chat_id, "type": "private", "first_name": "Skolēns"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def _press(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Skolēns", "language_code": "lv"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": user,
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": 1,
                "date": DATE,
                "chat": {"id": chat_id, "type": "private", "first_name": "Skolēns"},
                "text": "…",
            },
        },
    }


def next_update(api: BenchApi, user: User, update_id: int) -> dict[str, Any] | None:
    """The user's next step, read from the bot's last answer; None when stuck."""
    p, m = user.pupil_id, user.measure_id
    wanted = {
        1: "bk:start",
        2: f"bk:k:{p}:{m}:",
        3: f"bk:s:{p}:{m}:",
        4: f"bk:c:{p}:{m}:",
        5: f"bk:ok:{p}:{m}:",
    }
    if user.step == 0:
        return _message(update_id, user.chat_id, "/start")
    data = api.button(user.chat_id, wanted[user.step])
    if data is None:
        user.failed = f"step {user.step}: no {wanted[user.step]!r} button"
        return None
    return _press(update_id, user.chat_id, data)


class Finished:
    """A handler in the last group: when each update's processing ended."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.events: dict[int, asyncio.Event] = {}

    async def __call__(self, update: Update, context: Any) -> None:
        self.at[update.update_id] = time.perf_counter()
        event = self.events.pop(update.update_id, None)
        if event is not None:
            event.set()


async def _drain(app: Application[Any, Any, Any, Any, Any, Any], batch: list[Update]) -> float:
    started = time.perf_counter()
    for update in batch:
        app.update_queue.put_nowait(update)
    await app.update_queue.join()
    return time.perf_counter() - started


async def closed_loop(
    app: Application[Any, Any, Any, Any, Any, Any], api: BenchApi, users: list[User]
) -> tuple[float, int, list[list[dict[str, Any]]]]:
    """Seconds and updates of the whole flow for every user; the rounds as JSON."""
    seconds, count, ids = 0.0, 0, iter(range(1, 10**9))
    rounds: list[list[dict[str, Any]]] = []
    active = list(users)
    for _ in range(STEPS):
        batch = [(u, next_update(api, u, next(ids))) for u in active]
        data = [d for _, d in batch if d is not None]
        active = [u for u, d in batch if d is not None]
        rounds.append(data)
        took = await _drain(app, [Update.de_json(d, app.bot) for d in data])
        seconds += took
        if data:
            print(f"    step {len(rounds)}: {1000 * took / len(data):.2f} ms/update")
        count += len(data)
        for user in active:
            user.step += 1
    return seconds, count, rounds


async def _one(app: Application[Any, Any, Any, Any, Any, Any], api: BenchApi, user: User) -> None:
    data = next_update(api, user, 10**9 + user.chat_id * 10 + user.step)
    if data is not None:
        user.step += 1
        await _drain(app, [Update.de_json(data, app.bot)])


async def open_loop(
    app: Application[Any, Any, Any, Any, Any, Any],
    api: BenchApi,
    users: list[User],
    finished: Finished,
) -> list[float]:
    """Latencies (ms) of updates arriving at RATE a second.

    TURN users take turns, one update a tick; a user who finished is replaced by a
    fresh one. The first users are brought (untimed) to different steps, so every
    turn mixes all steps of the flow rather than 50 bookings in a row.
    """
    loop = asyncio.get_running_loop()
    ids = iter(range(10**6, 10**9))
    fresh = iter(users)
    active = [u for _, u in zip(range(TURN), fresh, strict=False)]
    for slot, user in enumerate(active):
        for _ in range(slot % STEPS):
            await _one(app, api, user)
    pending: dict[int, asyncio.Event] = {}
    arrivals: dict[int, float] = {}
    offset = time.perf_counter() - loop.time()
    start = loop.time() + 0.05
    tick = 0
    while active:
        slot = tick % len(active)
        user = active[slot]
        if user.step >= STEPS or user.failed:
            replacement = next(fresh, None)
            if replacement is None:
                active.pop(slot)
                continue
            active[slot] = user = replacement
        due = start + tick / RATE
        tick += 1
        await asyncio.sleep(max(0.0, due - loop.time()))
        previous = pending.pop(user.chat_id, None)
        if previous is not None:
            await previous.wait()  # the user reads the answer first; lateness counts
        data = next_update(api, user, next(ids))
        if data is None:
            continue
        event = asyncio.Event()
        finished.events[data["update_id"]] = event
        pending[user.chat_id] = event
        arrivals[data["update_id"]] = due + offset
        user.step += 1
        app.update_queue.put_nowait(Update.de_json(data, app.bot))
    await app.update_queue.join()
    return [(finished.at[i] - arrivals[i]) * 1000 for i in arrivals]


def echo_app(api: BenchApi) -> Application[Any, Any, Any, Any, Any, Any]:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        await context.bot.send_message(
            update.effective_chat.id, update.effective_message.text or "-"
        )

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer(update.callback_query.data)

    app = (
        ApplicationBuilder()
        .token("1:echo")
        .request(api)
        .get_updates_request(api)
        .updater(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(press))
    return app


def _profiler(wanted: bool) -> Any:
    """pyinstrument over the closed loop (``--profile``; ``pip install pyinstrument``)."""
    if not wanted:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled")
    profiler.start()
    return profiler


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_async(
    path: Path, users_wanted: int | None, quick: bool, profile: bool = False
) -> dict[str, float]:
    config = parse_config({"database": {"path": str(path)}})
    api = BenchApi()
    app = build_application(config, clock=FakeClock(NOW), request=api, token="1:bench")  # noqa: S106 - no real Bot API
    finished = Finished()
    app.add_handler(TypeHandler(Update, finished), group=1000)
    await app.initialize()
    await open_services(app)
    await app.start()
    users = pick_users(path, limit=users_wanted)
    print(f"{len(users)} linked pupils, {STEPS} updates each (the whole booking flow)")
    profiler = _profiler(profile)
    seconds, count, rounds = await closed_loop(app, api, users)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    stuck = [u for u in users if u.failed]
    bot_rate = count / seconds
    with sqlite3.connect(path) as conn:
        booked = conn.execute(
            "SELECT count(*) FROM bookings WHERE created_at = ? AND state = 'confirmed'",
            (NOW.isoformat(timespec="seconds"),),
        ).fetchone()[0]
    print(f"  bot:  {count} updates in {seconds:.2f} s = {bot_rate:,.0f} updates/s")
    print(f"        {booked} sessions booked; {len(stuck)} users stuck")
    for user in stuck[:5]:
        print(f"        stuck: {user.chat_id} {user.failed}")

    echo_api = BenchApi()
    echo = echo_app(echo_api)
    await echo.initialize()
    await echo.start()
    echo_seconds, echo_count = 0.0, 0
    for batch in rounds:
        echo_seconds += await _drain(echo, [Update.de_json(d, echo.bot) for d in batch])
        echo_count += len(batch)
    await echo.stop()
    await echo.shutdown()
    echo_rate = echo_count / echo_seconds
    ratio = bot_rate / echo_rate
    print(f"  echo: {echo_count} updates in {echo_seconds:.2f} s = {echo_rate:,.0f} updates/s")
    print(f"  ratio bot / echo: {ratio:.2f} (goal >= {RATIO_GOAL})")

    second = [u for u in users if not u.failed][: 100 if quick else 500]
    for user in second:
        user.step = 0
    print(f"open loop: {RATE:g} updates/s, {len(second)} users booking again")
    latencies = await open_loop(app, api, second, finished)
    p50, p95, p99 = (percentile(latencies, q) for q in (0.5, 0.95, 0.99))
    print(
        f"  {len(latencies)} updates timed; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms,"
        f" p99 {p99:.1f} ms,"
        f" max {max(latencies):.1f} ms, mean {statistics.mean(latencies):.1f} ms"
        f" (goal p95 < {P95_GOAL_MS:g} ms)"
    )
    await app.stop()
    await close_services(app)
    await app.shutdown()
    return {
        "flow_bot_rate": bot_rate,
        "flow_echo_rate": echo_rate,
        "flow_ratio": ratio,
        "flow_p50_ms": p50,
        "flow_p95_ms": p95,
        "flow_p99_ms": p99,
    }


def run(
    seed: int, sizes: Sizes, users: int | None = None, quick: bool = False, profile: bool = False
) -> dict[str, float]:
    built = build(seed, sizes)
    with tempfile.TemporaryDirectory(prefix="pumpurs-flow-") as tmp:
        path = copy_of(built, Path(tmp))
        return asyncio.run(run_async(path, users, quick, profile))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--users", type=int, help="at most this many users (default: all)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the closed loop")
    args = parser.parse_args(argv)
    run(args.seed, QUICK if args.quick else FULL, args.users, args.quick, args.profile)


if __name__ == "__main__":
    main()
