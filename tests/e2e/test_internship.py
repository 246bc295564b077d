"""Internship support end to end: an accommodation claim from the photo to the payment file,
a parent's view, and internship meal days on the caterer's list."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from bot.domain.figures import Scope, semester_period
from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.factories import add_caterer, add_internship_plan, link, pack

STUDENT = 1101
COORDINATOR = 1102
PARENT = 1103
COOK = 1104
S1_COORDINATOR = 1105
MEASURES = ("transport", "accommodation", "internship_meals")


async def setup(h: BotHarness) -> None:
    db = h.services.db
    janis = h.world.other_school_pupil_id
    await link(db, COORDINATOR, Role.COORDINATOR, await add_internship_plan(db, janis, MEASURES))
    await link(db, STUDENT, Role.PUPIL, janis)
    await link(db, S1_COORDINATOR, Role.COORDINATOR, h.world.coordinator_id)
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO guardians (school_id, external_id, display_name)"
            " VALUES ('S2', 'G9', 'Ilze Bērziņa')"
        )
        await conn.execute("INSERT INTO guardian_pupils VALUES (?, ?)", (cursor.lastrowid, janis))
    await link(db, PARENT, Role.GUARDIAN, int(cursor.lastrowid or 0))
    for user in (STUDENT, COORDINATOR, PARENT, S1_COORDINATOR):
        await h.tg.send(h.user(user, "en"), "/start")


async def test_an_accommodation_claim_from_photo_to_approval_and_payment(
    harness: BotHarness,
) -> None:
    await setup(harness)
    student, coordinator = harness.user(STUDENT, "en"), harness.user(COORDINATOR, "en")
    sent = await harness.tg.press_label(student, "Internship support")
    assert "✅ Accommodation" in sent[-1].text
    sent = await harness.tg.press_label(student, "New accommodation claim")
    assert "Which nights did you stay?" in sent[-1].text
    await harness.tg.send(student, "23.11-27.11")
    sent = await harness.tg.send(student, "80")
    assert "photo of the receipt" in sent[-1].text
    sent = await harness.tg.send(student, "here")
    assert "Please send a photo of the receipt." in sent[-1].text
    sent = await harness.tg.send_photo(student)
    (alert,) = [o for o in sent if o.chat_id == COORDINATOR]
    assert alert.text.startswith("🧾 A new internship claim from Jānis Bērziņš: accommodation,")
    assert "80.00 €: waiting for the coordinator" in alert.text
    # The coordinator of another school is not told, and cannot decide it.
    assert not [o for o in sent if o.chat_id == S1_COORDINATOR]
    sent = await harness.tg.press(harness.user(S1_COORDINATOR, "en"), pack("cl", "ok", 1))
    assert sent[-1].alert and "not for you" in sent[-1].text

    sent = await harness.tg.press_label(coordinator, "Internship claims")
    sent = await harness.tg.press_label(coordinator, "Approve 1")
    (told,) = [o for o in sent if o.chat_id == STUDENT]
    assert "Your accommodation claim for" in told.text and "was approved" in told.text

    # The payment file of November: XLSX and CSV; the claim is never paid twice.
    await harness.tg.press_label(coordinator, "Payment file: S2")
    sent = await harness.tg.press_label(coordinator, "Last month")
    book, table = [o for o in sent if o.method == "sendDocument"]
    assert book.document_name == "payments-S2-1.xlsx" and book.document
    assert "Payment file 1: 1 lines, 80.00 €" in book.text
    sheet = load_workbook(io.BytesIO(book.document))["Payments"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (row["Pupil"], row["Kind"], row["Amount, EUR"]) == ("Jānis Bērziņš", "accommodation", 80)
    assert (row["From"], row["To"], row["Days"]) == ("2026-11-23", "2026-11-27", 5)
    assert table.document is not None
    lines = list(csv.DictReader(io.StringIO(table.document.decode("utf-8-sig"))))
    assert [(r["pupil_id"], r["kind"], r["amount_eur"]) for r in lines] == [
        ("P9", "accommodation", "80.0")
    ]
    await harness.tg.press(coordinator, pack("cl", "pay", 0))
    sent = await harness.tg.press_label(coordinator, "Last month")
    assert sent[-1].alert and "No approved claims" in sent[-1].text
    sent = await harness.tg.press_label(coordinator, "last payment file again")
    again = [o for o in sent if o.method == "sendDocument"]
    assert [o.document_name for o in again] == ["payments-S2-1.xlsx", "payments-S2-1.csv"]
    report = await harness.services.figures.compute(
        Scope.school("S2"), semester_period("2026/2027-1")
    )
    assert report.total.claims[1].exported == 1 and report.total.claims[1].approved_cents == 8000


async def test_a_parent_sees_the_students_screen_and_claims(harness: BotHarness) -> None:
    await setup(harness)
    student = harness.user(STUDENT, "en")
    await harness.tg.press(student, pack("is", "claim"))
    await harness.tg.send(student, "30.11")
    await harness.tg.send(student, "3.20")
    await harness.tg.send_photo(student)
    sent = await harness.tg.press_label(harness.user(PARENT, "en"), "Internship support")
    text = sent[-1].text
    assert text.startswith("Internship support of Jānis Bērziņš:")
    assert "transport, Nov 30, 2026 - Nov 30, 2026, 3.20 €: waiting for the coordinator" in text
    assert sent[-1].button_texts == ["⬅️ Menu"]
    # Changing anything is the student's own: the parent's forged presses are refused.
    for data in (pack("is", "claim"), pack("is", "day", "20261202"), pack("is", "stay")):
        sent = await harness.tg.press(harness.user(PARENT, "en"), data)
        assert sent[-1].alert
    async with harness.services.uow.read() as tx:
        audit = await tx.audit.of_subject(f"pupil:{harness.world.other_school_pupil_id}")
    assert "read_internship" in [a.action for a in audit]


async def test_internship_meal_days_reach_the_caterers_list(harness: BotHarness) -> None:
    await setup(harness)
    caterer = await add_caterer(harness.services.db, "S2", external_id="CAT-2")
    await link(harness.services.db, COOK, Role.CATERER, caterer)
    await harness.tg.send(harness.user(COOK, "en"), "/start")
    student = harness.user(STUDENT, "en")
    sent = await harness.tg.press_label(student, "Internship support")
    assert "The school's caterer prepares a meal for each internship day" in sent[-1].text
    await harness.tg.press(student, pack("is", "day", "20261202"))
    (listing,) = await harness.reminders("caterer_list", "pending")
    assert listing.chat_id == COOK
    assert listing.due_at == datetime(2026, 12, 1, 14, 0, tzinfo=RIGA)
    # After the cut-off the day is fixed.
    harness.services.clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=RIGA))
    await harness.tg.deliver()  # type: ignore[misc]
    sent_list = harness.api.last_bot_message(COOK).text
    assert "0 meals to deliver" in sent_list
    assert "1 internship meal:\n• Jānis Bērziņš (S2)" in sent_list
    sent = await harness.tg.press(student, pack("is", "day", "20261202"))
    assert sent[-1].alert and "fixed the meals" in sent[-1].text
    harness.services.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=RIGA))
    sent = await harness.tg.press_label(harness.user(COOK, "en"), "Open the list")
    assert "Jānis Bērziņš (S2)" in sent[-1].text
