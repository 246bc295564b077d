"""The data map covers every table and every column that points to a person.

The first tests read a freshly migrated database (``sqlite_master``, ``PRAGMA table_info``)
and fail naming the table and column the map leaves out; the last ones give one person a
row in every place that can hold them and check the export, erasure and retention on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PrivacyConfig
from bot.domain.privacy import MyData, MyExport
from storage import Database
from storage.data_map import BY_NAME, OTHER_KEYS, TABLES, About, Erase, Keep, Prune

# Column names that suggest a person: each such column must be in the map.
SUSPECT = re.compile(
    r"telegram|chat|account|pupil|guardian|specialist|_by$|person|who|held_for"
    r"|name|phone|address|text|note|reason|detail|payload|file|subject|language|about"
    r"|call_link"
)
README = Path(__file__).parents[2] / "README.md"


async def tables_of(tmp_path: Path) -> dict[str, list[str]]:
    """Every table of a freshly migrated database, with its columns."""
    async with Database(tmp_path / "map.sqlite3") as db:
        async with db.reader.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ) as cursor:
            names = [row[0] for row in await cursor.fetchall()]
        found = {}
        for name in names:
            async with db.reader.execute(f"PRAGMA table_info({name})") as cursor:
                found[name] = [row[1] for row in await cursor.fetchall()]
    return found


def unmapped(schema: dict[str, list[str]]) -> list[str]:
    """What the map leaves out or names wrongly, as ``table`` or ``table.column``."""
    missing = [
        f"{table} (no entry in storage/data_map/tables.py)"
        for table in schema
        if table not in BY_NAME
    ]
    missing += [
        f"{name} (in the map, not in the database)" for name in BY_NAME if name not in schema
    ]
    for table, columns in schema.items():
        entry = BY_NAME.get(table)
        if entry is None:
            continue
        mapped = {col.name for col in entry.columns}
        missing += [
            f"{table}.{column} (looks personal, not classified)"
            for column in columns
            if SUSPECT.search(column) and column not in mapped
        ]
        missing += [f"{table}.{name} (no such column)" for name in mapped - set(columns)]
    return missing


async def test_every_table_and_personal_column_is_in_the_map(tmp_path: Path) -> None:
    assert unmapped(await tables_of(tmp_path)) == []


async def test_a_new_table_or_column_fails_naming_it(tmp_path: Path) -> None:
    schema = await tables_of(tmp_path)
    schema["pen_pals"] = ["id", "telegram_id"]
    schema["waitlist"] = [*schema["waitlist"], "guardian_phone"]
    assert unmapped(schema) == [
        "pen_pals (no entry in storage/data_map/tables.py)",
        "waitlist.guardian_phone (looks personal, not classified)",
    ]


def test_no_account_id_words_or_contact_outlive_erasure() -> None:
    kept = [
        f"{table.name}.{col.name}"
        for table in TABLES
        for col in table.columns
        if col.about in (About.ACCOUNT, About.WORDS, About.CONTACT) and col.erase is Erase.KEEP
    ]
    assert kept == []
    assert [
        f"{t.name}.{c.name}"
        for t in TABLES
        for c in t.columns
        if c.erase is Erase.SET and not c.blank
    ] == []


def test_every_export_part_and_retention_key_exists_and_is_used() -> None:
    parts = {table.export for table in TABLES if table.export}
    assert parts - set(MyExport.model_fields) == set()
    # Every part of the export but the account's own fields comes from a table.
    assert set(MyExport.model_fields) - set(MyData.model_fields) - parts == set()
    keys = {k.key for table in TABLES for k in table.kept if isinstance(k, Prune)}
    assert keys - set(PrivacyConfig.model_fields) - set(OTHER_KEYS) == set()
    assert set(PrivacyConfig.model_fields) - keys == set(), "a [privacy] key prunes nothing"
    assert [t.name for t in TABLES if not t.kept] == []
    assert all(isinstance(k, Prune | Keep) for t in TABLES for k in t.kept)


def test_the_readme_lists_every_table_and_retention_key() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("**What is stored, where it goes, how long it stays.**")
    section = text[start : text.index("\n\n", text.index("\n|", start) + 1)]
    first = " ".join(line.split("|")[1] for line in section.splitlines() if line.startswith("|"))
    assert [t.name for t in TABLES if f"`{t.name}`" not in first] == []
    kept = text[text.index("**How long things are kept**") :]
    assert [key for key in PrivacyConfig.model_fields if f"`{key}`" not in kept] == []


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_each_entry_says_where_its_rows_go(table: str) -> None:
    entry = BY_NAME[table]
    assert entry.export_note, f"{table}: say to whom it is exported, or why not"
