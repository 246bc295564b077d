"""The pumpurs-bot command: clear errors with status 2, imports, codes, migrations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDER = ["schools", "pupils", "guardians", "specialists", "coordinators", "plans"]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    return path


def test_a_corrupt_config_stops_with_status_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[linking]\ncode_ttl_hours = 'soon'\n", encoding="utf-8")
    assert main(["--config", str(path), "migrate"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("pumpurs-bot: config error: linking.code_ttl_hours:")


def test_a_missing_config_file_stops_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "none.toml"), "run"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_run_without_a_token_stops_with_status_2(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PUMPURS_BOT_TOKEN", raising=False)
    assert main(["--config", str(config_file), "run"]) == 2
    assert "telegram.token" in capsys.readouterr().err


def test_migrate_creates_the_database(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_file), "migrate"]) == 0
    assert (config_file.parent / "bot.sqlite3").exists()
    assert "schema version" in capsys.readouterr().out


def test_import_examples_then_again_changes_nothing(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(EXAMPLES / f"{kind}.csv") for kind in ORDER]
    assert main(["--config", str(config_file), "import", *files]) == 0
    first = capsys.readouterr().out
    assert "plans" in first
    assert main(["--config", str(config_file), "import", *files]) == 0
    again = capsys.readouterr().out.strip().splitlines()
    assert len(again) == len(files)
    assert all(line.endswith(" 0 changed") for line in again)


def test_a_bad_file_is_refused_with_its_line_numbers(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "pupils.csv"
    bad.write_text(
        "school_id,pupil_id,display_name,grade\nNOPE,P1,Anna,7\nNOPE,P2,Jānis,13\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config_file), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing stored" in err
    assert "line 2" in err and "line 3" in err


def test_issue_codes_writes_one_code_per_person(config_file: Path, tmp_path: Path) -> None:
    files = [str(EXAMPLES / f"{kind}.csv") for kind in ORDER]
    assert main(["--config", str(config_file), "import", *files]) == 0
    out = tmp_path / "codes.csv"
    args = ["--config", str(config_file), "issue-codes", "--school", "RIGA-01"]
    assert main([*args, "--role", "pupil", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (EXAMPLES / "pupils.csv").open(encoding="utf-8-sig") as handle:
        pupils = [r for r in csv.DictReader(handle) if r["school_id"] == "RIGA-01"]
    assert len(rows) == len(pupils) > 0
    assert {r["role"] for r in rows} == {"pupil"}
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(len(r["code"]) == 8 for r in rows)


def test_a_regional_coordinator_gets_a_code_by_region(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(EXAMPLES / f"{kind}.csv") for kind in ORDER]
    assert main(["--config", str(config_file), "import", *files]) == 0
    out = tmp_path / "codes.csv"
    args = ["--config", str(config_file), "issue-codes", "--region", "LATGALE", "--out", str(out)]
    assert main(args) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["role"], r["person_id"]) for r in rows] == [("coordinator", "C-10")]
    assert "1 code issued for region LATGALE" in capsys.readouterr().err
    assert main(["--config", str(config_file), "issue-codes", "--region", "NOWHERE"]) == 1
    assert "pumpurs-bot: Not found: region NOWHERE." in capsys.readouterr().err
