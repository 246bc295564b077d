"""The waiting list: places in line, the offers of freed slots, and who waits for what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.domain.consultations import USING_HOURS, Slot, SlotState
from bot.domain.models import MeasureKind, SpecialistKind
from bot.domain.reminders import Recipient
from bot.domain.waitlist import OfferState, Place, SlotOffer, Waiting, WaitState
from storage.consultations.bookings import PARTIES, parse_parties
from storage.db import Repo, from_db_time, marks, to_db_time

_USING = ",".join(f"'{state.value}'" for state in USING_HOURS)
_OPEN_PLACE = "('waiting', 'offered')"

_PLACE = (
    "SELECT w.*, p.display_name AS pupil_name, coalesce(x.display_name, '') AS specialist_name,"  # noqa: S608 - fixed fragments
    " (SELECT count(*) FROM waitlist v WHERE v.school_id = w.school_id"
    f"   AND v.state IN {_OPEN_PLACE} AND v.kind = w.kind AND v.subject = w.subject"
    "   AND (v.queued_at < w.queued_at OR (v.queued_at = w.queued_at AND v.id < w.id)))"
    "   + 1 AS position"
    " FROM waitlist w JOIN pupils p ON p.id = w.pupil_id"
    " LEFT JOIN specialists x ON x.id = w.specialist_id"
)

# Does the place's kind and subject fit specialist :specialist (of kind :specialist_kind)?
_FITS = (
    "CASE WHEN w.kind = 'subject_consultation' THEN :specialist_kind = 'teacher' AND EXISTS"
    " (SELECT 1 FROM specialist_subjects t WHERE t.specialist_id = :specialist"
    "   AND t.subject = w.subject)"
    " ELSE :specialist_kind IN ('psychologist', 'social_pedagogue') END"
    " AND (w.specialist_id IS NULL OR w.specialist_id = :specialist)"
)

# Who waits for a time specialist :specialist could give (today is :day), by kind and
# subject: read with the specialist's bookings (storage/consultations/desk.py).
WAITING_FOR = (
    "SELECT w.kind, w.subject, count(*) AS n FROM waitlist w"  # noqa: S608 - fixed fragments
    " JOIN specialists x ON x.id = :specialist"
    " WHERE w.school_id = x.school_id AND w.state IN ('waiting', 'offered')"
    f" AND w.ends_on >= :day AND {_FITS.replace(':specialist_kind', 'x.kind')}"
    " GROUP BY w.kind, w.subject"
)

# The places in line a free slot fits, first in line first; never one offered it before.
_CANDIDATES = (
    "SELECT w.*, p.display_name AS pupil_name, '' AS specialist_name, 0 AS position"  # noqa: S608 - fixed fragments
    " FROM waitlist w JOIN pupils p ON p.id = w.pupil_id"
    " WHERE w.school_id = :school AND w.state = 'waiting' AND w.ends_on >= :day"
    f" AND {_FITS}"
    " AND (w.weekdays = 0 OR (w.weekdays & :weekday) != 0)"
    " AND (w.day_parts = 0 OR (w.day_parts & :part) != 0)"
    " AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = w.id"
    "   AND o.slot_id = :slot)"
    " ORDER BY w.queued_at, w.id LIMIT :limit"
)

_OFFERABLE = (
    "SELECT s.*, x.display_name AS specialist_name, x.school_id, x.kind AS specialist_kind"
    " FROM slots s JOIN specialists x ON x.id = s.specialist_id"
    " WHERE s.state = 'free' AND s.held_for IS NULL AND s.id IN ({ids}) ORDER BY s.starts_at"
)


def _place(row: aiosqlite.Row) -> Place:
    return Place(
        id=row["id"],
        pupil_id=row["pupil_id"],
        pupil_name=row["pupil_name"],
        measure_id=row["measure_id"],
        school_id=row["school_id"],
        kind=MeasureKind(row["kind"]),
        subject=row["subject"],
        specialist_id=row["specialist_id"],
        specialist_name=row["specialist_name"],
        weekdays=row["weekdays"],
        day_parts=row["day_parts"],
        ends_on=date.fromisoformat(row["ends_on"]),
        state=WaitState(row["state"]),
        queued_at=from_db_time(row["queued_at"]),
        position=row["position"],
    )


def _offer(row: aiosqlite.Row) -> SlotOffer:
    return SlotOffer(
        id=row["id"],
        entry_id=row["entry_id"],
        slot_id=row["slot_id"],
        pupil_id=row["pupil_id"],
        state=OfferState(row["state"]),
        offered_at=from_db_time(row["offered_at"]),
        expires_at=from_db_time(row["expires_at"]),
        booking_id=row["booking_id"],
    )


class WaitlistRepo(Repo):
    # --- places in line ----------------------------------------------------------------

    async def open_place_of(self, pupil_id: int, measure_id: int) -> Place | None:
        row = await self.one(
            _PLACE + f" WHERE w.pupil_id = ? AND w.measure_id = ? AND w.state IN {_OPEN_PLACE}",
            (pupil_id, measure_id),
        )
        return _place(row) if row else None

    async def add_place(
        self,
        *,
        pupil_id: int,
        measure_id: int,
        school_id: str,
        kind: MeasureKind,
        subject: str,
        specialist_id: int | None,
        weekdays: int,
        day_parts: int,
        ends_on: date,
        joined_by: int,
        now: datetime,
    ) -> int:
        return await self.insert(
            "INSERT INTO waitlist (pupil_id, measure_id, school_id, kind, subject, specialist_id,"
            " weekdays, day_parts, ends_on, state, queued_at, joined_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?)",
            (
                pupil_id,
                measure_id,
                school_id,
                kind.value,
                subject,
                specialist_id,
                weekdays,
                day_parts,
                ends_on.isoformat(),
                to_db_time(now),
                joined_by,
                to_db_time(now),
            ),
        )

    async def set_wishes(
        self, place_id: int, specialist_id: int | None, weekdays: int, day_parts: int
    ) -> None:
        """Change whom and when a place waits for; its place in line stays."""
        await self.run(
            "UPDATE waitlist SET specialist_id = ?, weekdays = ?, day_parts = ? WHERE id = ?",
            (specialist_id, weekdays, day_parts, place_id),
        )

    async def place(self, place_id: int) -> Place | None:
        row = await self.one(_PLACE + " WHERE w.id = ?", (place_id,))
        return _place(row) if row else None

    async def places_of_pupils(self, pupil_ids: Sequence[int], today: date) -> list[Place]:
        """The open places of these pupils whose plan has not ended."""
        if not pupil_ids:
            return []
        rows = await self.all(
            _PLACE + f" WHERE w.pupil_id IN ({marks(len(pupil_ids))})"
            f" AND w.state IN {_OPEN_PLACE} AND w.ends_on >= ? ORDER BY w.queued_at",
            (*pupil_ids, today.isoformat()),
        )
        return [_place(row) for row in rows]

    async def set_state(
        self,
        place_id: int,
        state: WaitState,
        now: datetime,
        *,
        expect: Sequence[WaitState],
        reason: str | None = None,
    ) -> bool:
        closed = state not in (WaitState.WAITING, WaitState.OFFERED)
        changed = await self.run(
            "UPDATE waitlist SET state = ?, closed_at = ?, end_reason = coalesce(?, end_reason)"  # noqa: S608 - ? marks only
            f" WHERE id = ? AND state IN ({marks(len(expect))})",
            (
                state.value,
                to_db_time(now) if closed else None,
                reason,
                place_id,
                *(s.value for s in expect),
            ),
        )
        return changed == 1

    async def back_of_line(self, place_id: int, now: datetime) -> None:
        """An offer left unanswered: the place goes to the back of the line."""
        await self.run(
            "UPDATE waitlist SET state = 'waiting', queued_at = ? WHERE id = ?",
            (to_db_time(now), place_id),
        )

    async def end_finished(self, today: date, now: datetime) -> int:
        """Places whose plan's period ended or whose hours are all used end by themselves."""
        ended = await self.run(
            "UPDATE waitlist SET state = 'ended', end_reason = 'plan_ended', closed_at = ?"
            " WHERE state = 'waiting' AND ends_on < ?",
            (to_db_time(now), today.isoformat()),
        )
        return ended + await self.run(
            "UPDATE waitlist SET state = 'ended', end_reason = 'hours_used', closed_at = ?"  # noqa: S608 - fixed fragments
            " WHERE id IN (SELECT w.id FROM waitlist w JOIN plan_measures m"
            "   ON m.id = w.measure_id WHERE w.state = 'waiting' AND m.hours_granted IS NOT NULL"
            "   AND (SELECT coalesce(sum(u.minutes), 0) FROM bookings u WHERE u.plan_id = m.plan_id"
            f"     AND u.kind = m.kind AND u.subject = m.subject AND u.state IN ({_USING}))"
            "   >= round(m.hours_granted * 60))",
            (to_db_time(now),),
        )

    # --- matching a free slot to the line -----------------------------------------------

    async def offerable(self, slot_ids: Sequence[int]) -> list[tuple[Slot, SpecialistKind]]:
        """Those of these slots that are free and held for nobody, with their specialist's
        kind, nearest first."""
        if not slot_ids:
            return []
        rows = await self.all(_OFFERABLE.format(ids=marks(len(slot_ids))), list(slot_ids))
        return [
            (
                Slot(
                    id=row["id"],
                    specialist_id=row["specialist_id"],
                    starts_at=from_db_time(row["starts_at"]),
                    ends_at=from_db_time(row["ends_at"]),
                    state=SlotState(row["state"]),
                    specialist_name=row["specialist_name"],
                    school_id=row["school_id"],
                ),
                SpecialistKind(row["specialist_kind"]),
            )
            for row in rows
        ]

    async def candidates(
        self, slot: Slot, kind: SpecialistKind, day: date, weekday_bit: int, part_bit: int
    ) -> list[Place]:
        """The places in line ``slot`` fits, first in line first (a few: the rule check
        picks among them)."""
        rows = await self.all(
            _CANDIDATES,
            {
                "school": slot.school_id,
                "specialist": slot.specialist_id,
                "specialist_kind": kind.value,
                "day": day.isoformat(),
                "weekday": weekday_bit,
                "part": part_bit,
                "slot": slot.id,
                "limit": 10,
            },
        )
        return [_place(row) for row in rows]

    async def specialists_with_waiting(self, specialist_ids: Sequence[int]) -> list[int]:
        """Which of these specialists someone in line waits for (kind, subject, school)."""
        if not specialist_ids:
            return []
        rows = await self.all(
            "SELECT x.id FROM specialists x WHERE x.id IN"  # noqa: S608 - fixed fragments
            f" ({marks(len(specialist_ids))}) AND EXISTS (SELECT 1 FROM waitlist w"
            "   WHERE w.school_id = x.school_id AND w.state = 'waiting'"
            "   AND (w.specialist_id IS NULL OR w.specialist_id = x.id)"
            "   AND CASE WHEN w.kind = 'subject_consultation' THEN x.kind = 'teacher' AND EXISTS"
            "     (SELECT 1 FROM specialist_subjects t WHERE t.specialist_id = x.id"
            "       AND t.subject = w.subject)"
            "   ELSE x.kind IN ('psychologist', 'social_pedagogue') END)",
            list(specialist_ids),
        )
        return [row[0] for row in rows]

    async def free_slot_ids(
        self,
        published: dict[int, tuple[datetime, datetime]],
        start: datetime,
        end: datetime,
        limit: int,
    ) -> list[int]:
        """Free slots held for nobody among those just published (each specialist's first
        to last new start) within [start, end), nearest first."""
        if not published:
            return []
        ranges = " OR ".join("(specialist_id = ? AND starts_at BETWEEN ? AND ?)" for _ in published)
        args: list[object] = [
            value
            for sid, (first, last) in published.items()
            for value in (sid, to_db_time(first), to_db_time(last))
        ]
        rows = await self.all(
            f"SELECT id FROM slots WHERE ({ranges}) AND state = 'free' AND held_for IS NULL"  # noqa: S608 - ? marks only
            " AND starts_at >= ? AND starts_at < ? ORDER BY starts_at LIMIT ?",
            (*args, to_db_time(start), to_db_time(end), limit),
        )
        return [row[0] for row in rows]

    # --- offers ----------------------------------------------------------------------

    async def add_offer(
        self, place: Place, slot_id: int, now: datetime, expires_at: datetime
    ) -> SlotOffer | None:
        """Hold the slot for the place's pupil and record the offer; None if the slot is
        not free and unheld any more."""
        held = await self.run(
            "UPDATE slots SET held_for = ? WHERE id = ? AND state = 'free' AND held_for IS NULL",
            (place.pupil_id, slot_id),
        )
        if not held:
            return None
        await self.run("UPDATE waitlist SET state = 'offered' WHERE id = ?", (place.id,))
        row = await self.one(
            "INSERT INTO waitlist_offers (entry_id, slot_id, pupil_id, state, offered_at,"
            " expires_at) VALUES (?, ?, ?, 'open', ?, ?) RETURNING *",
            (place.id, slot_id, place.pupil_id, to_db_time(now), to_db_time(expires_at)),
        )
        assert row is not None  # noqa: S101 - RETURNING of an INSERT
        return _offer(row)

    async def offer(self, offer_id: int) -> SlotOffer | None:
        row = await self.one("SELECT * FROM waitlist_offers WHERE id = ?", (offer_id,))
        return _offer(row) if row else None

    async def close_offer(
        self, offer: SlotOffer, state: OfferState, now: datetime, booking_id: int | None = None
    ) -> bool:
        """End an open offer and release its slot's hold; False if it had ended already."""
        closed = await self.run(
            "UPDATE waitlist_offers SET state = ?, closed_at = ?, booking_id = ?"
            " WHERE id = ? AND state = 'open'",
            (state.value, to_db_time(now), booking_id, offer.id),
        )
        await self.run(
            "UPDATE slots SET held_for = NULL WHERE id = ? AND held_for = ?",
            (offer.slot_id, offer.pupil_id),
        )
        return closed == 1

    async def open_offers_of(self, place_id: int) -> list[SlotOffer]:
        rows = await self.all(
            "SELECT * FROM waitlist_offers WHERE entry_id = ? AND state = 'open'", (place_id,)
        )
        return [_offer(row) for row in rows]

    async def due_offers(self, now: datetime) -> list[tuple[SlotOffer, bool]]:
        """Open offers past their hold, or whose slot is no longer free and held for them;
        each with whether its slot still is (then the offer was left unanswered)."""
        rows = await self.all(
            "SELECT o.*, (s.state = 'free' AND s.held_for IS o.pupil_id) AS still"
            " FROM waitlist_offers o JOIN slots s ON s.id = o.slot_id"
            " WHERE o.state = 'open' AND (o.expires_at <= ? OR s.state != 'free'"
            " OR s.held_for IS NOT o.pupil_id) ORDER BY o.expires_at",
            (to_db_time(now),),
        )
        return [(_offer(row), bool(row["still"])) for row in rows]

    async def specialists_for(
        self, school_id: str, kind: MeasureKind, subject: str
    ) -> list[tuple[int, str]]:
        """The specialists of a school who give this kind (and subject), by name."""
        rows = await self.all(
            "SELECT x.id, x.display_name FROM specialists x WHERE x.school_id = :school"
            " AND x.left_on IS NULL AND CASE WHEN :kind = 'subject_consultation'"
            " THEN x.kind = 'teacher' AND EXISTS (SELECT 1 FROM specialist_subjects t"
            "   WHERE t.specialist_id = x.id AND t.subject = :subject)"
            " ELSE x.kind IN ('psychologist', 'social_pedagogue') END"
            " ORDER BY x.display_name, x.id",
            {"school": school_id, "kind": kind.value, "subject": subject},
        )
        return [(row[0], row[1]) for row in rows]

    async def schools_of_region(self, region_id: str) -> list[str]:
        rows = await self.all("SELECT id FROM schools WHERE region_id = ?", (region_id,))
        return [row[0] for row in rows]

    async def family(self, pupil_id: int) -> list[Recipient]:
        """The active accounts of the pupil and their parents."""
        row = await self.one(
            f"SELECT {PARTIES.format(pupil='?', specialist='0')} AS parties", (pupil_id, pupil_id)
        )
        return parse_parties(row[0] if row else None)

    # --- who waits ---------------------------------------------------------------------

    async def waiting_in(self, school_ids: Sequence[str], today: date) -> list[Waiting]:
        """Who waits in these schools, by kind and subject."""
        if not school_ids:
            return []
        rows = await self.all(
            "SELECT kind, subject, count(*) FROM waitlist"  # noqa: S608 - ? marks only
            f" WHERE school_id IN ({marks(len(school_ids))}) AND state IN {_OPEN_PLACE}"
            " AND ends_on >= ? GROUP BY kind, subject ORDER BY kind DESC, subject",
            (*school_ids, today.isoformat()),
        )
        return [Waiting(kind=MeasureKind(r[0]), subject=r[1], count=r[2]) for r in rows]
