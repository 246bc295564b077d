"""Accounts, their links to people, one-time link codes and the audit log."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Account, LinkCode, PersonRef, Role
from storage.db import Connection, fetch_all, fetch_one, from_db_time, to_db_time

# A linked person's school and name, whichever table they live in: ``l`` has the columns
# ``role`` and ``person_id``. One definition serves a single person and a whole account.
_PERSON = """
       coalesce(p.school_id, g.school_id, s.school_id, c.school_id, c.region_id,
                (SELECT min(cs.school_id) FROM caterer_schools cs WHERE cs.caterer_id = k.id),
                '') AS school_id,
       coalesce(p.display_name, g.display_name, s.display_name, c.display_name,
                k.display_name) AS display_name
"""
_PERSON_JOINS = """
LEFT JOIN pupils p ON l.role = 'pupil' AND p.id = l.person_id
LEFT JOIN guardians g ON l.role = 'guardian' AND g.id = l.person_id
LEFT JOIN specialists s ON l.role = 'specialist' AND s.id = l.person_id
LEFT JOIN coordinators c ON l.role = 'coordinator' AND c.id = l.person_id
LEFT JOIN caterers k ON l.role = 'caterer' AND k.id = l.person_id
"""

_PERSON_SQL = f"SELECT {_PERSON} FROM (SELECT ? AS role, ? AS person_id) l {_PERSON_JOINS}"  # noqa: S608 - fixed fragments

# Every update starts by reading its sender's account: one query, not one per link.
_ACCOUNT_SQL = f"""
SELECT a.telegram_id, a.language, a.telegram_language, a.active, l.role, l.person_id, {_PERSON}
FROM accounts a
LEFT JOIN account_links l ON l.telegram_id = a.telegram_id
{_PERSON_JOINS}
WHERE a.telegram_id = ?
ORDER BY l.linked_at
"""  # noqa: S608 - fixed fragments


async def get_person(conn: Connection, role: Role, person_id: int) -> PersonRef | None:
    row = await fetch_one(conn, _PERSON_SQL, (role.value, person_id))
    if row is None or row["display_name"] is None:
        return None
    return PersonRef(
        role=role, person_id=person_id, school_id=row["school_id"], display_name=row["display_name"]
    )


async def get_account(conn: Connection, telegram_id: int) -> Account | None:
    rows = await fetch_all(conn, _ACCOUNT_SQL, (telegram_id,))
    if not rows:
        return None
    first = rows[0]
    links = tuple(
        PersonRef(
            role=Role(row["role"]),
            person_id=row["person_id"],
            school_id=row["school_id"],
            display_name=row["display_name"],
        )
        for row in rows
        # A link whose person the school has since removed is not shown.
        if row["role"] is not None and row["display_name"] is not None
    )
    return Account(
        telegram_id=first["telegram_id"],
        language=first["language"],
        telegram_language=first["telegram_language"],
        active=bool(first["active"]),
        links=links,
    )


async def ensure_account(
    conn: Connection, telegram_id: int, telegram_language: str | None, now: datetime
) -> None:
    """Create the account on first contact; keep Telegram's language up to date."""
    await conn.execute(
        "INSERT INTO accounts (telegram_id, telegram_language, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id) DO UPDATE SET telegram_language = excluded.telegram_language,"
        " active = 1"
        " WHERE telegram_language IS NOT excluded.telegram_language OR active = 0",
        (telegram_id, telegram_language, to_db_time(now)),
    )


async def set_language(conn: Connection, telegram_id: int, language: str) -> None:
    await conn.execute(
        "UPDATE accounts SET language = ? WHERE telegram_id = ?", (language, telegram_id)
    )


async def set_active(conn: Connection, telegram_id: int, active: bool) -> None:
    await conn.execute(
        "UPDATE accounts SET active = ? WHERE telegram_id = ?", (int(active), telegram_id)
    )


async def add_link(
    conn: Connection, telegram_id: int, role: Role, person_id: int, now: datetime
) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO account_links (telegram_id, role, person_id, linked_at)"
        " VALUES (?, ?, ?, ?)",
        (telegram_id, role.value, person_id, to_db_time(now)),
    )


async def accounts_of_person(conn: Connection, role: Role, person_id: int) -> list[int]:
    """Telegram ids of the active accounts linked to one person."""
    return [
        row[0]
        for row in await fetch_all(
            conn,
            "SELECT l.telegram_id FROM account_links l JOIN accounts a USING (telegram_id)"
            " WHERE l.role = ? AND l.person_id = ? AND a.active = 1 ORDER BY l.linked_at",
            (role.value, person_id),
        )
    ]


async def erase_account(conn: Connection, telegram_id: int) -> None:
    """Forget the account and its links; the school's records stay with the school.

    Crisis events stay (they count for the pupil's care) but no longer name the account.
    """
    await conn.execute(
        "UPDATE crisis_events SET telegram_id = 0 WHERE telegram_id = ?", (telegram_id,)
    )
    await conn.execute("DELETE FROM accounts WHERE telegram_id = ?", (telegram_id,))


# --- link codes -------------------------------------------------------------------------


async def add_link_code(
    conn: Connection,
    code_hash: str,
    school_id: str,
    role: Role,
    person_id: int,
    now: datetime,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO link_codes (code_hash, school_id, role, person_id, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (code_hash, school_id, role.value, person_id, to_db_time(now), to_db_time(expires_at)),
    )


async def find_link_code(conn: Connection, code_hash: str) -> LinkCode | None:
    row = await fetch_one(
        conn,
        "SELECT school_id, role, person_id, expires_at, used_by FROM link_codes"
        " WHERE code_hash = ?",
        (code_hash,),
    )
    if row is None:
        return None
    return LinkCode(
        school_id=row["school_id"],
        role=Role(row["role"]),
        person_id=row["person_id"],
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
    )


async def use_link_code(conn: Connection, code_hash: str, telegram_id: int, now: datetime) -> bool:
    """Mark the code used; False if someone used it first."""
    cursor = await conn.execute(
        "UPDATE link_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL",
        (to_db_time(now), telegram_id, code_hash),
    )
    return cursor.rowcount == 1


async def get_throttle(conn: Connection, telegram_id: int) -> tuple[int, datetime | None]:
    row = await fetch_one(
        conn,
        "SELECT failed_link_attempts, link_locked_until FROM accounts WHERE telegram_id = ?",
        (telegram_id,),
    )
    if row is None:
        return 0, None
    until = row["link_locked_until"]
    return int(row["failed_link_attempts"]), from_db_time(until) if until else None


async def set_throttle(
    conn: Connection, telegram_id: int, failures: int, locked_until: datetime | None
) -> None:
    await conn.execute(
        "UPDATE accounts SET failed_link_attempts = ?, link_locked_until = ? WHERE telegram_id = ?",
        (failures, to_db_time(locked_until) if locked_until else None, telegram_id),
    )


# --- audit ------------------------------------------------------------------------------


async def audit(
    conn: Connection,
    now: datetime,
    actor_telegram_id: int | None,
    action: str,
    subject: str,
    detail: str = "",
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_telegram_id, action, subject, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        (to_db_time(now), actor_telegram_id, action, subject, detail),
    )


async def audit_of_subject(conn: Connection, subject: str) -> list[tuple[str, int | None, str]]:
    return [
        (r["at"], r["actor_telegram_id"], r["action"])
        for r in await fetch_all(
            conn,
            "SELECT at, actor_telegram_id, action FROM audit_log WHERE subject = ? ORDER BY id",
            (subject,),
        )
    ]
