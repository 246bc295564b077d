"""Caterers' lists and marks, the family's receipt, 'not received', claims, figures, import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.errors import ImportFailed
from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.e2e.test_meals import PARENT, confirm_delivery, count, reminders, seen_by, setup
from tests.factories import add_caterer, add_internship_plan, link, pack

COOK = 601
OTHER_COOK = 602
COORDINATOR = 603
STUDENT = 604


async def delivering(h: BotHarness) -> int:
    caterer = await setup(h)
    await link(h.services.db, COOK, Role.CATERER, caterer)
    await link(h.services.db, COORDINATOR, Role.COORDINATOR, h.world.coordinator_id)
    for user_id in (COOK, COORDINATOR):
        await h.tg.send(h.user(user_id, "en"), "/start")
    await confirm_delivery(h)
    return caterer


async def test_caterer_gets_the_list_at_cutoff_with_a_csv(harness: BotHarness) -> None:
    await delivering(harness)
    (due, *_) = await reminders(harness, "caterer_list")
    assert due.chat_id == COOK
    assert due.due_at == datetime(2026, 12, 1, 14, 0, tzinfo=RIGA)
    renderer = harness.renderer("caterer_list")
    assert renderer is not None
    message = await renderer(due, harness.translator.for_language("en"))
    assert message is not None
    assert "1 meal to deliver" in message.text and "+37126123456" in message.text
    csv_data = message.rows[0][0][1]
    sent = await harness.tg.press(harness.user(COOK, "en"), csv_data)
    document = next(o for o in sent if o.method == "sendDocument")
    assert document.document is not None
    assert "Brīvības iela 10-5" in document.document.decode("utf-8-sig")


async def test_caterer_marks_delivered_and_failed_with_a_reason(harness: BotHarness) -> None:
    await delivering(harness)
    harness.services.clock.set(datetime(2026, 12, 2, 13, 0, tzinfo=RIGA))
    cook = harness.user(COOK, "en")
    await harness.tg.send(cook, "/start")
    sent = await harness.tg.press_label(cook, "Today's deliveries")
    assert "Anna Ozola" in sent[-1].text
    sent = await harness.tg.press_label(cook, "1 failed")
    sent = await harness.tg.press_label(cook, "nobody at home")
    assert "failed: nobody at home" in sent[-1].text
    sent = await harness.tg.press(cook, pack("ct", "ok", 1))
    assert sent[-1].alert and "marked already" in sent[-1].text


async def test_another_caterer_cannot_mark_or_read_the_list(harness: BotHarness) -> None:
    await delivering(harness)
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO caterers (id, external_id, display_name) VALUES (77, 'X', 'Other')"
        )
    await link(harness.services.db, OTHER_COOK, Role.CATERER, 77)
    other = harness.user(OTHER_COOK, "en")
    await harness.tg.send(other, "/start")
    harness.services.clock.set(datetime(2026, 12, 2, 13, 0, tzinfo=RIGA))
    sent = await harness.tg.press(other, pack("ct", "ok", 1))
    assert sent[-1].alert and "not for you" in sent[-1].text
    sent = await harness.tg.press(other, pack("ct", "csv", 1, "20261202"))
    assert not any(
        o.method == "sendDocument" and o.document and b"Anna" in o.document for o in sent
    )


async def test_a_delivery_cannot_be_marked_before_its_day(harness: BotHarness) -> None:
    await delivering(harness)
    sent = await harness.tg.press(harness.user(COOK, "en"), pack("ct", "ok", 1))
    assert sent[-1].alert and "not due yet" in sent[-1].text


async def test_family_is_told_the_evening_before_and_confirms_receipt(harness: BotHarness) -> None:
    await delivering(harness)
    t = harness.translator.for_language("en")
    (tomorrow, *_) = await reminders(harness, "meal_tomorrow")
    assert tomorrow.due_at == datetime(2026, 12, 1, 18, 0, tzinfo=RIGA)
    render = harness.renderer("meal_tomorrow")
    assert render is not None
    notice = await render(tomorrow, t)
    assert notice is not None and "Tomorrow" in notice.text and "Brīvības" in notice.text
    (question, *_) = await reminders(harness, "meal_confirm")
    ask = harness.renderer("meal_confirm")
    assert ask is not None
    message = await ask(question, t)
    assert message is not None and "Did Anna Ozola get the meal" in message.text
    harness.services.clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=RIGA))
    sent = await harness.tg.press(harness.user(PARENT, "en"), message.rows[0][0][1])
    assert "received" in seen_by(sent, PARENT)[-1].text
    assert await ask(question, t) is None  # asked once only
    assert await reminders(harness, "meal_not_received") == []


async def test_not_received_alerts_the_school_coordinator(harness: BotHarness) -> None:
    await delivering(harness)
    harness.services.clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=RIGA))
    sent = await harness.tg.press(harness.user(PARENT, "en"), pack("ml", "nrcv", 1))
    assert "coordinator has been told" in seen_by(sent, PARENT)[-1].text
    # The coordinator hears of it at once, through the reminder engine.
    (told,) = [item for item in sent if item.chat_id == COORDINATOR]
    assert "was not received" in told.text
    (alert,) = await reminders(harness, "meal_not_received", "sent")
    assert alert.chat_id == COORDINATOR
    render = harness.renderer("meal_not_received")
    assert render is not None
    message = await render(alert, harness.translator.for_language("en"))
    assert message is not None and "was not received" in message.text
    figures = await harness.services.meal_figures.week_figures("S1", "2026-W49")
    assert figures[0].model_dump() == {
        "school_id": "S1",
        "week": "2026-W49",
        "eligible": 1,
        "confirmed": 1,
        "delivered": 0,
        "failed": 0,
        "not_received": 1,
    }


async def test_coordinator_sees_figures_and_gets_them_as_csv(harness: BotHarness) -> None:
    await delivering(harness)
    coordinator = harness.user(COORDINATOR, "en")
    sent = await harness.tg.press(coordinator, pack("mf", "show"))
    assert "S1 (2026-W49): eligible 1, confirmed 1" in sent[-1].text
    sent = await harness.tg.press(coordinator, pack("mf", "csv"))
    assert any(o.method == "sendDocument" for o in sent)


async def test_student_claims_transport_and_coordinator_approves(harness: BotHarness) -> None:
    db = harness.services.db
    coordinator_id = await add_internship_plan(db, harness.world.other_school_pupil_id)
    await link(db, STUDENT, Role.PUPIL, harness.world.other_school_pupil_id)
    await link(db, COORDINATOR, Role.COORDINATOR, coordinator_id)
    student, coordinator = harness.user(STUDENT, "en"), harness.user(COORDINATOR, "en")
    await harness.tg.send(student, "/start")
    sent = await harness.tg.press_label(student, "Internship support")
    assert "✅ Transport compensation" in sent[-1].text
    await harness.tg.press_label(student, "New transport claim")
    sent = await harness.tg.send(student, "1.12-9.12")  # ends in the future
    assert "first and last day" in sent[-1].text
    await harness.tg.send(student, "23.11-27.11")
    sent = await harness.tg.send(student, "twelve")
    assert "amount in euro" in sent[-1].text
    await harness.tg.send(student, "12,50")
    sent = await harness.tg.send(student, "here it is")
    assert "photo of the ticket" in sent[-1].text
    assert await count(harness, "transport_claims") == 0
    sent = await harness.tg.send_photo(student)
    assert "sent to the school's coordinator" in seen_by(sent, STUDENT)[-1].text
    # The school's coordinator is told at once.
    (alert,) = [item for item in sent if item.chat_id == COORDINATOR]
    assert "Jānis Bērziņš" in alert.text

    await harness.tg.send(coordinator, "/start")
    sent = await harness.tg.press(coordinator, pack("cl", "list"))
    assert "Jānis Bērziņš" in sent[-1].text
    listing = harness.api.last_bot_message(COORDINATOR)
    sent = await harness.tg.press_label(coordinator, "Ticket 1")
    (photo,) = [item for item in sent if item.method == "sendPhoto"]
    assert photo.chat_id == COORDINATOR and photo.document_name and "Jānis Bērziņš" in photo.text
    # A student cannot look at the ticket through a forged button.
    sent = await harness.tg.press(student, pack("cl", "pic", 1))
    assert not [item for item in sent if item.method == "sendPhoto"]
    approve = next(data for row in listing.buttons for label, data in row if "Approve 1" in label)
    sent = await harness.tg.press(coordinator, approve, listing)
    assert seen_by(sent, COORDINATOR)[-1].text == "Approved: Jānis Bērziņš"
    (told,) = [item for item in sent if item.chat_id == STUDENT]
    assert "was approved" in told.text
    assert "No internship claims are waiting" in listing.text
    (decided,) = await reminders(harness, "claim_decided", "sent")
    render = harness.renderer("claim_decided")
    assert render is not None
    message = await render(decided, harness.translator.for_language("en"))
    assert message is not None and "was approved" in message.text


async def test_coordinator_returns_a_claim_with_a_reason(harness: BotHarness) -> None:
    db = harness.services.db
    coordinator_id = await add_internship_plan(db, harness.world.other_school_pupil_id)
    await link(db, STUDENT, Role.PUPIL, harness.world.other_school_pupil_id)
    await link(db, COORDINATOR, Role.COORDINATOR, coordinator_id)
    student, coordinator = harness.user(STUDENT, "en"), harness.user(COORDINATOR, "en")
    await harness.tg.send(student, "/start")
    await harness.tg.press(student, pack("is", "claim"))
    await harness.tg.send(student, "30.11")
    await harness.tg.send(student, "3.20 €")
    await harness.tg.send_photo(student)
    await harness.tg.send(coordinator, "/start")
    await harness.tg.press(coordinator, pack("cl", "list"))
    await harness.tg.press_label(coordinator, "Return 1")
    sent = await harness.tg.send_photo(coordinator)
    assert "waiting for a text message" in sent[-1].text
    sent = await harness.tg.send(coordinator, "The ticket is not readable")
    assert "returned" in seen_by(sent, COORDINATOR)[-1].text
    (decided,) = await reminders(harness, "claim_decided", "sent")
    render = harness.renderer("claim_decided")
    assert render is not None
    message = await render(decided, harness.translator.for_language("en"))
    assert message is not None and "The ticket is not readable" in message.text
    # The school S1 coordinator of the world cannot decide S2's claims.
    await link(db, COORDINATOR + 1, Role.COORDINATOR, harness.world.coordinator_id)
    other = harness.user(COORDINATOR + 1, "en")
    await harness.tg.send(other, "/start")
    sent = await harness.tg.press(other, pack("cl", "ok", 1))
    assert sent[-1].alert and "not for you" in sent[-1].text


async def test_student_confirms_internship_days(harness: BotHarness) -> None:
    db = harness.services.db
    await add_internship_plan(db, harness.world.other_school_pupil_id)
    # The rules say the caterer provides internship meals: the school needs one.
    await add_caterer(db, "S2", external_id="CAT-2")
    await link(db, STUDENT, Role.PUPIL, harness.world.other_school_pupil_id)
    student = harness.user(STUDENT, "en")
    await harness.tg.send(student, "/start")
    await harness.tg.press(student, pack("is", "menu"))
    sent = await harness.tg.press(student, pack("is", "day", "20261202"))
    assert any(b.startswith("☑️") for b in sent[-1].button_texts)
    assert await count(harness, "internship_days") == 1
    sent = await harness.tg.press(student, pack("is", "day", "20270302"))
    assert sent[-1].alert


async def test_caterers_csv_imports_and_a_bad_file_stores_nothing(
    harness: BotHarness, tmp_path: Path
) -> None:
    good = tmp_path / "caterers.csv"
    good.write_text(
        "caterer_id,display_name,school_ids,delivery_days,cutoff_time,delivery_time\n"
        "C1,SIA Virtuve,S1,mon;wed;fri,13:30,11:00\n",
        encoding="utf-8",
    )
    report = await harness.services.importer.import_file(good)
    assert report.rows == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "caterer_id,display_name,school_ids,delivery_days,cutoff_time,delivery_time\n"
        "C2,Two,S2,funday,25:00,11:00\nC3,Three,NOPE,mon,10:00,11:00\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failed:
        await harness.services.importer.import_file(bad)
    assert "line 2" in failed.value.problems[0]
    assert await count(harness, "caterers") == 1


def test_report_meals_writes_a_csv(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "db.sqlite3"}"\n', encoding="utf-8")
    out = tmp_path / "meals.csv"
    assert main(["--config", str(config), "report", "meals", "--week", "2026-W49",
                 "--out", str(out)]) == 0  # fmt: skip
    assert out.read_text(encoding="utf-8").startswith("school_id,week,eligible")


async def test_the_evening_meal_reminder_is_one_parents_can_turn_off(harness: BotHarness) -> None:
    kinds = harness.services.reminders.optional_kinds(Role.GUARDIAN)
    assert "meal_tomorrow" in kinds
    assert harness.renderer("meal_tomorrow") is not None
