"""A known data set whose every figure was counted by hand (see tests/storage/test_figures.py).

On top of the factories' world (S1 in region R1, S2 in R2) it adds a third school S3 in
R1 with nobody in it, three more pupils of S1 with plans, bookings in every state, meal
deliveries, claims and crisis events, each at a Riga time chosen to fall inside or
outside semester 2026/2027-1 and week 2026-W46.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from storage import Database, to_db_time
from tests.factories import World, add_caterer

RIGA = ZoneInfo("Europe/Riga")


def riga(month: int, day: int, hour: int = 14, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=RIGA)


@dataclass(frozen=True)
class Known:
    karlis: int
    marta: int
    oskars: int
    karlis_plan: int
    caterer: int


async def _id(conn: object, sql: str, args: tuple[object, ...] = ()) -> int:
    cursor = await conn.execute(sql, args)  # type: ignore[attr-defined]
    return int(cursor.lastrowid)


async def build_known(db: Database, world: World) -> Known:
    caterer = await add_caterer(db)
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO schools VALUES ('S3', 'R1', 'Rīgas 3. pamatskola', 'general', 0)"
        )
        pupils = {}
        for key, name, grade in (("karlis", "Kārlis Liepa", 8), ("marta", "Marta Kalna", 6),
                                 ("oskars", "Oskars Priede", 9)):  # fmt: skip
            pupils[key] = await _id(
                conn,
                "INSERT INTO pupils (school_id, external_id, display_name, grade)"
                " VALUES ('S1', ?, ?, ?)",
                (key.upper(), name, grade),
            )
        await conn.execute(
            "UPDATE pupils SET left_on = '2026-11-15' WHERE id = ?", (pupils["oskars"],)
        )
        plans = {}
        for key, measures in (
            ("karlis", [("subject_consultation", "Matemātika", 2)]),
            ("marta", [("emotional_support", "", None)]),
            ("oskars", [("subject_consultation", "Matemātika", 2)]),
        ):
            plans[key] = await _id(
                conn,
                "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
                " starts_on, ends_on) VALUES ('S1', ?, ?, '2026/2027', 1, '2026-09-01',"
                " '2026-12-31')",
                (f"IAP-{key}", pupils[key]),
            )
            for kind, subject, hours in measures:
                await conn.execute(
                    "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted)"
                    " VALUES (?, ?, ?, ?)",
                    (plans[key], kind, subject, hours),
                )
        anna, plan = world.pupil_id, world.plan_id
        teacher, psychologist = world.teacher_id, world.psychologist_id
        maths, support = ("subject_consultation", "Matemātika"), ("emotional_support", "")
        # (pupil, plan, specialist, kind, start, minutes, state, evidence, ended_by,
        #  hours from request to answer)
        bookings = [
            (anna, plan, teacher, maths, riga(10, 6), 45, "held", "yes", None, 2),
            (anna, plan, teacher, maths, riga(11, 10), 45, "held", "no", None, 4),
            (anna, plan, psychologist, support, riga(11, 12), 60, "missed", "no", None, None),
            (anna, plan, psychologist, support, riga(11, 20), 60, "cancelled", None, "pupil", None),
            (anna, plan, teacher, maths, riga(12, 3), 45, "confirmed", None, None, None),
            (anna, plan, teacher, maths, riga(11, 30), 45, "confirmed", None, None, None),
            (
                anna,
                plan,
                psychologist,
                support,
                riga(10, 20),
                60,
                "declined",
                None,
                "specialist",
                10,
            ),
            (
                pupils["karlis"],
                plans["karlis"],
                teacher,
                maths,
                riga(12, 10),
                45,
                "requested",
                None,
                None,
                None,
            ),
            (
                pupils["karlis"],
                plans["karlis"],
                teacher,
                maths,
                riga(9, 15),
                45,
                "cancelled",
                None,
                "specialist",
                None,
            ),
            (
                pupils["karlis"],
                plans["karlis"],
                teacher,
                maths,
                riga(9, 22),
                45,
                "cancelled",
                None,
                None,
                None,
            ),
        ]
        for row in bookings:
            pupil, plan_id, specialist, (kind, subject), start, minutes, state = row[:7]
            evidence, by, answer = row[7:]
            end = start + timedelta(minutes=minutes)
            slot = await _id(
                conn,
                "INSERT INTO slots (specialist_id, starts_at, ends_at, state) VALUES (?, ?, ?, ?)",
                (specialist, to_db_time(start), to_db_time(end), "booked"),
            )
            created = start - timedelta(days=5)
            answered = created + timedelta(hours=answer) if answer is not None else None
            await conn.execute(
                "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
                " starts_at, ends_at, minutes, booked_by, state, evidence, ended_by, answered_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                (
                    slot, pupil, specialist, plan_id, kind, subject, to_db_time(start),
                    to_db_time(end), minutes, state, evidence, by,
                    to_db_time(answered) if answered else None, to_db_time(created),
                    to_db_time(created),
                ),
            )  # fmt: skip
        # Meals: Anna's subscription is active, Līga's paused.
        subscriptions = {}
        for pupil, state in ((anna, "active"), (world.second_pupil_id, "paused")):
            subscriptions[pupil] = await _id(
                conn,
                "INSERT INTO meal_subscriptions (pupil_id, address, phone, days, consent_at,"
                " state, created_by, updated_at) VALUES (?, 'Brīvības iela 1', '+37126123456',"
                " '12345', '2026-09-01', ?, 2, '2026-09-01')",
                (pupil, state),
            )
        for day, state, reason, receipt in (
            ("2026-11-02", "delivered", "", None),
            ("2026-11-03", "failed", "nobody_home", None),
            ("2026-11-04", "delivered", "", "not_received"),
            ("2026-11-05", "failed", "weird", None),
            ("2026-12-02", "planned", "", None),
            ("2026-08-31", "planned", "", None),
        ):
            await conn.execute(
                "INSERT INTO meal_deliveries (subscription_id, caterer_id, school_id, day, state,"
                " fail_reason, receipt) VALUES (?, ?, 'S1', ?, ?, ?, ?)",
                (subscriptions[anna], caterer, day, state, reason, receipt),
            )
        # Claims of Jānis (S2): one paid, one returned, one waiting, one before the semester.
        export = await _id(
            conn,
            "INSERT INTO payment_exports (school_id, first_day, last_day, created_at,"
            " created_by, rows, total_cents) VALUES ('S2', '2026-09-01', '2026-12-31',"
            " '2026-11-30T10:00:00+00:00', 9, 1, 1250)",
        )
        janis = world.other_school_pupil_id
        for kind, cents, state, at, export_id in (
            ("transport", 1250, "approved", riga(11, 20), export),
            ("transport", 320, "returned", riga(11, 21), None),
            ("accommodation", 8000, "submitted", riga(11, 25), None),
            ("transport", 500, "submitted", riga(8, 20), None),
        ):
            await conn.execute(
                "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
                " amount_cents, ticket_file_id, state, submitted_by, submitted_at, kind,"
                " export_id) VALUES (?, 'S2', '2026-11-02', '2026-11-06', ?, 'file', ?, 7, ?, ?,"
                " ?)",
                (janis, cents, state, to_db_time(at), kind, export_id),
            )
        # Words of crisis: three in S1 (two alerted), one in S2, one before the semester.
        for pupil, school, category, at, alerted in (
            (anna, "S1", "self_harm", riga(10, 5), 1),
            (anna, "S1", "suicide", riga(11, 1), 0),
            (pupils["karlis"], "S1", "violence", riga(11, 2), 1),
            (janis, "S2", "abuse", riga(12, 1, 8), 1),
            (anna, "S1", "self_harm", riga(8, 1), 1),
        ):
            await conn.execute(
                "INSERT INTO crisis_events (at, telegram_id, pupil_id, school_id, category,"
                " language, alerted) VALUES (?, 0, ?, ?, ?, 'lv', ?)",
                (to_db_time(at), pupil, school, category, alerted),
            )
        # Alerts: in S1 one taken after 6 minutes, one request to be contacted nobody took
        # that climbed to the coordinator; one before the semester.
        for kind, created, taken, level in (
            ("crisis", riga(10, 5), riga(10, 5, 14, 6), 0),
            ("contact", riga(11, 3), None, 1),
            ("crisis", riga(8, 1), riga(8, 1, 14, 2), 0),
        ):
            await conn.execute(
                "INSERT INTO care_alerts (kind, telegram_id, writer_role, school_id, pupil_ids,"
                " level, created_at, taken_by, taken_at) VALUES (?, 0, 'pupil', 'S1', ?, ?, ?,"
                " ?, ?)",
                (
                    kind,
                    f"[{anna}]",
                    level,
                    to_db_time(created),
                    1 if taken else None,
                    to_db_time(taken) if taken else None,
                ),
            )
    return Known(pupils["karlis"], pupils["marta"], pupils["oskars"], plans["karlis"], caterer)
