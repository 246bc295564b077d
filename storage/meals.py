"""Caterers, meal subscriptions, deliveries, and the meals feature's awaited input."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain.meals import (
    Caterer,
    Delivery,
    DeliveryState,
    MealSubscription,
    Receipt,
    SubscriptionState,
)
from storage.db import Repo, from_db_time, to_db_time

# --- subscriptions ----------------------------------------------------------------------


def _subscription(row: aiosqlite.Row) -> MealSubscription:
    return MealSubscription(
        id=row["id"],
        pupil_id=row["pupil_id"],
        address=row["address"],
        phone=row["phone"],
        days=row["days"],
        dietary_note=row["dietary_note"],
        consent_at=from_db_time(row["consent_at"]),
        state=SubscriptionState(row["state"]),
        created_by=row["created_by"],
    )


# --- deliveries -------------------------------------------------------------------------

_DELIVERY_SQL = (
    "SELECT d.*, s.pupil_id, s.address, s.phone, s.dietary_note, s.created_by,"
    " p.display_name AS pupil_name"
    " FROM meal_deliveries d JOIN meal_subscriptions s ON s.id = d.subscription_id"
    " JOIN pupils p ON p.id = s.pupil_id"
)


def _delivery(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        subscription_id=row["subscription_id"],
        caterer_id=row["caterer_id"],
        school_id=row["school_id"],
        day=date.fromisoformat(row["day"]),
        state=DeliveryState(row["state"]),
        fail_reason=row["fail_reason"],
        receipt=Receipt(row["receipt"]) if row["receipt"] else None,
        pupil_id=row["pupil_id"],
        pupil_name=row["pupil_name"],
        address=row["address"],
        phone=row["phone"],
        dietary_note=row["dietary_note"],
        created_by=row["created_by"],
    )


class MealsRepo(Repo):
    async def upsert_caterer(
        self,
        external_id: str,
        display_name: str,
        delivery_days: str,
        cutoff_time: str,
        delivery_time: str,
    ) -> int:
        await self.conn.execute(
            "INSERT INTO caterers (external_id, display_name, delivery_days, cutoff_time,"
            " delivery_time) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (external_id) DO UPDATE SET display_name = excluded.display_name,"
            " delivery_days = excluded.delivery_days, cutoff_time = excluded.cutoff_time,"
            " delivery_time = excluded.delivery_time"
            " WHERE (display_name, delivery_days, cutoff_time, delivery_time) IS NOT"
            " (excluded.display_name, excluded.delivery_days, excluded.cutoff_time,"
            " excluded.delivery_time)",
            (external_id, display_name, delivery_days, cutoff_time, delivery_time),
        )
        row = await self.one("SELECT id FROM caterers WHERE external_id = ?", (external_id,))
        assert row is not None  # noqa: S101 - just written
        return int(row[0])

    async def set_caterer_schools(self, caterer_id: int, school_ids: list[str]) -> None:
        """The caterer serves exactly these schools (a school moves from its old caterer)."""
        marks = ",".join("?" * len(school_ids))
        await self.conn.execute(
            f"DELETE FROM caterer_schools WHERE caterer_id = ? AND school_id NOT IN ({marks})",  # noqa: S608
            (caterer_id, *school_ids),
        )
        for school_id in school_ids:
            await self.conn.execute(
                "INSERT INTO caterer_schools (caterer_id, school_id) VALUES (?, ?)"
                " ON CONFLICT (school_id) DO UPDATE SET caterer_id = excluded.caterer_id"
                " WHERE caterer_schools.caterer_id IS NOT excluded.caterer_id",
                (caterer_id, school_id),
            )

    async def _caterer(self, row: aiosqlite.Row) -> Caterer:
        schools = tuple(
            r[0]
            for r in await self.all(
                "SELECT school_id FROM caterer_schools WHERE caterer_id = ? ORDER BY school_id",
                (row["id"],),
            )
        )
        return Caterer(
            id=row["id"],
            external_id=row["external_id"],
            display_name=row["display_name"],
            delivery_days=row["delivery_days"],
            cutoff_time=row["cutoff_time"],
            delivery_time=row["delivery_time"],
            school_ids=schools,
        )

    async def get_caterer(self, caterer_id: int) -> Caterer | None:
        row = await self.one("SELECT * FROM caterers WHERE id = ?", (caterer_id,))
        return await self._caterer(row) if row else None

    async def caterer_of_school(self, school_id: str) -> Caterer | None:
        row = await self.one(
            "SELECT c.* FROM caterers c JOIN caterer_schools s ON s.caterer_id = c.id"
            " WHERE s.school_id = ?",
            (school_id,),
        )
        return await self._caterer(row) if row else None

    async def get_subscription(self, pupil_id: int) -> MealSubscription | None:
        row = await self.one("SELECT * FROM meal_subscriptions WHERE pupil_id = ?", (pupil_id,))
        return _subscription(row) if row else None

    async def save_subscription(
        self,
        *,
        pupil_id: int,
        address: str,
        phone: str,
        days: str,
        dietary_note: str,
        created_by: int,
        now: datetime,
    ) -> MealSubscription:
        """Create or replace the pupil's confirmation; consent is given now, state active."""
        await self.conn.execute(
            "INSERT INTO meal_subscriptions (pupil_id, address, phone, days, dietary_note,"
            " consent_at, state, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)"
            " ON CONFLICT (pupil_id) DO UPDATE SET address = excluded.address,"
            " phone = excluded.phone, days = excluded.days, dietary_note = excluded.dietary_note,"
            " consent_at = excluded.consent_at, state = 'active', created_by = excluded.created_by,"
            " updated_at = excluded.updated_at",
            (
                pupil_id,
                address,
                phone,
                days,
                dietary_note,
                to_db_time(now),
                created_by,
                to_db_time(now),
            ),
        )
        found = await self.get_subscription(pupil_id)
        assert found is not None  # noqa: S101 - just written
        return found

    async def set_subscription_state(
        self, pupil_id: int, state: SubscriptionState, now: datetime
    ) -> None:
        await self.conn.execute(
            "UPDATE meal_subscriptions SET state = ?, updated_at = ? WHERE pupil_id = ?",
            (state.value, to_db_time(now), pupil_id),
        )

    async def active_subscriptions(self) -> list[MealSubscription]:
        return [
            _subscription(row)
            for row in await self.all(
                "SELECT * FROM meal_subscriptions WHERE state = 'active' ORDER BY id"
            )
        ]

    async def add_delivery(
        self, subscription_id: int, caterer_id: int, school_id: str, day: date
    ) -> int | None:
        """The new delivery's id, or None if that day was planned already."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO meal_deliveries (subscription_id, caterer_id, school_id, day)"
            " VALUES (?, ?, ?, ?)",
            (subscription_id, caterer_id, school_id, day.isoformat()),
        )
        return int(cursor.lastrowid) if cursor.rowcount == 1 and cursor.lastrowid else None

    async def get_delivery(self, delivery_id: int) -> Delivery | None:
        row = await self.one(_DELIVERY_SQL + " WHERE d.id = ?", (delivery_id,))
        return _delivery(row) if row else None

    async def deliveries_of_caterer(self, caterer_id: int, day: date) -> list[Delivery]:
        return [
            _delivery(row)
            for row in await self.all(
                _DELIVERY_SQL
                + " WHERE d.caterer_id = ? AND d.day = ? ORDER BY d.school_id, pupil_name",
                (caterer_id, day.isoformat()),
            )
        ]

    async def deliveries_of_subscription(
        self, subscription_id: int, from_day: date
    ) -> list[Delivery]:
        return [
            _delivery(row)
            for row in await self.all(
                _DELIVERY_SQL + " WHERE d.subscription_id = ? AND d.day >= ? ORDER BY d.day",
                (subscription_id, from_day.isoformat()),
            )
        ]

    async def delete_delivery(self, delivery_id: int) -> None:
        await self.conn.execute(
            "DELETE FROM meal_deliveries WHERE id = ? AND state = 'planned'", (delivery_id,)
        )

    async def mark_delivery(
        self,
        delivery_id: int,
        state: DeliveryState,
        reason: str,
        by: int,
        now: datetime,
    ) -> bool:
        """Mark a planned delivery; False if it was marked already."""
        cursor = await self.conn.execute(
            "UPDATE meal_deliveries SET state = ?, fail_reason = ?, marked_by = ?, marked_at = ?"
            " WHERE id = ? AND state = 'planned'",
            (state.value, reason, by, to_db_time(now), delivery_id),
        )
        return cursor.rowcount == 1

    async def set_receipt(self, delivery_id: int, receipt: Receipt, now: datetime) -> bool:
        cursor = await self.conn.execute(
            "UPDATE meal_deliveries SET receipt = ?, receipt_at = ?"
            " WHERE id = ? AND receipt IS NULL",
            (receipt.value, to_db_time(now), delivery_id),
        )
        return cursor.rowcount == 1

    async def coordinator_accounts(self, school_id: str) -> list[int]:
        """Telegram ids of the active accounts of the school's coordinators."""
        return [
            row[0]
            for row in await self.all(
                "SELECT DISTINCT l.telegram_id FROM account_links l"
                " JOIN accounts a ON a.telegram_id = l.telegram_id"
                " JOIN coordinators c ON c.id = l.person_id"
                " WHERE l.role = 'coordinator' AND c.school_id = ? AND a.active = 1"
                " ORDER BY l.telegram_id",
                (school_id,),
            )
        ]

    async def week_counts(self, school_id: str, first: date, last: date) -> dict[str, int]:
        """Confirmed pupils and delivery outcomes of one school between two days."""
        row = await self.one(
            "SELECT count(DISTINCT s.pupil_id) FROM meal_subscriptions s"
            " JOIN pupils p ON p.id = s.pupil_id"
            " WHERE p.school_id = ? AND (s.state = 'active' OR EXISTS (SELECT 1 FROM"
            " meal_deliveries d WHERE d.subscription_id = s.id AND d.day BETWEEN ? AND ?))",
            (school_id, first.isoformat(), last.isoformat()),
        )
        confirmed = int(row[0]) if row else 0
        row = await self.one(
            "SELECT sum(state = 'delivered'), sum(state = 'failed'),"
            " sum(receipt IS 'not_received') FROM meal_deliveries"
            " WHERE school_id = ? AND day BETWEEN ? AND ?",
            (school_id, first.isoformat(), last.isoformat()),
        )
        delivered, failed, not_received = (int(v or 0) for v in row) if row else (0, 0, 0)
        return {
            "confirmed": confirmed,
            "delivered": delivered,
            "failed": failed,
            "not_received": not_received,
        }
