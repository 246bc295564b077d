"""Trips to the database: how many calls of a connection, and how long SQLite worked in them.

Every call of an aiosqlite connection (``execute``, ``executemany``, ``execute_fetchall``,
a cursor's ``fetchall``, ``close``...) goes through one point, ``Connection._execute``:
with plain aiosqlite a function queued to the connection's thread and a wake-up of the
event loop when it is done; with :class:`storage.db.LoopConnection` a call made right
there on the loop's thread (the thread only off the loop or when the database is
locked). Either way one *trip*. :class:`TripCounter` wraps that point of the connections
it is given, so it counts every kind of call, and times the function itself (SQLite's
own work, the statement's Python binding included).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import aiosqlite


@dataclass
class Trips:
    """What the counted connections did while counting was on."""

    count: int = 0
    thread_seconds: float = 0.0
    statements: list[str] = field(default_factory=list)

    def add(self, seconds: float, what: str) -> None:
        self.count += 1
        self.thread_seconds += seconds
        self.statements.append(what)


def _describe(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    name = getattr(fn, "__name__", type(fn).__name__)
    if args and isinstance(args[0], str):
        return f"{name}: {' '.join(args[0].split())[:90]}"
    return name


class TripCounter:
    """Counts the trips of the given connections (``with counter.counting() as trips:``)."""

    def __init__(self, *connections: aiosqlite.Connection) -> None:
        self.current: Trips | None = None
        for conn in connections:
            self._wrap(conn)

    def _wrap(self, conn: aiosqlite.Connection) -> None:
        original: Callable[..., Any] = conn._execute
        counter = self

        async def execute(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            trips = counter.current
            if trips is None:
                return await original(fn, *args, **kwargs)
            what = _describe(fn, args)
            spent: list[float] = []

            def timed() -> Any:
                started = time.perf_counter()
                try:
                    return partial(fn, *args, **kwargs)()
                finally:
                    spent.append(time.perf_counter() - started)

            try:
                return await original(timed)
            finally:
                trips.add(spent[0] if spent else 0.0, what)

        conn._execute = execute  # type: ignore[method-assign]

    @contextmanager
    def counting(self) -> Iterator[Trips]:
        trips = Trips()
        self.current = trips
        try:
            yield trips
        finally:
            self.current = None
