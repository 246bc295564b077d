"""Series through the real Application: what a weekly series books and why it stops,
a skipped week, cancelling "this and all following", and the specialist answering one
date or the whole series."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.models import Role
from bot.localchat import TelegramUser
from storage import to_db_time
from tests.conftest import BotHarness
from tests.factories import actor_of, link, set_auto_confirm
from tests.waitlist_factories import add_pupil_with_maths, maths_measure

RIGA = ZoneInfo("Europe/Riga")
ANNA, GUARDIAN, TEACHER, KARLIS, MARTA = 101, 102, 103, 111, 112


def riga(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=RIGA)


def data_of(harness: BotHarness, chat_id: int) -> list[str]:
    return [d for row in harness.api.last_bot_message(chat_id).buttons for _, d in row]


async def press_prefix(harness: BotHarness, user: TelegramUser, prefix: str) -> None:
    found = [d for d in data_of(harness, user.id) if d.startswith(prefix)]
    assert found, (prefix, data_of(harness, user.id))
    await harness.tg.press(user, found[0])


async def rows(harness: BotHarness, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with harness.services.db.reader.execute(sql, args) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def setup(harness: BotHarness) -> None:
    """Anna and her parent; the maths teacher's weekly hours: Thursdays 14:00-14:45."""
    world, db = harness.world, harness.services.db
    await link(db, ANNA, Role.PUPIL, world.pupil_id)
    await link(db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    teacher = await actor_of(harness.services, TEACHER)
    await harness.services.availability.add_weekly(teacher, 4, "14:00-14:45")


async def slot_at(harness: BotHarness, when: datetime) -> int:
    (found,) = await rows(harness, "SELECT id FROM slots WHERE starts_at = ?", to_db_time(when))
    return int(str(found[0]))


async def open_series(harness: BotHarness, user: TelegramUser, every: int) -> str:
    """Book -> maths -> the first free time -> Skip -> every (other) week; the preview."""
    await harness.tg.send(user, "/start")
    await press_prefix(harness, user, "bk:start")
    await harness.tg.press_label(user, "Matemātika")
    await press_prefix(harness, user, "bk:s:")
    await press_prefix(harness, user, "bk:c:")
    (series,) = [
        d for d in data_of(harness, user.id) if d.startswith("sr:v:") and d.endswith(f":{every}")
    ]
    await harness.tg.press(user, series)
    return harness.api.last_bot_message(user.id).text


async def sessions_of(harness: BotHarness, pupil_id: int) -> list[tuple[object, ...]]:
    return await rows(
        harness,
        "SELECT starts_at, state, series_id IS NOT NULL FROM bookings WHERE pupil_id = ?"
        " ORDER BY starts_at",
        pupil_id,
    )


async def test_a_weekly_series_skips_a_taken_week_and_ends_with_the_plan(
    harness: BotHarness,
) -> None:
    await setup(harness)
    db = harness.services.db
    karlis_id = await add_pupil_with_maths(db, KARLIS, "P3", "Kārlis Liepa")
    karlis = await actor_of(harness.services, KARLIS)
    taken = await slot_at(harness, riga(17, 14))
    await harness.services.booking.book(
        karlis, karlis_id, await maths_measure(db, karlis_id), taken
    )
    anna = harness.user(ANNA)
    preview = await open_series(harness, anna, 1)
    # Exactly the dates it books, the week it skips, the hours it uses, why it ends.
    assert "Tiks rezervētas nodarbības: 4" in preview
    assert preview.count("• ") == 5 and "Izlaistas" in preview
    skipped = preview.split("Izlaistas")[1]
    assert "17" in skipped.splitlines()[1]
    assert "180 min" in preview and "paliks 60 min" in preview
    assert "atbalsta plāna periodu" in preview
    before = len(harness.api.outgoing)
    await press_prefix(harness, anna, "sr:ok:")
    told = [o for o in harness.api.outgoing[before:] if o.chat_id == TEACHER]
    assert len(told) == 1 and "nodarbības: 4" in told[0].text  # one message, not four
    booked = await sessions_of(harness, harness.world.pupil_id)
    assert [(str(s)[5:10], state, series) for s, state, series in booked] == [
        ("12-03", "confirmed", 1),
        ("12-10", "confirmed", 1),
        ("12-24", "confirmed", 1),
        ("12-31", "confirmed", 1),
    ]
    # Each session is a normal booking with its own reminders.
    reminders = await rows(
        harness, "SELECT count(DISTINCT ref) FROM reminders WHERE kind LIKE 'session:%'"
    )
    assert reminders == [(5,)]  # Anna's four and Kārlis' one


async def test_a_series_stops_where_the_plans_hours_run_out(harness: BotHarness) -> None:
    await setup(harness)
    marta_id = await add_pupil_with_maths(
        harness.services.db, MARTA, "P4", "Marta Zariņa", hours=4, plan_end=date(2027, 1, 31)
    )
    marta = harness.user(MARTA)
    preview = await open_series(harness, marta, 1)
    # 4 h = 240 min: five sessions of 45 min; a sixth would need 270.
    assert "Tiks rezervētas nodarbības: 5" in preview
    assert "plāna stundas" in preview and "paliks 15 min" in preview
    await press_prefix(harness, marta, "sr:ok:")
    booked = await sessions_of(harness, marta_id)
    # The last one is past the single booking's horizon (28 days): the series' own.
    assert [str(s)[5:10] for s, _, _ in booked] == ["12-03", "12-10", "12-17", "12-24", "12-31"]


async def test_cancelling_this_and_all_following_keeps_the_earlier_ones(
    harness: BotHarness,
) -> None:
    await setup(harness)
    anna = harness.user(ANNA)
    await open_series(harness, anna, 2)  # every other week: 3, 17 and 31 December
    await press_prefix(harness, anna, "sr:ok:")
    booked = await rows(
        harness,
        "SELECT id FROM bookings WHERE pupil_id = ? ORDER BY starts_at",
        harness.world.pupil_id,
    )
    second = booked[1][0]
    await harness.tg.press(anna, f"mc:b:{second}")
    await press_prefix(harness, anna, "sr:cx:")
    before = len(harness.api.outgoing)
    await press_prefix(harness, anna, "sr:cxok:")
    told = [o for o in harness.api.outgoing[before:] if o.chat_id == TEACHER]
    assert len(told) == 1 and "Atceltas nodarbības (2)" in told[0].text
    states = [state for _, state, _ in await sessions_of(harness, harness.world.pupil_id)]
    assert states == ["confirmed", "cancelled", "cancelled"]
    # Their times are free again.
    free = await rows(
        harness,
        "SELECT count(*) FROM slots WHERE state = 'free'"
        " AND starts_at IN (SELECT starts_at FROM bookings WHERE state = 'cancelled')",
    )
    assert free == [(2,)]


async def test_the_specialist_declines_one_date_then_accepts_the_rest(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await set_auto_confirm(harness.services.db, harness.world.teacher_id, False)
    anna, teacher = harness.user(ANNA), harness.user(TEACHER)
    preview = await open_series(harness, anna, 1)
    assert "Speciālists nodarbības apstiprina vai noraida" in preview
    await press_prefix(harness, anna, "sr:ok:")
    # The requests: the series is one line that opens it.
    await harness.tg.send(teacher, "/start")
    await press_prefix(harness, teacher, "sp:in")
    inbox = data_of(harness, TEACHER)
    assert len([d for d in inbox if d.startswith("sr:s:")]) == 1
    assert not [d for d in inbox if d.startswith("sp:b:")]
    await press_prefix(harness, teacher, "sr:s:")
    sessions = [d for d in data_of(harness, TEACHER) if d.startswith("sp:b:")]
    assert len(sessions) == 5
    # One date declined, with a reason Anna reads.
    await harness.tg.press(teacher, sessions[1])
    await press_prefix(harness, teacher, "sp:dec:")
    await harness.tg.send(teacher, "Esmu kursos tajā dienā")
    assert "Esmu kursos tajā dienā" in harness.api.last_bot_message(ANNA).text
    # The rest accepted at once: Anna hears once.
    await press_prefix(harness, teacher, "sp:in")
    await press_prefix(harness, teacher, "sr:s:")
    before = len(harness.api.outgoing)
    await press_prefix(harness, teacher, "sr:acc:")
    told = [o for o in harness.api.outgoing[before:] if o.chat_id == ANNA]
    assert len(told) == 1 and "nodarbības: 4" in told[0].text
    states = [state for _, state, _ in await sessions_of(harness, harness.world.pupil_id)]
    assert states == ["confirmed", "declined", "confirmed", "confirmed", "confirmed"]


async def test_moving_this_and_all_following_keeps_those_whose_new_time_is_taken(
    harness: BotHarness,
) -> None:
    await setup(harness)
    db = harness.services.db
    teacher = await actor_of(harness.services, TEACHER)
    await harness.services.availability.add_weekly(teacher, 5, "15:00-15:45")  # Fridays
    karlis_id = await add_pupil_with_maths(db, KARLIS, "P3", "Kārlis Liepa")
    karlis = await actor_of(harness.services, KARLIS)
    taken = await slot_at(harness, riga(18, 15))
    await harness.services.booking.book(
        karlis, karlis_id, await maths_measure(db, karlis_id), taken
    )
    anna = harness.user(ANNA)
    await open_series(harness, anna, 1)  # Thursdays: 3, 10, 17, 24 and 31 December
    await press_prefix(harness, anna, "sr:ok:")
    booked = await rows(
        harness,
        "SELECT id FROM bookings WHERE pupil_id = ? ORDER BY starts_at",
        harness.world.pupil_id,
    )
    await harness.tg.press(anna, f"mc:b:{booked[1][0]}")
    await press_prefix(harness, anna, "sr:mv:")
    friday = await slot_at(harness, riga(11, 15))
    before = len(harness.api.outgoing)
    await harness.tg.press(anna, f"sr:mt:{booked[1][0]}:{friday}")
    result = harness.api.last_bot_message(ANNA).text
    # 10 -> 11 and 24 -> 25 move; the 18th is Kārlis', 1 January is past the plan.
    assert "Pārceltas nodarbības: 2" in result and "Nav pārceltas" in result
    told = [o for o in harness.api.outgoing[before:] if o.chat_id == TEACHER]
    assert len(told) == 1 and "Pārceltas nodarbības (2)" in told[0].text
    sessions = await sessions_of(harness, harness.world.pupil_id)
    assert [str(s)[5:13] for s, _, _ in sessions] == [
        "12-03T12",
        "12-11T13",
        "12-17T12",
        "12-25T13",
        "12-31T12",
    ]
