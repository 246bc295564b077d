"""Callback data: short, restart-safe text such as ``bk:ok:123``, parsed in one place.

The first part names the feature, the second the action, the rest are arguments
(ids and small tokens). Nothing in callback data is trusted: the service checks the
presser's rights on every press.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64  # Telegram's limit for callback_data
SEPARATOR = ":"


@dataclass(frozen=True)
class Callback:
    feature: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int) -> int:
        """An integer argument; ``ValueError`` for a forged or malformed one."""
        value = self.args[index]
        if not value.isdigit() or len(value) > 18:
            raise ValueError(f"not an id: {value!r}")
        return int(value)


def pack(feature: str, action: str, *args: object) -> str:
    parts = [feature, action, *(str(arg) for arg in args)]
    for part in parts:
        if SEPARATOR in part:
            raise ValueError(f"callback part contains {SEPARATOR!r}: {part!r}")
    data = SEPARATOR.join(parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> Callback | None:
    """The parts of ``data``, or None if it is not ours."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    if len(parts) < 2 or not all(parts[:2]):
        return None
    return Callback(parts[0], parts[1], tuple(parts[2:]))


def pattern(feature: str) -> str:
    """The regex a ``CallbackQueryHandler`` uses to take one feature's buttons."""
    return rf"^{feature}{SEPARATOR}"
