"""The waiting list through the real Application: joining the line, the offer of a freed
time, Book and Not this one, the next in line, the hold running out, and a race."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.domain.models import Role
from bot.localchat import TelegramUser
from tests.conftest import BotHarness
from tests.factories import add_slot, link
from tests.waitlist_factories import add_pupil_with_maths, maths_measure

RIGA = ZoneInfo("Europe/Riga")
ANNA, GUARDIAN, TEACHER, KARLIS, MARTA, COORDINATOR = 101, 102, 103, 111, 112, 113


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


def data_of(harness: BotHarness, chat_id: int) -> list[str]:
    return [d for row in harness.api.last_bot_message(chat_id).buttons for _, d in row]


def labels(harness: BotHarness, chat_id: int) -> list[str]:
    return [label for row in harness.api.last_bot_message(chat_id).buttons for label, _ in row]


async def press_prefix(harness: BotHarness, user: TelegramUser, prefix: str) -> None:
    found = [d for d in data_of(harness, user.id) if d.startswith(prefix)]
    assert found, (prefix, data_of(harness, user.id))
    await harness.tg.press(user, found[0])


async def setup(harness: BotHarness) -> tuple[int, int, int]:
    """Anna (with her parent), two more pupils with maths, the teacher: one free time."""
    world, db = harness.world, harness.services.db
    await link(db, ANNA, Role.PUPIL, world.pupil_id)
    await link(db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    karlis = await add_pupil_with_maths(db, KARLIS, "P3", "Kārlis Liepa")
    marta = await add_pupil_with_maths(db, MARTA, "P4", "Marta Zariņa")
    slot = await add_slot(db, world.teacher_id, riga(3, 14))
    return karlis, marta, slot


async def book_the_time(harness: BotHarness, user: TelegramUser) -> int:
    """Menu -> book -> maths -> the first free time -> Skip -> Book; the booking id."""
    await harness.tg.send(user, "/start")
    await press_prefix(harness, user, "bk:start")
    await harness.tg.press_label(user, "Matemātika")
    await press_prefix(harness, user, "bk:s:")
    await press_prefix(harness, user, "bk:c:")
    await press_prefix(harness, user, "bk:ok:")
    async with harness.services.db.reader.execute("SELECT max(id) FROM bookings") as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def join_the_line(harness: BotHarness, user: TelegramUser) -> str:
    """No free time: join the line for maths, any specialist, any time; what it says."""
    await harness.tg.send(user, "/start")
    await press_prefix(harness, user, "bk:start")
    await harness.tg.press_label(user, "Matemātika")
    assert not any(d.startswith("bk:s:") for d in data_of(harness, user.id))
    await press_prefix(harness, user, "wl:j:")
    await harness.tg.press_label(user, "Jebkur")  # any specialist
    await press_prefix(harness, user, "wl:in:")
    return harness.api.last_bot_message(user.id).text


async def cancel(harness: BotHarness, user: TelegramUser, booking_id: int) -> None:
    await harness.tg.press(user, f"mc:cx:{booking_id}")
    await harness.tg.press(user, f"mc:cxok:{booking_id}")


async def state_of(harness: BotHarness, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with harness.services.db.reader.execute(sql, args) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_a_freed_time_goes_to_the_line_in_turn(harness: BotHarness) -> None:
    karlis_id, marta_id, slot = await setup(harness)
    anna, karlis, marta = harness.user(ANNA), harness.user(KARLIS), harness.user(MARTA)
    teacher = harness.user(TEACHER)
    booking = await book_the_time(harness, anna)
    assert "numurs 1" in await join_the_line(harness, karlis)
    assert "numurs 2" in await join_the_line(harness, marta)
    # The specialist sees who waits, on the requests.
    await harness.tg.send(teacher, "/start")
    await press_prefix(harness, teacher, "sp:in")
    assert "Matemātika: 2" in harness.api.last_bot_message(TEACHER).text
    # A place in line shows in "My consultations".
    await harness.tg.press(karlis, "mc:list")
    assert any("Rindā: Konsultācija: Matemātika" in label for label in labels(harness, KARLIS))

    # Anna cancels: the time is held for Kārlis, first in line, and he is told at once.
    await cancel(harness, anna, booking)
    offer = harness.api.last_bot_message(KARLIS)
    assert "14:00" in offer.text and "10:00" in offer.text  # held until 10:00
    assert [d.split(":")[1] for d in data_of(harness, KARLIS)] == ["ok", "no"]
    assert await state_of(harness, "SELECT held_for FROM slots WHERE id = ?", slot) == [
        (karlis_id,)
    ]
    # Not this one: the time goes to Marta, the next in line; Kārlis keeps his place.
    await press_prefix(harness, karlis, "wl:no:")
    assert [d.split(":")[1] for d in data_of(harness, MARTA)] == ["ok", "no"]
    # Marta books it from the offer: the same booking as any, and the teacher hears.
    await press_prefix(harness, marta, "wl:ok:")
    assert "meet.jit.si" in harness.api.last_bot_message(MARTA).text
    assert "Marta Zariņa" in harness.api.last_bot_message(TEACHER).text
    rows = await state_of(
        harness, "SELECT pupil_id, state FROM bookings WHERE slot_id = ? ORDER BY id", slot
    )
    assert rows == [(harness.world.pupil_id, "cancelled"), (marta_id, "confirmed")]
    places = await state_of(harness, "SELECT pupil_id, state FROM waitlist ORDER BY id")
    assert places == [(karlis_id, "waiting"), (marta_id, "booked")]
    # Kārlis leaves the line from "My consultations".
    await harness.tg.press(karlis, "mc:list")
    await press_prefix(harness, karlis, "wl:p:")
    await press_prefix(harness, karlis, "wl:x:")
    assert await state_of(harness, "SELECT state FROM waitlist WHERE pupil_id = ?", karlis_id) == [
        ("left",)
    ]


async def test_an_unanswered_offer_expires_and_goes_to_the_next(
    harness: BotHarness, clock: FakeClock
) -> None:
    karlis_id, marta_id, slot = await setup(harness)
    anna, karlis, marta = harness.user(ANNA), harness.user(KARLIS), harness.user(MARTA)
    booking = await book_the_time(harness, anna)
    await join_the_line(harness, karlis)
    await join_the_line(harness, marta)
    await cancel(harness, anna, booking)
    offer_data = next(d for d in data_of(harness, KARLIS) if d.startswith("wl:ok:"))
    # Held for 60 minutes: at 59 nothing moves, at 61 the hold is over.
    clock.advance(timedelta(minutes=59))
    assert await harness.services.waitlist.expire_due() == 0
    clock.advance(timedelta(minutes=2))
    assert await harness.services.waitlist.expire_due() == 1
    assert harness.tg.deliver is not None
    await harness.tg.deliver()
    assert [d.split(":")[1] for d in data_of(harness, MARTA)] == ["ok", "no"]
    assert await state_of(harness, "SELECT held_for FROM slots WHERE id = ?", slot) == [(marta_id,)]
    # Kārlis' old button: the offer has ended; he is behind Marta now.
    sent = await harness.tg.press(karlis, offer_data)
    assert any(item.alert for item in sent)
    await harness.tg.press(karlis, "mc:list")
    assert any("numurs 2" in label for label in labels(harness, KARLIS))
    await press_prefix(harness, marta, "wl:ok:")
    rows = await state_of(harness, "SELECT pupil_id FROM bookings WHERE state = 'confirmed'")
    assert rows == [(marta_id,)]
    assert karlis_id != marta_id


async def test_only_the_pupil_offered_a_held_time_can_book_it(harness: BotHarness) -> None:
    karlis_id, marta_id, slot = await setup(harness)
    anna, karlis, marta = harness.user(ANNA), harness.user(KARLIS), harness.user(MARTA)
    # Marta sees the free time before Anna books it (her screen goes stale).
    await harness.tg.send(marta, "/start")
    await press_prefix(harness, marta, "bk:start")
    await harness.tg.press_label(marta, "Matemātika")
    stale = next(d for d in data_of(harness, MARTA) if d.startswith("bk:s:"))
    booking = await book_the_time(harness, anna)
    await join_the_line(harness, karlis)
    await cancel(harness, anna, booking)
    measure = await maths_measure(harness.services.db, marta_id)
    assert stale == f"bk:s:{marta_id}:{measure}:{slot}"
    # The held time is in nobody else's list of free times ...
    await harness.tg.press(marta, f"bk:k:{marta_id}:{measure}:0")
    assert not any(d.startswith("bk:s:") for d in data_of(harness, MARTA))
    # ... and when both press at once, only the one it is held for gets it.
    offer = next(d for d in data_of(harness, KARLIS) if d.startswith("wl:ok:"))
    marta_sent, _ = await asyncio.gather(
        harness.tg.press(marta, f"bk:ok:{marta_id}:{measure}:{slot}"),
        harness.tg.press(karlis, offer),
    )
    assert any(item.alert for item in marta_sent)
    rows = await state_of(
        harness, "SELECT pupil_id FROM bookings WHERE slot_id = ? AND state = 'confirmed'", slot
    )
    assert rows == [(karlis_id,)]


async def test_staff_see_how_many_wait_and_a_place_ends_with_its_plan(
    harness: BotHarness, clock: FakeClock
) -> None:
    await setup(harness)
    await link(harness.services.db, COORDINATOR, Role.COORDINATOR, harness.world.coordinator_id)
    await book_the_time(harness, harness.user(ANNA))
    await join_the_line(harness, harness.user(KARLIS))
    coordinator = harness.user(COORDINATOR)
    await harness.tg.send(coordinator, "/start")
    await harness.tg.press(coordinator, "fg:home")
    await press_prefix(harness, coordinator, "wl:fig:")
    assert "Matemātika: 1" in harness.api.last_bot_message(COORDINATOR).text
    # The plan's period ends: the place ends by itself and leaves the counts.
    clock.set(datetime(2027, 1, 1, 9, tzinfo=RIGA))
    assert await harness.services.waitlist.end_finished() == 1
    await harness.tg.press(coordinator, "fg:home")
    await press_prefix(harness, coordinator, "wl:fig:")
    assert "Matemātika" not in harness.api.last_bot_message(COORDINATOR).text


async def test_the_specialist_sees_who_waits_on_the_week_and_the_requests(
    harness: BotHarness,
) -> None:
    await setup(harness)
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/week")
    assert "Gaida brīvu laiku" not in harness.api.last_bot_message(TEACHER).text
    await book_the_time(harness, harness.user(ANNA))
    await join_the_line(harness, harness.user(KARLIS))
    await join_the_line(harness, harness.user(MARTA))
    await harness.tg.send(teacher, "/week")
    week = harness.api.last_bot_message(TEACHER).text
    assert "⏳ Gaida brīvu laiku: Konsultācija: Matemātika: 2" in week, week
    assert "Anna" in week  # the booked time is on the week too, in the same one read
    await harness.tg.press(teacher, "sp:in")
    inbox = harness.api.last_bot_message(TEACHER).text
    assert "⏳ Gaida brīvu laiku: Konsultācija: Matemātika: 2" in inbox, inbox
