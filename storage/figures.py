"""The figures of many schools over a period: one set-based query per table, by school.

Every query takes the scope as a JSON array of school ids (``:schools``) and the period
as dates (``:first``, ``:last``, inclusive) and stored UTC times (``:start``, ``:end``,
end exclusive), and returns rows grouped by school, so a region or the whole country
costs a few scans, never a query per pupil.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.figures import (
    Care,
    Claims,
    Evidence,
    Hours,
    Meals,
    Sessions,
    Usage,
)
from bot.domain.models import MeasureKind, Model, Role
from storage.db import Repo, from_db_time, to_db_time

_SCOPE = "(SELECT value FROM json_each(:schools))"
_KINDS = "('subject_consultation', 'emotional_support')"
_OPEN = "('requested', 'proposed', 'confirmed')"

_HOURS = f"""
WITH pl AS (
  SELECT id, school_id FROM plans
  WHERE school_id IN {_SCOPE} AND starts_on <= :last AND ends_on >= :first),
m AS (
  SELECT pl.school_id, x.plan_id, x.kind, x.subject, x.hours_granted
  FROM pl JOIN plan_measures x ON x.plan_id = pl.id WHERE x.kind IN {_KINDS}),
u AS (
  SELECT plan_id, kind, subject,
    sum(CASE WHEN state = 'held' AND starts_at >= :start AND starts_at < :end
        THEN minutes ELSE 0 END) AS used,
    sum(CASE WHEN state = 'held' AND starts_at < :end THEN minutes ELSE 0 END) AS used_by_end,
    sum(CASE WHEN state IN {_OPEN} AND starts_at >= :start AND starts_at < :end
        THEN minutes ELSE 0 END) AS booked
  FROM bookings WHERE plan_id IN (SELECT id FROM pl) GROUP BY plan_id, kind, subject)
SELECT m.school_id, m.kind, count(DISTINCT m.plan_id) AS plans,
  coalesce(sum(m.hours_granted), 0) AS granted, sum(m.hours_granted IS NULL) AS unlimited,
  coalesce(sum(u.used), 0) AS used, coalesce(sum(u.booked), 0) AS booked,
  coalesce(sum(CASE WHEN m.hours_granted IS NULL THEN 0
      ELSE max(0, m.hours_granted * 60 - coalesce(u.used_by_end, 0)) END), 0) AS left_minutes
FROM m LEFT JOIN u ON u.plan_id = m.plan_id AND u.kind = m.kind AND u.subject = m.subject
GROUP BY m.school_id, m.kind
"""  # noqa: S608 - fixed fragments

_IN_PERIOD = (
    f"FROM bookings b JOIN pupils p ON p.id = b.pupil_id WHERE p.school_id IN {_SCOPE}"
    " AND b.starts_at >= :start AND b.starts_at < :end"
)

_SESSIONS = f"""
SELECT p.school_id, count(*) AS requested,
  sum(b.state = 'requested') AS waiting, sum(b.state = 'proposed') AS proposed,
  sum(b.state = 'confirmed') AS confirmed, sum(b.state = 'held') AS held,
  sum(b.state = 'missed') AS missed,
  sum(b.state = 'cancelled' AND b.ended_by = 'pupil') AS cancelled_by_pupil,
  sum(b.state = 'cancelled' AND b.ended_by = 'guardian') AS cancelled_by_guardian,
  sum(b.state = 'cancelled' AND b.ended_by = 'specialist') AS cancelled_by_specialist,
  sum(b.state = 'cancelled' AND b.ended_by = 'coordinator') AS cancelled_by_school,
  sum(b.state = 'cancelled' AND (b.ended_by IS NULL
      OR b.ended_by NOT IN ('pupil', 'guardian', 'specialist', 'coordinator')))
      AS cancelled_unknown,
  sum(b.state = 'declined') AS declined,
  sum(b.state IN ('held', 'missed', 'confirmed') AND b.ends_at <= :now) AS asked,
  sum(b.state IN ('held', 'missed', 'confirmed') AND b.ends_at <= :now
      AND b.evidence = 'yes') AS yes,
  sum(b.state IN ('held', 'missed', 'confirmed') AND b.ends_at <= :now
      AND b.evidence = 'no') AS no,
  sum(b.state IN ('held', 'missed', 'confirmed') AND b.ends_at <= :now
      AND b.evidence IS NULL) AS unanswered,
  sum(b.state = 'held' AND b.evidence = 'no') AS no_but_held
{_IN_PERIOD} GROUP BY p.school_id
"""

_HOURLY = f"""
SELECT substr(b.starts_at, 1, 13) AS hour,
  sum(CASE WHEN b.state = 'held' THEN b.minutes ELSE 0 END) AS used,
  sum(CASE WHEN b.state IN {_OPEN} THEN b.minutes ELSE 0 END) AS booked
{_IN_PERIOD} GROUP BY hour
"""

# The hours between a request for a session in the period and the specialist's first answer.
_ANSWERS = f"""
SELECT p.school_id, (julianday(b.answered_at) - julianday(b.created_at)) * 24 AS h
{_IN_PERIOD} AND b.answered_at IS NOT NULL
"""

# Each pupil (not marked as left) with a consultation plan in force in the period: whether
# anything is held or booked under it, and the minutes granted and held by :middle.
_PUPILS = f"""
WITH pl AS (
  SELECT x.id, x.school_id, x.pupil_id FROM plans x JOIN pupils u ON u.id = x.pupil_id
  WHERE x.school_id IN {_SCOPE} AND x.starts_on <= :last AND x.ends_on >= :first
    AND (u.left_on IS NULL OR u.left_on > :last)),
g AS (
  SELECT plan_id, sum(hours_granted) * 60 AS granted FROM plan_measures
  WHERE plan_id IN (SELECT id FROM pl) AND kind IN {_KINDS} GROUP BY plan_id),
k AS (
  SELECT plan_id, sum(state IN ('held', 'requested', 'proposed', 'confirmed')) AS active,
    sum(CASE WHEN state = 'held' AND starts_at < :middle THEN minutes ELSE 0 END) AS by_middle
  FROM bookings WHERE plan_id IN (SELECT id FROM pl) GROUP BY plan_id)
SELECT pl.school_id, pl.pupil_id, coalesce(sum(k.active), 0) AS active,
  sum(g.granted) AS granted, coalesce(sum(k.by_middle), 0) AS by_middle
FROM pl JOIN g ON g.plan_id = pl.id LEFT JOIN k ON k.plan_id = pl.id
GROUP BY pl.school_id, pl.pupil_id
"""  # noqa: S608 - fixed fragments

_USAGE = f"""
WITH per AS ({_PUPILS})
SELECT school_id, count(*) AS pupils, sum(active = 0) AS not_used,
  sum(granted > 0 AND by_middle < 0.25 * granted) AS under_quarter
FROM per GROUP BY school_id
"""  # noqa: S608 - fixed fragments

_NOT_USED = f"""
WITH per AS ({_PUPILS})
SELECT per.pupil_id, u.display_name, u.grade, per.granted FROM per
JOIN pupils u ON u.id = per.pupil_id WHERE per.active = 0 ORDER BY u.grade, u.display_name
"""  # noqa: S608 - fixed fragments

_SUBSCRIPTIONS = f"""
SELECT p.school_id, sum(s.state = 'active') AS subscriptions_active,
  sum(s.state = 'paused') AS subscriptions_paused
FROM meal_subscriptions s JOIN pupils p ON p.id = s.pupil_id
WHERE p.school_id IN {_SCOPE} GROUP BY p.school_id
"""  # noqa: S608 - fixed fragments

_DELIVERIES = f"""
SELECT school_id, sum(state = 'planned') AS planned, sum(state = 'delivered') AS delivered,
  sum(state = 'failed' AND fail_reason = 'nobody_home') AS failed_nobody_home,
  sum(state = 'failed' AND fail_reason = 'wrong_address') AS failed_wrong_address,
  sum(state = 'failed' AND fail_reason = 'no_access') AS failed_no_access,
  sum(state = 'failed' AND fail_reason NOT IN ('nobody_home', 'wrong_address', 'no_access'))
      AS failed_other,
  sum(receipt IS 'not_received') AS not_received
FROM meal_deliveries WHERE school_id IN {_SCOPE} AND day BETWEEN :first AND :last
GROUP BY school_id
"""  # noqa: S608 - fixed fragments

_CLAIMS = f"""
SELECT school_id, kind, count(*) AS submitted, sum(amount_cents) AS submitted_cents,
  sum(state = 'approved') AS approved,
  sum(CASE WHEN state = 'approved' THEN amount_cents ELSE 0 END) AS approved_cents,
  sum(state = 'returned') AS returned,
  sum(CASE WHEN state = 'returned' THEN amount_cents ELSE 0 END) AS returned_cents,
  sum(state = 'submitted') AS waiting,
  sum(CASE WHEN state = 'submitted' THEN amount_cents ELSE 0 END) AS waiting_cents,
  sum(export_id IS NOT NULL) AS exported
FROM transport_claims
WHERE school_id IN {_SCOPE} AND submitted_at >= :start AND submitted_at < :end
GROUP BY school_id, kind
"""  # noqa: S608 - fixed fragments

_CARE = f"""
SELECT school_id, sum(category = 'suicide') AS suicide, sum(category = 'overdose') AS overdose,
  sum(category = 'danger') AS danger, sum(category = 'self_harm') AS self_harm,
  sum(category = 'sexual_abuse') AS sexual_abuse,
  sum(category IN ('abuse', 'violence')) AS abuse, sum(category = 'unspecified') AS unspecified,
  count(*) AS total, sum(alerted) AS alerted, count(DISTINCT pupil_id) AS pupils
FROM crisis_events WHERE school_id IN {_SCOPE} AND at >= :start AND at < :end
GROUP BY school_id
"""  # noqa: S608 - fixed fragments
_ALERTS = f"""
SELECT school_id, sum(kind = 'crisis') AS alerts, sum(kind = 'contact') AS contact_requests,
  sum(taken_at IS NOT NULL) AS taken,
  coalesce(sum((julianday(taken_at) - julianday(created_at)) * 1440), 0) AS taken_minutes,
  sum(level > 0) AS escalated, sum(taken_at IS NULL) AS not_taken
FROM care_alerts WHERE school_id IN {_SCOPE} AND created_at >= :start AND created_at < :end
GROUP BY school_id
"""  # noqa: S608 - fixed fragments


class SchoolRef(Model):
    id: str
    region_id: str
    name: str


class NotUsed(Model):
    """A pupil whose consultation plan in force has nothing held or booked."""

    pupil_id: int
    name: str
    grade: int
    granted_minutes: int | None  # None: no hour limit


class WaitingClaim(Model):
    claim_id: int
    pupil_name: str
    kind: str
    amount_cents: int
    submitted_at: datetime


class Window(Model):
    """The parameters every figure query takes."""

    schools: tuple[str, ...]
    first: date
    last: date
    start: datetime
    end: datetime
    middle: datetime
    now: datetime

    def args(self) -> dict[str, Any]:
        return {
            "schools": json.dumps(list(self.schools)),
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "start": to_db_time(self.start),
            "end": to_db_time(self.end),
            "middle": to_db_time(self.middle),
            "now": to_db_time(self.now),
        }


def _fields(row: Any, model: type[Model]) -> dict[str, Any]:
    keys = row.keys()
    return {name: row[name] or 0 for name in model.model_fields if name in keys and name != "kind"}


class FiguresRepo(Repo):
    async def schools_of(self, school_id: str | None, region_id: str | None) -> list[SchoolRef]:
        """One school, the schools of a region, or every school (both None)."""
        sql, args = "SELECT id, region_id, name FROM schools", []
        if school_id is not None:
            sql, args = sql + " WHERE id = ?", [school_id]
        elif region_id is not None:
            sql, args = sql + " WHERE region_id = ?", [region_id]
        rows = await self.all(sql + " ORDER BY id", args)
        return [SchoolRef(id=r["id"], region_id=r["region_id"], name=r["name"]) for r in rows]

    async def region_name(self, region_id: str) -> str | None:
        row = await self.one("SELECT name FROM regions WHERE id = ?", (region_id,))
        return str(row[0]) if row else None

    async def hours(self, w: Window) -> list[tuple[str, Hours]]:
        return [
            (
                row["school_id"],
                Hours(
                    kind=MeasureKind(row["kind"]),
                    plans=row["plans"],
                    granted=float(row["granted"]),
                    unlimited=row["unlimited"] or 0,
                    used=row["used"] / 60,
                    booked=row["booked"] / 60,
                    left=row["left_minutes"] / 60,
                ),
            )
            for row in await self.all(_HOURS, w.args())
        ]

    async def hourly(self, w: Window) -> list[tuple[datetime, float, float]]:
        """Minutes held and booked by the UTC hour sessions start in."""
        rows = await self.all(_HOURLY, w.args())
        return [
            (datetime.fromisoformat(row["hour"] + ":00:00+00:00"), row["used"], row["booked"])
            for row in rows
        ]

    async def sessions(self, w: Window) -> list[tuple[str, Sessions, Evidence]]:
        return [
            (
                row["school_id"],
                Sessions(**_fields(row, Sessions)),
                Evidence(**_fields(row, Evidence)),
            )
            for row in await self.all(_SESSIONS, w.args())
        ]

    async def answer_hours(self, w: Window) -> list[tuple[str, float]]:
        """(school, hours to answer) of every answered request for a session in the period."""
        return [(row[0], float(row[1])) for row in await self.all(_ANSWERS, w.args())]

    async def usage(self, w: Window) -> list[tuple[str, Usage]]:
        return [
            (row["school_id"], Usage(**_fields(row, Usage)))
            for row in await self.all(_USAGE, w.args())
        ]

    async def not_used(self, w: Window) -> list[NotUsed]:
        return [
            NotUsed(
                pupil_id=row["pupil_id"],
                name=row["display_name"],
                grade=row["grade"],
                granted_minutes=None if row["granted"] is None else int(row["granted"]),
            )
            for row in await self.all(_NOT_USED, w.args())
        ]

    async def meals(self, w: Window) -> list[tuple[str, Meals]]:
        found: dict[str, dict[str, Any]] = {}
        for sql in (_SUBSCRIPTIONS, _DELIVERIES):
            for row in await self.all(sql, w.args()):
                found.setdefault(row["school_id"], {}).update(_fields(row, Meals))
        return [(school, Meals(**values)) for school, values in found.items()]

    async def claims(self, w: Window) -> list[tuple[str, Claims]]:
        return [
            (row["school_id"], Claims(kind=row["kind"], **_fields(row, Claims)))
            for row in await self.all(_CLAIMS, w.args())
        ]

    async def care(self, w: Window) -> list[tuple[str, Care]]:
        """Words of crisis and alerts by school: two grouped queries, merged by school."""
        found: dict[str, dict[str, Any]] = {}
        for sql in (_CARE, _ALERTS):
            for row in await self.all(sql, w.args()):
                found.setdefault(row["school_id"], {}).update(_fields(row, Care))
        return [(school, Care(**values)) for school, values in found.items()]

    # --- the support nudge and the digest -----------------------------------------------

    async def family_chats(self, pupil_ids: Sequence[int]) -> list[tuple[int, int, Role]]:
        """(pupil, chat, role) of the active accounts of these pupils and their parents."""
        rows = await self.all(
            "SELECT l.person_id AS pupil_id, l.telegram_id, 'pupil' AS role"
            " FROM account_links l JOIN accounts a ON a.telegram_id = l.telegram_id"
            " WHERE a.active = 1 AND l.role = 'pupil'"
            " AND l.person_id IN (SELECT value FROM json_each(:ids))"
            " UNION"
            " SELECT gp.pupil_id, l.telegram_id, 'guardian' FROM guardian_pupils gp"
            " JOIN guardians g ON g.id = gp.guardian_id AND g.left_on IS NULL"
            " JOIN account_links l ON l.role = 'guardian' AND l.person_id = g.id"
            " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
            " WHERE gp.pupil_id IN (SELECT value FROM json_each(:ids))"
            " ORDER BY 1, 3 DESC, 2",
            {"ids": json.dumps(list(pupil_ids))},
        )
        return [(row[0], row[1], Role(row[2])) for row in rows]

    async def planned_refs(self, kind: str, refs: Sequence[str]) -> set[tuple[int, str]]:
        """(chat, ref) of the reminders of ``kind`` already planned for these refs."""
        rows = await self.all(
            "SELECT chat_id, ref FROM reminders WHERE kind = ?"
            " AND ref IN (SELECT value FROM json_each(?))",
            (kind, json.dumps(list(refs))),
        )
        return {(row[0], row[1]) for row in rows}

    async def has_support_in_use(self, pupil_id: int, on: date) -> bool:
        """Whether the pupil's plan in force has a session held or booked."""
        row = await self.one(
            "SELECT 1 FROM bookings b JOIN plans p ON p.id = b.plan_id"
            " WHERE p.pupil_id = ? AND p.starts_on <= ? AND p.ends_on >= ?"
            " AND b.state IN ('held', 'requested', 'proposed', 'confirmed') LIMIT 1",
            (pupil_id, on.isoformat(), on.isoformat()),
        )
        return row is not None

    async def coordinator_chats(self) -> list[int]:
        """The active accounts linked as a coordinator (of a school or a region)."""
        rows = await self.all(
            "SELECT DISTINCT l.telegram_id FROM account_links l"
            " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
            " WHERE l.role = 'coordinator' ORDER BY 1"
        )
        return [row[0] for row in rows]

    async def stale_requests(self, schools: Sequence[str], before: datetime, now: datetime) -> int:
        """Requests made before ``before`` still waiting for a specialist, for a coming time."""
        row = await self.one(
            "SELECT count(*) FROM bookings b JOIN pupils p ON p.id = b.pupil_id"
            " WHERE p.school_id IN (SELECT value FROM json_each(?)) AND b.state = 'requested'"
            " AND b.created_at < ? AND b.starts_at > ?",
            (json.dumps(list(schools)), to_db_time(before), to_db_time(now)),
        )
        return int(row[0]) if row else 0

    async def waiting_claims(self, schools: Sequence[str]) -> list[WaitingClaim]:
        rows = await self.all(
            "SELECT c.id, p.display_name, c.kind, c.amount_cents, c.submitted_at"
            " FROM transport_claims c JOIN pupils p ON p.id = c.pupil_id"
            " WHERE c.school_id IN (SELECT value FROM json_each(?)) AND c.state = 'submitted'"
            " ORDER BY c.submitted_at, c.id",
            (json.dumps(list(schools)),),
        )
        return [
            WaitingClaim(
                claim_id=row[0],
                pupil_name=row[1],
                kind=row[2],
                amount_cents=row[3],
                submitted_at=from_db_time(row[4]),
            )
            for row in rows
        ]
