"""A person's own data: erasing every trace of an account, the export, the audit trail."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from bot.domain.models import Pupil, Role
from bot.domain.privacy import AuditRead, CrisisRecord
from storage.db import Repo, from_db_time, marks

# What stands in for an erased parent's address and phone on a stopped meal confirmation
# (the table's checks want an address of 5 characters at least and a +371 number).
ERASED_ADDRESS = "-----"
ERASED_PHONE = "+37100000000"

# Every column that holds a Telegram id of whoever acted, and what it becomes on erasure.
# The rows stay: they are the school's records (a session, a delivery, a claim).
_ACTORS = (
    ("bookings", "booked_by", "0"),
    ("bookings", "evidence_by", "NULL"),
    ("meal_deliveries", "marked_by", "NULL"),
    ("transport_claims", "submitted_by", "0"),
    ("transport_claims", "decided_by", "NULL"),
    ("link_codes", "used_by", "NULL"),
    ("audit_log", "actor_telegram_id", "NULL"),
    ("crisis_events", "telegram_id", "0"),
    ("waitlist", "joined_by", "0"),
    ("series", "booked_by", "0"),
)


class PrivacyRepo(Repo):
    async def erase_account(self, telegram_id: int, today: date) -> None:
        """Forget the account and every trace of what it typed; the school's records stay.

        Run inside the erasing transaction: the notes it wrote are blanked, the meal
        confirmations it gave are stopped and blanked (their deliveries not yet made are
        withdrawn), every message to it is deleted, and each column that named it as the
        one who acted names nobody. Its links and settings go with the account row.
        """
        await self.run("UPDATE bookings SET note = '' WHERE booked_by = ?", (telegram_id,))
        subscriptions = "SELECT id FROM meal_subscriptions WHERE created_by = ?"
        await self.run(
            f"DELETE FROM meal_deliveries WHERE state = 'planned' AND day >= ?"  # noqa: S608 - a constant
            f" AND subscription_id IN ({subscriptions})",
            (today.isoformat(), telegram_id),
        )
        await self.run(
            "UPDATE meal_subscriptions SET address = ?, phone = ?, dietary_note = '',"
            " state = 'stopped', created_by = 0 WHERE created_by = ?",
            (ERASED_ADDRESS, ERASED_PHONE, telegram_id),
        )
        await self.run("DELETE FROM reminders WHERE chat_id = ?", (telegram_id,))
        # Rows of older versions named the account in the subject ("account:<id>").
        await self.run("DELETE FROM audit_log WHERE subject = ?", (f"account:{telegram_id}",))
        for table, column, blank in _ACTORS:
            await self.run(
                f"UPDATE {table} SET {column} = {blank} WHERE {column} = ?",  # noqa: S608 - constants
                (telegram_id,),
            )
        await self.run("DELETE FROM accounts WHERE telegram_id = ?", (telegram_id,))

    async def blank_specialist_words(
        self, specialist_ids: Collection[int], link_prefix: str
    ) -> int:
        """A specialist's own words on their sessions: reasons and the call details they
        typed instead of the video link (links the bot made start with ``link_prefix``)."""
        ids = sorted(set(specialist_ids))
        if not ids:
            return 0
        where = f"specialist_id IN ({marks(len(ids))})"
        changed = await self.run(
            f"UPDATE bookings SET reason = '' WHERE {where} AND reason != ''",  # noqa: S608
            ids,
        )
        return changed + await self.run(
            f"UPDATE bookings SET call_link = '' WHERE {where} AND call_link != ''"  # noqa: S608
            " AND substr(call_link, 1, ?) != ?",
            [*ids, len(link_prefix), link_prefix],
        )

    async def crisis_of_account(self, telegram_id: int) -> list[CrisisRecord]:
        """When words of crisis were seen in the account's messages, and which list."""
        rows = await self.all(
            "SELECT DISTINCT at, category FROM crisis_events WHERE telegram_id = ? ORDER BY at",
            (telegram_id,),
        )
        return [CrisisRecord(at=from_db_time(row[0]), category=row[1]) for row in rows]

    async def reads_of_pupils(
        self, pupil_ids: Collection[int], *, limit: int, not_by: int | None = None
    ) -> list[AuditRead]:
        """The audit log of these pupils, newest first, with each reader's first link."""
        ids = sorted(set(pupil_ids))
        if not ids:
            return []
        rows = await self.all(
            "SELECT a.at, a.action, a.subject, a.actor_telegram_id AS reader,"  # noqa: S608 - ? marks only
            " (SELECT l.role || ':' || l.person_id FROM account_links l"
            "  WHERE l.telegram_id = a.actor_telegram_id ORDER BY l.linked_at LIMIT 1) AS link"
            f" FROM audit_log a WHERE a.subject IN ({marks(len(ids))})"
            " AND a.actor_telegram_id IS NOT ? ORDER BY a.id DESC LIMIT ?",
            [*(f"pupil:{pid}" for pid in ids), not_by, limit],
        )
        found: list[AuditRead] = []
        names: dict[str, str] = {}
        for row in rows:
            role: Role | None = None
            name = ""
            if row["link"]:
                role_text, person = row["link"].split(":")
                role = Role(role_text)
                if row["link"] not in names:
                    names[row["link"]] = await self._name(role, int(person))
                name = names[row["link"]]
            found.append(
                AuditRead(
                    at=from_db_time(row["at"]),
                    action=row["action"],
                    pupil_id=int(row["subject"].split(":")[1]),
                    reader_role=role,
                    reader_name=name,
                    reader_telegram_id=row["reader"],
                )
            )
        return found

    async def _name(self, role: Role, person_id: int) -> str:
        table = {
            Role.PUPIL: "pupils",
            Role.GUARDIAN: "guardians",
            Role.SPECIALIST: "specialists",
            Role.COORDINATOR: "coordinators",
            Role.CATERER: "caterers",
        }[role]
        row = await self.one(f"SELECT display_name FROM {table} WHERE id = ?", (person_id,))  # noqa: S608 - a constant
        return str(row[0]) if row else ""

    async def pupil_by_external_id(
        self, school_ids: Collection[str], external_id: str
    ) -> Pupil | None:
        """A pupil of one of these schools by the school's own id, in any letter case."""
        ids = sorted(set(school_ids))
        if not ids:
            return None
        row = await self.one(
            f"SELECT * FROM pupils WHERE school_id IN ({marks(len(ids))})"  # noqa: S608 - ? marks only
            " AND external_id = ? COLLATE NOCASE ORDER BY id LIMIT 1",
            [*ids, external_id.strip()],
        )
        return Pupil.model_validate(dict(row)) if row else None
