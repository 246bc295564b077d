"""The specialist's desk: their bookings of a period and who waits for a time they could
give, read in one statement (a screen that only reads takes at most three trips)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from bot.domain.consultations import Booking, BookingState
from bot.domain.models import MeasureKind
from bot.domain.waitlist import Waiting
from storage.consultations.bookings import booking_from_row, of_specialists
from storage.consultations.waitlist import WAITING_FOR
from storage.db import Repo


class DeskRepo(Repo):
    async def desk(
        self,
        ids: Sequence[int],
        start: datetime,
        end: datetime,
        states: tuple[BookingState, ...],
        urgent_since: datetime,
        today: date,
    ) -> tuple[list[Booking], list[Waiting]]:
        """The bookings in [start, end) of these specialist records, urgent first, then by
        time; and who waits for a time the first of them could give, by kind and subject."""
        if not ids:
            return [], []
        found, args = of_specialists(ids, start, end, states, urgent_since)
        # One row at least (the LEFT JOIN): the waiting counts come even with no booking.
        rows = await self.all(
            f"WITH found AS ({found}), waiting AS ({WAITING_FOR})"  # noqa: S608 - fixed fragments
            " SELECT found.*, (SELECT json_group_array(json_array(kind, subject, n))"
            " FROM waiting) AS waiting FROM (SELECT 1) LEFT JOIN found ON 1"
            " ORDER BY found.urgent DESC, found.starts_at",
            {**args, "specialist": ids[0], "day": today.isoformat()},
        )
        bookings = [booking_from_row(row) for row in rows if row["id"] is not None]
        counts = json.loads(rows[0]["waiting"]) if rows else []
        waiting = [Waiting(kind=MeasureKind(k), subject=s, count=n) for k, s, n in counts]
        waiting.sort(key=lambda w: w.subject)
        waiting.sort(key=lambda w: w.kind, reverse=True)  # emotional support first
        return bookings, waiting
