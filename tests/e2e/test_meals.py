"""Meals at home end to end: eligibility, confirmation, change, pause, stop, bad input."""

from __future__ import annotations

from bot.domain.models import Role
from bot.domain.questions import MealAnswer
from bot.domain.reminders import Reminder
from bot.localchat.transport import Outgoing
from tests.conftest import BotHarness
from tests.factories import actor_of, add_caterer, link, pack

PARENT = 501
STRANGER = 502
LONG_ADDRESS = "Brīvības iela 1, Rīga " * 230  # over 5,000 characters


async def reminders(h: BotHarness, kind: str, state: str = "pending") -> list[Reminder]:
    return sorted(await h.reminders(kind, state), key=lambda r: r.id)


def seen_by(sent: list[Outgoing], chat_id: int) -> list[Outgoing]:
    """What one user saw of the bot's answer: messages to their chat and button answers."""
    return [item for item in sent if item.chat_id in (chat_id, None)]


async def count(h: BotHarness, table: str) -> int:
    async with h.services.db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def confirm_delivery(h: BotHarness, user_id: int = PARENT) -> None:
    """The parent goes through every step for Anna."""
    user = h.user(user_id, "en")
    await h.tg.press(user, pack("ml", "start", h.world.pupil_id))
    await h.tg.send(user, "Brīvības iela 10-5, Rīga, LV-1010")
    await h.tg.send(user, "26 123 456")
    await h.tg.press_label(user, "Done")
    await h.tg.press_label(user, "No note")
    await h.tg.press_label(user, "I agree")


async def setup(h: BotHarness) -> int:
    caterer = await add_caterer(h.services.db)
    await link(h.services.db, PARENT, Role.GUARDIAN, h.world.guardian_id)
    await h.tg.send(h.user(PARENT, "en"), "/start")
    return caterer


async def test_parent_sees_which_child_may_get_meals_and_why_not(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(PARENT, "en")
    await harness.tg.send(user, "/start")
    sent = await harness.tg.press_label(user, "Meals at home")
    text = sent[-1].text
    assert "Anna Ozola may get meals delivered home." in text
    assert "Līga Ozola cannot get meals delivered home now, because:" in text
    assert "there is no support plan for semester 1 of 2026/2027" in text
    assert any("Confirm delivery for Anna Ozola" in b for b in sent[-1].button_texts)
    assert not any("Līga" in b for b in sent[-1].button_texts)


async def test_a_pupil_sees_that_a_parent_confirms_and_gets_no_confirm_button(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await link(harness.services.db, 503, Role.PUPIL, harness.world.pupil_id)
    user = harness.user(503, "en")
    await harness.tg.send(user, "/start")
    sent = await harness.tg.press_label(user, "Meals at home")
    assert "Anna Ozola may get meals delivered home." in sent[-1].text
    assert "A parent can confirm the delivery here in the bot." in sent[-1].text
    assert "Please confirm the address" not in sent[-1].text
    assert not any("Confirm delivery" in b for b in sent[-1].button_texts)


async def test_parent_confirms_address_phone_days_and_consent(harness: BotHarness) -> None:
    await setup(harness)
    await confirm_delivery(harness)
    sub = await harness.services.meals.child(
        await actor_of(harness.services, PARENT), harness.world.pupil_id
    )
    assert sub.subscription is not None
    assert sub.subscription.phone == "+37126123456"
    assert sub.subscription.days == "12345"
    assert sub.subscription.state == "active"
    # Tue 1 Dec 09:00: Wednesday's cut-off (Tue 14:00) is still open; a week is planned.
    days = [r.event_at for r in await reminders(harness, "meal_confirm")]
    assert len(days) == 5
    last = harness.api.last_bot_message(PARENT).text
    assert "Delivery confirmed" in last and "Brīvības iela 10-5" in last


async def test_days_can_be_chosen_and_none_is_refused(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(PARENT, "en")
    await harness.tg.press(user, pack("ml", "start", harness.world.pupil_id))
    await harness.tg.send(user, "Brīvības iela 10-5, Rīga")
    await harness.tg.send(user, "+371 61234567")
    for day in "12345":
        await harness.tg.press(user, pack("ml", "day", harness.world.pupil_id, day))
    sent = await harness.tg.press_label(user, "Done")
    assert sent[-1].alert and "at least one day" in sent[-1].text
    await harness.tg.press(user, pack("ml", "day", harness.world.pupil_id, "3"))
    await harness.tg.press_label(user, "Done")
    await harness.tg.send(user, "Bez laktozes")
    await harness.tg.press_label(user, "I agree")
    child = await harness.services.meals.child(
        await actor_of(harness.services, PARENT), harness.world.pupil_id
    )
    assert child.subscription is not None
    assert (child.subscription.days, child.subscription.dietary_note) == ("3", "Bez laktozes")


async def test_bad_input_gets_a_clear_answer_and_stores_nothing(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(PARENT, "en")
    await harness.tg.press(user, pack("ml", "start", harness.world.pupil_id))
    sent = await harness.tg.send(user, LONG_ADDRESS)
    assert "too long" in sent[-1].text and "300" in sent[-1].text
    sent = await harness.tg.send_photo(user)
    assert "waiting for a text message" in sent[-1].text
    await harness.tg.send(user, "Brīvības iela 10-5, Rīga")
    sent = await harness.tg.send(user, "call me maybe")
    assert "not a Latvian phone number" in sent[-1].text
    sent = await harness.tg.send(user, "12345678")
    assert "not a Latvian phone number" in sent[-1].text
    asked = harness.services.questions.peek_as(PARENT, MealAnswer)
    assert asked is not None and asked.draft.step == "phone" and asked.draft.phone == ""
    assert await count(harness, "meal_subscriptions") == 0


async def test_forged_buttons_are_refused_and_change_nothing(harness: BotHarness) -> None:
    await setup(harness)
    stranger = harness.user(STRANGER, "en")
    await link(harness.services.db, STRANGER, Role.PUPIL, harness.world.second_pupil_id)
    await harness.tg.send(stranger, "/start")
    for data in (
        pack("ml", "start", harness.world.pupil_id),
        pack("ml", "ok", harness.world.pupil_id),
        pack("ml", "pause", harness.world.pupil_id),
        pack("ml", "start", "x1"),
        "ml:rcv:99999",
    ):
        sent = await harness.tg.press(stranger, data)
        assert sent[-1].alert, data
        assert "not for you" in sent[-1].text
    assert await count(harness, "meal_subscriptions") == 0


async def test_a_skipped_step_button_from_an_old_message_is_refused(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(PARENT, "en")
    await harness.tg.press(user, pack("ml", "start", harness.world.pupil_id))
    sent = await harness.tg.press(user, pack("ml", "ok", harness.world.pupil_id))
    assert sent[-1].alert
    assert await count(harness, "meal_subscriptions") == 0


async def test_change_pause_resume_and_stop(harness: BotHarness) -> None:
    await setup(harness)
    await confirm_delivery(harness)
    user = harness.user(PARENT, "en")
    pid = harness.world.pupil_id
    # Change: keep the address, new phone.
    await harness.tg.press(user, pack("ml", "start", pid))
    await harness.tg.press_label(user, "Keep")
    await harness.tg.send(user, "61234567")
    await harness.tg.press_label(user, "Done")
    await harness.tg.press_label(user, "No note")
    await harness.tg.press_label(user, "I agree")
    child = await harness.services.meals.child(await actor_of(harness.services, PARENT), pid)
    assert child.subscription is not None and child.subscription.phone == "+37161234567"
    assert child.subscription.address.startswith("Brīvības iela 10-5")
    assert await count(harness, "meal_deliveries") == 5

    sent = await harness.tg.press(user, pack("ml", "pause", pid))
    assert "paused" in sent[-1].text
    assert await count(harness, "meal_deliveries") == 0
    assert await reminders(harness, "meal_tomorrow") == []

    sent = await harness.tg.press(user, pack("ml", "resume", pid))
    assert "Delivery confirmed" in sent[-1].text
    assert await count(harness, "meal_deliveries") == 5

    await harness.tg.press(user, pack("ml", "stop", pid))
    sent = await harness.tg.press_label(user, "Yes, stop")
    assert "Delivery stopped" in sent[-1].text
    assert await count(harness, "meal_deliveries") == 0


async def test_after_the_cutoff_a_pause_keeps_the_fixed_delivery(harness: BotHarness) -> None:
    await setup(harness)
    await confirm_delivery(harness)
    harness.services.clock.set(harness.services.clock.now().replace(hour=13))  # 15:00 Riga
    await harness.tg.press(harness.user(PARENT, "en"), pack("ml", "pause", harness.world.pupil_id))
    assert await count(harness, "meal_deliveries") == 1  # Wednesday's is cooked already


async def test_other_text_falls_through_when_nothing_is_awaited(harness: BotHarness) -> None:
    await setup(harness)
    sent = await harness.tg.send(harness.user(PARENT, "en"), "hello")
    assert sent[-1].text.startswith("I am a bot")


async def test_cancel_forgets_the_draft(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(PARENT, "en")
    await harness.tg.press(user, pack("ml", "start", harness.world.pupil_id))
    sent = await harness.tg.press_label(user, "Cancel")
    assert "nothing was changed" in sent[-1].text
    sent = await harness.tg.send(user, "Brīvības iela 10-5, Rīga")
    assert sent[-1].text.startswith("I am a bot")


async def test_school_without_a_caterer_is_told_so(harness: BotHarness) -> None:
    await link(harness.services.db, PARENT, Role.GUARDIAN, harness.world.guardian_id)
    await harness.tg.send(harness.user(PARENT, "en"), "/start")
    sent = await harness.tg.press(
        harness.user(PARENT, "en"), pack("ml", "start", harness.world.pupil_id)
    )
    assert sent[-1].alert and "no caterer" in sent[-1].text


async def test_a_latvian_parent_reads_the_answer_in_latvian(harness: BotHarness) -> None:
    await setup(harness)
    sent = await harness.tg.press(harness.user(PARENT, "lv"), pack("ml", "menu"))
    assert "Anna Ozola var saņemt ēdienu mājās." in sent[-1].text
    assert "nav atbalsta plāna 2026/2027. mācību gada 1. semestrim" in sent[-1].text
