"""``care.learned``: the learned net behind the rules, on by default, switched off by config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import ConfigError, parse_config
from bot.domain.crisis import CrisisCategory
from bot.domain.models import Role
from bot.runtime import Services
from tests.factories import actor_of, link, make_world

PUPIL = 101
# No rule finds it; the net does (tests/unit/test_crisis_learned.py).
NET_ONLY = "man viss ir vienalga un es vairs negribu neko"


async def _notice(tmp_path: Path, clock: FakeClock, care: dict[str, object]) -> object:
    config = parse_config({"database": {"path": str(tmp_path / "bot.sqlite3")}, "care": care})
    services = Services.create(config, clock)
    await services.open()
    try:
        world = await make_world(services.db)
        await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
        response = await services.care.notice(await actor_of(services, PUPIL), NET_ONLY)
        async with services.db.reader.execute("SELECT category FROM crisis_events") as cursor:
            events = [row[0] for row in await cursor.fetchall()]
        return response.categories if response else None, events
    finally:
        await services.close()


async def test_the_net_is_on_by_default_and_its_events_are_unspecified(
    tmp_path: Path, clock: FakeClock
) -> None:
    assert await _notice(tmp_path, clock, {}) == (
        (CrisisCategory.UNSPECIFIED,),
        ["unspecified"],
    )


async def test_care_learned_false_leaves_the_rules_alone(tmp_path: Path, clock: FakeClock) -> None:
    assert await _notice(tmp_path, clock, {"learned": False}) == (None, [])


def test_care_learned_must_be_true_or_false() -> None:
    with pytest.raises(ConfigError, match=r"care\.learned"):
        parse_config({"care": {"learned": "sometimes"}})
