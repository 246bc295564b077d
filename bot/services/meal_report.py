"""Meal figures per school and ISO week: eligible, confirmed, delivered, failed, not received."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.eligibility import ProgrammeRules, check
from bot.domain.errors import N_, DomainError, NotAllowed, NotLinked
from bot.domain.meals import WeekFigures
from bot.domain.models import Role
from storage import Database, people
from storage import accounts as accounts_repo
from storage import meals as repo
from storage.db import Connection

CSV_COLUMNS = ("school_id", "week", "eligible", "confirmed", "delivered", "failed", "not_received")


class BadWeek(DomainError):
    message = N_("A week is written like 2026-W49.")


def parse_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week such as ``2026-W49``."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", text.strip())
    if match is None:
        raise BadWeek()
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise BadWeek() from None
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def figures_csv(figures: list[WeekFigures]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        writer.writerow([getattr(f, column) for column in CSV_COLUMNS])
    return buffer.getvalue()


class MealReportService:
    def __init__(self, db: Database, clock: Clock, rules: ProgrammeRules, tz: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.rules = rules
        self.tz = tz

    async def week_figures(
        self, school_id: str | None = None, week: str | None = None
    ) -> list[WeekFigures]:
        """The figures of one school (or every school) for one week (this week by default)."""
        week = week or week_of(self.clock.now().astimezone(self.tz).date())
        conn = self.db.reader
        if school_id is not None:
            school = await people.get_school(conn, school_id)
            if school is None:
                raise NotAllowed()
            ids = [school.id]
        else:
            ids = [s.id for s in await people.list_schools(conn)]
        return [await self._school_week(conn, school_id, week) for school_id in ids]

    async def _school_week(self, conn: Connection, school_id: str, week: str) -> WeekFigures:
        first, last = parse_week(week)
        school = await people.get_school(conn, school_id)
        assert school is not None  # noqa: S101
        school_days = [first + timedelta(days=i) for i in range(5)]
        eligible = 0
        for pupil in await repo.pupils_of_school(conn, school_id):
            plans = await people.plans_of_pupil(conn, pupil.id)
            if any(check(pupil, school, plans, self.rules, day).eligible for day in school_days):
                eligible += 1
        counts = await repo.week_counts(conn, school_id, first, last)
        return WeekFigures(school_id=school_id, week=week, eligible=eligible, **counts)

    async def figures_for(self, telegram_id: int, week: str | None = None) -> list[WeekFigures]:
        """A coordinator's schools' figures (a regional coordinator sees the region)."""
        account = await accounts_repo.get_account(self.db.reader, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role != Role.COORDINATOR:
            raise NotAllowed()
        figures = []
        for link in account.links:
            for school_id in await repo.schools_of_coordinator(self.db.reader, link.person_id):
                figures += await self.week_figures(school_id, week)
        return figures
