"""Every read of a pupil's data by another person is audited, pushed messages too, and a
school coordinator (or the administrator) can read who it was."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.e2e.test_erase import deliver
from tests.e2e.test_meal_deliveries import COOK, COORDINATOR, delivering
from tests.e2e.test_meals import PARENT
from tests.factories import actor_of, add_slot, link, pack

TEACHER, PUPIL = 801, 802


async def audit_rows(harness: BotHarness, action_prefix: str = "") -> list[tuple[int, str, str]]:
    async with harness.services.db.reader.execute(
        "SELECT actor_telegram_id, action, subject FROM audit_log WHERE action LIKE ? ORDER BY id",
        (f"{action_prefix}%",),
    ) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_caterers_list_and_not_received_are_audited_when_they_are_sent(
    harness: BotHarness,
) -> None:
    await delivering(harness)
    pupil = f"pupil:{harness.world.pupil_id}"
    await deliver(harness)
    # Planned is not read: nothing is audited before the cut-off sends the list.
    assert await audit_rows(harness, "sent_") == []
    harness.services.clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=RIGA))
    await deliver(harness)
    assert await audit_rows(harness, "sent_") == [(COOK, "sent_caterer_list", pupil)]
    harness.services.clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=RIGA))
    await deliver(harness)  # the family is asked whether the meal came: theirs, audited too
    await harness.tg.press(harness.user(PARENT, "en"), pack("ml", "nrcv", 1))
    sent = await audit_rows(harness, "sent_")
    assert (COORDINATOR, "sent_meal_not_received", pupil) in sent
    assert (PARENT, "sent_meal_confirm", pupil) in sent


async def test_a_message_telegram_refused_is_not_audited(harness: BotHarness) -> None:
    await delivering(harness)
    harness.api.blocked.add(COOK)
    harness.services.clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=RIGA))
    await deliver(harness)
    assert await audit_rows(harness, "sent_caterer_list") == []


async def test_booking_notices_session_reminders_and_the_agenda_are_audited(
    harness: BotHarness,
) -> None:
    world = harness.world
    await link(harness.services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(harness.services.db, PUPIL, Role.PUPIL, world.pupil_id)
    slot = await add_slot(
        harness.services.db, world.teacher_id, datetime(2026, 12, 2, 14, 0, tzinfo=RIGA)
    )
    pupil = await actor_of(harness.services, PUPIL)
    offer = next(
        o for o in await harness.services.booking.offers(pupil, world.pupil_id) if o.subject
    )
    await harness.services.booking.book(pupil, world.pupil_id, offer.measure_id, slot)
    # Now (the notice), the morning agenda, then the reminder 15 minutes before.
    for when in (
        datetime(2026, 12, 2, 8, 0, tzinfo=RIGA),
        datetime(2026, 12, 2, 13, 46, tzinfo=RIGA),
    ):
        await deliver(harness)
        harness.services.clock.set(when)
    await deliver(harness)
    subject = f"pupil:{world.pupil_id}"
    sent = await audit_rows(harness, "sent_")
    assert (TEACHER, "sent_notice", subject) in sent
    assert (TEACHER, "sent_agenda", subject) in sent
    assert (TEACHER, "sent_session", subject) in sent
    # What went to the pupil is the pupil's own: not a read by another person.
    assert all(reader == TEACHER for reader, _, _ in sent)


async def test_a_parents_me_is_audited(harness: BotHarness) -> None:
    await link(harness.services.db, 803, Role.GUARDIAN, harness.world.guardian_id)
    await harness.tg.send(harness.user(803), "/me")
    assert sorted(await audit_rows(harness, "read_me")) == [
        (803, "read_me", f"pupil:{harness.world.pupil_id}"),
        (803, "read_me", f"pupil:{harness.world.second_pupil_id}"),
    ]


async def test_a_school_coordinator_reads_who_read_their_pupils_data(harness: BotHarness) -> None:
    world = harness.world
    await link(harness.services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(harness.services.db, 804, Role.COORDINATOR, world.coordinator_id)
    await link(harness.services.db, 805, Role.GUARDIAN, world.guardian_id)
    await harness.tg.send(harness.user(TEACHER), "/week")
    await harness.tg.send(harness.user(805, "en"), "/start")
    await harness.tg.press(harness.user(805, "en"), "plan:show")
    coordinator = harness.user(804, "en")
    await harness.tg.send(coordinator, "/start")
    sent = await harness.tg.press_label(coordinator, "Who read a pupil's data")
    assert "Write the pupil's id" in sent[-1].text
    sent = await harness.tg.send(coordinator, "p1")  # any letter case
    text = sent[-1].text
    assert text.startswith("Who read the data of Anna Ozola (P1), newest first:")
    assert "Inese Ozola (parent or guardian) · opened the support plan" in text
    # Reading the audit is itself a read of the pupil's data.
    assert (804, "read_audit", f"pupil:{world.pupil_id}") in await audit_rows(harness, "read_")


async def test_another_schools_pupil_cannot_be_looked_up(harness: BotHarness) -> None:
    await link(harness.services.db, 806, Role.COORDINATOR, harness.world.coordinator_id)
    coordinator = harness.user(806, "en")
    await harness.tg.send(coordinator, "/start")
    await harness.tg.press(coordinator, "au:ask")
    sent = await harness.tg.send(coordinator, "P9")  # the other school's pupil
    assert sent[-1].text == "There is no pupil with the id P9 in your school."
    stranger = harness.user(807, "en")
    await harness.tg.send(stranger, "/start")
    sent = await harness.tg.press(stranger, "au:ask")
    assert sent[-1].alert and "Anna" not in sent[-1].text


async def test_pumpurs_bot_audit_prints_every_read_of_a_pupil(
    harness: BotHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await link(harness.services.db, 808, Role.GUARDIAN, harness.world.guardian_id)
    await harness.tg.send(harness.user(808), "/start")
    await harness.tg.press(harness.user(808), "plan:show")
    config = tmp_path / "admin.toml"
    config.write_text(
        f"[database]\npath = '{harness.services.config.database.path}'\n", encoding="utf-8"
    )
    args = ["audit", "--config", str(config)]
    for pupil in ([str(harness.world.pupil_id)], ["P1", "--school", "S1"]):
        assert await _main([*args, "--pupil", *pupil]) == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert {
            (r["action"], r["reader_role"], r["reader_name"], r["reader_telegram_id"]) for r in rows
        } >= {("read_plan", "guardian", "Inese Ozola", "808")}
    assert await _main([*args, "--pupil", "P404", "--school", "S1"]) == 1
    assert "Not found: pupil P404 in school S1." in capsys.readouterr().err


async def _main(argv: list[str]) -> int:
    """The command line, run in a thread: it has an event loop of its own."""
    return await asyncio.to_thread(main, argv)
