"""A person with a row in every later feature's table: exported, erased, pruned in time.

A parent joined the line for their child, booked a weekly series and took its calendar
file, asked to be contacted and talked with the teacher through the bot, got meals
delivered and confirmed an internship day; a coordinator sent a message to families,
returned a claim with a reason and made a payment file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.models import Role
from storage import Database, to_db_time
from tests.conftest import BotHarness
from tests.factories import actor_of, add_caterer, add_slot, link
from tests.waitlist_factories import maths_measure

PARENT = 7_900_002
TEACHER = 7_900_003
COORDINATOR = 7_900_004
BROADCAST = "Vecāku sapulce otrdien; zvaniet Ilzei 29111222"
REASON = "Biļete nav salasāma, zvaniet 29111222"


@dataclass
class Seeded:
    booking_id: int
    series_id: int
    claim_id: int


async def seed(harness: BotHarness, clock: FakeClock) -> Seeded:
    db, world = harness.services.db, harness.world
    await link(db, PARENT, Role.GUARDIAN, world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(db, COORDINATOR, Role.COORDINATOR, world.coordinator_id)
    now = clock.now()
    start = now + timedelta(days=2)
    booked = await add_slot(db, world.teacher_id, start)
    offered = await add_slot(db, world.teacher_id, now + timedelta(days=3))
    measure = await maths_measure(db, world.pupil_id)
    caterer = await add_caterer(db)
    stamp, later = to_db_time(now), to_db_time(start + timedelta(minutes=45))
    async with db.write() as conn:

        async def insert(sql: str, *args: object) -> int:
            cursor = await conn.execute(sql, args)
            return int(cursor.lastrowid or 0)

        series = await insert(
            "INSERT INTO series (pupil_id, specialist_id, plan_id, kind, subject, every_weeks,"
            " booked_by, created_at) VALUES (?, ?, ?, 'subject_consultation', 'Matemātika', 1,"
            " ?, ?)",
            world.pupil_id, world.teacher_id, world.plan_id, PARENT, stamp,
        )  # fmt: skip
        await conn.execute("UPDATE slots SET state = 'booked' WHERE id = ?", (booked,))
        booking = await insert(
            "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, note, created_at, updated_at,"
            " series_id) VALUES (?, ?, ?, ?, 'subject_consultation', 'Matemātika', ?, ?, 45, ?,"
            " 'confirmed', 'Lūdzu par daļskaitļiem', ?, ?, ?)",
            booked, world.pupil_id, world.teacher_id, world.plan_id, to_db_time(start), later,
            PARENT, stamp, stamp, series,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO calendar_copies (booking_id, telegram_id, sent_at) VALUES (?, ?, ?)",
            (booking, PARENT, stamp),
        )
        for state, closed in (("waiting", None), ("left", stamp)):
            entry = await insert(
                "INSERT INTO waitlist (pupil_id, measure_id, school_id, kind, subject,"
                " specialist_id, weekdays, day_parts, ends_on, state, queued_at, joined_by,"
                " created_at, closed_at) VALUES (?, ?, 'S1', 'subject_consultation',"
                " 'Matemātika', ?, 3, 2, '2026-12-31', ?, ?, ?, ?, ?)",
                world.pupil_id, measure, world.teacher_id, state, stamp, PARENT, stamp, closed,
            )  # fmt: skip
        await conn.execute(
            "INSERT INTO waitlist_offers (entry_id, slot_id, pupil_id, state, offered_at,"
            " expires_at, closed_at) VALUES (?, ?, ?, 'declined', ?, ?, ?)",
            (entry, offered, world.pupil_id, stamp, stamp, stamp),
        )
        alert = await insert(
            "INSERT INTO care_alerts (kind, telegram_id, writer_role, school_id, pupil_ids,"
            " created_at, taken_by, taken_name, taken_at) VALUES ('contact', ?, 'guardian',"
            " 'S1', ?, ?, ?, 'Pēteris Kalniņš', ?)",
            PARENT, f"[{world.pupil_id}]", stamp, TEACHER, stamp,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO relay_sessions (person_chat, person_role, person_name, staff_chat,"
            " staff_name, alert_id, opened_at, closes_at, ended_at, ended_by)"
            " VALUES (?, 'guardian', 'Inese Ozola', ?, 'Pēteris Kalniņš', ?, ?, ?, ?, ?)",
            (PARENT, TEACHER, alert, stamp, stamp, stamp, PARENT),
        )
        broadcast = await insert(
            "INSERT INTO broadcasts (school_id, audience, grade, text, sent_by, created_at,"
            " recipients) VALUES ('S1', 'guardians', NULL, ?, ?, ?, 1)",
            BROADCAST, COORDINATOR, stamp,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO reminders (chat_id, role, kind, ref, due_at, state, payload)"
            " VALUES (?, 'guardian', 'broadcast', ?, ?, 'sent', ?)",
            (PARENT, f"broadcast:{broadcast}", stamp, f'{{"broadcast_id": {broadcast}}}'),
        )
        subscription = await insert(
            "INSERT INTO meal_subscriptions (pupil_id, address, phone, days, consent_at, state,"
            " created_by, updated_at) VALUES (?, 'Kalnciema iela 77-5', '+37126123456',"
            " '12345', ?, 'active', ?, ?)",
            world.pupil_id, stamp, PARENT, stamp,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO meal_deliveries (subscription_id, caterer_id, school_id, day, state,"
            " receipt) VALUES (?, ?, 'S1', '2026-11-30', 'delivered', 'received')",
            (subscription, caterer),
        )
        await conn.execute(
            "INSERT INTO internship_days (pupil_id, day, confirmed_at) VALUES (?, '2026-11-30', ?)",
            (world.pupil_id, stamp),
        )
        claim = await insert(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
            " amount_cents, ticket_file_id, state, reason, submitted_by, submitted_at,"
            " decided_by, decided_at) VALUES (?, 'S1', '2026-11-20', '2026-11-21', 500,"
            " 'file', 'returned', ?, ?, ?, ?, ?)",
            world.pupil_id, REASON, PARENT, stamp, COORDINATOR, stamp,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO payment_exports (school_id, first_day, last_day, created_at,"
            " created_by, rows, total_cents) VALUES ('S1', '2026-11-01', '2026-11-30', ?, ?,"
            " 0, 0)",
            (stamp, COORDINATOR),
        )
    return Seeded(booking, series, claim)


async def cells_naming(db: Database, *values: object) -> list[str]:
    """``table.column`` of every cell holding one of the values, or text containing it."""
    found = []
    async with db.reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        tables = [row[0] for row in await cursor.fetchall()]
    for table in tables:
        async with db.reader.execute(f"SELECT * FROM {table}") as cursor:
            columns = [d[0] for d in cursor.description]
            for row in await cursor.fetchall():
                for column, cell in zip(columns, row, strict=True):
                    if any(cell == v or str(v) in str(cell) for v in values):
                        found.append(f"{table}.{column}")
    return sorted(set(found))


async def count(db: Database, table: str) -> int:
    async with db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_the_parents_and_the_coordinators_exports_hold_every_later_feature(
    harness: BotHarness, clock: FakeClock
) -> None:
    seeded = await seed(harness, clock)
    services = harness.services
    data = (await services.privacy.export(await actor_of(services, PARENT))).model_dump(mode="json")
    assert [(p["state"], p["weekdays"], p["day_parts"]) for p in data["waitlist"]] == [
        ("waiting", 3, 2),
        ("left", 3, 2),
    ]
    assert data["waitlist"][1]["offers"][0]["state"] == "declined"
    assert data["waitlist"][0]["specialist_name"] == "Pēteris Kalniņš"
    [series] = data["series"]
    assert (series["id"], series["every_weeks"], series["booked_by"]) == (
        seeded.series_id,
        1,
        PARENT,
    )
    assert [b["series_id"] for b in data["bookings"]] == [seeded.series_id]
    assert [c["booking_id"] for c in data["calendar_copies"]] == [seeded.booking_id]
    [alert] = data["alerts"]
    assert (alert["kind"], alert["taken_name"]) == ("contact", "Pēteris Kalniņš")
    assert [c["with_name"] for c in data["conversations"]] == ["Pēteris Kalniņš"]
    assert [(d["day"], d["receipt"]) for d in data["meal_deliveries"]] == [
        ("2026-11-30", "received")
    ]
    assert [d["day"] for d in data["internship_days"]] == ["2026-11-30"]
    assert data["broadcasts"] == []  # the parent received it; the coordinator wrote it

    staff = (await services.privacy.export(await actor_of(services, COORDINATOR))).model_dump(
        mode="json"
    )
    assert [(b["text"], b["recipients"]) for b in staff["broadcasts"]] == [(BROADCAST, 1)]
    assert staff["waitlist"] == [] and staff["series"] == [] and staff["alerts"] == []


async def test_erasing_the_parent_and_the_coordinator_leaves_no_id_or_words(
    harness: BotHarness, clock: FakeClock
) -> None:
    seeded = await seed(harness, clock)
    db, services = harness.services.db, harness.services
    before = await cells_naming(db, PARENT, COORDINATOR, BROADCAST, REASON)
    assert {
        "broadcasts.sent_by",
        "broadcasts.text",
        "calendar_copies.telegram_id",
        "payment_exports.created_by",
        "series.booked_by",
        "transport_claims.reason",
        "waitlist.joined_by",
    } <= set(before)
    for telegram_id in (PARENT, COORDINATOR):
        await services.privacy.erase(await actor_of(services, telegram_id))

    assert await cells_naming(db, PARENT, COORDINATOR, BROADCAST, REASON) == []
    # The school's records stay, naming nobody.
    assert (await count(db, "series"), await count(db, "waitlist")) == (1, 2)
    assert await count(db, "payment_exports") == 1
    async with db.reader.execute(
        "SELECT state FROM transport_claims WHERE id = ?", (seeded.claim_id,)
    ) as cursor:
        assert (await cursor.fetchone())[0] == "returned"


async def test_a_message_to_families_still_going_out_stays_after_its_sender_is_erased(
    harness: BotHarness, clock: FakeClock
) -> None:
    await seed(harness, clock)
    db = harness.services.db
    async with db.write() as conn:
        await conn.execute("UPDATE reminders SET state = 'pending' WHERE kind = 'broadcast'")
    await harness.services.privacy.erase(await actor_of(harness.services, COORDINATOR))
    async with db.reader.execute("SELECT text, sent_by FROM broadcasts") as cursor:
        assert [tuple(row) for row in await cursor.fetchall()] == [(BROADCAST, 0)]


async def test_each_later_feature_is_pruned_when_its_period_is_over(
    harness: BotHarness, clock: FakeClock
) -> None:
    """Calendar copies and messages to families after 30 days, closed places in line
    after 90, alerts and conversations after 365; open places and series stay."""
    await seed(harness, clock)
    db, retention = harness.services.db, harness.services.retention

    async def left() -> dict[str, int]:
        tables = ("calendar_copies", "broadcasts", "waitlist", "waitlist_offers",
                  "care_alerts", "relay_sessions", "series")  # fmt: skip
        return {table: await count(db, table) for table in tables}

    everything = {"calendar_copies": 1, "broadcasts": 1, "waitlist": 2, "waitlist_offers": 1,
                  "care_alerts": 1, "relay_sessions": 1, "series": 1}  # fmt: skip
    clock.advance(timedelta(days=31))  # the session (in 2 days) ended 29 days ago
    await retention.prune()
    assert await left() == everything | {"broadcasts": 0}
    clock.advance(timedelta(days=2))
    report = await retention.prune()
    assert (report.calendar_copies, report.waitlist) == (1, 0)
    clock.advance(timedelta(days=58))  # 91 days: the place closed at the start goes
    assert (await retention.prune()).waitlist == 1
    assert await left() == everything | {
        "broadcasts": 0, "calendar_copies": 0, "waitlist": 1, "waitlist_offers": 0
    }  # fmt: skip
    clock.advance(timedelta(days=275))  # 366 days
    assert (await retention.prune()).care == 2
    assert await left() == {"calendar_copies": 0, "broadcasts": 0, "waitlist": 1,
                            "waitlist_offers": 0, "care_alerts": 0, "relay_sessions": 0,
                            "series": 1}  # fmt: skip


async def test_a_stopped_meal_confirmations_address_and_phone_go_with_its_note(
    harness: BotHarness, clock: FakeClock
) -> None:
    await seed(harness, clock)
    db = harness.services.db
    async with db.write() as conn:
        await conn.execute(
            "UPDATE meal_subscriptions SET state = 'stopped', dietary_note = 'bez glutēna',"
            " updated_at = ?",
            (to_db_time(clock.now()),),
        )
    clock.advance(timedelta(days=91))
    await harness.services.retention.prune()
    assert await cells_naming(db, "Kalnciema", "26123456", "glutēna") == []
    async with db.reader.execute("SELECT state, created_by FROM meal_subscriptions") as cursor:
        assert tuple(await cursor.fetchone()) == ("stopped", 0)
