"""Reminders through the real Application and the in-process Bot API."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import Role
from bot.jobs import ReminderJobs
from tests.conftest import BotHarness
from tests.factories import actor_of, add_slot, link

PUPIL = 501
SESSION_AT = datetime(2026, 12, 3, 14, 0, tzinfo=ZoneInfo("Europe/Riga"))


def jobs_of(harness: BotHarness) -> ReminderJobs:
    jobs = harness.app.bot_data.reminder_jobs
    assert isinstance(jobs, ReminderJobs)
    return jobs


async def book_session(harness: BotHarness) -> int:
    """A confirmed maths session on 3 December at 14:00, booked by the pupil."""
    services, world = harness.services, harness.world
    await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
    slot = await add_slot(services.db, world.teacher_id, SESSION_AT)
    pupil = await actor_of(services, PUPIL)
    offers = await services.booking.offers(pupil, world.pupil_id)
    maths = next(o.measure_id for o in offers if o.subject)
    change = await services.booking.book(pupil, world.pupil_id, maths, slot)
    await jobs_of(harness).wait_idle()  # the notices of the booking went out
    return change.booking.id


async def run_due(harness: BotHarness, at: datetime) -> None:
    harness.services.clock.set(at)  # type: ignore[attr-defined]
    jobs = jobs_of(harness)
    jobs.kick()
    await jobs.wait_idle()


async def states(harness: BotHarness) -> dict[str, int]:
    found = await harness.reminders("session", chat_id=PUPIL)
    return {state: sum(r.state == state for r in found) for state in {r.state for r in found}}


async def test_a_due_reminder_arrives_with_its_words(harness: BotHarness) -> None:
    await book_session(harness)
    assert jobs_of(harness).job_queue.get_jobs_by_name("reminders-wake")
    await run_due(harness, SESSION_AT - timedelta(hours=2))
    message = harness.api.last_bot_message(PUPIL)
    assert message.text.startswith("Atgādinājums") and "Pēteris Kalniņš" in message.text
    assert "meet.jit.si" in message.text
    assert await states(harness) == {"sent": 1}


async def test_retry_after_from_telegram_still_delivers_once(harness: BotHarness) -> None:
    await book_session(harness)
    before = harness.api.calls["sendMessage"]
    harness.api.fail_next("sendMessage", "retry_after", 1)
    await run_due(harness, SESSION_AT - timedelta(hours=2))
    sent = [o for o in harness.api.outgoing if o.method == "sendMessage" and o.chat_id == PUPIL]
    assert len(sent) == 1
    assert harness.api.calls["sendMessage"] - before >= 2


async def test_a_user_who_blocked_the_bot_is_marked_inactive(harness: BotHarness) -> None:
    await book_session(harness)
    harness.api.blocked.add(PUPIL)
    await run_due(harness, SESSION_AT - timedelta(hours=2))
    async with harness.services.uow.read() as tx:
        account = await tx.accounts.actor(PUPIL)
    assert account is not None and not account.active
    assert await states(harness) == {"failed": 1}


async def test_settings_change_the_offsets_of_coming_sessions(harness: BotHarness) -> None:
    await book_session(harness)
    user = harness.user(PUPIL)
    shown = await harness.tg.send(user, "/settings")
    assert "rs:off:60" in [data for row in shown[-1].buttons for _, data in row]
    await harness.tg.press(user, "rs:off:60")
    rows = await harness.reminders("session", "pending", chat_id=PUPIL)
    assert sorted(r.kind_text for r in rows) == ["session:120", "session:60"]
    after = harness.api.last_bot_message(PUPIL)
    assert any(
        label.startswith("✅") and data == "rs:off:60"
        for row in after.buttons
        for label, data in row
    )


async def test_a_forged_settings_button_changes_nothing(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(PUPIL)
    await harness.tg.send(user, "/settings")
    answered = await harness.tg.press(user, "rs:off:1440")
    assert any(o.alert for o in answered)
    assert await harness.reminders() == []
