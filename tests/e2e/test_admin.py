"""🏫 My school end to end: a code, unlinking, who left, a new specialist, who is on duty,
a message to families, and a coordinator of another school who can do none of it."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.errors import NotAllowed
from bot.domain.models import Role
from bot.localchat.transport import Outgoing
from tests.conftest import RIGA, BotHarness
from tests.factories import actor_of, add_internship_plan, add_slot, link, pack

COORDINATOR = 901
ANNA = 902
PARENT = 903
TEACHER = 904
OTHER = 905  # the coordinator of school S2
REGIONAL = 906
SESSION = datetime(2026, 12, 9, 14, 0, tzinfo=RIGA)


def mine(sent: list[Outgoing]) -> list[Outgoing]:
    """The coordinator's own messages in what the bot did."""
    return [item for item in sent if item.chat_id == COORDINATOR]


async def setup(h: BotHarness) -> None:
    db = h.services.db
    await link(db, COORDINATOR, Role.COORDINATOR, h.world.coordinator_id)
    await link(db, ANNA, Role.PUPIL, h.world.pupil_id)
    await link(db, PARENT, Role.GUARDIAN, h.world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, h.world.teacher_id)
    await link(
        db, OTHER, Role.COORDINATOR, await add_internship_plan(db, h.world.other_school_pupil_id)
    )
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO coordinators (region_id, external_id, display_name)"
            " VALUES ('R1', 'RK1', 'Regional')"
        )
    await link(db, REGIONAL, Role.COORDINATOR, int(cursor.lastrowid or 0))
    for user in (COORDINATOR, ANNA, PARENT, TEACHER, OTHER, REGIONAL):
        await h.tg.send(h.user(user, "en"), "/start")


async def book_anna(h: BotHarness) -> int:
    """Anna books maths with the teacher (confirmed at once)."""
    slot = await add_slot(h.services.db, h.world.teacher_id, SESSION)
    anna = await actor_of(h.services, ANNA)
    maths = next(o for o in await h.services.booking.offers(anna, h.world.pupil_id) if o.subject)
    change = await h.services.booking.book(anna, h.world.pupil_id, maths.measure_id, slot)
    return change.booking.id


async def open_anna(h: BotHarness) -> list[str]:
    user = h.user(COORDINATOR, "en")
    await h.tg.press_label(user, "My school")
    await h.tg.press_label(user, "Pupils")
    sent = await h.tg.press_label(user, "Grade 7")
    assert "🔗 Anna Ozola" in sent[-1].button_texts
    sent = await h.tg.press_label(user, "Anna Ozola")
    return sent[-1].text.splitlines()


async def test_a_new_code_for_one_person_replaces_the_lost_one(harness: BotHarness) -> None:
    await setup(harness)
    issued = await harness.services.linking.issue_codes("S1", [Role.GUARDIAN])
    lines = await open_anna(harness)
    assert lines[0] == "👤 Anna Ozola" and "Linked Telegram accounts: 1" in lines
    await harness.tg.press_label(harness.user(COORDINATOR, "en"), "Back")
    sent = await harness.tg.press_label(harness.user(COORDINATOR, "en"), "Anna Ozola")
    sent = await harness.tg.press_label(harness.user(COORDINATOR, "en"), "New one-time code")
    text = sent[-1].text
    assert text.startswith("New one-time code for Anna Ozola: ")
    code = text.split(": ", 1)[1].split("\n")[0]
    # The new code links a new phone; the parent's code from before still works (another person).
    sent = await harness.tg.send(harness.user(910, "en"), code)
    assert "linked as pupil: Anna Ozola" in sent[0].text
    sent = await harness.tg.send(harness.user(911, "en"), issued[0].code)
    assert "linked as parent or guardian" in sent[0].text


async def test_a_second_new_code_makes_the_first_useless(harness: BotHarness) -> None:
    await setup(harness)
    coordinator = await actor_of(harness.services, COORDINATOR)
    _, first = await harness.services.admin.new_code(
        coordinator, Role.PUPIL, harness.world.second_pupil_id
    )
    _, second = await harness.services.admin.new_code(
        coordinator, Role.PUPIL, harness.world.second_pupil_id
    )
    sent = await harness.tg.send(harness.user(912, "en"), first.code)
    assert "This code cannot be used" in sent[-1].text
    sent = await harness.tg.send(harness.user(912, "en"), second.code)
    assert "Līga Ozola" in sent[0].text


async def test_unlinking_a_lost_phone_stops_its_messages(harness: BotHarness) -> None:
    await setup(harness)
    await book_anna(harness)
    assert await harness.reminders("session", "pending", ANNA)
    await open_anna(harness)
    sent = await harness.tg.press_label(harness.user(COORDINATOR, "en"), "Unlink Telegram")
    assert "Linked Telegram accounts: 0" in mine(sent)[-1].text
    assert not await harness.reminders(None, "pending", ANNA)
    sent = await harness.tg.send(harness.user(ANNA, "en"), "/start")
    assert "enter the one-time code" in sent[-1].text
    async with harness.services.uow.read() as tx:
        audit = await tx.audit.of_subject(f"pupil:{harness.world.pupil_id}")
    assert "unlinked" in [a.action for a in audit]


async def test_a_pupil_who_left_gets_nothing_and_the_specialist_is_told(
    harness: BotHarness,
) -> None:
    await setup(harness)
    booking = await book_anna(harness)
    await open_anna(harness)
    user = harness.user(COORDINATOR, "en")
    sent = await harness.tg.press_label(user, "Mark as left")
    assert "Mark Anna Ozola as left?" in sent[-1].text
    sent = await harness.tg.press_label(user, "Yes, mark as left")
    assert "Sessions cancelled: 1; accounts unlinked: 1." in mine(sent)[-1].text
    (told,) = [o for o in sent if o.chat_id == TEACHER]
    assert told.text.startswith("Cancelled: Consultation: Matemātika with Anna Ozola")
    assert "The school cancelled it" in told.text
    assert not [o for o in sent if o.chat_id == ANNA]
    # The parent sees only the other child now; the history stays.
    sent = await harness.tg.send(harness.user(PARENT, "en"), "/start")
    parent = await actor_of(harness.services, PARENT)
    assert [c.name for c in parent.children] == ["Līga Ozola"]
    kept = await harness.services.booking.booking(
        await actor_of(harness.services, TEACHER), booking
    )
    assert kept.state == "cancelled" and kept.ended_by == Role.COORDINATOR
    sent = await harness.tg.press(user, pack("ad", "who", "pupil", harness.world.pupil_id))
    assert "Marked as left on Dec 1, 2026" in sent[-1].text
    assert "New one-time code" not in " ".join(sent[-1].button_texts)
    sent = await harness.tg.press(user, pack("ad", "code", "pupil", harness.world.pupil_id))
    assert sent[-1].alert and "marked as having left" in sent[-1].text


async def test_a_specialist_who_left_is_off_duty_with_no_free_time(harness: BotHarness) -> None:
    await setup(harness)
    await book_anna(harness)
    free = await add_slot(harness.services.db, harness.world.teacher_id, SESSION.replace(day=10))
    coordinator = await actor_of(harness.services, COORDINATOR)
    done = await harness.services.admin.mark_left(
        coordinator, Role.SPECIALIST, harness.world.teacher_id
    )
    assert (done.bookings_ended, done.accounts_unlinked) == (1, 1)
    await harness.tg.deliver()  # type: ignore[misc]
    assert "The school cancelled it" in harness.api.last_bot_message(ANNA).text
    async with harness.services.db.reader.execute(
        "SELECT state FROM slots WHERE id = ?", (free,)
    ) as cursor:
        assert (await cursor.fetchone())[0] == "withdrawn"


async def test_a_specialist_is_added_in_the_chat_and_put_on_duty(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(COORDINATOR, "en")
    await harness.tg.press_label(user, "My school")
    sent = await harness.tg.press_label(user, "Add a specialist")
    assert "step 1 of 4" in sent[-1].text
    await harness.tg.send(user, "Zane Kalniņa")
    sent = await harness.tg.send(user, "Ķīmija")  # a button is expected here
    assert "choose one of the buttons" in sent[-1].text
    await harness.tg.press(user, pack("ad", "kind", "teacher"))
    sent = await harness.tg.send(user, "Ķīmija; Fizika")
    assert "Step 4 of 4" in sent[-1].text
    sent = await harness.tg.press_label(user, "Yes, on duty")
    text = sent[-1].text
    assert "Added." in text and "👤 Zane Kalniņa" in text and "teacher: Fizika, Ķīmija" in text
    assert "On duty for words of crisis: yes" in text
    async with harness.services.db.reader.execute(
        "SELECT external_id, on_duty FROM specialists WHERE display_name = 'Zane Kalniņa'"
    ) as cursor:
        assert tuple(await cursor.fetchone()) == ("CHAT-1", 1)
    # Who is on duty: the psychologist and Zane; take the psychologist off.
    await harness.tg.press_label(user, "Back")
    await harness.tg.press(user, pack("ad", "school", 0))
    sent = await harness.tg.press_label(user, "Who is on duty")
    assert "🛎 Dace Liepa" in sent[-1].button_texts and "🛎 Zane Kalniņa" in sent[-1].button_texts
    sent = await harness.tg.press_label(user, "🛎 Dace Liepa")
    assert sent[-1].text == "Off duty: Dace Liepa"
    assert "▫️ Dace Liepa" in mine(sent)[-1].button_texts
    async with harness.services.uow.read() as tx:
        assert len(await tx.people.on_duty_specialists("S1")) == 1
        assert harness.world.psychologist_id not in await tx.people.on_duty_specialists("S1")


async def test_a_message_to_the_parents_of_a_grade_is_confirmed_then_sent(
    harness: BotHarness,
) -> None:
    await setup(harness)
    user = harness.user(COORDINATOR, "en")
    await harness.tg.press_label(user, "My school")
    await harness.tg.press_label(user, "Message to families")
    await harness.tg.press_label(user, "Parents, grade 7")
    sent = await harness.tg.send(user, "Tomorrow the school is closed.")
    text = sent[-1].text
    assert text.startswith("To parents of grade 7: 1 people; 1 Telegram accounts will get it.")
    assert "Tomorrow the school is closed." in text
    assert not [o for o in sent if o.chat_id == PARENT]
    sent = await harness.tg.press_label(user, "Send to 1")
    (told,) = [o for o in sent if o.chat_id == PARENT]
    assert told.text == "📢 From Rīgas 1. vidusskola:\n\nTomorrow the school is closed."
    assert not [o for o in sent if o.chat_id in (ANNA, TEACHER)]
    async with harness.services.uow.read() as tx:
        audit = await tx.audit.of_subject("school:S1")
    assert [(a.action, a.detail) for a in audit] == [("broadcast", "guardians grade 7: 1")]


async def test_a_coordinator_of_another_school_can_do_none_of_it(harness: BotHarness) -> None:
    await setup(harness)
    anna, teacher = harness.world.pupil_id, harness.world.teacher_id
    for user_id in (OTHER, REGIONAL):
        user = harness.user(user_id, "en")
        for data in (
            pack("ad", "who", "pupil", anna),
            pack("ad", "code", "pupil", anna),
            pack("ad", "unlink", "pupil", anna),
            pack("ad", "leave", "pupil", anna),
            pack("ad", "left", "pupil", anna),
            pack("ad", "duty", 0, teacher, 0),
            pack("ad", "code", "guardian", harness.world.guardian_id),
            pack("ad", "left", "specialist", teacher),
            pack("ad", "school", 1),
            pack("ad", "addsp", 1),
            pack("ad", "aud", 1, "guardians", 0),
        ):
            sent = await harness.tg.press(user, data)
            assert sent[-1].alert and "not for you" in sent[-1].text, (user_id, data)
        actor = await actor_of(harness.services, user_id)
        with pytest.raises(NotAllowed):
            await harness.services.specialists.begin(actor, "S1")
        with pytest.raises(NotAllowed):
            await harness.services.messages.begin(actor, "S1", "guardians", None)  # type: ignore[arg-type]
    # Nothing changed: Anna is linked, the teacher on no duty, nobody left.
    assert (await actor_of(harness.services, ANNA)).is_linked
    async with harness.services.db.reader.execute(
        "SELECT count(*) FROM pupils WHERE left_on IS NOT NULL"
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0
