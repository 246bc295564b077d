"""The CSV import against real SQLite files: examples, idempotence, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.errors import ImportFailed
from bot.services.imports.lines import ImportKind
from storage.db import Database
from tests.factories import import_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDER = ["schools", "pupils", "guardians", "specialists", "coordinators", "plans"]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "t.sqlite3") as database:
        yield database


async def import_examples(db: Database) -> None:
    for name in ORDER:
        await import_csv(db, EXAMPLES / f"{name}.csv")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


async def count(db: Database, sql: str, *args: object) -> int:
    async with db.reader.execute(sql, args) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def rows(db: Database, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with db.reader.execute(sql, args) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_examples_import_in_order_with_the_right_counts(db: Database) -> None:
    reports = [await import_csv(db, EXAMPLES / f"{name}.csv") for name in ORDER]

    assert [r.kind for r in reports] == [ImportKind(name) for name in ORDER]
    assert [r.rows for r in reports] == [3, 8, 6, 8, 3, 15]
    expected = {
        "regions": 2,
        "schools": 3,
        "pupils": 8,
        "guardians": 6,
        "guardian_pupils": 7,
        "specialists": 8,
        "specialist_subjects": 6,
        "coordinators": 3,
        "plans": 15,
        "plan_measures": 41,
    }
    for table, number in expected.items():
        assert await count(db, f"SELECT count(*) FROM {table}") == number, table
    assert await rows(db, "SELECT id, caterer_delivers_home FROM schools ORDER BY id") == [
        ("LAT-01", 0),
        ("LAT-02", 0),
        ("RIGA-01", 1),
    ]
    assert await rows(
        db, "SELECT school_id, region_id FROM coordinators WHERE external_id = 'C-10'"
    ) == [(None, "LATGALE")]
    assert await rows(
        db,
        "SELECT m.kind, m.subject, m.hours_granted FROM plan_measures m"
        " JOIN plans p ON p.id = m.plan_id WHERE p.external_id = 'IAP-1920-2-001'"
        " ORDER BY m.kind",
    ) == [
        ("emotional_support", "", 6.0),
        ("meals", "", None),
        ("subject_consultation", "Matemātika", 8.0),
    ]


async def test_reimporting_the_same_files_changes_nothing(db: Database) -> None:
    await import_examples(db)
    ids_before = await rows(db, "SELECT id, external_id FROM pupils ORDER BY id")
    measures_before = await rows(db, "SELECT * FROM plan_measures ORDER BY id")

    for name in ORDER:
        report = await import_csv(db, EXAMPLES / f"{name}.csv")
        assert report.changed == 0, name

    assert await rows(db, "SELECT id, external_id FROM pupils ORDER BY id") == ids_before
    assert await rows(db, "SELECT * FROM plan_measures ORDER BY id") == measures_before


async def test_a_changed_row_updates_in_place(db: Database, tmp_path: Path) -> None:
    await import_examples(db)
    (pupil_id,) = (await rows(db, "SELECT id FROM pupils WHERE external_id = 'P-1002'"))[0]
    text = (EXAMPLES / "pupils.csv").read_text(encoding="utf-8")
    changed = write(tmp_path, "p.csv", text.replace("Mārtiņš Kalniņš,9", "Mārtiņš Kalniņš,10"))

    report = await import_csv(db, changed)

    assert report.changed == 1
    assert await rows(db, "SELECT id, grade FROM pupils WHERE external_id = 'P-1002'") == [
        (pupil_id, 10)
    ]
    assert await count(db, "SELECT count(*) FROM pupils") == 8


async def test_measures_and_links_become_what_the_file_says(db: Database, tmp_path: Path) -> None:
    await import_examples(db)
    plan = "(SELECT id FROM plans WHERE external_id = 'IAP-1920-2-001')"
    measures = f"SELECT id, kind, hours_granted FROM plan_measures WHERE plan_id = {plan}"
    before = {kind: measure_id for measure_id, kind, _ in await rows(db, measures)}
    header = (EXAMPLES / "plans.csv").read_text(encoding="utf-8").splitlines()[0]
    line = "RIGA-01,IAP-1920-2-001,P-1001,2019/2020,2,2020-01-06,2020-05-29,2020-01-10,"
    plans = write(tmp_path, "plans.csv", f"{header}\n{line}meals;emotional_support::8;transport\n")
    guardians = write(
        tmp_path,
        "g.csv",
        "school_id,guardian_id,display_name,pupil_ids\nRIGA-01,G-1001,Inese Bērziņa,P-1003\n",
    )

    plans_report = await import_csv(db, plans)
    guardians_report = await import_csv(db, guardians)

    # the consultation deleted, emotional support 6 -> 8 hours, transport inserted
    assert plans_report.changed == 3
    after = await rows(db, measures + " ORDER BY kind")
    assert [(kind, hours) for _, kind, hours in after] == [
        ("emotional_support", 8.0),
        ("meals", None),
        ("transport", None),
    ]
    assert after[0][0] == before["emotional_support"]
    assert after[1][0] == before["meals"]
    assert guardians_report.changed == 1
    assert await rows(
        db,
        "SELECT p.external_id FROM guardian_pupils l JOIN guardians g ON g.id = l.guardian_id"
        " JOIN pupils p ON p.id = l.pupil_id WHERE g.external_id = 'G-1001'",
    ) == [("P-1003",)]


async def test_a_bad_file_names_every_bad_line_and_stores_nothing(
    db: Database, tmp_path: Path
) -> None:
    await import_examples(db)
    before = await rows(db, "SELECT * FROM plans ORDER BY id")
    measures_before = await count(db, "SELECT count(*) FROM plan_measures")
    header = "school_id,plan_id,pupil_id,school_year,semester,starts_on,ends_on,created_on,measures"
    path = write(
        tmp_path,
        "bad.csv",
        "\n".join(
            [
                header,
                "RIGA-01,NEW-1,P-1001,2026/2027,1,2026-09-01,2026-12-31,,meals",
                "RIGA-01,NEW-2,P-9999,2026/2027,1,2026-09-01,2026-12-31,,meals",
                "RIGA-01,NEW-3,P-1002,2026/2027,1,2026-09-31,2026-12-31,,meals",
                "",
                "RIGA-01,NEW-4,P-1003,2026/2027,1,2026-09-01,2026-12-31,,subject_consultation::8",
                "RIGA-01,NEW-5,P-1004,2026/2027,3,2026-12-31,2026-09-01,,meals",
                "NOWHERE,NEW-6,P-1004,2026/2027,1,2026-09-01,2026-12-31,,meals",
                "RIGA-01,NEW-1,P-1001,2026/2027,1,2026-09-01,2026-12-31,,meals",
            ]
        ),
    )

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    problems = caught.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "line 3",
        "line 4",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
    ]
    assert problems[0] == "line 3: pupil_id: no pupil P-9999 in school RIGA-01"
    assert problems[1].startswith("line 4: starts_on: must be a date YYYY-MM-DD")
    assert "needs a subject" in problems[2]
    assert "line 7: semester: must be between 1 and 2" in problems
    assert "line 7: ends_on: must not be before starts_on" not in problems  # semester failed first
    assert problems[4].startswith("line 8: school_id: unknown school NOWHERE")
    assert problems[5] == "line 9: plan_id: NEW-1 is already on line 2"
    assert await rows(db, "SELECT * FROM plans ORDER BY id") == before
    assert await count(db, "SELECT count(*) FROM plan_measures") == measures_before


async def test_a_bad_grade_is_named_with_its_line(db: Database, tmp_path: Path) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path,
        "p.csv",
        "school_id,pupil_id,display_name,grade\n"
        "RIGA-01,P-1,Anna,7\n"
        "RIGA-01,P-2,Pēteris,13\n"
        "RIGA-01,P-3,,five\n"
        f"RIGA-01,P-4,{'x' * 121},5\n",
    )

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    assert caught.value.problems == [
        "line 3: grade: must be between 1 and 12",
        "line 4: display_name: must not be empty",
        "line 4: grade: must be a whole number between 1 and 12",
        "line 5: display_name: must be at most 120 characters",
    ]
    assert await count(db, "SELECT count(*) FROM pupils") == 0


async def test_an_unknown_header_is_refused(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "school,pupil,name\nRIGA-01,P-1,Anna\n")

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    (problem,) = caught.value.problems
    assert problem.startswith("line 1: unknown columns school,pupil,name, expected one of:")
    assert "pupils: school_id,pupil_id,display_name,grade" in problem


async def test_a_personal_code_column_is_refused(db: Database, tmp_path: Path) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path,
        "p.csv",
        "school_id,pupil_id,display_name,grade,Personas kods\nRIGA-01,P-1,Anna,7,010101-12345\n",
    )

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    assert "personas kods" in caught.value.problems[0]
    assert "never accepted" in caught.value.problems[0]
    assert await count(db, "SELECT count(*) FROM pupils") == 0


async def test_a_file_with_a_bom_and_crlf_imports(db: Database, tmp_path: Path) -> None:
    text = (EXAMPLES / "schools.csv").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = write(tmp_path, "s.csv", text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    report = await import_csv(db, path)

    assert (report.kind, report.rows) == (ImportKind.SCHOOLS, 3)
    assert await rows(db, "SELECT name FROM regions ORDER BY id") == [("Latgale",), ("Rīga",)]


async def test_a_file_that_is_not_utf8_is_refused(db: Database, tmp_path: Path) -> None:
    text = (EXAMPLES / "schools.csv").read_text(encoding="utf-8")
    path = write(tmp_path, "s.csv", text, encoding="cp1257")

    with pytest.raises(ImportFailed, match="not UTF-8"):
        await import_csv(db, path)


async def test_a_coordinator_needs_exactly_one_of_school_and_region(
    db: Database, tmp_path: Path
) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path,
        "c.csv",
        "coordinator_id,display_name,school_id,region_id\n"
        "C-1,Baiba,RIGA-01,RIGA\n"
        "C-2,Ojārs,,\n"
        "C-3,Rita,,NOWHERE\n",
    )

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    assert [problem[:6] for problem in caught.value.problems] == ["line 2", "line 3", "line 4"]
    assert "unknown region NOWHERE" in caught.value.problems[2]


async def test_a_personal_code_in_a_cell_is_refused(db: Database, tmp_path: Path) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path, "p.csv", "school_id,pupil_id,display_name,grade\nRIGA-01,010101-12345,Anna,7\n"
    )

    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)

    assert caught.value.problems == [
        "line 2: pupil_id: looks like a personal code (personas kods), which is never accepted"
    ]


async def test_a_semicolon_separated_file_is_named_as_such(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "school_id;pupil_id;display_name;grade\nRIGA-01;P-1;Anna;7\n")

    with pytest.raises(ImportFailed, match="separated by ';'"):
        await import_csv(db, path)


@pytest.mark.parametrize(
    "code", ["01019012345", "010190 12345", "010190–12345", "３２０１９０-１２３４５"]
)
async def test_a_personal_code_in_any_spelling_is_refused(
    db: Database, tmp_path: Path, code: str
) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path, "p.csv", f"school_id,pupil_id,display_name,grade\nRIGA-01,P-1,Anna {code},7\n"
    )
    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)
    assert caught.value.problems == [
        "line 2: display_name: looks like a personal code (personas kods), which is never accepted"
    ]


async def test_ids_differing_in_case_hyphen_or_invisible_characters_are_one_person(
    db: Database, tmp_path: Path
) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    header = "school_id,pupil_id,display_name,grade\n"
    await import_csv(
        db, write(tmp_path, "a.csv", header + "RIGA-01,D3,Anna,7\nRIGA-01,P-7,Ēriks,8\n")
    )
    # The same people again: another case, a Unicode hyphen, a zero-width space, the
    # school's id typed in lower case.
    again = header + "riga-01,d3,Anna Ozola,7\nRIGA‐01,p\u200b‐7,Ēriks,9\n"
    report = await import_csv(db, write(tmp_path, "b.csv", again))
    assert report.changed == 2
    assert await rows(
        db, "SELECT school_id, external_id, display_name, grade FROM pupils ORDER BY id"
    ) == [("RIGA-01", "D3", "Anna Ozola", 7), ("RIGA-01", "P-7", "Ēriks", 9)]
    # A guardian file naming the pupils in yet another spelling finds them.
    guardians = "school_id,guardian_id,display_name,pupil_ids\nRIGA-01,G1,Inese,d3;P－7\n"
    await import_csv(db, write(tmp_path, "g.csv", guardians))
    assert await count(db, "SELECT count(*) FROM guardian_pupils") == 2


async def test_a_file_listing_one_id_in_two_spellings_is_refused(
    db: Database, tmp_path: Path
) -> None:
    await import_csv(db, EXAMPLES / "schools.csv")
    path = write(
        tmp_path, "p.csv", "school_id,pupil_id,display_name,grade\nRIGA-01,D3,A,7\nRIGA-01,d3,B,7\n"
    )
    with pytest.raises(ImportFailed) as caught:
        await import_csv(db, path)
    assert caught.value.problems == ["line 3: pupil_id: d3 is already on line 2"]
