"""Every CSV the bot or the CLI writes is safe to open in a spreadsheet (OWASP's rule)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.cli import main
from handlers.files import csv_bytes
from tests.conftest import BotHarness
from tests.e2e.test_meal_deliveries import COOK, delivering
from tests.factories import pack

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\ry"]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_starting_like_a_formula_gets_a_quote(value: str) -> None:
    [_, row] = cells(csv_bytes(["name", "count"], [[value, -5]]))
    assert row == ["'" + value, "-5"]


async def test_the_caterers_csv_neutralises_what_families_typed(harness: BotHarness) -> None:
    await delivering(harness)
    async with harness.services.db.write() as conn:
        await conn.execute(
            "UPDATE meal_subscriptions SET address = '=HYPERLINK(\"http://x\")',"
            " dietary_note = '@SUM(1+1)'"
        )
    sent = await harness.tg.press(harness.user(COOK, "en"), pack("ct", "csv", 1, "20261202"))
    document = next(item for item in sent if item.method == "sendDocument")
    [header, row] = cells(document.document or b"")
    found = dict(zip(header, row, strict=True))
    assert found["address"] == '\'=HYPERLINK("http://x")'
    assert found["dietary_note"] == "'@SUM(1+1)"
    # The phone stays text with its plus: never a number, never a formula.
    assert found["phone"] == "'+37126123456"


def test_issue_codes_neutralises_names_from_the_import_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    schools = tmp_path / "schools.csv"
    schools.write_text(
        "region_id,region_name,school_id,school_name,kind,caterer_delivers_home\n"
        "R,Rīga,S,Skola,general,no\n",
        encoding="utf-8",
    )
    pupils = tmp_path / "pupils.csv"
    pupils.write_text(
        "school_id,pupil_id,display_name,grade\nS,P1,=cmd|' /C calc'!A0,7\nS,P2,@Anna,7\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "import", str(schools), str(pupils)]) == 0
    out = tmp_path / "codes.csv"
    args = ["issue-codes", "--school", "S", "--role", "pupil", "--out", str(out)]
    assert main([*args, "--config", str(config)]) == 0
    names = [row[2] for row in cells(out.read_bytes())[1:]]
    assert names == ["'=cmd|' /C calc'!A0", "'@Anna"]
