"""Series of sessions booked together: the series, the slots at its times, its sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.consultations import OPEN_STATES, BookingState, Slot, SlotState
from bot.domain.models import MeasureKind, Role
from bot.domain.series import SeriesInfo
from storage.db import Repo, from_db_time, marks, to_db_time

_OPEN = ",".join(f"'{state.value}'" for state in OPEN_STATES)


class SeriesRepo(Repo):
    async def add(
        self,
        *,
        pupil_id: int,
        specialist_id: int,
        plan_id: int,
        kind: MeasureKind,
        subject: str,
        every_weeks: int,
        booked_by: int,
        now: datetime,
    ) -> int:
        return await self.insert(
            "INSERT INTO series (pupil_id, specialist_id, plan_id, kind, subject, every_weeks,"
            " booked_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pupil_id,
                specialist_id,
                plan_id,
                kind.value,
                subject,
                every_weeks,
                booked_by,
                to_db_time(now),
            ),
        )

    async def attach(self, series_id: int, booking_ids: Sequence[int]) -> None:
        """The sessions just booked belong to the series."""
        await self.run(
            f"UPDATE bookings SET series_id = ? WHERE id IN ({marks(len(booking_ids))})",  # noqa: S608 - ? marks only
            (series_id, *booking_ids),
        )

    async def get(self, series_id: int) -> SeriesInfo | None:
        row = await self.one(
            "SELECT r.*, p.display_name AS pupil_name, x.display_name AS specialist_name"
            " FROM series r JOIN pupils p ON p.id = r.pupil_id"
            " JOIN specialists x ON x.id = r.specialist_id WHERE r.id = ?",
            (series_id,),
        )
        if row is None:
            return None
        return SeriesInfo(
            id=row["id"],
            pupil_id=row["pupil_id"],
            specialist_id=row["specialist_id"],
            plan_id=row["plan_id"],
            kind=MeasureKind(row["kind"]),
            subject=row["subject"],
            every_weeks=row["every_weeks"],
            pupil_name=row["pupil_name"],
            specialist_name=row["specialist_name"],
        )

    async def slots_at(
        self, specialist_id: int, times: Sequence[datetime], pupil_id: int
    ) -> dict[datetime, tuple[Slot, bool]]:
        """The specialist's slots starting at these times, each with whether this pupil
        could take it now (free, and held for nobody else)."""
        if not times:
            return {}
        rows = await self.all(
            "SELECT s.*, x.display_name AS specialist_name, x.school_id,"  # noqa: S608 - ? marks only
            " (s.state = 'free' AND (s.held_for IS NULL OR s.held_for = ?)) AS open"
            " FROM slots s JOIN specialists x ON x.id = s.specialist_id"
            f" WHERE s.specialist_id = ? AND s.starts_at IN ({marks(len(times))})"
            " AND s.state != 'withdrawn'",
            (pupil_id, specialist_id, *(to_db_time(t) for t in times)),
        )
        found = {}
        for row in rows:
            slot = Slot(
                id=row["id"],
                specialist_id=row["specialist_id"],
                starts_at=from_db_time(row["starts_at"]),
                ends_at=from_db_time(row["ends_at"]),
                state=SlotState(row["state"]),
                specialist_name=row["specialist_name"],
                school_id=row["school_id"],
            )
            found[slot.starts_at] = (slot, bool(row["open"]))
        return found

    async def rule_of(self, slot_id: int) -> int | None:
        """The weekly rule a slot was made from, if any."""
        row = await self.one("SELECT rule_id FROM slots WHERE id = ?", (slot_id,))
        return row[0] if row else None

    async def put_back(self, slot_id: int) -> None:
        """A slot taken in this transaction whose session the rules refused: free again
        (as it was: nobody else could have seen it booked)."""
        await self.run(
            "UPDATE slots SET state = 'free' WHERE id = ? AND state = 'booked'", (slot_id,)
        )

    async def end_sessions(
        self,
        booking_ids: Sequence[int],
        state: BookingState,
        role: Role | None,
        reason: str,
        now: datetime,
    ) -> list[tuple[int, int]]:
        """End these sessions if still open; (booking, slot) of each one ended."""
        if not booking_ids:
            return []
        rows = await self.all(
            "UPDATE bookings SET state = ?, ended_by = coalesce(?, ended_by), reason = ?,"  # noqa: S608 - fixed fragments
            f" updated_at = ? WHERE id IN ({marks(len(booking_ids))}) AND state IN ({_OPEN})"
            " RETURNING id, slot_id",
            (
                state.value,
                role.value if role else None,
                reason,
                to_db_time(now),
                *booking_ids,
            ),
        )
        return [(row[0], row[1]) for row in rows]
