"""Consultations through the real Application: what each user really sees and receives."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.domain.models import Role
from bot.domain.reminders import Reminder
from bot.localchat import Outgoing, TelegramUser
from tests.conftest import BotHarness
from tests.factories import actor_of, add_crisis_event, add_slot, link, set_auto_confirm

RIGA = ZoneInfo("Europe/Riga")
PUPIL, GUARDIAN, TEACHER, PSYCHOLOGIST, STRANGER = 101, 102, 103, 104, 109


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


async def setup(harness: BotHarness) -> None:
    world = harness.world
    db = harness.services.db
    await link(db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(db, PSYCHOLOGIST, Role.SPECIALIST, world.psychologist_id)


def buttons(harness: BotHarness, chat_id: int) -> list[tuple[str, str]]:
    return [b for row in harness.api.last_bot_message(chat_id).buttons for b in row]


async def press_data(harness: BotHarness, user: TelegramUser, prefix: str) -> list[Outgoing]:
    """Press the first button of the last message whose data starts with ``prefix``."""
    for _, data in buttons(harness, user.id):
        if data.startswith(prefix):
            return await harness.tg.press(user, data)
    raise KeyError(f"no {prefix!r} in {buttons(harness, user.id)}")


async def book_maths(harness: BotHarness, user: TelegramUser, note: str | None = None) -> int:
    """Menu -> book -> maths -> first slot -> (note) -> confirm; returns the booking id."""
    await harness.tg.send(user, "/start")
    await press_data(harness, user, "bk:start")
    if user.id == GUARDIAN:
        await press_data(harness, user, f"bk:kid:{harness.world.pupil_id}")
    maths = next(d for label, d in buttons(harness, user.id) if "Matemātika" in label)
    await harness.tg.press(user, maths)
    await press_data(harness, user, "bk:s:")
    if note is None:
        await press_data(harness, user, "bk:c:")
    else:
        await harness.tg.send(user, note)
    await press_data(harness, user, "bk:ok:")
    async with harness.services.db.reader.execute("SELECT max(id) FROM bookings") as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def test_pupil_books_and_the_specialist_sees_it_in_the_week(harness: BotHarness) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    await harness.tg.send(pupil, "/start")
    await press_data(harness, pupil, "bk:start")
    labels = [label for label, _ in buttons(harness, PUPIL)]
    assert any("Matemātika" in label for label in labels)
    assert not any("Meals" in label or "Ēdin" in label for label in labels)
    booking_id = await book_maths(harness, pupil, note="Daļskaitļi, lūdzu")
    confirmed = harness.api.last_bot_message(PUPIL).text
    assert "https://meet.jit.si/pumpurs-" in confirmed
    told = harness.api.last_bot_message(TEACHER).text
    assert "Anna Ozola" in told
    guardian_told = harness.api.last_bot_message(GUARDIAN).text
    assert "Anna Ozola" in guardian_told and "meet.jit.si" in guardian_told
    await harness.tg.send(teacher, "/week")
    week = harness.api.last_bot_message(TEACHER)
    assert "Anna Ozola" in week.text and "meet.jit.si" in week.text
    await harness.tg.press(teacher, f"sp:b:{booking_id}")
    assert "Daļskaitļi, lūdzu" in harness.api.last_bot_message(TEACHER).text


async def test_pupil_moves_then_cancels_and_the_specialist_hears_both(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    later = await add_slot(harness.services.db, harness.world.teacher_id, riga(4, 14))
    pupil = harness.user(PUPIL)
    booking_id = await book_maths(harness, pupil)
    await harness.tg.press(pupil, f"mc:mv:{booking_id}:0")
    await harness.tg.press(pupil, f"mc:mt:{booking_id}:{later}")
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.slot_id == later
    assert "4" in harness.api.last_bot_message(TEACHER).text
    await harness.tg.press(pupil, f"mc:cx:{booking_id}")
    await harness.tg.press(pupil, f"mc:cxok:{booking_id}")
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.state.value == "cancelled"
    # The stale cancel button: a clear answer and the booking as it stands.
    sent = await harness.tg.press(pupil, f"mc:cxok:{booking_id}")
    assert any(item.alert for item in sent)


async def test_specialist_declines_with_a_reason_the_pupil_reads(harness: BotHarness) -> None:
    await setup(harness)
    await set_auto_confirm(harness.services.db, harness.world.teacher_id, False)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    booking_id = await book_maths(harness, pupil)
    assert "meet.jit.si" not in harness.api.last_bot_message(PUPIL).text
    await harness.tg.press(teacher, "sp:in")
    assert f"sp:b:{booking_id}" in [d for _, d in buttons(harness, TEACHER)]
    await harness.tg.press(teacher, f"sp:dec:{booking_id}")
    await harness.tg.send(teacher, "Esmu slima tajā dienā")
    assert "Esmu slima tajā dienā" in harness.api.last_bot_message(PUPIL).text
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.state.value == "declined"


async def test_specialist_proposes_another_time_and_the_pupil_accepts(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await set_auto_confirm(harness.services.db, harness.world.teacher_id, False)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    other = await add_slot(harness.services.db, harness.world.teacher_id, riga(7, 15))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    booking_id = await book_maths(harness, pupil)
    await harness.tg.press(teacher, f"sp:b:{booking_id}")
    await harness.tg.press(teacher, f"sp:pr:{booking_id}:0")
    await harness.tg.press(teacher, f"sp:pt:{booking_id}:{other}")
    offer = harness.api.last_bot_message(PUPIL)
    assert f"mc:pa:{booking_id}" in [d for row in offer.buttons for _, d in row]
    await harness.tg.press(pupil, f"mc:pa:{booking_id}")
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.state.value == "confirmed" and booking.slot_id == other
    assert "meet.jit.si" in harness.api.last_bot_message(PUPIL).text


async def test_the_ics_file_of_a_confirmed_session(harness: BotHarness) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil = harness.user(PUPIL)
    booking_id = await book_maths(harness, pupil)
    sent = await harness.tg.press(pupil, f"mc:ics:{booking_id}")
    document = next(item for item in sent if item.method == "sendDocument")
    assert document.document_name == f"consultation-{booking_id}.ics"
    event = Calendar.from_ical(document.document or b"").walk("VEVENT")[0]
    assert event.decoded("dtstart") == riga(3, 14)
    assert str(event["location"]).startswith("https://meet.jit.si/pumpurs-")


async def test_the_evidence_question_is_asked_and_the_answer_stored(
    harness: BotHarness, clock: object
) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil = harness.user(PUPIL)
    booking_id = await book_maths(harness, pupil)
    reminder = await _pending_reminder(harness, PUPIL, "evidence")
    render = harness.renderer("evidence")
    assert render is not None
    texts = harness.translator.for_language("lv")
    harness.services.clock.set(riga(3, 14, 45))  # type: ignore[attr-defined]
    message = await render(reminder, texts)
    assert message is not None
    data = [d for row in message.rows for _, d in row]
    assert data == [f"ev:yes:{booking_id}", f"ev:no:{booking_id}"]
    await harness.tg.send(pupil, "/start")
    await harness.tg.press(pupil, f"ev:yes:{booking_id}")
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.evidence == "yes" and booking.evidence_at == riga(3, 14, 45)
    assert await render(reminder, texts) is None  # answered: nothing more to ask


async def _pending_reminder(harness: BotHarness, chat_id: int, kind: str) -> Reminder:
    (found,) = await harness.reminders(kind, chat_id=chat_id)
    return found


async def test_a_parent_books_for_a_child_and_both_hear(harness: BotHarness) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    guardian = harness.user(GUARDIAN)
    await harness.tg.send(guardian, "/start")
    await press_data(harness, guardian, "bk:start")
    names = [label for label, _ in buttons(harness, GUARDIAN)]
    assert "Anna Ozola" in names and "Līga Ozola" in names
    booking_id = await book_maths(harness, guardian)
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, GUARDIAN), booking_id
    )
    assert booking.booked_by == GUARDIAN and booking.pupil_id == harness.world.pupil_id
    assert "meet.jit.si" in harness.api.last_bot_message(PUPIL).text


async def test_a_specialists_day_and_marking_the_session_held(harness: BotHarness) -> None:
    await setup(harness)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    pupil, teacher = harness.user(PUPIL), harness.user(TEACHER)
    booking_id = await book_maths(harness, pupil)
    harness.services.clock.set(riga(3, 8))  # type: ignore[attr-defined]
    await harness.tg.send(teacher, "/today")
    today = harness.api.last_bot_message(TEACHER).text
    assert "Anna Ozola" in today and "14:00" in today
    sent = await harness.tg.press(teacher, f"sp:held:{booking_id}")
    assert any(item.alert for item in sent)  # not started yet
    harness.services.clock.set(riga(3, 15))  # type: ignore[attr-defined]
    await harness.tg.press(teacher, f"sp:held:{booking_id}")
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.state.value == "held"


async def test_a_forged_button_shows_nothing_private_and_changes_nothing(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await link(harness.services.db, STRANGER, Role.PUPIL, harness.world.other_school_pupil_id)
    await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    booking_id = await book_maths(harness, harness.user(PUPIL), note="Privāta piezīme")
    link_text = (
        await harness.services.booking.booking(await actor_of(harness.services, PUPIL), booking_id)
    ).call_link
    stranger = harness.user(STRANGER)
    await harness.tg.send(stranger, "/start")
    for data in (
        f"mc:b:{booking_id}",
        f"mc:ics:{booking_id}",
        f"mc:cxok:{booking_id}",
        f"sp:b:{booking_id}",
        f"sp:acc:{booking_id}",
        f"ev:yes:{booking_id}",
        "mc:b:abc",
    ):
        sent = await harness.tg.press(stranger, data)
        for item in sent:
            assert link_text not in item.text and "Privāta" not in item.text
            assert "Anna" not in item.text
        assert any(item.alert for item in sent)
    booking = await harness.services.booking.booking(
        await actor_of(harness.services, PUPIL), booking_id
    )
    assert booking.state.value == "confirmed" and booking.evidence is None


async def test_a_slot_taken_meanwhile_gets_an_answer_and_fresh_times(
    harness: BotHarness,
) -> None:
    await setup(harness)
    slot = await add_slot(harness.services.db, harness.world.teacher_id, riga(3, 14))
    await add_slot(harness.services.db, harness.world.teacher_id, riga(4, 14))
    guardian = harness.user(GUARDIAN)
    await harness.tg.send(guardian, "/start")
    await press_data(harness, guardian, "bk:start")
    await press_data(harness, guardian, f"bk:kid:{harness.world.pupil_id}")
    maths = next(d for label, d in buttons(harness, GUARDIAN) if "Matemātika" in label)
    await harness.tg.press(guardian, maths)
    chosen = next(d for _, d in buttons(harness, GUARDIAN) if d.endswith(f":{slot}"))
    # Meanwhile the pupil takes the very same slot.
    await book_maths(harness, harness.user(PUPIL))
    sent = await harness.tg.press(guardian, chosen)
    assert any(item.alert for item in sent)
    fresh = [d for _, d in buttons(harness, GUARDIAN)]
    assert not any(d.endswith(f":{slot}") and d.startswith("bk:s:") for d in fresh)


async def test_urgent_emotional_support_requests_come_first(harness: BotHarness) -> None:
    await setup(harness)
    world = harness.world
    await set_auto_confirm(harness.services.db, world.psychologist_id, False)
    early = await add_slot(harness.services.db, world.psychologist_id, riga(3, 10))
    late = await add_slot(harness.services.db, world.psychologist_id, riga(9, 10))
    # Anna's request is later in time but she wrote words of crisis 3 days ago.
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on) VALUES ('S1', 'IAP-2', ?, '2026/2027', 1, '2026-09-01',"
            " '2026-12-31')",
            (world.second_pupil_id,),
        )
        await conn.execute(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted) SELECT id,"
            " 'emotional_support', '', 2 FROM plans WHERE external_id = 'IAP-2'"
        )
    await link(harness.services.db, 105, Role.PUPIL, world.second_pupil_id)
    support = [
        o
        for o in await harness.services.booking.offers(
            await actor_of(harness.services, 105), world.second_pupil_id
        )
    ]
    await harness.services.booking.book(
        await actor_of(harness.services, 105), world.second_pupil_id, support[0].measure_id, early
    )
    anna = [
        o
        for o in await harness.services.booking.offers(
            await actor_of(harness.services, PUPIL), world.pupil_id
        )
        if not o.subject
    ]
    await harness.services.booking.book(
        await actor_of(harness.services, PUPIL), world.pupil_id, anna[0].measure_id, late
    )
    await add_crisis_event(harness.services.db, world.pupil_id, riga(1, 8))
    await harness.tg.send(harness.user(PSYCHOLOGIST), "/start")
    await harness.tg.press(harness.user(PSYCHOLOGIST), "sp:in")
    rows = buttons(harness, PSYCHOLOGIST)
    assert rows[0][0].startswith("🔴") and "Anna Ozola" in rows[0][0]
    assert "Līga Ozola" in rows[1][0] and not rows[1][0].startswith("🔴")
