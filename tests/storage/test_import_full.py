"""``pumpurs-bot import --full``: who is missing from a complete school file is marked as left."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDER = ["schools", "pupils", "guardians", "specialists", "coordinators", "plans"]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    files = [str(EXAMPLES / f"{kind}.csv") for kind in ORDER]
    assert main(["--config", str(path), "import", *files]) == 0
    return path


def riga_pupils(tmp_path: Path, leave_out: str) -> tuple[Path, list[dict[str, str]]]:
    with (EXAMPLES / "pupils.csv").open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["school_id"] == "RIGA-01"]
    gone = [r for r in rows if r["pupil_id"] == leave_out]
    path = tmp_path / "riga-pupils.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["pupil_id"] != leave_out)
    return path, gone


def left_on(tmp_path: Path, external_id: str) -> str | None:
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        row = conn.execute(
            "SELECT left_on FROM pupils WHERE school_id = 'RIGA-01' AND external_id = ?",
            (external_id,),
        ).fetchone()
    assert row is not None
    return row[0]


def test_the_plan_is_printed_and_nothing_changes_without_yes(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    path, (gone,) = riga_pupils(tmp_path, "P-1002")
    assert main(["--config", str(config_file), "import", "--full", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"marked as left: RIGA-01 P-1002 {gone['display_name']}" in out
    assert "1 marked as left, 0 back" in out and "Run again with --yes" in out
    assert left_on(tmp_path, "P-1002") is None


def test_with_yes_the_missing_are_marked_left_and_come_back_when_listed(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = riga_pupils(tmp_path, "P-1002")
    assert main(["--config", str(config_file), "import", "--full", str(path), "--yes"]) == 0
    assert "done" in capsys.readouterr().out
    assert left_on(tmp_path, "P-1002") is not None
    assert left_on(tmp_path, "P-1001") is None
    # Again: nobody else leaves.
    assert main(["--config", str(config_file), "import", "--full", str(path)]) == 0
    assert "0 marked as left, 0 back" in capsys.readouterr().out
    # The complete file with the pupil in it again: back.
    full, _ = riga_pupils(tmp_path, "none")
    assert main(["--config", str(config_file), "import", "--full", str(full), "--yes"]) == 0
    assert "1 back" in capsys.readouterr().out
    assert left_on(tmp_path, "P-1002") is None


def test_only_files_of_people_can_be_imported_in_full(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    plans = str(EXAMPLES / "plans.csv")
    assert main(["--config", str(config_file), "import", "--full", plans]) == 1
    assert "Only a complete file of pupils" in capsys.readouterr().err
