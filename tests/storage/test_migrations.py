"""Migrations: an empty database and every older version reach the same schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import Database
from storage.db import migration_scripts, split_statements
from tests.factories import make_world

VERSIONS = [version for version, _, _ in migration_scripts()]
LATEST = VERSIONS[-1]


async def schema(db: Database) -> list[tuple[str, str]]:
    async with db.reader.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert list(range(1, len(VERSIONS) + 1)) == VERSIONS


async def test_an_empty_database_migrates_to_the_latest_version(tmp_path: Path) -> None:
    async with Database(tmp_path / "new.sqlite3") as db:
        assert await db.schema_version() == LATEST
        async with db.reader.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with db.reader.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1


@pytest.mark.parametrize("start", VERSIONS)
async def test_a_database_of_any_earlier_version_migrates_forward_keeping_data(
    tmp_path: Path, start: int
) -> None:
    old = Database(tmp_path / "old.sqlite3")
    await old.open(migrate=False)
    await old.migrate(target=start)
    assert await old.schema_version() == start
    world = await make_world(old)
    await old.close()

    async with (
        Database(tmp_path / "old.sqlite3") as upgraded,
        Database(tmp_path / "fresh.sqlite3") as fresh,
    ):
        assert await upgraded.schema_version() == LATEST
        assert await schema(upgraded) == await schema(fresh)
        async with upgraded.reader.execute(
            "SELECT display_name FROM pupils WHERE id = ?", (world.pupil_id,)
        ) as cursor:
            assert (await cursor.fetchone())[0] == "Anna Ozola"


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    async with Database(tmp_path / "x.sqlite3") as db:
        assert await db.migrate() == []


async def test_a_failed_write_rolls_back(tmp_path: Path) -> None:
    async with Database(tmp_path / "x.sqlite3") as db:
        with pytest.raises(RuntimeError):
            async with db.write() as conn:
                await conn.execute("INSERT INTO regions VALUES ('R', 'Rīga')")
                raise RuntimeError("boom")
        async with db.reader.execute("SELECT count(*) FROM regions") as cursor:
            assert (await cursor.fetchone())[0] == 0


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    import sqlite3

    async with Database(tmp_path / "x.sqlite3") as db:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as conn:
                await conn.execute(
                    "INSERT INTO schools VALUES ('S', 'no-such-region', 'X', 'general', 0)"
                )


def test_statements_are_split_where_sqlite_sees_them_end() -> None:
    sql = (
        "CREATE TABLE a (x TEXT DEFAULT ';');\n"
        "-- a comment; with a semicolon\nCREATE TABLE b (y);\n"
    )
    assert split_statements(sql) == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "-- a comment; with a semicolon\nCREATE TABLE b (y);",
    ]
