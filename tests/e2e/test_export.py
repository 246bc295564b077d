"""The export (/me, a JSON file) holds everything the bot holds about the person."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.models import Role
from tests.conftest import BotHarness
from tests.e2e.test_erase import ADDRESS, NOTE, PHONE, act_as_guardian, deliver
from tests.factories import add_internship_plan, link

TEACHER = 7_600_003


async def export_of(harness: BotHarness, telegram_id: int, language: str = "lv") -> Any:
    user = harness.user(telegram_id, language)
    await harness.tg.send(user, "/me")
    sent = await harness.tg.press(user, "me:export")
    document = next(item for item in sent if item.method == "sendDocument")
    return json.loads(document.document or b"")


async def test_a_parents_export_holds_what_they_typed_for_each_child(harness: BotHarness) -> None:
    parent = 7_600_002
    await link(harness.services.db, TEACHER, Role.SPECIALIST, harness.world.teacher_id)
    await act_as_guardian(harness, parent)
    await harness.tg.send(harness.user(parent, "en"), "Es gribu nogalināt sevi")
    await harness.tg.press(harness.user(parent, "en"), "rs:off:60")
    # The teacher was told of the booking and reads the child's sessions: reads the family
    # can see in the export.
    await harness.tg.send(harness.user(TEACHER), "/week")
    await deliver(harness)

    data = await export_of(harness, parent, "en")
    assert {child for child in data["children"]} == {"Anna Ozola", "Līga Ozola"}
    plan = data["plans"][0]
    assert plan["external_id"] == "IAP-1"
    assert {m["kind"] for m in plan["measures"]} == {
        "subject_consultation",
        "emotional_support",
        "meals",
    }
    [booking] = data["bookings"]
    assert booking["note"] == NOTE and booking["state"] == "confirmed"
    assert booking["call_link"].startswith("https://meet.jit.si/pumpurs-")
    assert booking["booked_by"] == parent
    [meal] = data["meals"]
    assert (meal["address"], meal["phone"]) == (ADDRESS, f"+371{PHONE}")
    assert meal["dietary_note"] == NOTE[:100]
    [crisis] = data["crisis_events"]
    assert crisis["category"] == "suicide" and set(crisis) == {"at", "category"}
    assert "nogalināt" not in json.dumps(data, ensure_ascii=False)
    assert data["settings"]["reminder_offsets"] == [60, 120]
    reads = data["reads"]
    teacher_reads = [r for r in reads if r["reader_name"] == "Pēteris Kalniņš"]
    assert teacher_reads and teacher_reads[0]["reader_role"] == "specialist"
    assert {r["action"] for r in teacher_reads} >= {"read_booking", "sent_notice"}
    assert all(r["reader_telegram_id"] is None for r in reads)
    # The parent read the children's data in the export itself: audited.
    async with harness.services.db.reader.execute(
        "SELECT subject FROM audit_log WHERE action = 'export' AND actor_telegram_id = ?",
        (parent,),
    ) as cursor:
        assert {row[0] for row in await cursor.fetchall()} == {
            f"pupil:{harness.world.pupil_id}",
            f"pupil:{harness.world.second_pupil_id}",
        }


async def test_a_students_export_holds_their_claims(harness: BotHarness) -> None:
    student = 7_600_010
    world = harness.world
    await add_internship_plan(harness.services.db, world.other_school_pupil_id)
    await link(harness.services.db, student, Role.PUPIL, world.other_school_pupil_id)
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
            " amount_cents, ticket_file_id, submitted_by, submitted_at)"
            " VALUES (?, 'S2', '2026-11-20', '2026-11-21', 1250, 'photo-1', ?, '2026-11-22')",
            (world.other_school_pupil_id, student),
        )
    data = await export_of(harness, student)
    [claim] = data["claims"]
    assert (claim["amount_cents"], claim["state"], claim["first_day"]) == (
        1250,
        "submitted",
        "2026-11-20",
    )
    assert data["plans"][0]["external_id"] == "IAP-9"
    assert data["bookings"] == [] and data["meals"] == []
