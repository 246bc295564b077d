"""Reminders through the real Application and the in-process Bot API."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.i18n import Texts
from bot.reminder_jobs import ReminderJobs
from storage import accounts as accounts_repo
from storage import reminders as repo
from tests.conftest import BotHarness
from tests.factories import link

PUPIL = 501


async def session_text(reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
    assert reminder.event_at is not None
    return OutgoingMessage(
        text=f"Consultation at {texts.time(reminder.event_at)}",
        buttons=((("Open the call", "cs:link:1"),),),
    )


def jobs_of(harness: BotHarness) -> ReminderJobs:
    jobs = harness.app.bot_data.reminder_jobs
    assert jobs is not None
    return jobs


async def plan_session(harness: BotHarness, hours_ahead: float) -> None:
    services = harness.services
    async with services.db.write() as conn:
        await services.reminders.plan_before(
            conn,
            chat_id=PUPIL,
            role=Role.PUPIL,
            kind="lesson",
            ref="s:1",
            event_at=services.clock.now() + timedelta(hours=hours_ahead),
        )


async def run_due(harness: BotHarness, advance: timedelta) -> None:
    harness.services.clock.advance(advance)  # type: ignore[attr-defined]
    jobs = jobs_of(harness)
    jobs.kick()
    await jobs.wait_idle()


async def test_a_due_reminder_arrives_with_its_buttons(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    harness.services.reminders.register("lesson", session_text)
    await plan_session(harness, hours_ahead=3)
    assert jobs_of(harness).job_queue.get_jobs_by_name("reminders-wake")
    await run_due(harness, timedelta(hours=1))
    message = harness.api.last_bot_message(PUPIL)
    assert message.text == "Consultation at 12:00"
    assert message.buttons == [[("Open the call", "cs:link:1")]]
    assert await repo.count_by_state(harness.services.db.reader) == {"sent": 1}


async def test_retry_after_from_telegram_still_delivers_once(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    harness.services.reminders.register("lesson", session_text)
    await plan_session(harness, hours_ahead=3)
    harness.api.fail_next("sendMessage", "retry_after", 1)
    await run_due(harness, timedelta(hours=1))
    sent = [o for o in harness.api.outgoing if o.method == "sendMessage" and o.chat_id == PUPIL]
    assert len(sent) == 1
    assert harness.api.calls["sendMessage"] >= 2


async def test_a_user_who_blocked_the_bot_is_marked_inactive(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    harness.services.reminders.register("lesson", session_text)
    await plan_session(harness, hours_ahead=3)
    harness.api.blocked.add(PUPIL)
    await run_due(harness, timedelta(hours=1))
    account = await accounts_repo.get_account(harness.services.db.reader, PUPIL)
    assert account is not None and not account.active
    assert await repo.count_by_state(harness.services.db.reader) == {"failed": 1}


async def test_settings_change_the_offsets_of_coming_sessions(harness: BotHarness) -> None:
    await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(PUPIL)
    await plan_session(harness, hours_ahead=24)
    shown = await harness.tg.send(user, "/settings")
    assert "rs:off:60" in [data for row in shown[-1].buttons for _, data in row]
    await harness.tg.press(user, "rs:off:60")
    rows = await repo.list_reminders(harness.services.db.reader, PUPIL)
    assert sorted(r.kind for r in rows if r.state == "pending") == ["lesson:120", "lesson:60"]
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
    assert await repo.list_reminders(harness.services.db.reader) == []
