"""Every figure of a known data set, counted by hand (the data: tests/known_figures.py).

Today is Tuesday 1 December 2026, 09:00 in Riga; semester 2026/2027-1 runs from
1 September to 31 December, so its middle (31 October) has passed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.figures import (
    Care,
    Claims,
    Evidence,
    Hours,
    Meals,
    Scope,
    Sessions,
    Usage,
    semester_period,
    week_period,
)
from bot.domain.models import MeasureKind, Role
from bot.runtime import Services
from tests.factories import World, actor_of, add_internship_plan, link, make_world
from tests.known_figures import Known, build_known

SEMESTER = semester_period("2026/2027-1")


@pytest.fixture
async def services(config: Config, clock: FakeClock) -> AsyncIterator[Services]:
    found = Services.create(config, clock)
    await found.open()
    yield found
    await found.close()


async def known(services: Services) -> tuple[World, Known]:
    world = await make_world(services.db)
    return world, await build_known(services.db, world)


async def test_every_figure_of_one_school_and_semester(services: Services) -> None:
    await known(services)
    report = await services.figures.compute(Scope.school("S1"), SEMESTER)
    s1 = report.total
    assert [s.school_id for s in report.schools] == ["S1"]
    assert report.scope_name == "Rīgas 1. vidusskola"
    # Maths: Anna 4 h, Kārlis 2 h, Oskars 2 h (he left, his plan still counts); held 2 x 45
    # min; booked: Anna's two confirmed (one past, not marked) and Kārlis's request.
    assert s1.hours == (
        Hours(kind=MeasureKind.SUBJECT_CONSULTATION, plans=3, granted=8, unlimited=0,
              used=1.5, booked=2.25, left=6.5),
        Hours(kind=MeasureKind.EMOTIONAL_SUPPORT, plans=2, granted=3, unlimited=1,
              used=0, booked=0, left=3),
    )  # fmt: skip
    assert s1.sessions == Sessions(
        requested=10, waiting=1, proposed=0, confirmed=2, held=2, missed=1,
        cancelled_by_pupil=1, cancelled_by_guardian=0, cancelled_by_specialist=1,
        cancelled_by_school=0, cancelled_unknown=1, declined=1,
    )  # fmt: skip
    # Answered after 2, 4 and 10 hours.
    assert s1.answer_median_hours == pytest.approx(4)
    # Ended: two held (yes; no), one missed (no), one confirmed not marked (unanswered).
    assert s1.evidence == Evidence(asked=4, yes=1, no=2, unanswered=1, no_but_held=1)
    # Anna, Kārlis, Marta (Oskars left); Marta booked nothing; by 31 October Anna had held
    # 45 of 420 minutes and Kārlis 0 of 120, Marta's hours have no limit.
    assert s1.usage == Usage(pupils=3, not_used=1, under_quarter=2)
    assert s1.meals == Meals(
        subscriptions_active=1, subscriptions_paused=1, planned=1, delivered=2,
        failed_nobody_home=1, failed_wrong_address=0, failed_no_access=0, failed_other=1,
        not_received=1,
    )  # fmt: skip
    assert s1.claims == (Claims(kind="transport"), Claims(kind="accommodation"))
    # Kārlis's older "violence" event counts as abuse at home.
    assert s1.care.model_copy(update={"taken_minutes": 0}) == Care(
        suicide=1, self_harm=1, abuse=1, total=3, alerted=2, pupils=2, alerts=1,
        contact_requests=1, taken=1, escalated=1, not_taken=1,
    )  # fmt: skip
    assert s1.care.taken_minutes == pytest.approx(6) and s1.care.minutes_to_take == 6.0
    weeks = {w.week: (w.used, w.booked) for w in report.weeks}
    assert len(weeks) == 18 and weeks["2026-W36"] == (0, 0)
    assert weeks["2026-W41"] == (0.75, 0) and weeks["2026-W46"] == (0.75, 0)
    assert weeks["2026-W49"] == (0, 1.5) and weeks["2026-W50"] == (0, 0.75)
    assert sum(used for used, _ in weeks.values()) == s1.hours_used == 1.5


async def test_claims_and_care_of_the_vocational_school(services: Services) -> None:
    await known(services)
    report = await services.figures.compute(Scope.school("S2"), SEMESTER)
    transport, accommodation = report.total.claims
    assert transport == Claims(
        kind="transport", submitted=2, submitted_cents=1570, approved=1, approved_cents=1250,
        returned=1, returned_cents=320, waiting=0, waiting_cents=0, exported=1,
    )  # fmt: skip
    assert accommodation == Claims(
        kind="accommodation", submitted=1, submitted_cents=8000, waiting=1, waiting_cents=8000
    )
    assert report.total.care == Care(abuse=1, total=1, alerted=1, pupils=1)
    assert report.total.sessions == Sessions()


async def test_a_region_is_the_sum_of_its_schools_and_the_country_of_all(
    services: Services,
) -> None:
    await known(services)
    region = await services.figures.compute(Scope.region("R1"), SEMESTER)
    assert region.scope_name == "Rīga"
    assert [s.school_id for s in region.schools] == ["S1", "S3"]
    s1, s3 = region.schools
    assert s3.sessions == Sessions() and s3.usage == Usage()
    assert region.total.sessions == s1.sessions and region.total.hours == s1.hours
    assert region.total.answer_median_hours == pytest.approx(4)
    country = await services.figures.compute(Scope.country(), SEMESTER)
    assert [s.school_id for s in country.schools] == ["S1", "S2", "S3"]
    assert country.total.care.total == 4
    assert country.total.claims[0].submitted == 2
    assert country.total.hours_granted == 11


async def test_a_week_counts_only_its_own_sessions(services: Services) -> None:
    await known(services)
    report = await services.figures.compute(Scope.school("S1"), week_period("2026-W46"))
    assert report.total.sessions == Sessions(requested=2, held=1, missed=1)
    assert report.total.evidence == Evidence(asked=2, no=2, no_but_held=1)
    assert report.total.hours[0].used == 0.75
    assert report.total.meals.delivered == 0 and report.total.care.total == 0
    # The middle of the week has passed; the plans are the semester's, so usage is too.
    assert report.total.usage.pupils == 3


async def test_under_a_quarter_waits_for_the_middle_of_the_period(
    services: Services, clock: FakeClock
) -> None:
    await known(services)
    report = await services.figures.compute(Scope.school("S1"), semester_period("2026/2027-2"))
    assert not report.under_quarter_counted and report.total.usage.under_quarter == 0


async def test_not_used_lists_the_pupils_for_the_own_school_only(services: Services) -> None:
    world, data = await known(services)
    await link(services.db, 10, Role.COORDINATOR, world.coordinator_id)
    other = await add_internship_plan(services.db, world.other_school_pupil_id)
    await link(services.db, 11, Role.COORDINATOR, other)
    mine = await actor_of(services, 10)
    found = await services.figures.not_used(mine, "S1", SEMESTER)
    assert [(p.pupil_id, p.name, p.granted_minutes) for p in found] == [
        (data.marta, "Marta Kalna", None)
    ]
    with pytest.raises(NotAllowed):
        await services.figures.not_used(await actor_of(services, 11), "S1", SEMESTER)
    async with services.uow.read() as tx:
        audit = await tx.audit.of_subject(f"pupil:{data.marta}")
    assert [a.action for a in audit] == ["read_not_used"]


async def test_a_coordinator_reads_only_their_schools_and_region(services: Services) -> None:
    world, _ = await known(services)
    await link(services.db, 10, Role.COORDINATOR, world.coordinator_id)
    mine = await actor_of(services, 10)
    assert (await services.figures.report(mine, Scope.school("S1"), SEMESTER)).total.usage.pupils
    for scope in (Scope.school("S2"), Scope.region("R1"), Scope.country()):
        with pytest.raises(NotAllowed):
            await services.figures.report(mine, scope, SEMESTER)
    with pytest.raises(NotFound):
        await services.figures.compute(Scope.school("NOPE"), SEMESTER)
