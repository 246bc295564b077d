"""The eligibility engine: each reason, the boundary dates and grades, and the rules file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.domain.eligibility import (
    Measure,
    Reason,
    RulesError,
    check,
    eligible_pupils,
    load_rules,
    parse_rules,
)
from bot.domain.models import (
    MeasureKind,
    PlanMeasure,
    Pupil,
    School,
    SchoolKind,
    SupportPlan,
)

RULES = load_rules()


def school(kind: SchoolKind = SchoolKind.GENERAL, delivers: bool = True) -> School:
    return School(id="S", region_id="R", name="S", kind=kind, caterer_delivers_home=delivers)


def pupil(grade: int = 7, pupil_id: int = 1) -> Pupil:
    return Pupil(id=pupil_id, school_id="S", external_id="P", display_name="P", grade=grade)


def plan(
    *kinds: MeasureKind,
    year: str = "2019/2020",
    semester: int = 2,
    starts: date = date(2020, 1, 6),
    ends: date = date(2020, 5, 29),
    created: date | None = date(2020, 1, 10),
    pupil_id: int = 1,
) -> SupportPlan:
    measures = tuple(
        PlanMeasure(id=i, plan_id=1, kind=k, subject="", hours_granted=None)
        for i, k in enumerate(kinds)
    )
    return SupportPlan(
        id=1,
        school_id="S",
        external_id="IAP",
        pupil_id=pupil_id,
        school_year=year,
        semester=semester,
        starts_on=starts,
        ends_on=ends,
        created_on=created,
        measures=measures,
    )


MEALS_PLAN = plan(MeasureKind.MEALS)


def test_spring_2020_pupil_with_meals_in_plan_is_eligible_from_31_march() -> None:
    answer = check(pupil(), school(), [MEALS_PLAN], RULES, date(2020, 3, 31))
    assert answer.eligible
    assert answer.reasons == ()
    assert answer.period is not None and answer.period.id == "2020-emergency-meals-home"


def test_the_day_before_31_march_2020_is_not_yet_in_force() -> None:
    answer = check(pupil(), school(), [MEALS_PLAN], RULES, date(2020, 3, 30))
    assert not answer.eligible
    assert answer.reasons == (Reason.NOT_YET_IN_FORCE,)


@pytest.mark.parametrize(("grade", "eligible"), [(4, False), (5, True), (12, True)])
def test_grades_5_to_12_qualify(grade: int, eligible: bool) -> None:
    answer = check(pupil(grade), school(), [MEALS_PLAN], RULES, date(2020, 4, 1))
    assert answer.eligible is eligible
    assert (Reason.WRONG_GRADE in answer.reasons) is not eligible


def test_plan_without_meals_is_refused_with_that_reason() -> None:
    answer = check(pupil(), school(), [plan(MeasureKind.TRANSPORT)], RULES, date(2020, 4, 1))
    assert answer.reasons == (Reason.MEASURE_NOT_IN_PLAN,)


def test_no_plan_for_the_semester_is_refused() -> None:
    other = plan(MeasureKind.MEALS, semester=1, starts=date(2019, 9, 2), ends=date(2019, 12, 20))
    answer = check(pupil(), school(), [other], RULES, date(2020, 4, 1))
    assert answer.reasons == (Reason.NO_PLAN_FOR_PERIOD,)


def test_caterer_that_does_not_deliver_home_is_a_reason() -> None:
    answer = check(pupil(), school(delivers=False), [MEALS_PLAN], RULES, date(2020, 4, 1))
    assert answer.reasons == (Reason.CATERER_DOES_NOT_DELIVER_HOME,)


def test_plan_period_ended_on_its_last_day_plus_one() -> None:
    assert check(pupil(), school(), [MEALS_PLAN], RULES, date(2020, 5, 29)).eligible
    answer = check(pupil(), school(), [MEALS_PLAN], RULES, date(2020, 5, 30))
    assert answer.reasons == (Reason.PLAN_PERIOD_ENDED,)


def test_after_the_last_period_the_programme_period_is_over() -> None:
    answer = check(pupil(), school(), [MEALS_PLAN], RULES, date(2020, 6, 10))
    assert Reason.PROGRAMME_PERIOD_OVER in answer.reasons
    assert Reason.PLAN_PERIOD_ENDED in answer.reasons


def test_vocational_school_pupil_gets_no_home_meals() -> None:
    answer = check(pupil(11), school(SchoolKind.VOCATIONAL), [MEALS_PLAN], RULES, date(2020, 4, 1))
    assert answer.reasons == (Reason.WRONG_SCHOOL_KIND,)


def test_every_reason_is_listed_at_once() -> None:
    answer = check(pupil(3), school(SchoolKind.VOCATIONAL, False), [], RULES, date(2020, 4, 1))
    assert set(answer.reasons) == {
        Reason.WRONG_SCHOOL_KIND,
        Reason.WRONG_GRADE,
        Reason.NO_PLAN_FOR_PERIOD,
        Reason.CATERER_DOES_NOT_DELIVER_HOME,
    }


@pytest.mark.parametrize(
    ("created", "eligible"),
    [(date(2020, 3, 11), True), (date(2020, 3, 12), False), (None, False)],
)
def test_internship_support_needs_a_plan_made_before_the_emergency(
    created: date | None, eligible: bool
) -> None:
    internship = plan(MeasureKind.TRANSPORT, created=created)
    answer = check(
        pupil(11),
        school(SchoolKind.VOCATIONAL, False),
        [internship],
        RULES,
        date(2020, 4, 1),
        Measure.INTERNSHIP_TRANSPORT,
    )
    assert answer.eligible is eligible
    assert (Reason.PLAN_MADE_TOO_LATE in answer.reasons) is not eligible


def test_internship_meals_need_that_measure_in_the_plan() -> None:
    answer = check(
        pupil(11),
        school(SchoolKind.VOCATIONAL),
        [plan(MeasureKind.TRANSPORT)],
        RULES,
        date(2020, 4, 1),
        Measure.INTERNSHIP_MEALS,
    )
    assert answer.reasons == (Reason.MEASURE_NOT_IN_PLAN,)


def test_the_later_example_period_is_picked_by_the_date_asked() -> None:
    current = plan(
        MeasureKind.MEALS,
        year="2026/2027",
        semester=1,
        starts=date(2026, 9, 1),
        ends=date(2026, 12, 31),
    )
    answer = check(pupil(), school(), [MEALS_PLAN, current], RULES, date(2026, 12, 1))
    assert answer.eligible
    assert answer.plan == current
    # The 2020 plan does not count in 2026.
    assert check(pupil(), school(), [MEALS_PLAN], RULES, date(2026, 12, 1)).reasons == (
        Reason.NO_PLAN_FOR_PERIOD,
    )


def test_a_plan_that_has_not_started_yet_is_a_reason() -> None:
    later = plan(
        MeasureKind.MEALS,
        year="2026/2027",
        semester=2,
        starts=date(2027, 1, 11),
        ends=date(2027, 5, 31),
    )
    answer = check(pupil(), school(), [later], RULES, date(2027, 1, 5))
    assert answer.reasons == (Reason.PLAN_NOT_STARTED,)


def test_bulk_answer_covers_every_pupil_of_the_school() -> None:
    pupils = [pupil(7, 1), pupil(4, 2)]
    answers = eligible_pupils(pupils, school(), [MEALS_PLAN], RULES, date(2020, 4, 1))
    assert [a.eligible for _, a in answers] == [True, False]


def test_a_rules_file_with_a_bad_period_is_refused_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="grade_min"):
        parse_rules(
            {
                "period": [
                    {
                        "id": "x",
                        "measure": "meals_home",
                        "school_kind": "general",
                        "grade_min": 0,
                        "plan_school_year": "2019/2020",
                        "plan_semester": 2,
                        "plan_measure": "meals",
                        "in_force_from": date(2020, 3, 31),
                    }
                ]
            }
        )
    broken = tmp_path / "rules.toml"
    broken.write_text("[[period]]\nid = ", encoding="utf-8")
    with pytest.raises(RulesError):
        load_rules(broken)


def test_no_period_for_a_measure_is_never_eligible() -> None:
    empty = parse_rules({})
    answer = check(pupil(), school(), [MEALS_PLAN], empty, date(2020, 4, 1))
    assert not answer.eligible
