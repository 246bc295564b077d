"""The weekly digest: planned by the nightly job, sent on Monday morning by the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.models import Role
from storage import to_db_time
from tests.conftest import RIGA, BotHarness
from tests.factories import add_internship_plan, link
from tests.known_figures import build_known

S1_COORDINATOR = 801
S2_COORDINATOR = 802
REGIONAL = 803


async def test_every_coordinator_gets_last_weeks_figures_on_monday_morning(
    harness: BotHarness,
) -> None:
    data = await build_known(harness.services.db, harness.world)
    db = harness.services.db
    await link(db, S1_COORDINATOR, Role.COORDINATOR, harness.world.coordinator_id)
    school2 = await add_internship_plan(db, harness.world.other_school_pupil_id)
    await link(db, S2_COORDINATOR, Role.COORDINATOR, school2)
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO coordinators (region_id, external_id, display_name)"
            " VALUES ('R1', 'RK1', 'Regional')"
        )
        # A request made on Tuesday for the next week, still unanswered on Monday.
        slot = await conn.execute(
            "INSERT INTO slots (specialist_id, starts_at, ends_at, state)"
            " VALUES (?, '2026-12-14T12:00:00+00:00', '2026-12-14T12:45:00+00:00', 'booked')",
            (harness.world.teacher_id,),
        )
        await conn.execute(
            "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'subject_consultation', 'Matemātika',"
            " '2026-12-14T12:00:00+00:00', '2026-12-14T12:45:00+00:00', 45, 1, 'requested', ?, ?)",
            (
                slot.lastrowid,
                data.karlis,
                harness.world.teacher_id,
                data.karlis_plan,
                to_db_time(datetime(2026, 12, 1, 10, 0, tzinfo=RIGA)),
                to_db_time(datetime(2026, 12, 1, 10, 0, tzinfo=RIGA)),
            ),
        )
    await link(db, REGIONAL, Role.COORDINATOR, int(cursor.lastrowid or 0))
    for user in (S1_COORDINATOR, S2_COORDINATOR, REGIONAL):
        await harness.tg.send(harness.user(user, "en"), "/start")
    # The regional coordinator turns the digest off in /settings.
    regional = harness.user(REGIONAL, "en")
    sent = await harness.tg.press_label(regional, "Settings")
    assert "✅ Weekly digest of the figures on Monday morning" in sent[-1].button_texts
    sent = await harness.tg.press_label(regional, "Weekly digest")
    assert "▫️ Weekly digest of the figures on Monday morning" in sent[-1].button_texts

    # Sunday evening: the nightly job plans Monday's digest, twice changes nothing.
    harness.services.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=RIGA))
    assert await harness.services.digest.plan_digests() == 3
    assert await harness.services.digest.plan_digests() == 3
    planned = await harness.reminders("weekly_digest", "pending")
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=RIGA)
    assert {(r.chat_id, r.due_at, r.ref) for r in planned} == {
        (S1_COORDINATOR, monday, "digest:2026-W49"),
        (S2_COORDINATOR, monday, "digest:2026-W49"),
    }
    (off,) = await harness.reminders("weekly_digest", "cancelled")
    assert off.chat_id == REGIONAL

    # Nothing before its time; at 08:00 on Monday, the digest.
    harness.services.clock.set(monday - timedelta(minutes=1))
    await harness.tg.deliver()  # type: ignore[misc]
    assert not [o for o in harness.api.outgoing if "Last week" in o.text]
    harness.services.clock.set(monday)
    before = len(harness.api.outgoing)
    await harness.tg.deliver()  # type: ignore[misc]
    sent = harness.api.outgoing[before:]
    (s1,) = [o for o in sent if o.chat_id == S1_COORDINATOR]
    lines = s1.text.splitlines()
    assert lines[0] == "📊 Last week, Nov 30, 2026 - Dec 6, 2026:"
    assert lines[2] == "🏫 Rīgas 1. vidusskola"
    assert lines[3].startswith("🗓 Sessions: 0 held, 0 missed, 0 cancelled, 0 declined; 0 waiting")
    assert lines[3].endswith("2 confirmed.")
    assert lines[4] == "⏱ Hours used: 0 of 11 granted (9.5 left)."
    assert "Needs you:" in lines
    assert "• 1 request has waited for a specialist's answer for days." in lines
    assert "Anna" not in s1.text  # no names in the figures
    assert s1.button_texts == ["📊 Figures"]
    (s2,) = [o for o in sent if o.chat_id == S2_COORDINATOR]
    assert "• 2 internship claims are waiting for a decision." in s2.text
    assert (
        "• Waiting 8 working days: Jānis Bērziņš, accommodation, 80.00 €, sent Nov 25, 2026."
        in s2.text
    )
    assert "🧾 Internship claims" in s2.button_texts
    assert not [o for o in sent if o.chat_id == REGIONAL]
    (done,) = await harness.reminders("weekly_digest", "sent", S1_COORDINATOR)
    assert done.ref == "digest:2026-W49"
