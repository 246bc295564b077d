"""Deliveries: planned ahead, listed to caterers at cut-off, confirmed by both ends.

A delivery of day D is fixed at the caterer's cut-off on D-1: until then a family's
change, pause or stop removes it; after it the caterer has cooked and it stays.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import MealsConfig
from bot.domain.callback import pack
from bot.domain.eligibility import ProgrammeRules, check
from bot.domain.errors import N_, DomainError, NotAllowed, NotLinked
from bot.domain.meals import (
    AlreadyMarked,
    Caterer,
    Delivery,
    DeliveryState,
    FailReason,
    MealSubscription,
    Receipt,
)
from bot.domain.models import Model, Role
from bot.services.reminders import ReminderService
from storage import Database, people
from storage import accounts as accounts_repo
from storage import meals as repo
from storage.db import Connection


class TooEarly(DomainError):
    message = N_("This delivery is not due yet; it can be marked on its day.")


class CatererDay(Model):
    caterer: Caterer
    day: date
    deliveries: tuple[Delivery, ...]


def delivery_ref(delivery_id: int) -> str:
    return f"meals:delivery:{delivery_id}"


def list_ref(caterer_id: int, day: date) -> str:
    return f"meals:list:{caterer_id}:{day.isoformat()}"


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class DeliveryService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: MealsConfig,
        reminders: ReminderService,
        rules: ProgrammeRules,
        tz: ZoneInfo,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.rules = rules
        self.tz = tz

    def at(self, day: date, clock_time: str) -> datetime:
        """A Riga wall-clock time on ``day`` as an aware datetime."""
        return datetime.combine(day, _clock_time(clock_time), tzinfo=self.tz)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def cutoff_at(self, caterer: Caterer, day: date) -> datetime:
        return self.at(day - timedelta(days=1), caterer.cutoff_time)

    # --- planning ----------------------------------------------------------------------

    async def plan(self, conn: Connection, sub: MealSubscription) -> int:
        """Plan the open days of the window for one active subscription; how many were new."""
        now = self.clock.now()
        pupil = await people.get_pupil(conn, sub.pupil_id)
        school = await people.get_school(conn, pupil.school_id) if pupil else None
        caterer = await repo.caterer_of_school(conn, pupil.school_id) if pupil else None
        if pupil is None or school is None or caterer is None:
            return 0
        plans = await people.plans_of_pupil(conn, pupil.id)
        account = await accounts_repo.get_account(conn, sub.created_by)
        role = account.role if account and account.role else Role.GUARDIAN
        added = 0
        for offset in range(self.config.plan_days_ahead + 1):
            day = self.today() + timedelta(days=offset)
            weekday = str(day.isoweekday())
            if weekday not in sub.days or weekday not in caterer.delivery_days:
                continue
            cutoff = self.cutoff_at(caterer, day)
            if cutoff <= now or not check(pupil, school, plans, self.rules, day).eligible:
                continue
            await self._plan_list(conn, caterer, day, cutoff)
            delivery_id = await repo.add_delivery(conn, sub.id, caterer.id, school.id, day)
            if delivery_id is None:
                continue
            added += 1
            ref = delivery_ref(delivery_id)
            notice = self.at(day - timedelta(days=1), self.config.notice_time)
            question = self.at(day, self.config.receipt_question_time)
            await self.reminders.plan(
                conn,
                chat_id=sub.created_by,
                role=role,
                kind="meal_tomorrow",
                ref=ref,
                due_at=max(notice, cutoff),
                not_after=self.at(day, caterer.delivery_time),
            )
            await self.reminders.plan(
                conn,
                chat_id=sub.created_by,
                role=role,
                kind="meal_confirm",
                ref=ref,
                due_at=question,
                not_after=question + timedelta(days=2),
            )
        return added

    async def _plan_list(
        self, conn: Connection, caterer: Caterer, day: date, due: datetime
    ) -> None:
        for chat_id in await accounts_repo.accounts_of_person(conn, Role.CATERER, caterer.id):
            await self.reminders.plan(
                conn,
                chat_id=chat_id,
                role=Role.CATERER,
                kind="caterer_list",
                ref=list_ref(caterer.id, day),
                due_at=due,
                not_after=self.at(day, caterer.delivery_time),
                payload={"caterer_id": caterer.id, "day": day.isoformat()},
            )

    async def unplan(self, conn: Connection, sub: MealSubscription) -> int:
        """Remove the deliveries whose cut-off has not passed (a change, pause or stop)."""
        now = self.clock.now()
        caterer = None
        removed = 0
        for delivery in await repo.deliveries_of_subscription(conn, sub.id, self.today()):
            caterer = caterer or await repo.get_caterer(conn, delivery.caterer_id)
            if caterer is None or delivery.state != DeliveryState.PLANNED:
                continue
            if self.cutoff_at(caterer, delivery.day) > now:
                await repo.delete_delivery(conn, delivery.id)
                await self.reminders.cancel(conn, delivery_ref(delivery.id))
                removed += 1
        return removed

    async def plan_ahead(self) -> int:
        """The daily job: keep every active subscription planned for the window."""
        async with self.db.write() as conn:
            return sum(
                [await self.plan(conn, sub) for sub in await repo.active_subscriptions(conn)]
            )

    # --- caterers ----------------------------------------------------------------------

    async def _caterer_of(self, conn: Connection, telegram_id: int) -> Caterer:
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role != Role.CATERER:
            raise NotAllowed()
        caterer = await repo.get_caterer(conn, account.links[0].person_id)
        if caterer is None:
            raise NotAllowed()
        return caterer

    async def caterer_day(self, telegram_id: int, day: date | None = None) -> CatererDay:
        """The caterer's deliveries of ``day`` (today by default), audited per pupil."""
        day = day or self.today()
        async with self.db.write() as conn:
            caterer = await self._caterer_of(conn, telegram_id)
            deliveries = await repo.deliveries_of_caterer(conn, caterer.id, day)
            for delivery in deliveries:
                await accounts_repo.audit(
                    conn,
                    self.clock.now(),
                    telegram_id,
                    "read_meal_delivery",
                    f"pupil:{delivery.pupil_id}",
                )
        return CatererDay(caterer=caterer, day=day, deliveries=tuple(deliveries))

    async def caterer_csv(self, telegram_id: int, day: date) -> bytes:
        listing = await self.caterer_day(telegram_id, day)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            ["delivery_id", "day", "school_id", "pupil", "address", "phone", "dietary_note"]
        )
        for d in listing.deliveries:
            writer.writerow(
                [d.id, d.day.isoformat(), d.school_id, d.pupil_name, d.address, d.phone,
                 d.dietary_note]
            )  # fmt: skip
        return buffer.getvalue().encode("utf-8-sig")

    async def mark(self, telegram_id: int, delivery_id: int, reason: FailReason | None) -> Delivery:
        """The caterer marks a delivery delivered (no reason) or failed (with a reason)."""
        now = self.clock.now()
        async with self.db.write() as conn:
            caterer = await self._caterer_of(conn, telegram_id)
            delivery = await repo.get_delivery(conn, delivery_id)
            if delivery is None or delivery.caterer_id != caterer.id:
                raise NotAllowed()
            if delivery.day > self.today():
                raise TooEarly()
            state = DeliveryState.DELIVERED if reason is None else DeliveryState.FAILED
            reason_text = reason.value if reason else ""
            if not await repo.mark_delivery(
                conn, delivery_id, state, reason_text, telegram_id, now
            ):
                raise AlreadyMarked()
            found = await repo.get_delivery(conn, delivery_id)
        assert found is not None  # noqa: S101
        return found

    # --- families ----------------------------------------------------------------------

    async def confirm_receipt(self, telegram_id: int, delivery_id: int, received: bool) -> Delivery:
        """The family says the meal came, or did not (which alerts the school coordinators)."""
        now = self.clock.now()
        async with self.db.write() as conn:
            delivery = await repo.get_delivery(conn, delivery_id)
            if delivery is None or not await self._is_family(conn, telegram_id, delivery):
                raise NotAllowed()
            if delivery.day > self.today():
                raise TooEarly()
            receipt = Receipt.RECEIVED if received else Receipt.NOT_RECEIVED
            if not await repo.set_receipt(conn, delivery_id, receipt, now):
                raise AlreadyMarked()
            await self.reminders.cancel(conn, delivery_ref(delivery_id), ("meal_confirm",))
            if not received:
                for chat_id in await repo.coordinator_accounts(conn, delivery.school_id):
                    await self.reminders.plan(
                        conn,
                        chat_id=chat_id,
                        role=Role.COORDINATOR,
                        kind="meal_not_received",
                        ref=delivery_ref(delivery_id),
                        due_at=now,
                    )
            found = await repo.get_delivery(conn, delivery_id)
        assert found is not None  # noqa: S101
        return found

    async def _is_family(self, conn: Connection, telegram_id: int, delivery: Delivery) -> bool:
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is None:
            return False
        guardians = set(await people.guardians_of(conn, delivery.pupil_id))
        return any(
            (link.role == Role.PUPIL and link.person_id == delivery.pupil_id)
            or (link.role == Role.GUARDIAN and link.person_id in guardians)
            for link in account.links
        )


def caterer_list_buttons(
    label_csv: str, label_open: str, caterer_id: int, day: date
) -> tuple[tuple[tuple[str, str], ...], ...]:
    stamp = day.strftime("%Y%m%d")
    return (
        ((label_csv, pack("ct", "csv", caterer_id, stamp)),),
        ((label_open, pack("ct", "day", stamp)),),
    )
