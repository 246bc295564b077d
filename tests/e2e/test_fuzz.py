"""Generated button presses and typed answers never reach the error handler.

Hypothesis makes callback data for every route (right-looking arguments, huge numbers,
"²", impossible dates, junk) and typed answers for every kind of question the bot waits
for, sent by every role through the real Application. Whatever comes, the bot answers
with words (a domain error at worst); an unhandled exception, which the error handler
logs as "unhandled error" before apologising, fails the test. The runs are derandomized,
so CI sees the same examples every time, and kept to a few seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain.admin import Audience, BroadcastDraft, SpecialistDraft
from bot.domain.internship import ClaimDraft
from bot.domain.meals import MealDraft
from bot.domain.models import Role
from bot.domain.questions import (
    QUESTION,
    AuditPupil,
    BookingNote,
    BroadcastAnswer,
    CallDetails,
    CancelReason,
    ClaimAnswer,
    DayOff,
    DeclineReason,
    MealAnswer,
    OneOffTime,
    Question,
    ReturnReason,
    RuleHours,
    RuleUntil,
    SeriesReason,
    SpecialistAnswer,
    WeeklyHours,
)
from handlers.accounts import routes as accounts
from handlers.admin import routes as admin
from handlers.buttons import Route
from handlers.care import routes as care
from handlers.consultations import routes as consultations
from handlers.figures import routes as figures
from handlers.internship import routes as internship
from handlers.meals import routes as meals
from handlers.reminders import routes as reminders
from handlers.ui import MENU
from tests.conftest import RIGA, BotHarness
from tests.factories import actor_of, add_caterer, add_internship_plan, add_slot, link

# One account of each role; 8 is a stranger.
PUPIL, GUARDIAN, TEACHER, COORDINATOR, CATERER, STUDENT, STRANGER, SCHOOL2 = range(1, 9)
USERS = (PUPIL, GUARDIAN, TEACHER, COORDINATOR, CATERER, STUDENT, STRANGER, SCHOOL2)


def _routes(*modules: ModuleType) -> list[Route]:
    found = [MENU]
    for module in modules:
        found += [value for value in vars(module).values() if isinstance(value, Route)]
    return found


MODULES = (accounts, admin, care, consultations, figures, meals, internship, reminders)
ROUTES = _routes(*MODULES)
NASTY = [
    "0", "1", "2", "3", "-1", "²", "١", "99999999", "999999999999999999", "9" * 19,
    "9" * 25, "20261201", "99991231", "20260230", "00000000", "", "lv", "xx", "1e3",
    " 1", "nobody_home", "days", "address", "meal_tomorrow", "2**62",
]  # fmt: skip
TYPED = [
    "²", "1E+1000", "1e5", "12.50", "0", "-5", "NaN", "Infinity", "31.12.9999",
    "9999-12-31", "29.02", "3.12 15:00-16:00", "14:00-16:00 30", "14:00-16:00 999",
    "²:⁰⁰-16:00", "1.12-5.12", "5.12-1.12", "32.13", "25:61-26:00", "٣.١٢", "+37126123456",
    "2612345", "P1", "p1", " ", "\u200b", "x" * 5000, "1.1.1-9999.1.1", "0.0", "10:00-10:05",
]  # fmt: skip

arg = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-5, max_value=2**70).map(str),
    st.text(max_size=10),
)
pressed = st.one_of(
    st.builds(
        lambda route, args: ":".join([route.feature, route.action, *args]),
        st.sampled_from(ROUTES),
        st.lists(arg, max_size=4),
    ),
    st.text(max_size=64),
).map(lambda data: data.encode()[:64].decode("utf-8", "ignore"))
typed = st.one_of(st.sampled_from(TYPED), st.text(max_size=60))


@dataclass
class Stage:
    booking: int
    slot: int
    measure: int
    claim: int


@pytest.fixture
async def stage(harness: BotHarness) -> Stage:
    world, db = harness.world, harness.services.db
    for user, role, person in (
        (PUPIL, Role.PUPIL, world.pupil_id),
        (GUARDIAN, Role.GUARDIAN, world.guardian_id),
        (TEACHER, Role.SPECIALIST, world.teacher_id),
        (COORDINATOR, Role.COORDINATOR, world.coordinator_id),
        (STUDENT, Role.PUPIL, world.other_school_pupil_id),
    ):
        await link(db, user, role, person)
    await link(db, CATERER, Role.CATERER, await add_caterer(db))
    await link(
        db, SCHOOL2, Role.COORDINATOR, await add_internship_plan(db, world.other_school_pupil_id)
    )
    slot = await add_slot(db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
    free = await add_slot(db, world.teacher_id, datetime(2026, 12, 4, 14, tzinfo=RIGA))
    pupil = await actor_of(harness.services, PUPIL)
    maths = next(
        o for o in await harness.services.booking.offers(pupil, world.pupil_id) if o.subject
    )
    booking = await harness.services.booking.book(pupil, world.pupil_id, maths.measure_id, slot)
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
            " amount_cents, ticket_file_id, submitted_by, submitted_at)"
            " VALUES (?, 'S2', '2026-11-20', '2026-11-21', 500, 'file', ?, '2026-11-22')",
            (world.other_school_pupil_id, STUDENT),
        )
    for user in USERS:
        await harness.tg.send(harness.user(user), "/start")
    return Stage(booking.booking.id, free, maths.measure_id, int(cursor.lastrowid or 0))


def questions(pupil: int, s: Stage) -> list[tuple[int, Question]]:
    """Every kind of question the bot waits for, asked of the role it is asked of."""
    return [
        (PUPIL, BookingNote(pupil_id=pupil, measure_id=s.measure, slot_id=s.slot)),
        (GUARDIAN, BookingNote(pupil_id=pupil, measure_id=s.measure, slot_id=s.slot)),
        (TEACHER, DeclineReason(booking_id=s.booking)),
        (TEACHER, CancelReason(booking_id=s.booking)),
        (TEACHER, CallDetails(booking_id=s.booking)),
        *((TEACHER, WeeklyHours(weekday=day)) for day in (1, 7)),
        (TEACHER, OneOffTime()),
        (TEACHER, DayOff()),
        # Weekly hours that are not there (or not the teacher's): refused, whatever typed.
        (TEACHER, RuleHours(rule_id=s.booking)),
        (TEACHER, RuleUntil(rule_id=s.booking)),
        *(
            (GUARDIAN, MealAnswer(draft=MealDraft(pupil_id=pupil, step=step)))
            for step in ("address", "phone", "days", "note", "consent")
        ),
        *(
            (STUDENT, ClaimAnswer(draft=ClaimDraft(step=step)))
            for step in ("dates", "amount", "photo")
        ),
        (SCHOOL2, ReturnReason(claim_id=s.claim)),
        (COORDINATOR, AuditPupil()),
        *(
            (COORDINATOR, SpecialistAnswer(draft=SpecialistDraft(school_id="S1", step=step)))
            for step in ("name", "kind", "subjects", "duty")
        ),
        *(
            (COORDINATOR, BroadcastAnswer(draft=BroadcastDraft(school_id="S1", audience=a)))
            for a in Audience
        ),
        (TEACHER, SeriesReason(series_id=s.booking)),
        (TEACHER, SeriesReason(series_id=s.booking, cancel=True)),
        (STRANGER, DayOff()),  # a question that is not the stranger's to answer
    ]


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [
        f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
        for r in caplog.records
        if r.getMessage() == "unhandled error"
    ]
    caplog.clear()
    return found


FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(user=st.sampled_from(USERS), data=pressed)
@example(user=TEACHER, data="sp:wday:99999999")
@example(user=STUDENT, data="is:day:999999999999999999")
@example(user=PUPIL, data="mc:mv:1:²")
@example(user=TEACHER, data="sp:pr:1:" + "9" * 19)
@example(user=STRANGER, data="bk:k:1:1:" + "9" * 19)
@example(user=STUDENT, data="is:day:99991231")
async def test_no_pressed_button_reaches_the_error_handler(
    harness: BotHarness,
    stage: Stage,
    caplog: pytest.LogCaptureFixture,
    user: int,
    data: str,
) -> None:
    caplog.set_level(logging.ERROR)
    await harness.tg.press(harness.user(user), data)
    assert unhandled(caplog) == [], data


@FUZZ
@given(which=st.integers(min_value=0, max_value=28), text=typed)
@example(which=15, text="1E+1000")  # a claim's amount
@example(which=14, text="1.1.9999-2.1.9999")  # a claim's dates
@example(which=5, text="²4:00-16:00")  # weekly hours
@example(which=7, text="31.12.9999 10:00-11:00")  # a one-off time
async def test_no_typed_answer_reaches_the_error_handler(
    harness: BotHarness,
    stage: Stage,
    caplog: pytest.LogCaptureFixture,
    which: int,
    text: str,
) -> None:
    caplog.set_level(logging.ERROR)
    asked = questions(harness.world.pupil_id, stage)
    user, question = asked[which % len(asked)]
    await harness.services.questions.ask(await actor_of(harness.services, user), question)
    await harness.tg.send(harness.user(user), text or " ")
    assert unhandled(caplog) == [], (question, text)


def test_every_route_and_every_question_kind_is_fuzzed() -> None:
    """The strategies reach every route and every kind of question there is."""
    routes = [route for route in ROUTES if route is not MENU]
    assert {route.feature for route in routes} >= {"bk", "cr", "me", "ml", "sp"}
    # Every routes module of every feature is fuzzed.
    import handlers

    features = {path.parent.name for path in Path(handlers.__file__).parent.glob("*/routes.py")}
    assert features == {module.__name__.split(".")[1] for module in MODULES}
    schema = QUESTION.json_schema()
    kinds = set(schema["discriminator"]["mapping"])
    assert {question.kind for _, question in questions(1, Stage(1, 1, 1, 1))} == kinds
