"""A specialist who works in several schools, through the real Application: one person,
one Telegram account linked by each school's code, time published per school, one inbox
and one week, and a pupil of each school booking that school's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.models import Role
from bot.localchat import Outgoing
from tests.conftest import BotHarness
from tests.factories import actor_of, link

RIGA = ZoneInfo("Europe/Riga")
ANNA, JANIS, DACE = 101, 107, 301
S1_NAME, S2_NAME = "Rīgas 1. vidusskola", "Daugavpils tehnikums"


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


def data_of(harness: BotHarness, chat_id: int) -> list[str]:
    return [d for row in harness.api.last_bot_message(chat_id).buttons for _, d in row]


def labels_of(harness: BotHarness, chat_id: int) -> list[str]:
    return [label for row in harness.api.last_bot_message(chat_id).buttons for label, _ in row]


def texts_to(sent: list[Outgoing], chat_id: int) -> str:
    return "\n".join(item.text for item in sent if item.chat_id == chat_id)


async def two_schools(harness: BotHarness) -> tuple[int, int]:
    """Dace Liepa is the psychologist of S1 and, as a record of its own, of S2 (both on
    duty); Jānis of S2 gets a plan with emotional support. Dace links both schools' codes
    to one account; Anna (S1) and Jānis (S2) are linked."""
    world, db = harness.world, harness.services.db
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO specialists (school_id, external_id, display_name, kind, on_duty)"
            " VALUES ('S2', 'PS-9', 'Dace Liepa', 'psychologist', 1)"
        )
        second = int(cursor.lastrowid or 0)
        plan = await conn.execute(
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on) VALUES ('S2', 'IAP-9', ?, '2026/2027', 1, '2026-09-01',"
            " '2026-12-31')",
            (world.other_school_pupil_id,),
        )
        await conn.execute(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted)"
            " VALUES (?, 'emotional_support', '', 2)",
            (plan.lastrowid,),
        )
    await link(db, ANNA, Role.PUPIL, world.pupil_id)
    await link(db, JANIS, Role.PUPIL, world.other_school_pupil_id)
    dace = harness.user(DACE)
    for school in ("S1", "S2"):
        codes = await harness.services.linking.issue_codes(school, [Role.SPECIALIST])
        code = next(c.code for c in codes if c.display_name == "Dace Liepa")
        sent = await harness.tg.send(dace, f"/start {code}")
        assert "Dace Liepa" in sent[0].text
    return world.psychologist_id, second


async def test_one_account_publishes_per_school_and_sees_one_inbox_and_one_week(
    harness: BotHarness,
) -> None:
    first, second = await two_schools(harness)
    actor = await actor_of(harness.services, DACE)
    assert actor.role == Role.SPECIALIST and set(actor.specialist_ids) == {first, second}
    dace = harness.user(DACE)
    # Requests wait for her, in both schools, from one switch.
    await harness.tg.press(dace, "sp:free")
    await harness.tg.press(dace, "sp:auto:0")
    async with harness.services.db.reader.execute(
        "SELECT specialist_id FROM specialist_settings WHERE auto_confirm = 0"
    ) as cursor:
        assert {row[0] for row in await cursor.fetchall()} == {first, second}
    # Time is published per school: she is asked which.
    await harness.tg.press(dace, "sp:one")
    assert labels_of(harness, DACE)[:2] == [S1_NAME, S2_NAME]
    assert data_of(harness, DACE)[:2] == [f"sp:oneat:{first}", f"sp:oneat:{second}"]
    await harness.tg.press(dace, f"sp:oneat:{first}")
    await harness.tg.send(dace, "3.12 10:00-10:45")
    await harness.tg.press(dace, "sp:one")
    await harness.tg.press(dace, f"sp:oneat:{second}")
    await harness.tg.send(dace, "3.12 12:00-12:45")
    # One person is in one school at a time: an overlap with the other school's is refused.
    await harness.tg.press(dace, "sp:one")
    await harness.tg.press(dace, f"sp:oneat:{second}")
    await harness.tg.send(dace, "3.12 10:15-11:00")
    await harness.tg.press(dace, "sp:wk")
    await harness.tg.press(dace, f"sp:wkat:{second}")
    await harness.tg.press(dace, f"sp:wdat:{second}:4")
    await harness.tg.send(dace, "15:00-16:00 60")
    screen = harness.api.last_bot_message(DACE)
    assert f"15:00-16:00, pa 60 min · {S2_NAME}" in screen.text
    assert any(S1_NAME in label for label in labels_of(harness, DACE))
    async with harness.services.db.reader.execute(
        "SELECT specialist_id, starts_at FROM slots WHERE starts_at < '2026-12-04'"
    ) as cursor:
        made = {
            (row[0], f"{datetime.fromisoformat(row[1]).astimezone(RIGA):%H:%M}")
            for row in await cursor.fetchall()
        }
    # 3.12 is a Thursday: the weekly hours of S2 start that day; 10:15 was refused.
    assert made == {(first, "10:00"), (second, "12:00"), (second, "15:00")}

    # Each pupil sees and books their own school's time; the booking is their school's.
    booking = harness.services.booking
    found = {}
    for chat, pupil in (
        (ANNA, harness.world.pupil_id),
        (JANIS, harness.world.other_school_pupil_id),
    ):
        pupil_actor = await actor_of(harness.services, chat)
        support = next(o for o in await booking.offers(pupil_actor, pupil) if not o.subject)
        page = await booking.slot_page(pupil_actor, pupil, support.measure_id)
        assert {s.specialist_id for s in page.slots} == {first if chat == ANNA else second}
        change = await booking.book(pupil_actor, pupil, support.measure_id, page.slots[0].id)
        found[chat] = change.booking.id
    anna, janis = found[ANNA], found[JANIS]
    # One inbox: both requests, each with its school.
    sent = await harness.tg.press(dace, "sp:in")
    (screen,) = [item for item in sent if item.method == "editMessageText"]
    inbox = {data: label for row in screen.buttons for label, data in row}
    assert S1_NAME in inbox[f"sp:b:{anna}"] and S2_NAME in inbox[f"sp:b:{janis}"]
    # The requests' notices, sent meanwhile, name the school too.
    told = texts_to(sent, DACE)
    assert f"Anna Ozola, ceturtd., 3. dec., 10:00.\nSkola: {S1_NAME}" in told
    await harness.tg.press(dace, f"sp:b:{janis}")
    assert f"Skola: {S2_NAME}" in harness.api.last_bot_message(DACE).text
    await harness.tg.press(dace, f"sp:acc:{janis}")
    await harness.tg.press(dace, f"sp:acc:{anna}")
    # One week, both schools' sessions.
    await harness.tg.send(dace, "/week")
    week = harness.api.last_bot_message(DACE).text
    assert "Anna Ozola" in week and "Jānis Bērziņš" in week
    assert S1_NAME in week and S2_NAME in week
    # One agenda in the morning, not one per school.
    (agenda,) = await harness.reminders("agenda", chat_id=DACE)
    reply = await harness.renderer("agenda")(agenda, harness.texts("lv"))
    assert reply is not None
    assert f"Anna Ozola · {S1_NAME}" in reply.text
    assert f"Jānis Bērziņš · {S2_NAME}" in reply.text


async def test_notices_name_the_school_and_an_alert_comes_from_the_pupils_school(
    harness: BotHarness,
) -> None:
    _, second = await two_schools(harness)
    actor = await actor_of(harness.services, DACE)
    await harness.services.availability.add_one_off(actor, "3.12 12:00-12:45", second)
    janis = harness.user(JANIS)
    pupil = harness.world.other_school_pupil_id
    pupil_actor = await actor_of(harness.services, JANIS)
    support = (await harness.services.booking.offers(pupil_actor, pupil))[0]
    page = await harness.services.booking.slot_page(pupil_actor, pupil, support.measure_id)
    await harness.tg.send(janis, "/start")
    await harness.tg.press(janis, f"bk:s:{pupil}:{support.measure_id}:{page.slots[0].id}")
    sent = await harness.tg.press(janis, f"bk:c:{pupil}:{support.measure_id}:{page.slots[0].id}")
    sent += await harness.tg.press(janis, f"bk:ok:{pupil}:{support.measure_id}:{page.slots[0].id}")
    told = texts_to(sent, DACE)
    assert "Jānis Bērziņš" in told and f"Skola: {S2_NAME}" in told
    # Words of crisis from a pupil of S2 reach her as S2's on-duty specialist.
    sent = await harness.tg.send(janis, "I want to kill myself")
    assert S2_NAME in texts_to(sent, DACE)


async def test_the_same_person_in_two_schools_still_links_nothing_else(
    harness: BotHarness,
) -> None:
    await two_schools(harness)
    pupil_codes = await harness.services.linking.issue_codes("S1", [Role.PUPIL])
    code = next(c.code for c in pupil_codes if c.display_name == "Līga Ozola")
    sent = await harness.tg.send(harness.user(DACE), f"/start {code}")
    assert sent[0].text.startswith("Šo kodu nevar izmantot.")
    assert (await actor_of(harness.services, DACE)).pupil is None
