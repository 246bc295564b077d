"""A family's past sessions and the hours their plans' measures used."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.consultations import USING_HOURS, Booking
from bot.domain.models import MeasureKind
from storage.consultations.bookings import _NO_URGENCY, _SELECT, booking_from_row
from storage.db import Repo, to_db_time

_USING = ",".join(f"'{state.value}'" for state in USING_HOURS)

# Over: held, missed, cancelled or declined (whenever), or confirmed and ended.
_OVER = (
    "(b.state IN ('held', 'missed', 'cancelled', 'declined')"
    " OR (b.state = 'confirmed' AND b.ends_at <= :now))"
)


def _pupils(pupil_ids: Sequence[int]) -> tuple[str, dict[str, object]]:
    names: dict[str, object] = {f"p{i}": pid for i, pid in enumerate(pupil_ids)}
    return ",".join(f":{name}" for name in names), names


class HistoryRepo(Repo):
    async def past_sessions(
        self, pupil_ids: Sequence[int], now: datetime, *, limit: int, offset: int = 0
    ) -> list[Booking]:
        """Sessions of these pupils that are over, newest first."""
        if not pupil_ids:
            return []
        marks, names = _pupils(pupil_ids)
        sql = (
            _SELECT + f" WHERE b.pupil_id IN ({marks}) AND {_OVER}"
            " ORDER BY b.starts_at DESC, b.id DESC LIMIT :limit OFFSET :offset"
        )
        args = {
            "since": _NO_URGENCY,
            "now": to_db_time(now),
            "limit": limit,
            "offset": offset,
            **names,
        }
        return [booking_from_row(row) for row in await self.all(sql, args)]

    async def minutes_used(self, pupil_ids: Sequence[int], now: datetime) -> dict[int, int]:
        """Per pupil: minutes of sessions that used plan hours and have started."""
        if not pupil_ids:
            return {}
        marks, names = _pupils(pupil_ids)
        rows = await self.all(
            "SELECT pupil_id, coalesce(sum(minutes), 0) FROM bookings"  # noqa: S608
            f" WHERE pupil_id IN ({marks}) AND state IN ({_USING}) AND starts_at <= :now"
            " GROUP BY pupil_id",
            {"now": to_db_time(now), **names},
        )
        return {row[0]: int(row[1]) for row in rows}

    async def use_of_plans(
        self, pupil_ids: Sequence[int], now: datetime
    ) -> dict[tuple[int, MeasureKind, str], tuple[int, int]]:
        """Per (plan, kind, subject) of these pupils' plans: minutes used by sessions
        started, and booked ahead (one query for a whole family)."""
        if not pupil_ids:
            return {}
        marks, names = _pupils(pupil_ids)
        rows = await self.all(
            "SELECT plan_id, kind, subject,"  # noqa: S608 - fixed fragments
            " coalesce(sum(CASE WHEN starts_at <= :now THEN minutes END), 0),"
            " coalesce(sum(CASE WHEN starts_at > :now THEN minutes END), 0)"
            f" FROM bookings WHERE pupil_id IN ({marks}) AND state IN ({_USING})"
            " GROUP BY plan_id, kind, subject",
            {"now": to_db_time(now), **names},
        )
        return {(row[0], MeasureKind(row[1]), row[2]): (int(row[3]), int(row[4])) for row in rows}
