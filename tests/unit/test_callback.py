"""Callback data: short text, parsed in one place, never trusted."""

from __future__ import annotations

import pytest

from bot.domain.callback import Callback, pack, unpack


def test_pack_and_unpack_round_trip() -> None:
    data = pack("bk", "ok", 123)
    assert data == "bk:ok:123"
    assert unpack(data) == Callback("bk", "ok", ("123",))
    assert unpack(data).int_arg(0) == 123  # type: ignore[union-attr]


def test_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        pack("bk", "ok", "9" * 70)
    assert unpack("x:" + "y" * 70) is None


@pytest.mark.parametrize("data", [None, "", "bk", ":ok", "bk:"])
def test_malformed_data_is_not_ours(data: str | None) -> None:
    assert unpack(data) is None


@pytest.mark.parametrize("arg", ["-1", "1e3", "abc", "9" * 19, ""])
def test_a_forged_id_is_refused(arg: str) -> None:
    callback = Callback("bk", "ok", (arg,))
    with pytest.raises(ValueError):
        callback.int_arg(0)
