"""The specialist's own calendar and the family's history, through the real Application:
days off and the one-button proposals, weekly hours edited, a day off undone, calendar
files that stay right (the 8-week feed, an updated .ics after a move, a cancellation),
past sessions and the plan's hours used and left."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar

from bot.clock import FakeClock
from bot.localchat import Outgoing
from tests.conftest import BotHarness
from tests.e2e.test_consultations import (
    GUARDIAN,
    PUPIL,
    RIGA,
    TEACHER,
    book_maths,
    buttons,
    riga,
    setup,
)
from tests.factories import actor_of, add_slot, set_auto_confirm


def clock_of(harness: BotHarness) -> FakeClock:
    clock = harness.services.clock
    assert isinstance(clock, FakeClock)
    return clock


async def slot_states(harness: BotHarness, specialist_id: int) -> dict[datetime, str]:
    """Every slot of one specialist: its start (Riga) -> its state."""
    async with harness.services.db.reader.execute(
        "SELECT starts_at, state FROM slots WHERE specialist_id = ?", (specialist_id,)
    ) as cursor:
        rows = await cursor.fetchall()
    return {datetime.fromisoformat(row[0]).astimezone(RIGA): row[1] for row in rows}


def free_on(states: dict[datetime, str], day: int) -> list[str]:
    return sorted(f"{s:%H:%M}" for s, state in states.items() if state == "free" and s.day == day)


async def booking_of(harness: BotHarness, booking_id: int) -> tuple[str, datetime]:
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    return booking.state.value, booking.starts_at.astimezone(RIGA)


async def book(harness: BotHarness, slot_id: int) -> int:
    """The pupil books a maths session at one slot (through the service)."""
    actor = await actor_of(harness.services, PUPIL)
    pupil = harness.world.pupil_id
    maths = next(o for o in await harness.services.booking.offers(actor, pupil) if o.subject)
    change = await harness.services.booking.book(actor, pupil, maths.measure_id, slot_id)
    return change.booking.id


def events_in(sent: list[Outgoing], chat_id: int) -> list[tuple[str, Calendar]]:
    """The calendar files sent to one chat: (file name, calendar)."""
    return [
        (item.document_name or "", Calendar.from_ical(item.document or b""))
        for item in sent
        if item.method == "sendDocument" and item.chat_id == chat_id
    ]


async def test_days_off_withdraw_free_times_and_one_press_proposes_new_times_for_all(
    harness: BotHarness,
) -> None:
    await setup(harness)
    db, world = harness.services.db, harness.world
    for day in (9, 10, 11, 14, 15):
        await add_slot(db, world.teacher_id, riga(day, 14))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    first = await book_maths(harness, pupil)  # 9.12
    second = await book_maths(harness, pupil)  # 10.12
    await harness.tg.send(teacher, "/start")
    await harness.tg.press(teacher, "sp:free")
    await harness.tg.press(teacher, "sp:offs")
    await harness.tg.press(teacher, "sp:off")
    await harness.tg.send(teacher, "9.12-11.12")
    data = [d for _, d in buttons(harness, TEACHER)]
    assert f"sp:b:{first}" in data and f"sp:b:{second}" in data
    assert "sp:offp:20261209:20261211" in data
    states = await slot_states(harness, world.teacher_id)
    assert states[riga(11, 14)] == "withdrawn"  # free in the holiday: withdrawn
    assert states[riga(9, 14)] == states[riga(10, 14)] == "booked"  # booked: listed
    # One press: each session gets the nearest free time outside the days off.
    sent = await harness.tg.press(teacher, "sp:offp:20261209:20261211")
    assert await booking_of(harness, first) == ("proposed", riga(14, 14))
    assert await booking_of(harness, second) == ("proposed", riga(15, 14))
    offers = [m for m in sent if m.chat_id == PUPIL and m.buttons]
    offered = {d for m in offers for row in m.buttons for _, d in row}
    assert {f"mc:pa:{first}", f"mc:pa:{second}"} <= offered
    # The times left in the holiday do not become free again.
    states = await slot_states(harness, world.teacher_id)
    assert states[riga(9, 14)] == states[riga(10, 14)] == "withdrawn"
    await harness.tg.press(pupil, f"mc:pa:{first}")
    assert await booking_of(harness, first) == ("confirmed", riga(14, 14))


async def test_a_session_with_no_free_time_left_is_listed_for_the_specialist(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(9, 14))
    teacher = harness.user(TEACHER)
    booked = await book_maths(harness, harness.user(PUPIL))
    await harness.tg.send(teacher, "/start")
    await harness.tg.press(teacher, "sp:off")
    await harness.tg.send(teacher, "9.12")
    await harness.tg.press(teacher, "sp:offp:20261209:20261209")
    assert f"sp:b:{booked}" in [d for _, d in buttons(harness, TEACHER)]
    assert (await booking_of(harness, booked))[0] == "confirmed"


async def test_editing_weekly_hours_moves_the_free_times_and_keeps_booked_sessions(
    harness: BotHarness,
) -> None:
    await setup(harness)
    world = harness.world
    teacher_actor = await actor_of(harness.services, TEACHER)
    rule = await harness.services.availability.add_weekly(teacher_actor, 2, "14:00-16:00")
    tuesday = next(slot for slot, at in await _slot_ids(harness) if at == riga(8, 14))
    booked = await book(harness, tuesday)
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/start")
    await harness.tg.press(teacher, "sp:free")
    await harness.tg.press(teacher, f"sp:rule:{rule.id}")
    await harness.tg.press(teacher, f"sp:rh:{rule.id}")
    await harness.tg.send(teacher, "15:00-17:00 60")
    states = await slot_states(harness, world.teacher_id)
    for day in (1, 8, 15, 22, 29):
        assert free_on(states, day) == ["15:00", "16:00"]
    assert states[riga(8, 14)] == "booked"
    assert await booking_of(harness, booked) == ("confirmed", riga(8, 14))
    # A last date: the free times after it go; back to no last date, they come again.
    await harness.tg.press(teacher, f"sp:ru:{rule.id}")
    await harness.tg.send(teacher, "15.12")
    states = await slot_states(harness, world.teacher_id)
    assert free_on(states, 15) == ["15:00", "16:00"] and free_on(states, 22) == []
    await harness.tg.press(teacher, f"sp:ru:{rule.id}")
    await harness.tg.send(teacher, "-")
    assert free_on(await slot_states(harness, world.teacher_id), 29) == ["15:00", "16:00"]
    # Hours that meet other weekly hours that day are refused.
    other = await harness.services.availability.add_weekly(teacher_actor, 2, "18:00-19:00")
    await harness.tg.press(teacher, f"sp:rh:{other.id}")
    await harness.tg.send(teacher, "16:30-18:30")
    assert "pārklājas" in harness.api.last_bot_message(TEACHER).text


async def _slot_ids(harness: BotHarness) -> list[tuple[int, datetime]]:
    async with harness.services.db.reader.execute("SELECT id, starts_at FROM slots") as cursor:
        rows = await cursor.fetchall()
    return [(row[0], datetime.fromisoformat(row[1]).astimezone(RIGA)) for row in rows]


async def test_undoing_a_day_off_brings_its_free_times_back(harness: BotHarness) -> None:
    await setup(harness)
    world = harness.world
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/start")
    # A day off before the weekly hours: its slots are never made.
    await harness.tg.press(teacher, "sp:off")
    await harness.tg.send(teacher, "22.12")
    teacher_actor = await actor_of(harness.services, TEACHER)
    await harness.services.availability.add_weekly(teacher_actor, 2, "14:00-16:00")
    await harness.tg.press(teacher, "sp:off")
    await harness.tg.send(teacher, "8.12")
    states = await slot_states(harness, world.teacher_id)
    assert free_on(states, 8) == free_on(states, 22) == []
    await harness.tg.press(teacher, "sp:offs")
    data = [d for _, d in buttons(harness, TEACHER)]
    assert "sp:offx:20261208:20261208" in data and "sp:offx:20261222:20261222" in data
    await harness.tg.press(teacher, "sp:offx:20261208:20261208")
    await harness.tg.press(teacher, "sp:offx:20261222:20261222")
    states = await slot_states(harness, world.teacher_id)
    assert free_on(states, 8) == free_on(states, 22) == ["14:00", "14:45"]
    assert "sp:offx:20261208:20261208" not in [d for _, d in buttons(harness, TEACHER)]
    # A day off that has passed is not undone.
    await harness.tg.press(teacher, "sp:off")
    await harness.tg.send(teacher, "2.12")
    clock_of(harness).set(riga(3, 9))
    sent = await harness.tg.press(teacher, "sp:offx:20261202:20261202")
    assert any(item.alert for item in sent)
    assert await harness.services.schedule.days_off(teacher_actor) == []
    async with harness.services.db.reader.execute("SELECT day FROM days_off") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["2026-12-02"]


async def test_after_a_move_the_calendar_gets_the_same_event_with_a_higher_sequence(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    later = await add_slot(harness.services.db, harness.world.teacher_id, riga(4, 14))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    booking_id = await book_maths(harness, pupil)
    ((name, mine),) = events_in(await harness.tg.press(pupil, f"mc:ics:{booking_id}"), PUPIL)
    event = mine.walk("VEVENT")[0]
    uid = f"booking-{booking_id}@pumpurs-bot"
    assert name == f"consultation-{booking_id}.ics" and str(event["uid"]) == uid
    assert event.decoded("sequence") == 0
    await harness.tg.send(teacher, "/week")
    ((name, feed),) = events_in(await harness.tg.press(teacher, "sp:feed"), TEACHER)
    assert name == "consultations.ics"
    assert [str(e["uid"]) for e in feed.walk("VEVENT")] == [uid]
    # The pupil moves it: both who hold it get the new version; the parent has none.
    await harness.tg.press(pupil, f"mc:mv:{booking_id}:0")
    sent = await harness.tg.press(pupil, f"mc:mt:{booking_id}:{later}")
    for chat in (PUPIL, TEACHER):
        ((_, moved),) = events_in(sent, chat)
        event = moved.walk("VEVENT")[0]
        assert str(event["uid"]) == uid and event.decoded("sequence") == 1
        assert event.decoded("dtstart") == riga(4, 14)
        assert str(moved["method"]) == "PUBLISH" and str(event["status"]) == "CONFIRMED"
    assert events_in(sent, GUARDIAN) == []
    assert "Anna Ozola" in str(events_in(sent, TEACHER)[0][1].walk("VEVENT")[0]["summary"])
    # Cancelled: the event is cancelled, a version higher again.
    await harness.tg.press(pupil, f"mc:cx:{booking_id}")
    sent = await harness.tg.press(pupil, f"mc:cxok:{booking_id}")
    ((_, cancelled),) = events_in(sent, PUPIL)
    event = cancelled.walk("VEVENT")[0]
    assert str(cancelled["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == uid and event.decoded("sequence") == 2


async def test_a_superseded_calendar_update_is_not_sent(harness: BotHarness) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil = harness.user(PUPIL)
    booking_id = await book_maths(harness, pupil)
    await harness.tg.press(pupil, f"mc:ics:{booking_id}")
    # Two changes in a row before anything is sent: only the latest version goes.
    teacher_actor = await actor_of(harness.services, TEACHER)
    await harness.services.desk.set_call_note(teacher_actor, booking_id, "Telefons 20012345")
    await harness.services.desk.cancel(teacher_actor, booking_id, "Slima")
    rows = await harness.reminders("calendar", chat_id=PUPIL)
    render = harness.renderer("calendar")
    texts = harness.texts("lv")
    assert [r.payload.sequence for r in rows] == [1, 2]  # type: ignore[union-attr]
    assert await render(rows[0], texts) is None
    reply = await render(rows[1], texts)
    assert reply is not None and reply.document is not None
    assert str(Calendar.from_ical(reply.document)["method"]) == "CANCEL"


async def test_the_feed_holds_the_confirmed_sessions_of_the_next_eight_weeks(
    harness: BotHarness,
) -> None:
    await setup(harness)
    db, world = harness.services.db, harness.world
    soon = await book(harness, await add_slot(db, world.teacher_id, riga(3, 14)))
    late = await book(harness, await add_slot(db, world.teacher_id, riga(28, 14)))
    await set_auto_confirm(db, world.teacher_id, False)
    waiting = await book(harness, await add_slot(db, world.teacher_id, riga(5, 14)))
    clock_of(harness).set(datetime(2026, 11, 1, 9, 0, tzinfo=RIGA))  # 28.12 is 57 days on
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/week")
    assert "sp:feed" in [d for _, d in buttons(harness, TEACHER)]
    ((_, feed),) = events_in(await harness.tg.press(teacher, "sp:feed"), TEACHER)
    uids = [str(e["uid"]) for e in feed.walk("VEVENT")]
    assert uids == [f"booking-{soon}@pumpurs-bot"]
    assert f"booking-{late}@pumpurs-bot" not in uids
    assert f"booking-{waiting}@pumpurs-bot" not in uids
    # The teacher holds what the feed held: the session's changes reach them.
    async with db.reader.execute("SELECT booking_id, telegram_id FROM calendar_copies") as cur:
        assert [tuple(row) for row in await cur.fetchall()] == [(soon, TEACHER)]


async def test_history_and_the_plans_hours_used_and_left(harness: BotHarness) -> None:
    await setup(harness)
    db, world = harness.services.db, harness.world
    held = await book(harness, await add_slot(db, world.teacher_id, riga(3, 14)))
    missed = await book(harness, await add_slot(db, world.teacher_id, riga(4, 14)))
    cancelled = await book(harness, await add_slot(db, world.teacher_id, riga(7, 14)))
    pupil_actor = await actor_of(harness.services, PUPIL)
    await harness.services.booking.cancel(pupil_actor, cancelled)
    await book(harness, await add_slot(db, world.teacher_id, riga(9, 14)))
    clock_of(harness).set(riga(5, 10))
    teacher_actor = await actor_of(harness.services, TEACHER)
    await harness.services.desk.mark(teacher_actor, held, held=True)
    await harness.services.desk.mark(teacher_actor, missed, held=False)
    pupil = harness.user(PUPIL)
    await harness.tg.send(pupil, "/start")
    await harness.tg.press(pupil, "mc:list")
    await harness.tg.press(pupil, "mc:hist:0")
    lines = harness.api.last_bot_message(PUPIL).text.split("\n")
    assert lines[0] == "Izmantotais laiks: 45 min"
    assert lines[2].startswith("✖") and "atcelta" in lines[2]  # 7.12, newest first
    assert lines[3].startswith("⚠") and "kavēta" in lines[3]
    assert lines[4].startswith("✔") and lines[4].endswith("45 min")
    assert len(lines) == 5  # the session still to come is not history
    # The plan: maths 4 h, 45 min used, 45 min booked, 2 h 30 min left.
    await harness.tg.press(pupil, "plan:show")
    plan = harness.api.last_bot_message(PUPIL).text
    assert "izmantots 45 min, rezervēts 45 min, atlicis 2 st. 30 min" in plan
    assert "izmantots 0 min, rezervēts 0 min, atlicis 3 st." in plan
    # A parent of two sees each child's hours, and whose each session was.
    guardian = harness.user(GUARDIAN)
    await harness.tg.send(guardian, "/start")
    await harness.tg.press(guardian, "mc:hist:0")
    text = harness.api.last_bot_message(GUARDIAN).text
    assert "Anna Ozola: Izmantotais laiks: 45 min" in text
    assert "Līga Ozola: Izmantotais laiks: 0 min" in text
    assert text.count("Anna Ozola: ") == 4


async def test_history_pages_go_back_in_time(harness: BotHarness) -> None:
    await setup(harness)
    db, world = harness.services.db, harness.world
    pupil_actor = await actor_of(harness.services, PUPIL)
    start = riga(2, 14)
    for n in range(12):  # twelve sessions booked and cancelled
        when = start + timedelta(days=n)
        await harness.services.booking.cancel(
            pupil_actor, await book(harness, await add_slot(db, world.teacher_id, when))
        )
    page = await harness.services.history.history(pupil_actor)
    assert page.has_more and len(page.bookings) == 10
    assert page.bookings[0].starts_at == start + timedelta(days=11)
    older = await harness.services.history.history(pupil_actor, 1)
    assert [b.starts_at for b in older.bookings] == [start + timedelta(days=1), start]
    assert not older.has_more
    assert date(2026, 12, 2) == older.bookings[-1].starts_at.astimezone(RIGA).date()
