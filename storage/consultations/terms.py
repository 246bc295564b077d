"""The terms a booking is checked against, each read in ONE query.

A booking's rule check (:mod:`bot.services.consultations.rules`) needs the pupil's plans
around the slot's date with what each grants of the kind and how much of it is used,
the pupil's open bookings, whether the specialist gives that kind of consultation at
the pupil's school, and the specialist's auto-confirm setting. "Book" also takes the
slot in the same statement and reads its parties, so the whole check is one trip.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.consultations import (
    OPEN_STATES,
    USING_HOURS,
    BookingTerms,
    Offer,
    PlanTerms,
    Slot,
    SlotState,
    SlotToBook,
)
from bot.domain.models import MeasureKind, PlanMeasure, SpecialistKind
from bot.domain.reminders import Recipient
from storage.consultations.bookings import PARTIES, parse_parties
from storage.db import Repo, from_db_time, to_db_time

_OPEN = ",".join(f"'{state.value}'" for state in OPEN_STATES)
_USING = ",".join(f"'{state.value}'" for state in USING_HOURS)

# The open bookings of a series count once against the open-booking limit (a series is
# one commitment; its sessions are bounded by the plan's hours and period instead).
# Plans are looked for a day either side of the slot's UTC date; the one in force on its
# Riga date is picked in Python (BookingTerms.plan_on), which knows the time zone.
_TERMS = """
 (SELECT json_group_array(json_array(p.id, p.starts_on, p.ends_on, g.id, g.hours_granted,
     (SELECT coalesce(sum(u.minutes), 0) FROM bookings u WHERE u.plan_id = p.id
       AND u.kind = {kind} AND u.subject = {subject} AND u.state IN ({using}))))
   FROM plans p LEFT JOIN plan_measures g
     ON g.plan_id = p.id AND g.kind = {kind} AND g.subject = {subject}
   WHERE p.pupil_id = {pupil} AND p.starts_on <= date({starts}, '+1 day')
     AND p.ends_on >= date({starts}, '-1 day')) AS plans,
 (SELECT count(DISTINCT coalesce(-o.series_id, o.id)) FROM bookings o
   WHERE o.pupil_id = {pupil} AND o.state IN ({open}) AND o.ends_at > :now) AS open_count,
 (SELECT CASE WHEN {kind} = 'subject_consultation' THEN x.kind = 'teacher' AND EXISTS
     (SELECT 1 FROM specialist_subjects t WHERE t.specialist_id = x.id AND t.subject = {subject})
   ELSE x.kind IN ('psychologist', 'social_pedagogue') END
   FROM specialists x WHERE x.id = {specialist} AND x.school_id = :school) AS suitable,
 (SELECT auto_confirm FROM specialist_settings WHERE specialist_id = {specialist}) AS auto_confirm
"""

_STATES = {"using": _USING, "open": _OPEN}
_TERMS_OF = "SELECT " + _TERMS.format(
    kind=":kind",
    subject=":subject",
    pupil=":pupil",
    starts=":starts",
    specialist=":specialist",
    **_STATES,
)

# Take the slot (free -> booked) and return everything "Book" checks, in one statement.
_TAKE = (
    "UPDATE slots SET state = 'booked', held_for = NULL WHERE id = :slot AND state = 'free'"  # noqa: S608 - fixed fragments
    # A slot held for a pupil offered it from the waiting list is theirs alone to take.
    " AND (held_for IS NULL OR held_for = :pupil) RETURNING"
    " id, specialist_id, starts_at, ends_at,"
    " (SELECT display_name FROM specialists WHERE id = specialist_id) AS specialist_name,"
    " (SELECT kind FROM specialists WHERE id = specialist_id) AS specialist_kind,"
    " (SELECT school_id FROM specialists WHERE id = specialist_id) AS school_id,"
    " (SELECT display_name FROM pupils WHERE id = :pupil) AS pupil_name,"
    " (SELECT json_array(m.id, m.plan_id, m.kind, m.subject, m.hours_granted)"
    "   FROM plan_measures m JOIN plans q ON q.id = m.plan_id"
    "   WHERE m.id = :measure AND q.pupil_id = :pupil) AS measure,"
    + _TERMS.format(
        kind="(SELECT kind FROM plan_measures WHERE id = :measure)",
        subject="(SELECT subject FROM plan_measures WHERE id = :measure)",
        pupil=":pupil",
        starts="starts_at",
        specialist="specialist_id",
        **_STATES,
    )
    + ", "
    + PARTIES.format(pupil=":pupil", specialist="specialist_id")
    + " AS parties"
)

# Why a slot could not be taken: who holds it, if anyone.
_HELD = (
    "SELECT s.state, (SELECT b.id FROM bookings b WHERE b.slot_id = s.id"  # noqa: S608 - fixed fragments
    f" AND b.state IN ({_OPEN})) AS booking_id, (SELECT b.pupil_id FROM bookings b"
    f" WHERE b.slot_id = s.id AND b.state IN ({_OPEN})) AS pupil_id FROM slots s WHERE s.id = ?"
)


# The bookable measures of the plan in force on a day, each with the minutes used.
_OFFERS = (
    "SELECT p.id AS plan_id, p.ends_on, m.id, m.kind, m.subject, m.hours_granted,"  # noqa: S608 - fixed fragments
    " (SELECT coalesce(sum(u.minutes), 0) FROM bookings u WHERE u.plan_id = p.id"
    f"   AND u.kind = m.kind AND u.subject = m.subject AND u.state IN ({_USING})) AS used"
    " FROM plans p JOIN plan_measures m ON m.plan_id = p.id"
    " WHERE p.id = (SELECT id FROM plans WHERE pupil_id = :pupil AND starts_on <= :day"
    "   AND ends_on >= :day ORDER BY starts_on DESC LIMIT 1)"
    " AND m.kind IN ('subject_consultation', 'emotional_support')"
)


def _terms(row: aiosqlite.Row) -> BookingTerms:
    plans = [
        PlanTerms(
            plan_id=plan_id,
            starts_on=date.fromisoformat(starts),
            ends_on=date.fromisoformat(ends),
            measure_id=measure_id,
            hours_granted=hours,
            minutes_used=used,
        )
        for plan_id, starts, ends, measure_id, hours, used in json.loads(row["plans"] or "[]")
    ]
    return BookingTerms(
        plans=tuple(plans),
        open_count=row["open_count"],
        suitable=bool(row["suitable"]),
        auto_confirm=None if row["auto_confirm"] is None else bool(row["auto_confirm"]),
    )


def _measure(text: str | None) -> PlanMeasure | None:
    if not text:
        return None
    measure_id, plan_id, kind, subject, hours = json.loads(text)
    return PlanMeasure(
        id=measure_id,
        plan_id=plan_id,
        kind=MeasureKind(kind),
        subject=subject,
        hours_granted=hours,
    )


class TermsRepo(Repo):
    async def offers(
        self, pupil_id: int, on: date, measure_id: int | None = None
    ) -> list[tuple[Offer, date]]:
        """What the plan in force ``on`` grants (of one measure, if given), with the
        minutes used of each, and the plan's last day: one query."""
        sql, args = _OFFERS, {"pupil": pupil_id, "day": on.isoformat()}
        if measure_id is not None:
            sql, args = sql + " AND m.id = :measure", {**args, "measure": measure_id}
        rows = await self.all(sql + " ORDER BY m.kind, m.subject", args)
        return [
            (
                Offer(
                    measure_id=row["id"],
                    plan_id=row["plan_id"],
                    kind=MeasureKind(row["kind"]),
                    subject=row["subject"],
                    minutes_granted=None
                    if row["hours_granted"] is None
                    else round(row["hours_granted"] * 60),
                    minutes_used=row["used"],
                ),
                date.fromisoformat(row["ends_on"]),
            )
            for row in rows
        ]

    async def terms(
        self,
        *,
        pupil_id: int,
        school_id: str,
        kind: MeasureKind,
        subject: str,
        slot: Slot,
        now: datetime,
    ) -> BookingTerms:
        """The terms of booking ``slot`` for this pupil, kind and subject."""
        args: dict[str, Any] = {
            "kind": kind.value,
            "subject": subject,
            "pupil": pupil_id,
            "starts": to_db_time(slot.starts_at),
            "specialist": slot.specialist_id,
            "school": school_id,
            "now": to_db_time(now),
        }
        row = await self.one(_TERMS_OF, args)
        assert row is not None  # noqa: S101 - a SELECT without FROM has one row
        return _terms(row)

    async def take_slot(
        self, slot_id: int, pupil_id: int, measure_id: int, school_id: str, now: datetime
    ) -> tuple[SlotToBook, list[Recipient]]:
        """Take a free slot and read what booking it checks; its parties too.

        When the slot was not free, ``slot`` says its state and who holds it (nothing was
        changed then), and there are no terms.
        """
        args = {
            "slot": slot_id,
            "pupil": pupil_id,
            "measure": measure_id,
            "school": school_id,
            "now": to_db_time(now),
        }
        row = await self.one(_TAKE, args)
        if row is None:
            return await self._not_free(slot_id, measure_id, pupil_id), []
        slot = Slot(
            id=row["id"],
            specialist_id=row["specialist_id"],
            starts_at=from_db_time(row["starts_at"]),
            ends_at=from_db_time(row["ends_at"]),
            state=SlotState.BOOKED,
            specialist_name=row["specialist_name"],
            school_id=row["school_id"],
        )
        found = SlotToBook(
            slot=slot,
            open_booking_id=None,
            open_booking_pupil=None,
            measure=_measure(row["measure"]),
            pupil_name=row["pupil_name"] or "",
            specialist_kind=SpecialistKind(row["specialist_kind"]),
            terms=_terms(row),
        )
        return found, parse_parties(row["parties"])

    async def _not_free(self, slot_id: int, measure_id: int, pupil_id: int) -> SlotToBook:
        row = await self.one(_HELD, (slot_id,))
        state = SlotState(row["state"]) if row else None
        return SlotToBook(
            slot=None,
            open_booking_id=row["booking_id"] if row else None,
            open_booking_pupil=row["pupil_id"] if row else None,
            measure=None,
            pupil_name="",
            specialist_kind=None,
            terms=None,
            taken=state == SlotState.BOOKED,
        )
