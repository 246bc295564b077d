"""Erasing an account leaves no trace of the person, and their chat gets nothing more."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.domain.models import Role
from storage import Database
from tests.conftest import BotHarness
from tests.factories import actor_of, add_caterer, add_internship_plan, add_slot, link, pack

RIGA = ZoneInfo("Europe/Riga")
ADDRESS = "Kalnciema iela 77-5, Rīga"
PHONE = "29998877"
NOTE = f"Lūdzu zvaniet {PHONE}, dzīvoju {ADDRESS}"
# The school's register keeps names: those tables are the school's, not the person's.
REGISTER = {"pupils", "guardians", "specialists", "coordinators", "caterers"}
ROLES = {
    "pupil": 7_700_001,
    "guardian": 7_700_002,
    "specialist": 7_700_003,
    "coordinator": 7_700_004,
    "caterer": 7_700_005,
}


async def traces(db: Database, telegram_id: int, name: str) -> list[str]:
    """Every cell in every table that still holds the person's id, name, address or phone."""
    found = []
    async with db.reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        tables = [row[0] for row in await cursor.fetchall()]
    for table in tables:
        async with db.reader.execute(f"SELECT * FROM {table}") as cursor:
            columns = [d[0] for d in cursor.description]
            for row in await cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = str(value)
                    if (
                        value == telegram_id
                        or str(telegram_id) in text
                        or ADDRESS in text
                        or PHONE in text
                        or (name in text and table not in REGISTER)
                    ):
                        found.append(f"{table}.{column} = {text[:60]}")
    return found


async def code_for(harness: BotHarness, role: Role, name: str, school: str = "S1") -> str:
    codes = await harness.services.linking.issue_codes(school, [role])
    return next(c.code for c in codes if c.display_name == name)


async def act_as_pupil(harness: BotHarness, user_id: int) -> str:
    user = harness.user(user_id)
    await harness.tg.send(user, f"/start {await code_for(harness, Role.PUPIL, 'Anna Ozola')}")
    await harness.tg.send(user, "es gribu nogalināt sevi")  # a crisis event names the account
    measure = await maths(harness)
    slot = await add_slot(harness.services.db, harness.world.teacher_id, at(3, 14))
    pupil = harness.world.pupil_id
    await harness.tg.press(user, f"bk:s:{pupil}:{measure}:{slot}")
    await harness.tg.send(user, NOTE)
    await harness.tg.press(user, f"bk:ok:{pupil}:{measure}:{slot}")
    await harness.tg.press(user, "rs:off:60")  # a reminder setting of the account
    return "Anna Ozola"


async def act_as_guardian(harness: BotHarness, user_id: int) -> str:
    user = harness.user(user_id, "en")
    await add_caterer(harness.services.db)
    await harness.tg.send(user, f"/start {await code_for(harness, Role.GUARDIAN, 'Inese Ozola')}")
    await harness.tg.press(user, pack("ml", "start", harness.world.pupil_id))
    await harness.tg.send(user, ADDRESS)
    await harness.tg.send(user, PHONE)
    await harness.tg.press_label(user, "Done")
    await harness.tg.send(user, NOTE[:100])
    await harness.tg.press_label(user, "I agree")
    slot = await add_slot(harness.services.db, harness.world.teacher_id, at(4, 14))
    pupil, measure = harness.world.pupil_id, await maths(harness)
    await harness.tg.press(user, f"bk:s:{pupil}:{measure}:{slot}")
    await harness.tg.send(user, NOTE)
    await harness.tg.press(user, f"bk:ok:{pupil}:{measure}:{slot}")
    return "Inese Ozola"


async def act_as_specialist(harness: BotHarness, user_id: int) -> str:
    user = harness.user(user_id)
    await harness.tg.send(
        user, f"/start {await code_for(harness, Role.SPECIALIST, 'Pēteris Kalniņš')}"
    )
    await link(harness.services.db, 7_800_001, Role.PUPIL, harness.world.pupil_id)
    pupil = await actor_of(harness.services, 7_800_001)
    measure = await maths(harness)
    for day in (3, 4):
        slot = await add_slot(harness.services.db, harness.world.teacher_id, at(day, 14))
        await harness.services.booking.book(pupil, harness.world.pupil_id, measure, slot)
    await harness.tg.send(user, "/week")  # a read of the pupil's sessions, audited
    first, second = await booking_ids(harness)
    await harness.tg.press(user, f"sp:call:{first}")
    await harness.tg.send(user, f"Es jums piezvanīšu no {PHONE}")
    await harness.tg.press(user, f"sp:cx:{second}")
    await harness.tg.send(user, f"Esmu slima, zvaniet {PHONE}")
    await deliver(harness)  # the notices go out (sent to the pupil: chats of others)
    return "Pēteris Kalniņš"


async def act_as_coordinator(harness: BotHarness, user_id: int) -> str:
    user = harness.user(user_id)
    await add_internship_plan(harness.services.db, harness.world.other_school_pupil_id)
    await harness.tg.send(
        user, f"/start {await code_for(harness, Role.COORDINATOR, 'Rita Eglīte', 'S2')}"
    )
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
            " amount_cents, ticket_file_id, submitted_by, submitted_at)"
            " VALUES (?, 'S2', '2026-11-20', '2026-11-21', 500, 'file', 1, '2026-11-22')",
            (harness.world.other_school_pupil_id,),
        )
    await harness.tg.press(user, "cl:list")
    await harness.tg.press(user, "cl:ok:1")
    await harness.tg.press(user, "au:ask")
    await harness.tg.send(user, "P9")
    return "Rita Eglīte"


async def act_as_caterer(harness: BotHarness, user_id: int) -> str:
    caterer = await add_caterer(harness.services.db)
    async with harness.services.db.write() as conn:
        sub = await conn.execute(
            "INSERT INTO meal_subscriptions (pupil_id, address, phone, days, consent_at, state,"
            " created_by, updated_at) VALUES (?, 'Other street 1', '+37126123456', '12345',"
            " '2026-11-01', 'active', 1, '2026-11-01')",
            (harness.world.pupil_id,),
        )
        await conn.execute(
            "INSERT INTO meal_deliveries (subscription_id, caterer_id, school_id, day)"
            " VALUES (?, ?, 'S1', '2026-12-01')",
            (sub.lastrowid, caterer),
        )
    user = harness.user(user_id)
    await harness.tg.send(user, f"/start {await code_for(harness, Role.CATERER, 'Caterer CAT-1')}")
    await harness.tg.press(user, "ct:day")
    await harness.tg.press(user, "ct:ok:1")
    return "Caterer CAT-1"


ACTS = {
    "pupil": act_as_pupil,
    "guardian": act_as_guardian,
    "specialist": act_as_specialist,
    "coordinator": act_as_coordinator,
    "caterer": act_as_caterer,
}


async def deliver(harness: BotHarness) -> None:
    """What the reminder jobs send when they wake."""
    assert harness.tg.deliver is not None
    await harness.tg.deliver()


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=RIGA)


async def maths(harness: BotHarness) -> int:
    async with harness.services.db.reader.execute(
        "SELECT id FROM plan_measures WHERE kind = 'subject_consultation'"
    ) as cursor:
        return int((await cursor.fetchone())[0])


async def booking_ids(harness: BotHarness) -> list[int]:
    async with harness.services.db.reader.execute("SELECT id FROM bookings ORDER BY id") as cur:
        return [int(row[0]) for row in await cur.fetchall()]


@pytest.mark.parametrize("role", list(ROLES))
async def test_erasing_leaves_no_trace_and_the_chat_gets_nothing_more(
    harness: BotHarness, clock: FakeClock, role: str
) -> None:
    telegram_id = ROLES[role]
    name = await ACTS[role](harness, telegram_id)
    await deliver(harness)
    assert await traces(harness.services.db, telegram_id, name), "the scenario left no trace"
    user = harness.user(telegram_id)
    sent = await harness.tg.press(user, "me:erase_ok")
    assert any(
        item.text
        in ("Tavs konts ir izdzēsts.", "Jūsu konts ir izdzēsts.", "Your account was erased.")
        for item in sent
    )

    assert await traces(harness.services.db, telegram_id, name) == []
    # Nothing is planned or sent to the chat any more: not by the nightly job, not later.
    before = len(harness.api.outgoing)
    for _ in range(10):
        await harness.services.deliveries.plan_ahead()
        clock.advance(timedelta(hours=12))
        await deliver(harness)
    assert [o for o in harness.api.outgoing[before:] if o.chat_id == telegram_id] == []
    assert await traces(harness.services.db, telegram_id, name) == []


async def test_after_a_parent_erased_the_other_parent_confirms_meals_afresh(
    harness: BotHarness,
) -> None:
    await act_as_guardian(harness, ROLES["guardian"])
    await harness.tg.press(harness.user(ROLES["guardian"], "en"), "me:erase_ok")
    other = harness.user(7_700_099, "en")
    await link(harness.services.db, other.id, Role.GUARDIAN, harness.world.guardian_id)
    await harness.tg.send(other, "/start")
    sent = await harness.tg.press(other, pack("ml", "start", harness.world.pupil_id))
    assert not any("Keep" in label for label in sent[-1].button_texts)
    assert "-----" not in sent[-1].text
