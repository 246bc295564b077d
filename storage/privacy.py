"""A person's own data: erasing every trace of an account, the export, the audit trail."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from bot.domain.models import Pupil, Role
from bot.domain.privacy import (
    AlertRecord,
    AuditRead,
    BroadcastRecord,
    CalendarCopyRecord,
    CrisisRecord,
    InternshipDayRecord,
    MealDeliveryRecord,
    OfferRecord,
    SeriesRecord,
    WaitlistRecord,
)
from storage.data_map import ACCOUNT_COLUMNS
from storage.db import Repo, from_db_time, marks

# What stands in for an erased parent's address and phone on a stopped meal confirmation
# (the table's checks want an address of 5 characters at least and a +371 number).
ERASED_ADDRESS = "-----"
ERASED_PHONE = "+37100000000"

_PENDING = "('pending', 'sending')"


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


class PrivacyRepo(Repo):
    async def erase_account(self, telegram_id: int, today: date) -> None:
        """Forget the account and every trace of what it typed; the school's records stay.

        Run inside the erasing transaction: the notes it wrote are blanked, the meal
        confirmations it gave are stopped and blanked (their deliveries not yet made are
        withdrawn), every message to it is deleted, and each column that named it as the
        one who acted names nobody (``storage.data_map.ACCOUNT_COLUMNS``). Its links,
        settings and calendar copies go with the account row; a reason it gave for a claim
        and the messages it sent to families that are all delivered go too.
        """
        await self.run("UPDATE bookings SET note = '' WHERE booked_by = ?", (telegram_id,))
        await self.run(
            "UPDATE transport_claims SET reason = '' WHERE decided_by = ?", (telegram_id,)
        )
        # A message to families goes once all its copies were sent; until then it stays
        # (naming nobody) for the copies still to go.
        await self.run(
            "DELETE FROM broadcasts WHERE sent_by = ? AND NOT EXISTS (SELECT 1 FROM reminders r"  # noqa: S608 - a constant
            f" WHERE r.ref = 'broadcast:' || broadcasts.id AND r.state IN {_PENDING})",
            (telegram_id,),
        )
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
        for table, column, blank in ACCOUNT_COLUMNS:
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

    # --- the export, beyond what other repositories already read -----------------------

    async def alerts_of_account(self, telegram_id: int) -> list[AlertRecord]:
        """Alerts raised from the account's messages, oldest first."""
        rows = await self.all(
            "SELECT kind, category, created_at, taken_name, taken_at FROM care_alerts"
            " WHERE telegram_id = ? ORDER BY created_at",
            (telegram_id,),
        )
        return [
            AlertRecord(
                kind=row["kind"],
                category=row["category"],
                created_at=from_db_time(row["created_at"]),
                taken_name=row["taken_name"],
                taken_at=_time(row["taken_at"]),
            )
            for row in rows
        ]

    async def waitlist_of_pupils(self, pupil_ids: Collection[int]) -> list[WaitlistRecord]:
        """Every place in line of these pupils, open or closed, with its offers."""
        ids = sorted(set(pupil_ids))
        if not ids:
            return []
        rows = await self.all(
            "SELECT w.*, p.display_name AS pupil_name,"  # noqa: S608 - ? marks only
            " coalesce(x.display_name, '') AS specialist_name FROM waitlist w"
            " JOIN pupils p ON p.id = w.pupil_id LEFT JOIN specialists x ON x.id = w.specialist_id"
            f" WHERE w.pupil_id IN ({marks(len(ids))}) ORDER BY w.queued_at, w.id",
            ids,
        )
        offers: dict[int, list[OfferRecord]] = {}
        for row in await self.all(
            "SELECT o.entry_id, o.state, o.offered_at, o.expires_at, o.booking_id,"  # noqa: S608 - ? marks only
            " s.starts_at FROM waitlist_offers o JOIN slots s ON s.id = o.slot_id"
            f" WHERE o.pupil_id IN ({marks(len(ids))}) ORDER BY o.offered_at, o.id",
            ids,
        ):
            offers.setdefault(row["entry_id"], []).append(
                OfferRecord(
                    slot_starts_at=from_db_time(row["starts_at"]),
                    state=row["state"],
                    offered_at=from_db_time(row["offered_at"]),
                    expires_at=from_db_time(row["expires_at"]),
                    booking_id=row["booking_id"],
                )
            )
        return [
            WaitlistRecord(
                pupil_name=row["pupil_name"],
                kind=row["kind"],
                subject=row["subject"],
                specialist_name=row["specialist_name"],
                weekdays=row["weekdays"],
                day_parts=row["day_parts"],
                state=row["state"],
                queued_at=from_db_time(row["queued_at"]),
                ends_on=date.fromisoformat(row["ends_on"]),
                closed_at=_time(row["closed_at"]),
                end_reason=row["end_reason"],
                offers=tuple(offers.get(row["id"], ())),
            )
            for row in rows
        ]

    async def series_of_pupils(self, pupil_ids: Collection[int]) -> list[SeriesRecord]:
        ids = sorted(set(pupil_ids))
        if not ids:
            return []
        rows = await self.all(
            "SELECT r.*, p.display_name AS pupil_name, x.display_name AS specialist_name"  # noqa: S608 - ? marks only
            " FROM series r JOIN pupils p ON p.id = r.pupil_id"
            " JOIN specialists x ON x.id = r.specialist_id"
            f" WHERE r.pupil_id IN ({marks(len(ids))}) ORDER BY r.created_at, r.id",
            ids,
        )
        return [
            SeriesRecord.model_validate(
                {**dict(row), "created_at": from_db_time(row["created_at"])}
            )
            for row in rows
        ]

    async def calendar_copies_of(self, telegram_id: int) -> list[CalendarCopyRecord]:
        rows = await self.all(
            "SELECT booking_id, sent_at FROM calendar_copies WHERE telegram_id = ?"
            " ORDER BY booking_id",
            (telegram_id,),
        )
        return [CalendarCopyRecord(booking_id=row[0], sent_at=from_db_time(row[1])) for row in rows]

    async def deliveries_of_pupils(self, pupil_ids: Collection[int]) -> list[MealDeliveryRecord]:
        ids = sorted(set(pupil_ids))
        if not ids:
            return []
        rows = await self.all(
            "SELECT s.pupil_id, d.day, d.state, d.fail_reason, d.receipt"  # noqa: S608 - ? marks only
            " FROM meal_deliveries d JOIN meal_subscriptions s ON s.id = d.subscription_id"
            f" WHERE s.pupil_id IN ({marks(len(ids))}) ORDER BY d.day, s.pupil_id",
            ids,
        )
        return [MealDeliveryRecord.model_validate(dict(row)) for row in rows]

    async def internship_days_of_pupils(
        self, pupil_ids: Collection[int]
    ) -> list[InternshipDayRecord]:
        ids = sorted(set(pupil_ids))
        if not ids:
            return []
        rows = await self.all(
            "SELECT pupil_id, day, confirmed_at, provided_as, allowance_cents"  # noqa: S608 - ? marks only
            f" FROM internship_days WHERE pupil_id IN ({marks(len(ids))}) ORDER BY day, pupil_id",
            ids,
        )
        return [
            InternshipDayRecord.model_validate(
                {**dict(row), "confirmed_at": from_db_time(row["confirmed_at"])}
            )
            for row in rows
        ]

    async def broadcasts_of(self, telegram_id: int) -> list[BroadcastRecord]:
        rows = await self.all(
            "SELECT school_id, audience, grade, text, created_at, recipients FROM broadcasts"
            " WHERE sent_by = ? ORDER BY created_at, id",
            (telegram_id,),
        )
        return [
            BroadcastRecord.model_validate(
                {**dict(row), "created_at": from_db_time(row["created_at"])}
            )
            for row in rows
        ]

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
