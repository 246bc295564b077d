"""Accounts: the actor of an update in one query, links, languages and one-time link codes."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.actor import Actor, PupilRef
from bot.domain.models import PersonRef, Role
from storage.db import Repo, to_db_time

# A linked person's school and name, whichever table they live in: ``l`` has the columns
# ``role`` and ``person_id``. One definition serves a single person and a whole account.
_PERSON = """
       coalesce(p.school_id, g.school_id, s.school_id, c.school_id, c.region_id,
                (SELECT min(cs.school_id) FROM caterer_schools cs WHERE cs.caterer_id = k.id),
                '') AS school_id,
       coalesce(p.display_name, g.display_name, s.display_name, c.display_name,
                k.display_name) AS name
"""
_PERSON_JOINS = """
LEFT JOIN pupils p ON l.role = 'pupil' AND p.id = l.person_id
LEFT JOIN guardians g ON l.role = 'guardian' AND g.id = l.person_id
LEFT JOIN specialists s ON l.role = 'specialist' AND s.id = l.person_id
LEFT JOIN coordinators c ON l.role = 'coordinator' AND c.id = l.person_id
LEFT JOIN caterers k ON l.role = 'caterer' AND k.id = l.person_id
"""

_PERSON_SQL = f"SELECT {_PERSON} FROM (SELECT ? AS role, ? AS person_id) l {_PERSON_JOINS}"  # noqa: S608 - fixed fragments

# Every update starts by reading its sender: the account, each link with the person's
# school and name, a parent's children, and the schools a coordinator or caterer serves,
# in one statement (one trip to the database thread). ``what`` says what a row is; the
# rows are put in order in Python (by ``what``, then ``at``), cheaper than SQLite's sort.
_ACTOR_SQL = f"""
WITH l AS (SELECT role, person_id, linked_at FROM account_links WHERE telegram_id = :id)
SELECT 0 AS what, NULL AS role, NULL AS person_id, NULL AS school_id, NULL AS name,
       NULL AS grade, language, telegram_language, active, '' AS at
  FROM accounts WHERE telegram_id = :id
UNION ALL
SELECT 1, l.role, l.person_id, {_PERSON}, p.grade, NULL, NULL, NULL, l.linked_at
  FROM l {_PERSON_JOINS}
UNION ALL
SELECT 2, 'pupil', p.id, p.school_id, p.display_name, p.grade, NULL, NULL, NULL, p.display_name
  FROM l JOIN guardian_pupils gp ON l.role = 'guardian' AND gp.guardian_id = l.person_id
  JOIN pupils p ON p.id = gp.pupil_id AND p.left_on IS NULL
UNION ALL
SELECT 3, NULL, NULL, c.school_id, NULL, NULL, NULL, NULL, NULL, c.school_id
  FROM l JOIN coordinators c ON l.role = 'coordinator' AND c.id = l.person_id
  WHERE c.school_id IS NOT NULL
UNION ALL
SELECT 4, NULL, NULL, NULL, c.region_id, NULL, NULL, NULL, NULL, c.region_id
  FROM l JOIN coordinators c ON l.role = 'coordinator' AND c.id = l.person_id
  WHERE c.school_id IS NULL
UNION ALL
SELECT 5, NULL, NULL, sc.id, NULL, NULL, NULL, NULL, NULL, sc.id
  FROM l JOIN coordinators c ON l.role = 'coordinator' AND c.id = l.person_id
  JOIN schools sc ON c.school_id IS NULL AND sc.region_id = c.region_id
"""  # noqa: S608 - fixed fragments

_ACCOUNT, _LINK, _CHILD, _SCHOOL, _REGION, _REGION_SCHOOL = range(6)


def _actor(telegram_id: int, rows: list[aiosqlite.Row]) -> Actor | None:
    # Rows of our own tables, as their constraints allow them: built without validation
    # (model_construct), since this runs for every update.
    rows = sorted(rows, key=lambda row: (row["what"], row["at"]))
    account = next((row for row in rows if row["what"] == _ACCOUNT), None)
    if account is None:
        return None
    links: list[PersonRef] = []
    grades: dict[int, int] = {}
    children: dict[int, PupilRef] = {}
    found: dict[int, list[str]] = {_SCHOOL: [], _REGION: [], _REGION_SCHOOL: []}
    for row in rows:
        what = row["what"]
        if what == _LINK and row["name"] is not None:  # a person the school since removed
            links.append(
                PersonRef.model_construct(
                    role=Role(row["role"]),
                    person_id=row["person_id"],
                    school_id=row["school_id"],
                    display_name=row["name"],
                )
            )
            if row["grade"] is not None:
                grades[row["person_id"]] = row["grade"]
        elif what == _CHILD:
            children[row["person_id"]] = PupilRef.model_construct(
                id=row["person_id"],
                school_id=row["school_id"],
                name=row["name"],
                grade=row["grade"],
            )
        elif what in found:
            found[what].append(row["school_id"] if what != _REGION else row["name"])
    pupil_link = next((link for link in links if link.role == Role.PUPIL), None)
    return Actor.model_construct(
        telegram_id=telegram_id,
        language=account["language"],
        telegram_language=account["telegram_language"],
        active=bool(account["active"]),
        links=tuple(links),
        pupil=PupilRef.model_construct(
            id=pupil_link.person_id,
            school_id=pupil_link.school_id,
            name=pupil_link.display_name,
            grade=grades.get(pupil_link.person_id, 0),
        )
        if pupil_link
        else None,
        children=tuple(children.values()),
        specialist_ids=tuple(x.person_id for x in links if x.role == Role.SPECIALIST),
        caterer_ids=tuple(x.person_id for x in links if x.role == Role.CATERER),
        coordinated_schools=tuple(dict.fromkeys(found[_SCHOOL])),
        region_ids=tuple(dict.fromkeys(found[_REGION])),
        region_schools=tuple(dict.fromkeys(found[_REGION_SCHOOL])),
    )


class AccountsRepo(Repo):
    async def actor(self, telegram_id: int) -> Actor | None:
        """The account with everything it may act for; None if it never wrote."""
        return _actor(telegram_id, await self.all(_ACTOR_SQL, {"id": telegram_id}))

    async def person(self, role: Role, person_id: int) -> PersonRef | None:
        row = await self.one(_PERSON_SQL, (role.value, person_id))
        if row is None or row["name"] is None:
            return None
        return PersonRef(
            role=role, person_id=person_id, school_id=row["school_id"], display_name=row["name"]
        )

    async def ensure(self, telegram_id: int, telegram_language: str | None, now: datetime) -> None:
        """Create the account on first contact; keep Telegram's language up to date."""
        await self.run(
            "INSERT INTO accounts (telegram_id, telegram_language, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET"
            " telegram_language = coalesce(excluded.telegram_language, telegram_language),"
            " active = 1"
            " WHERE (excluded.telegram_language IS NOT NULL"
            " AND telegram_language IS NOT excluded.telegram_language) OR active = 0",
            (telegram_id, telegram_language, to_db_time(now)),
        )

    async def chosen_language(self, telegram_id: int) -> str | None:
        row = await self.one("SELECT language FROM accounts WHERE telegram_id = ?", (telegram_id,))
        return row[0] if row else None

    async def set_language(self, telegram_id: int, language: str) -> None:
        await self.run(
            "UPDATE accounts SET language = ? WHERE telegram_id = ?", (language, telegram_id)
        )

    async def set_active(self, telegram_id: int, active: bool) -> None:
        await self.run(
            "UPDATE accounts SET active = ? WHERE telegram_id = ?", (int(active), telegram_id)
        )

    async def add_link(self, telegram_id: int, role: Role, person_id: int, now: datetime) -> None:
        await self.run(
            "INSERT OR IGNORE INTO account_links (telegram_id, role, person_id, linked_at)"
            " VALUES (?, ?, ?, ?)",
            (telegram_id, role.value, person_id, to_db_time(now)),
        )

    async def of_person(self, role: Role, person_id: int) -> list[int]:
        """Telegram ids of the active accounts linked to one person."""
        rows = await self.all(
            "SELECT l.telegram_id FROM account_links l JOIN accounts a USING (telegram_id)"
            " WHERE l.role = ? AND l.person_id = ? AND a.active = 1 ORDER BY l.linked_at",
            (role.value, person_id),
        )
        return [row[0] for row in rows]
