"""The writer's lock by lane: urgent first, FIFO within a lane, background never starved."""

from __future__ import annotations

import asyncio

from storage.lanes import Lane, LaneLock, current_lane, in_lane


async def _queue(lock: LaneLock, order: list[str], name: str, lane: Lane) -> None:
    await lock.acquire(lane)
    order.append(name)
    await asyncio.sleep(0)
    lock.release()


async def test_an_urgent_waiter_goes_before_everyone_who_waited_longer() -> None:
    lock, order = LaneLock(), []
    await lock.acquire()
    tasks = [
        asyncio.create_task(_queue(lock, order, name, lane))
        for name, lane in (
            ("background", Lane.BACKGROUND),
            ("user 1", Lane.NORMAL),
            ("user 2", Lane.NORMAL),
            ("crisis", Lane.URGENT),
        )
    ]
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(*tasks)
    assert order == ["crisis", "user 1", "user 2", "background"]


async def test_background_work_gets_its_turn_while_users_keep_coming() -> None:
    lock, order = LaneLock(background_every=2), []
    await lock.acquire()
    tasks = [asyncio.create_task(_queue(lock, order, "reminders", Lane.BACKGROUND))]
    tasks += [asyncio.create_task(_queue(lock, order, f"user {n}", Lane.NORMAL)) for n in range(5)]
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(*tasks)
    assert order.index("reminders") == 2


async def test_a_waiter_cancelled_after_being_let_in_passes_the_lock_on() -> None:
    lock = LaneLock()
    await lock.acquire()
    first = asyncio.create_task(lock.acquire())
    second = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    lock.release()  # handed to ``first``...
    first.cancel()  # ...which is cancelled before it runs
    await asyncio.wait_for(second, 1)
    assert lock.locked
    lock.release()
    assert not lock.locked


async def test_the_lane_is_the_tasks_and_inherited_by_the_tasks_it_starts() -> None:
    async def lane_of_child() -> Lane:
        return current_lane()

    assert current_lane() == Lane.NORMAL
    with in_lane(Lane.BACKGROUND):
        assert await asyncio.create_task(lane_of_child()) == Lane.BACKGROUND
    assert current_lane() == Lane.NORMAL
