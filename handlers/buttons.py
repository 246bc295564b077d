"""Callback data: short, typed, restart-safe text such as ``bk:ok:12:3:456``.

Each button is a :class:`Route`: a feature prefix, an action, and typed arguments with
bounds. :meth:`Route.data` packs the values, :meth:`Route.parse` reads them back, and
:attr:`Route.pattern` is the regular expression its ``CallbackQueryHandler`` answers to,
so each action goes to a function of its own. Nothing in callback data is trusted: a
malformed or out-of-bounds press is refused here, and the service checks the presser's
rights on every press.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.dates import FIRST_YEAR, LAST_YEAR

MAX_BYTES = 64  # Telegram's limit for callback_data
SEPARATOR = ":"

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
E = TypeVar("E", bound=StrEnum)


class BadPress(Exception):
    """Callback data that is not one of ours, or out of bounds: treated as forged."""


class Arg(Protocol[T_co]):
    def parse(self, text: str) -> T_co: ...

    def pack(self, value: Any) -> str: ...


@dataclass(frozen=True)
class Int:
    """A whole number in ``[low, high]``, ASCII digits only ("²" is not a 2)."""

    low: int = 0
    high: int = 2**53

    def parse(self, text: str) -> int:
        if not (0 < len(text) <= 19 and text.isascii() and text.isdigit()):
            raise BadPress(text)
        value = int(text)
        if not self.low <= value <= self.high:
            raise BadPress(text)
        return value

    def pack(self, value: Any) -> str:
        if not isinstance(value, int) or not self.low <= value <= self.high:
            raise ValueError(f"{value!r} is out of [{self.low}, {self.high}]")
        return str(value)


@dataclass(frozen=True)
class Day:
    """A date as ``YYYYMMDD``, in the years people mean."""

    def parse(self, text: str) -> date:
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise BadPress(text)
        try:
            value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise BadPress(text) from None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise BadPress(text)
        return value

    def pack(self, value: Any) -> str:
        if not isinstance(value, date):
            raise ValueError(f"{value!r} is not a date")
        return value.strftime("%Y%m%d")


@dataclass(frozen=True)
class Choice(Generic[E]):
    """One value of a string enum."""

    enum: type[E]

    def parse(self, text: str) -> E:
        try:
            return self.enum(text)
        except ValueError:
            raise BadPress(text) from None

    def pack(self, value: Any) -> str:
        return self.enum(value).value


@dataclass(frozen=True)
class Word:
    """One of a fixed set of short words."""

    words: frozenset[str]

    def parse(self, text: str) -> str:
        if text not in self.words:
            raise BadPress(text)
        return text

    def pack(self, value: Any) -> str:
        if value not in self.words:
            raise ValueError(f"{value!r} is not one of {sorted(self.words)}")
        return str(value)


ID = Int(1, 2**62)  # a database id
PAGE = Int(0, 99)  # a page of a list
FLAG = Int(0, 1)
WEEKDAY = Int(1, 7)
DAY = Day()


@dataclass(frozen=True)
class Route:
    """One kind of button: ``feature:action:arg:arg``."""

    feature: str
    action: str
    args: tuple[Arg[Any], ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        """This route's presses: its prefix and action, and as many arguments as it takes."""
        head = f"{re.escape(self.feature)}:{re.escape(self.action)}"
        return re.compile(rf"^{head}(?::[^:]*){{{len(self.args)}}}$")

    def data(self, *values: Any) -> str:
        """The callback data of a button of this route with these values."""
        if len(values) != len(self.args):
            raise ValueError(f"{self.feature}:{self.action} takes {len(self.args)} values")
        parts = [
            self.feature,
            self.action,
            *(a.pack(v) for a, v in zip(self.args, values, strict=True)),
        ]
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_BYTES or any(SEPARATOR in p for p in parts[2:]):
            raise ValueError(f"bad callback data {data!r}")
        return data

    def parse(self, data: str | None) -> tuple[Any, ...]:
        """The typed values of a pressed button; :class:`BadPress` if it is not this route's."""
        if data is None or len(data.encode("utf-8")) > MAX_BYTES:
            raise BadPress(data)
        parts = data.split(SEPARATOR)
        if parts[:2] != [self.feature, self.action] or len(parts) != 2 + len(self.args):
            raise BadPress(data)
        return tuple(arg.parse(text) for arg, text in zip(self.args, parts[2:], strict=True))
