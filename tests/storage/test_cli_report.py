"""``pumpurs-bot report``: the same figures as the bot, as CSV, XLSX or PNG."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from storage import Database
from tests.factories import make_world
from tests.known_figures import build_known


@pytest.fixture
async def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    async with Database(tmp_path / "bot.sqlite3") as db:
        await build_known(db, await make_world(db))
    return path


def report(config: Path, *args: str) -> int:
    return main(["--config", str(config), "report", *args])


def test_consultations_of_a_school_and_semester_as_csv(config_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    assert report(config_file, "consultations", "--school", "S1", "--semester", "2026/2027-1",
                  "--out", str(out)) == 0  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    s1, total = rows
    assert (s1["school_id"], total["school_name"]) == ("S1", "Total")
    assert s1["subject_granted"] == "8.0" and s1["subject_used"] == "1.5"
    assert s1["held"] == "2" and s1["cancelled_by_specialist"] == "1"
    assert s1["declined"] == "1" and s1["answer_median_hours"] == "4.0"


def test_claims_of_a_region_as_a_workbook(config_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.xlsx"
    assert report(config_file, "claims", "--region", "R2", "--from", "2026-09-01",
                  "--to", "2026-12-31", "--format", "xlsx", "--out", str(out)) == 0  # fmt: skip
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Internship claims"]
    sheet = book["Internship claims"]
    header = [cell.value for cell in sheet[1]]
    s2 = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert s2["Transport submitted, EUR"] == 15.7 and s2["Accommodation waiting, EUR"] == 80


def test_care_of_the_country_as_a_chart(config_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "care.png"
    assert report(config_file, "care", "--month", "2026-11", "--format", "png",
                  "--out", str(out)) == 0  # fmt: skip
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_report_meals_keeps_its_weekly_csv(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(config_file, "meals", "--school", "S1", "--week", "2026-W45") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "school_id,week,eligible,confirmed,delivered,failed,not_received",
        "S1,2026-W45,1,1,2,2,1",
    ]


def test_wrong_periods_and_places_are_named(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(config_file, "care", "--semester", "2026-1") == 1
    assert "A period is written like" in capsys.readouterr().err
    assert report(config_file, "care", "--region", "NOWHERE") == 1
    assert "Not found: region NOWHERE." in capsys.readouterr().err
    assert report(config_file, "care", "--from", "2026-09-01") == 1
    assert "both --from and --to" in capsys.readouterr().err
