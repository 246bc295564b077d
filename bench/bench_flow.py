"""The booking flow through the real Application: throughput and latency against a Bot
API that answers each call after ``--api-latency`` ms (default 50, a good day for a server
in Europe), the same flow in process against a same-calls echo, and crisis replies while
other users' updates flow.

``python -m bench.bench_flow [--quick] [--scale N] [--api-latency 50] [--rate 100]`` takes
linked pupils of the data set (per school, one with a subject consultation and one with
emotional support, so no two race for a slot) and plays the whole flow for each: /start,
"Book a consultation", the kind, the first free time, Skip (no note), Book. Every next
button is read from the bot's own last answer in that chat. Updates go through
``app.update_queue`` with ``app.start()`` running, so PTB's fetcher hands them to the
bot's per-user update processor (users side by side, each in order), as in production.

- Throughput: every user's next step goes in at once (a round per step), with the Bot
  API's latency; updates / seconds until all are processed (goal >= 300/s at 50 ms).
- Ratio: other users' flow in process (0 ms), against a *same-calls echo*: a PTB bot with
  no database that makes, for each update, exactly the Bot API calls the bot made for it
  (send or edit with the same keyboard, answer the press). Goal >= 0.35.
- Latency: Poisson arrivals at ``--rate`` a second (50 users take turns, each presses
  only once their previous answer came), from arrival to the end of processing, the
  Bot API calls included. Goal p95 < 150 ms at 100/s and 50 ms.
- Crisis: meanwhile, other pupils write words of crisis (2 a second); from arrival to
  the helplines message delivered. Goal p95 < 120 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bench.dataset import NOW, OUT, PUPIL_CHAT, Sizes, build, copy_of, sizes_for
from bot.app import build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import parse_config
from bot.localchat.transport import InProcessBotApi

THROUGHPUT_GOAL = 300.0
RATIO_GOAL = 0.35
P95_GOAL_MS = 150.0
CRISIS_P95_GOAL_MS = 120.0
TURN = 50  # users taking turns in the open loop
STEPS = 6
CRISIS_RATE = 2.0
CRISIS_TEXT = "man ir slikti, es gribu nomirt"
DATE = int(NOW.timestamp())

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class BenchApi(InProcessBotApi):
    """Keeps the last keyboard per chat (which the users read) and, when asked, every
    call made to each chat (which the same-calls echo makes again)."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.record = False
        self.markup: dict[int, Any] = {}
        self.capture = False
        self.captured: dict[int | str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        self.helplines_at: dict[int, float] = {}

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: Any = None, **kw: Any
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, **kw)
        if request_data is not None:
            params = dict(request_data.parameters)
            api_method = url.rsplit("/", 1)[-1]
            key = params.get("chat_id") or params.get("callback_query_id")
            if self.capture and key is not None:
                self.captured[key if isinstance(key, str) else int(key)].append(
                    (api_method, params)
                )
            if api_method == "sendMessage" and "116111" in str(params.get("text", "")):
                self.helplines_at[int(params["chat_id"])] = time.perf_counter()
        return answer

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


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Skolēns", "language_code": "lv"}


def _message(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": DATE,
        "chat": {"id": chat_id, "type": "private", "first_name": "Skolēns"},
        "from": _user(chat_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def _press(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": _user(chat_id),
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


async def _drain(app: AnyApp, batch: list[Update]) -> float:
    """Hand the updates to PTB's fetcher and wait until every one was processed."""
    started = time.perf_counter()
    for update in batch:
        app.update_queue.put_nowait(update)
    await app.update_queue.join()
    await _processed(app)
    return time.perf_counter() - started


async def _processed(app: AnyApp) -> None:
    processor = app.update_processor
    while getattr(processor, "pending_updates", 0):  # noqa: ASYNC110 - no event to wait on
        await asyncio.sleep(0.001)


async def closed_loop(
    app: AnyApp, api: BenchApi, users: list[User], ids: Any
) -> tuple[float, int, list[list[dict[str, Any]]]]:
    """Seconds and updates of the whole flow for every user; the rounds as JSON."""
    seconds, count = 0.0, 0
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
            print(f"    step {len(rounds)}: {len(data) / took:,.0f} updates/s")
        count += len(data)
        for user in active:
            user.step += 1
    return seconds, count, rounds


async def open_loop(
    app: AnyApp,
    api: BenchApi,
    users: list[User],
    crisis_users: list[User],
    finished: Finished,
    rate: float,
    seed: int,
    steps_of: dict[int, list[float]] | None = None,
) -> tuple[list[float], list[float]]:
    """Latencies (ms) of the flow's updates arriving at ``rate`` a second (Poisson), and
    of crisis replies arriving at :data:`CRISIS_RATE` a second meanwhile.

    :data:`TURN` users at a time, each pressing at Poisson times of ``rate / TURN`` a
    second, but only once the answer to their previous press came (a late answer makes
    the next press late, and that counts); a user who finished is replaced by a fresh
    one. The first users start at different steps, so every moment mixes the steps.
    """
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    ids = iter(range(10**6, 10**9))
    fresh = iter(users)
    arrivals: dict[int, float] = {}
    step_at: dict[int, int] = {}
    crisis_arrivals: dict[int, float] = {}
    each = rate / TURN

    async def one_user(slot: int, user: User | None) -> None:
        due = start + rng.expovariate(each)
        while user is not None:
            if user.step >= STEPS or user.failed:
                user = next(fresh, None)
                continue
            await asyncio.sleep(max(0.0, due - loop.time()))
            data = next_update(api, user, next(ids))
            if data is None:
                continue
            event = asyncio.Event()
            finished.events[data["update_id"]] = event
            arrivals[data["update_id"]] = due + offset
            step_at[data["update_id"]] = user.step
            user.step += 1
            app.update_queue.put_nowait(Update.de_json(data, app.bot))
            await event.wait()
            due = max(due + rng.expovariate(each), loop.time())

    async def crisis() -> None:
        due = start
        for writer in crisis_users:
            due += rng.expovariate(CRISIS_RATE)
            if not active:
                return
            await asyncio.sleep(max(0.0, due - loop.time()))
            crisis_arrivals[writer.chat_id] = due + offset
            message = _message(next(ids), writer.chat_id, CRISIS_TEXT)
            app.update_queue.put_nowait(Update.de_json(message, app.bot))

    first = [u for _, u in zip(range(TURN), fresh, strict=False)]
    for slot, user in enumerate(first):  # untimed: to different steps
        for _ in range(slot % STEPS):
            data = next_update(api, user, next(ids))
            if data is not None:
                user.step += 1
                await _drain(app, [Update.de_json(data, app.bot)])
    offset = time.perf_counter() - loop.time()
    start = loop.time() + 0.2
    active = [asyncio.create_task(one_user(n, u)) for n, u in enumerate(first)]
    writing = asyncio.create_task(crisis())
    await asyncio.gather(*active)
    active.clear()
    writing.cancel()
    await app.update_queue.join()
    await _processed(app)
    flow = [(finished.at[i] - arrivals[i]) * 1000 for i in arrivals]
    if steps_of is not None:
        for i, at in arrivals.items():
            steps_of.setdefault(step_at[i], []).append((finished.at[i] - at) * 1000)
    replies = [
        (api.helplines_at[chat] - at) * 1000
        for chat, at in crisis_arrivals.items()
        if chat in api.helplines_at
    ]
    return flow, replies


def same_calls_echo(api: BenchApi, calls: dict[int, list[tuple[str, dict[str, Any]]]]) -> AnyApp:
    """A PTB bot without a database making, for each update, the bot's own calls again."""

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot = context.bot
        for method, params in calls.get(update.update_id, []):
            # The recorded parameters hold the keyboard as a dict (as JSON text once).
            markup = params.get("reply_markup")
            if isinstance(markup, str):
                markup = json.loads(markup)
            keyboard = InlineKeyboardMarkup.de_json(markup, bot) if markup else None
            if method == "sendMessage":
                await bot.send_message(params["chat_id"], params["text"], reply_markup=keyboard)
            elif method == "editMessageText":
                await bot.edit_message_text(
                    params["text"],
                    chat_id=params["chat_id"],
                    message_id=params["message_id"],
                    reply_markup=keyboard,
                )
            elif method == "answerCallbackQuery":
                await bot.answer_callback_query(params["callback_query_id"], params.get("text"))

    app = (
        ApplicationBuilder()
        .token("1:echo")
        .request(api)
        .get_updates_request(api)
        .updater(None)
        .concurrent_updates(64)
        .build()
    )
    app.add_handler(TypeHandler(Update, replay))
    return app


def calls_of(api: BenchApi, rounds: list[list[dict[str, Any]]]) -> dict[int, list[Any]]:
    """The calls the bot made for each update (a user has one update a round)."""
    found: dict[int, list[Any]] = {}
    for batch in rounds:
        for data in batch:
            chat = (data.get("message") or data["callback_query"])["from"]["id"]
            found[data["update_id"]] = api.captured.pop(chat, []) + api.captured.pop(
                str(data["update_id"]), []
            )
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


@contextlib.contextmanager
def profiling(to: Path | None) -> Iterator[None]:
    """With ``to``, the block sampled by pyinstrument (``pip install -e '.[bench]'``), the
    report written there: where the event loop's time goes, the bot's Python and SQLite."""
    if to is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        to.parent.mkdir(parents=True, exist_ok=True)
        to.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        print(f"  profile of the in-process part: {to}")


async def run_async(
    path: Path,
    users_wanted: int | None,
    quick: bool,
    latency_ms: float,
    rate: float,
    seed: int,
    profile: Path | None = None,
) -> dict[str, float]:
    config = parse_config({"database": {"path": str(path)}})
    api = BenchApi()
    app = build_application(config, clock=FakeClock(NOW), request=api, token="1:bench")  # noqa: S106 - no real Bot API
    finished = Finished()
    app.add_handler(TypeHandler(Update, finished), group=1000)
    await app.initialize()
    await open_services(app)
    await app.start()
    wanted = users_wanted or (200 if quick else 1000)
    everyone = pick_users(path, per_school_kind=3)
    timed, inproc, crisis = everyone[:wanted], everyone[wanted : 2 * wanted], everyone[2 * wanted :]
    ids = iter(range(1, 10**6))

    api.latency = latency_ms / 1000
    print(f"throughput: {len(timed)} pupils x {STEPS} updates, Bot API {latency_ms:g} ms a call")
    seconds, count, _ = await closed_loop(app, api, timed, ids)
    throughput = count / seconds
    stuck = [u for u in timed if u.failed]
    print(f"  {count} updates in {seconds:.2f} s = {throughput:,.0f} updates/s; {len(stuck)} stuck")

    api.latency, api.capture = 0.0, True
    print(f"in process (0 ms): {len(inproc)} other pupils, then the same-calls echo")
    with profiling(profile):
        bot_seconds, bot_count, rounds = await closed_loop(app, api, inproc, ids)
    api.capture = False
    echo_api = BenchApi()
    echo = same_calls_echo(echo_api, calls_of(api, rounds))
    await echo.initialize()
    await echo.start()
    echo_seconds = 0.0
    for batch in rounds:
        echo_seconds += await _drain(echo, [Update.de_json(d, echo.bot) for d in batch])
    await echo.stop()
    await echo.shutdown()
    bot_rate, echo_rate = bot_count / bot_seconds, bot_count / echo_seconds
    ratio = bot_rate / echo_rate
    print(f"  bot {bot_rate:,.0f} updates/s, same-calls echo {echo_rate:,.0f}: ratio {ratio:.2f}")

    api.latency = latency_ms / 1000
    again = [u for u in timed if not u.failed][: 150 if quick else 600]
    for user in again:
        user.step = 0
    busy = {a.chat_id for a in again}
    writers = [u for u in crisis + inproc if u.chat_id not in busy]
    print(
        f"open loop: Poisson arrivals at {rate:g}/s, {len(again)} pupils booking again;"
        f" {CRISIS_RATE:g}/s words of crisis from other pupils"
    )
    by_step: dict[int, list[float]] = {}
    flow, replies = await open_loop(app, api, again, writers, finished, rate, seed, by_step)
    for step, values in sorted(by_step.items()):
        low, high = percentile(values, 0.5), percentile(values, 0.95)
        print(f"    step {step + 1}: p50 {low:.0f} ms, p95 {high:.0f} ms")
    p50, p95, p99 = (percentile(flow, q) for q in (0.5, 0.95, 0.99))
    crisis_p95 = percentile(replies, 0.95)
    print(
        f"  {len(flow)} updates: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms"
        f" (goal p95 < {P95_GOAL_MS:g} ms); {len(replies)} crisis replies:"
        f" p50 {percentile(replies, 0.5):.0f} ms, p95 {crisis_p95:.0f} ms"
        f" (goal < {CRISIS_P95_GOAL_MS:g} ms)"
    )
    await app.stop()
    await close_services(app)
    await app.shutdown()
    return {
        "flow_throughput": throughput,
        "flow_bot_rate": bot_rate,
        "flow_echo_rate": echo_rate,
        "flow_ratio": ratio,
        "flow_p50_ms": p50,
        "flow_p95_ms": p95,
        "flow_p99_ms": p99,
        "crisis_p95_ms": crisis_p95,
    }


def run(
    seed: int,
    sizes: Sizes,
    users: int | None = None,
    quick: bool = False,
    latency_ms: float = 50.0,
    rate: float = 100.0,
    profile: Path | None = None,
) -> dict[str, float]:
    built = build(seed, sizes)
    with tempfile.TemporaryDirectory(prefix="pumpurs-flow-") as tmp:
        path = copy_of(built, Path(tmp))
        return asyncio.run(run_async(path, users, quick, latency_ms, rate, seed, profile))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--scale", type=float, default=1, help="N x the national data set")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--users", type=int, help="pupils in each part (default 1,000)")
    parser.add_argument("--api-latency", type=float, default=50.0, help="ms per Bot API call")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop updates a second")
    parser.add_argument(
        "--profile", action="store_true", help="sample the in-process part (pyinstrument)"
    )
    args = parser.parse_args(argv)
    sizes = sizes_for(args.scale, args.quick)
    profile = OUT / "profile-flow.txt" if args.profile else None
    run(args.seed, sizes, args.users, args.quick, args.api_latency, args.rate, profile)


if __name__ == "__main__":
    main()
