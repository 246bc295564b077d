"""📊 Figures end to end: the summary, the chart, the workbook, a region, who has not used
their support and the reminder to them (the data: tests/known_figures.py)."""

from __future__ import annotations

import io
import struct

from openpyxl import load_workbook

from bot.domain.models import Role
from bot.localchat.transport import Outgoing
from tests.conftest import BotHarness
from tests.factories import link, pack
from tests.known_figures import Known, build_known

COORDINATOR = 701
REGIONAL = 702
MARTA = 703
MARTA_PARENT = 704


async def setup(h: BotHarness) -> Known:
    data = await build_known(h.services.db, h.world)
    await link(h.services.db, COORDINATOR, Role.COORDINATOR, h.world.coordinator_id)
    async with h.services.db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO coordinators (region_id, external_id, display_name)"
            " VALUES ('R1', 'RK1', 'Regional')"
        )
        regional = int(cursor.lastrowid or 0)
    await link(h.services.db, REGIONAL, Role.COORDINATOR, regional)
    for user in (COORDINATOR, REGIONAL):
        await h.tg.send(h.user(user, "en"), "/start")
    return data


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def photos(sent: list[Outgoing]) -> list[Outgoing]:
    return [item for item in sent if item.method == "sendPhoto"]


async def test_the_coordinator_sees_the_semester_in_a_few_lines(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(COORDINATOR, "en")
    sent = await harness.tg.press_label(user, "📊 Figures")
    assert "Rīgas 1. vidusskola" in sent[-1].text and "2026-W49" in sent[-1].text
    sent = await harness.tg.press_label(user, "Semester")
    text = sent[-1].text
    assert "2026/2027-1" in text
    assert (
        "Sessions: 2 held, 1 missed, 3 cancelled, 1 declined; 1 waiting for the specialist, "
        "2 confirmed." in text
    )
    assert "Hours used: 1.5 of 11 granted (9.5 left)." in text
    assert "answered in 4 h (median)" in text
    assert "yes 1, no 2 (of them marked held: 1), not answered 1" in text
    assert "Pupils with a plan: 3; 1 have used nothing yet, 2 used under 25 %" in text
    assert "2 delivered, 2 failed, 1 reported not received; 1 families subscribed, 1 paused" in text
    assert "Words of crisis: 3 times (on-duty specialist alerted 2 times)" in text
    assert (
        "1 of 2 alerts taken, after 6.0 min on average; 1 climbed to a coordinator; "
        "1 asked to be contacted." in text
    )
    # Counts only: no pupil's name in the figures.
    assert "Anna" not in text and "Marta" not in text


async def test_the_chart_is_a_png_made_from_the_right_numbers(harness: BotHarness) -> None:
    await setup(harness)
    user = harness.user(COORDINATOR, "en")
    await harness.tg.press(user, pack("fg", "show", "s", 0, "s0"))
    sent = await harness.tg.press_label(user, "Chart")
    (picture,) = photos(sent)
    assert picture.chat_id == COORDINATOR and picture.document is not None
    assert png_size(picture.document) == (800, 700)
    assert 10_000 < len(picture.document) < 400_000
    assert picture.document_name == "figures-S1-2026_2027-1.png"
    assert (
        "hours used 1.5 of 11 granted. Sessions: held 2, missed 1, confirmed 2, waiting 1, "
        "cancelled 3, declined 1." in picture.text
    )


async def test_the_workbook_has_a_sheet_per_table_with_the_same_numbers(
    harness: BotHarness,
) -> None:
    await setup(harness)
    user = harness.user(COORDINATOR, "en")
    await harness.tg.press(user, pack("fg", "show", "s", 0, "s0"))
    sent = await harness.tg.press_label(user, "XLSX")
    (document,) = [item for item in sent if item.method == "sendDocument"]
    assert document.document_name == "figures-S1-2026_2027-1.xlsx" and document.document
    book = load_workbook(io.BytesIO(document.document))
    assert book.sheetnames == [
        "Summary", "Consultations", "Meals", "Internship claims", "Care", "Weeks"
    ]  # fmt: skip
    assert book["Summary"]["B2"].value == "2026/2027-1"
    sheet = book["Consultations"]
    header = [cell.value for cell in sheet[1]]
    s1 = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    total = dict(zip(header, [cell.value for cell in sheet[3]], strict=True))
    assert s1["School id"] == "S1" and total["School"] == "Total"
    assert s1["Hours granted: subject"] == 8 and s1["Hours used: subject"] == 1.5
    assert s1["Held"] == 2 and s1["Cancelled by the pupil"] == 1
    assert s1["Median hours to answer a request"] == 4
    assert s1["Pupils who used nothing"] == 1 and total["Held"] == 2
    meals = book["Meals"]
    assert [c.value for c in meals[2]][2:] == [1, 1, 1, 2, 1, 0, 0, 1, 1]
    weeks = {row[0]: row[1] for row in book["Weeks"].iter_rows(min_row=2, values_only=True)}
    assert weeks["2026-W41"] == 0.75 and len(weeks) == 18


async def test_a_regional_coordinator_compares_the_schools_and_opens_one(
    harness: BotHarness,
) -> None:
    await setup(harness)
    user = harness.user(REGIONAL, "en")
    sent = await harness.tg.press(user, pack("fg", "show", "r", 0, "s0"))
    assert "Rīga" in sent[-1].text and "Schools in the region: 2" in sent[-1].text
    sent = await harness.tg.press_label(user, "Chart")
    weekly, compared = photos(sent)
    assert weekly.document_name == "figures-R1-2026_2027-1.png"
    assert compared.document_name == "figures-R1-2026_2027-1-schools.png"
    assert compared.document is not None and png_size(compared.document)[0] == 800
    sent = await harness.tg.press(user, pack("fg", "show", "r", 0, "s0"))
    sent = await harness.tg.press_label(user, "Open a school")
    lines = sent[-1].text.splitlines()
    assert lines[1].startswith("Rīgas 1. vidusskola: 1.5 of 11 h")
    assert lines[2].startswith("Rīgas 3. pamatskola: 0 of 0 h")
    sent = await harness.tg.press_label(user, "Rīgas 3. pamatskola")
    assert "Sessions: 0 held" in sent[-1].text
    # A regional coordinator reads figures but names no pupils and reminds nobody.
    assert not any("not used" in b for b in sent[-1].button_texts)
    sent = await harness.tg.press(user, pack("fg", "idle", 0, "s0"))
    assert sent[-1].alert and "not for you" in sent[-1].text
    # ... nor reads a region that is not theirs.
    sent = await harness.tg.press(user, pack("fg", "show", "r", 1, "s0"))
    assert sent[-1].alert


async def test_pupils_who_have_not_used_their_support_are_reminded_once(
    harness: BotHarness,
) -> None:
    data = await setup(harness)
    db = harness.services.db
    await link(db, MARTA, Role.PUPIL, data.marta)
    await harness.tg.send(harness.user(MARTA, "en"), "/start")
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO guardians (school_id, external_id, display_name)"
            " VALUES ('S1', 'G-M', 'Marta parent')"
        )
        await conn.execute(
            "INSERT INTO guardian_pupils VALUES (?, ?)", (cursor.lastrowid, data.marta)
        )
        parent = int(cursor.lastrowid or 0)
    await link(db, MARTA_PARENT, Role.GUARDIAN, parent)
    # The parent turned these reminders off in /settings.
    sent = await harness.tg.send(harness.user(MARTA_PARENT, "en"), "/settings")
    assert "✅ A reminder when consultations of the plan are not used" in sent[-1].button_texts
    await harness.tg.press_label(harness.user(MARTA_PARENT, "en"), "consultations of the plan")
    user = harness.user(COORDINATOR, "en")
    await harness.tg.press(user, pack("fg", "show", "s", 0, "s0"))
    sent = await harness.tg.press_label(user, "Who has not used their support")
    assert "1 pupil has a consultation plan" in sent[-1].text
    assert "• Marta Kalna, grade 6: no hour limit" in sent[-1].text
    sent = await harness.tg.press_label(user, "Remind them and their parents")
    told = [item for item in sent if item.chat_id == MARTA]
    assert told and "you have not booked one yet" in told[0].text
    assert told[0].button_texts == ["📅 Book a consultation"]
    assert not [item for item in sent if item.chat_id == MARTA_PARENT]
    assert "2 messages about 1 pupils" in [i for i in sent if i.chat_id == COORDINATOR][-1].text
    (cancelled,) = await harness.reminders("support_nudge", "cancelled")
    assert cancelled.chat_id == MARTA_PARENT
    # Pressed again the same week: nobody gets it twice.
    await harness.tg.press(user, pack("fg", "idle", 0, "s0"))
    sent = await harness.tg.press_label(user, "Remind them and their parents")
    assert not [item for item in sent if item.chat_id in (MARTA, MARTA_PARENT)]
    assert "0 messages about 1 pupils" in sent[-1].text
