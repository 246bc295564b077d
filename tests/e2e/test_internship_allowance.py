"""Internship meals as an allowance, when the programme rules say so: paid once, in the
school's payment file."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import Config, parse_config
from bot.domain.eligibility import SHIPPED_RULES
from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.factories import add_internship_plan, link, pack

STUDENT = 1201
COORDINATOR = 1202


@pytest.fixture
def config(tmp_path: Path) -> Config:
    shipped = (Path(__file__).resolve().parents[2] / "bot" / "domain" / SHIPPED_RULES).read_text(
        encoding="utf-8"
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(
        shipped.replace(
            'provided_as = "caterer"', 'provided_as = "allowance"\nallowance_cents_per_day = 350'
        ),
        encoding="utf-8",
    )
    return parse_config(
        {
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "reminders": {"rate_per_second": 0, "per_chat_seconds": 0},
            "meals": {"rules_file": str(rules)},
        }
    )


async def test_allowance_days_are_paid_once(harness: BotHarness) -> None:
    db = harness.services.db
    janis = harness.world.other_school_pupil_id
    await link(db, COORDINATOR, Role.COORDINATOR, await add_internship_plan(db, janis))
    await link(db, STUDENT, Role.PUPIL, janis)
    student, coordinator = harness.user(STUDENT, "en"), harness.user(COORDINATOR, "en")
    for user in (student, coordinator):
        await harness.tg.send(user, "/start")
    await harness.tg.press_label(student, "Internship support")
    await harness.tg.press(student, pack("is", "day", "20261201"))
    sent = await harness.tg.press(student, pack("is", "day", "20261202"))
    assert "waiting to be paid: 1 days, 3.50 €" in sent[-1].text  # only today's so far
    assert not await harness.reminders("caterer_list")  # no caterer involved
    harness.services.clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=RIGA))
    await harness.tg.press(coordinator, pack("cl", "pay", 0))
    sent = await harness.tg.press_label(coordinator, "This month")
    (table,) = [o for o in sent if o.document_name == "payments-S2-1.csv"]
    assert table.document is not None
    rows = list(csv.DictReader(io.StringIO(table.document.decode("utf-8-sig"))))
    assert [
        (r["kind"], r["days"], r["amount_eur"], r["first_day"], r["last_day"]) for r in rows
    ] == [("meal_allowance", "2", "7.0", "2026-12-01", "2026-12-02")]
    # Paid: the days are not in the next file, and cannot be taken back.
    await harness.tg.press(coordinator, pack("cl", "pay", 0))
    sent = await harness.tg.press_label(coordinator, "This month")
    assert sent[-1].alert and "No approved claims or allowance days" in sent[-1].text
    sent = await harness.tg.press(student, pack("is", "menu"))
    assert "waiting to be paid: 0 days" in sent[-1].text
