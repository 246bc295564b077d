"""One rule check on every path into a confirmed session, and the specialist's late cancel."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.e2e.test_erase import deliver
from tests.factories import actor_of, add_slot, link, set_auto_confirm

PUPIL, TEACHER, COORDINATOR = 901, 902, 903


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=RIGA)


async def requested(harness: BotHarness, when: datetime, *, confirm: bool = False) -> int:
    """A maths session the pupil asked for (confirmed at once if ``confirm``)."""
    world, db = harness.world, harness.services.db
    await link(db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(db, COORDINATOR, Role.COORDINATOR, world.coordinator_id)
    await set_auto_confirm(db, world.teacher_id, confirm)
    slot = await add_slot(db, world.teacher_id, when)
    pupil = await actor_of(harness.services, PUPIL)
    maths = next(
        o for o in await harness.services.booking.offers(pupil, world.pupil_id) if o.subject
    )
    change = await harness.services.booking.book(pupil, world.pupil_id, maths.measure_id, slot)
    return change.booking.id


async def state_of(harness: BotHarness, booking_id: int) -> tuple[str, str]:
    async with harness.services.db.reader.execute(
        "SELECT state, starts_at FROM bookings WHERE id = ?", (booking_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return row[0], row[1]


async def propose(harness: BotHarness, booking_id: int, when: datetime) -> int:
    slot = await add_slot(harness.services.db, harness.world.teacher_id, when)
    await harness.tg.send(harness.user(TEACHER), "/start")
    await harness.tg.press(harness.user(TEACHER), f"sp:pt:{booking_id}:{slot}")
    return slot


async def accept(harness: BotHarness, booking_id: int) -> str:
    user = harness.user(PUPIL)
    await harness.tg.send(user, "/start")
    sent = await harness.tg.press(user, f"mc:pa:{booking_id}")
    return " ".join(item.text for item in sent if item.alert)


async def test_a_proposed_time_outside_the_plans_period_can_no_longer_be_accepted(
    harness: BotHarness,
) -> None:
    booking = await requested(harness, at(3, 14))
    await propose(harness, booking, at(10, 14))
    assert (await state_of(harness, booking))[0] == "proposed"
    # The school shortens the plan (a new import) before the pupil answers.
    async with harness.services.db.write() as conn:
        await conn.execute("UPDATE plans SET ends_on = '2026-12-05'")
    said = await accept(harness, booking)
    assert "Atbalsta plāns šim datumam neparedz šādu konsultāciju." in said
    assert (await state_of(harness, booking))[0] == "proposed"


async def test_a_proposed_time_beyond_the_plans_hours_can_no_longer_be_accepted(
    harness: BotHarness,
) -> None:
    booking = await requested(harness, at(3, 14))
    await propose(harness, booking, at(10, 14))
    async with harness.services.db.write() as conn:
        await conn.execute("UPDATE plan_measures SET hours_granted = 0.5 WHERE subject != ''")
    said = await accept(harness, booking)
    assert "30 min" in said
    assert (await state_of(harness, booking))[0] == "proposed"


async def test_a_proposed_time_beyond_the_horizon_can_no_longer_be_accepted(
    harness: BotHarness,
) -> None:
    booking = await requested(harness, at(3, 14))
    # Proposed beyond the horizon is refused at once ...
    far = await propose(harness, booking, at(5, 14, month=1).replace(year=2027))
    assert (await state_of(harness, booking))[0] == "requested"
    # ... and a proposal already standing there (the horizon was longer) is not accepted.
    async with harness.services.db.write() as conn:
        await conn.execute("UPDATE slots SET state = 'booked' WHERE id = ?", (far,))
        await conn.execute(
            "UPDATE bookings SET state = 'proposed', slot_id = ?,"
            " starts_at = '2027-01-05T12:00:00+00:00', ends_at = '2027-01-05T12:45:00+00:00'",
            (far,),
        )
    said = await accept(harness, booking)
    assert "28" in said
    assert (await state_of(harness, booking))[0] == "proposed"


async def test_a_specialist_moves_a_confirmed_session_and_the_pupil_accepts(
    harness: BotHarness,
) -> None:
    booking = await requested(harness, at(3, 14), confirm=True)
    await deliver(harness)
    sent = await harness.tg.press(harness.user(TEACHER), f"sp:b:{booking}")
    assert any("Piedāvāt citu laiku" in label or "🔁" in label for label in sent[-1].button_texts)
    await propose(harness, booking, at(4, 15))
    await deliver(harness)
    told = harness.api.last_bot_message(PUPIL)
    assert any(data == f"mc:pa:{booking}" for row in told.buttons for _, data in row)
    assert await accept(harness, booking) == ""
    assert await state_of(harness, booking) == ("confirmed", "2026-12-04T13:00:00+00:00")
    reminders = await harness.reminders("session", "pending", PUPIL)
    assert [r.event_at for r in reminders] == [at(4, 15)]


async def test_a_specialist_cancelling_late_must_say_why_and_the_coordinator_hears(
    harness: BotHarness,
) -> None:
    booking = await requested(harness, at(2, 5), confirm=True)  # in 20 hours
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/start")
    sent = await harness.tg.press(teacher, f"sp:cx:{booking}")
    assert "koordinators" in sent[-1].text
    sent = await harness.tg.send(teacher, "   ")
    assert (await state_of(harness, booking))[0] == "confirmed"  # no reason, no cancel
    await harness.tg.send(teacher, "Esmu saslimusi")
    await deliver(harness)
    alert = harness.api.last_bot_message(COORDINATOR).text
    assert "Pēteris Kalniņš" in alert and "Anna Ozola" in alert
    assert "Esmu saslimusi" in alert and "20 st. iepriekš" in alert


async def test_a_specialist_cancelling_in_good_time_alerts_nobody(harness: BotHarness) -> None:
    booking = await requested(harness, at(4, 11), confirm=True)  # in three days
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/start")
    sent = await harness.tg.press(teacher, f"sp:cx:{booking}")
    assert "koordinators" not in sent[-1].text
    await harness.tg.send(teacher, "Skolā ir ekskursija")
    await deliver(harness)
    assert (await state_of(harness, booking))[0] == "cancelled"
    assert await harness.reminders("late_cancel") == []
    assert not any(o.chat_id == COORDINATOR for o in harness.api.outgoing)
