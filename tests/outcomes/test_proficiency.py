"""Time to proficiency: days from the hire's start to the first of two scores in a row at level 2 or above, per
criterion, for the cohort, per coach and per hire, on a fixture whose answers are worked out by hand."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from coaching.models import CallReview, Grade
from courses.models import Attempt, AttemptState, EnrollmentStatus
from outcomes import proficiency
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

KEYS = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")
START = datetime.date(2026, 3, 2)


def at(day: int, hour: int = 18) -> datetime.datetime:
    """`day` days after the cohort's start, at `hour` UTC (10:00 or 11:00 in Los Angeles: the same calendar day)."""
    return datetime.datetime.combine(START + datetime.timedelta(days=day), datetime.time(hour), tzinfo=datetime.UTC)


def levels(acknowledge: int = 1, connect: int = 1) -> dict:
    return {**dict.fromkeys(KEYS, 1), "acknowledge": acknowledge, "connect": connect}


def graded(enrollment, scenario, coach, when, marks: dict, *, outcome=Grade.Outcome.RELEASED, released=None) -> Grade:
    number = Attempt.objects.filter(enrollment=enrollment, scenario=scenario).count() + 1
    attempt = Attempt.objects.create(
        enrollment=enrollment, scenario=scenario, number=number, rubric_version=scenario.rubric.current_version,
        state=AttemptState.GRADED, started_at=when, submitted_at=when,
    )  # fmt: skip
    released_at = (released or when) if outcome == Grade.Outcome.RELEASED else None
    return Grade.objects.create(
        attempt=attempt, coach=coach, rubric_version=attempt.rubric_version, levels=marks, percent=50,
        outcome=outcome, released_at=released_at,
    )  # fmt: skip


def called(enrollment, scenario, coach, when, marks: dict, kind=CallReview.Kind.CALL_REVIEW) -> CallReview:
    return CallReview.objects.create(
        enrollment=enrollment, coach=coach, rubric_version=scenario.rubric.current_version, kind=kind, call_at=when,
        call_reference="C-1", duration_seconds=300, reason="Shoes", levels=marks,
    )  # fmt: skip


@pytest.fixture
def cohort():
    return CohortFactory(curriculum=curriculum_with(), start_date=START, time_zone="America/Los_Angeles")


@pytest.fixture
def scenario(cohort):
    return scenario_with_turns(cohort.curriculum, slug="graded-proficiency", mode="graded")


@pytest.fixture
def cora():
    return CoachFactory(display_name="Cora Coach")


@pytest.fixture
def bo():
    return CoachFactory(display_name="Bo Baker")


def hire(cohort, name: str, **kwargs):
    return EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name=name), **kwargs)


@pytest.fixture
def hires(cohort, scenario, cora, bo):
    """Day numbers count from 2 March 2026, the cohort's start (Los Angeles).

    Ann: acknowledge 2 (day 3), 1 (day 5) breaks the run, 2 (day 8), call 2 (day 10): day 8. Connect 2, 2, 2, 2:
      day 3. All four by Cora.
    Ben: acknowledge 1, 1, then a single 2 on day 12: not yet. Connect 2 from day 4: day 4. Cora once, Bo twice:
      Bo. A held grade by Cora on day 13 (acknowledge 2) counts for nothing: counted, it would make acknowledge
      day 12 and the coaches tied 2–2, Cora first.
    Cai: acknowledge, a nesting observation of 2 (day 5) then a role-play 2 (day 7): day 5, across kinds. Connect
      2 on a call at 03:00 UTC on 12 March, still 11 March in Los Angeles, then 3: day 9. Bo, Cora, Bo, Cora:
      tied 2–2, Bo scored first: Bo.
    Dee: an extension of 4 days, so her start is 6 March. Acknowledge 2 submitted day 9 (released day 11), 3 on
      day 10: 9 − 4 = day 5. Cora.
    Eve: nothing scored: no coach yet, not yet everywhere.
    Wes: withdrawn, proficient on everything: not counted anywhere.
    """
    ann = hire(cohort, "Ann Broken")
    graded(ann, scenario, cora, at(3), levels(2, 2))
    graded(ann, scenario, cora, at(5), levels(1, 2))
    graded(ann, scenario, cora, at(8), levels(2, 2))
    called(ann, scenario, cora, at(10), levels(2, 2))

    ben = hire(cohort, "Ben Lonely")
    graded(ben, scenario, cora, at(4), levels(1, 2))
    graded(ben, scenario, bo, at(6), levels(1, 2))
    called(ben, scenario, bo, at(12), levels(2, 2))
    graded(ben, scenario, cora, at(13), levels(2, 2), outcome=Grade.Outcome.HELD)

    cai = hire(cohort, "Cai Crossing")
    called(cai, scenario, bo, at(5), levels(2, 1), kind=CallReview.Kind.NESTING_OBSERVATION)
    graded(cai, scenario, cora, at(7), levels(2, 1))
    called(cai, scenario, bo, at(10, hour=3), levels(1, 2))
    graded(cai, scenario, cora, at(11), levels(1, 3))

    dee = hire(cohort, "Dee Extended", extension_days=4)
    graded(dee, scenario, cora, at(9), levels(2, 1), released=at(11))
    graded(dee, scenario, cora, at(10), levels(3, 1))

    eve = hire(cohort, "Eve Empty")

    wes = hire(cohort, "Wes Withdrawn", status=EnrollmentStatus.WITHDRAWN)
    graded(wes, scenario, cora, at(1), levels(3, 3))
    graded(wes, scenario, cora, at(2), levels(3, 3))
    return {"ann": ann, "ben": ben, "cai": cai, "dee": dee, "eve": eve}


def _row(rows, key: str):
    return next(row for row in rows if row.key == key)


def _coach(found, coach):
    return next(row for row in found.coaches if row.coach == coach)


def test_each_hires_days_per_criterion(cohort, hires):
    found = proficiency.proficiency_for_cohort(cohort=cohort)
    days = {hire.enrollment.hire.display_name: hire.days for hire in found.hires}
    assert list(days) == ["Ann Broken", "Ben Lonely", "Cai Crossing", "Dee Extended", "Eve Empty"]
    assert {name: (row["acknowledge"], row["connect"]) for name, row in days.items()} == {
        "Ann Broken": (8, 3),  # a 1 broke the first run
        "Ben Lonely": (None, 4),  # a single 2 at the end is not sustained; the held grade does not count
        "Cai Crossing": (5, 9),  # a real call then a role-play; the call's day is Los Angeles's
        "Dee Extended": (5, None),  # counted from her own start, four days later
        "Eve Empty": (None, None),
    }
    assert all(row[key] is None for row in days.values() for key in KEYS[2:])
    assert list(days["Ann Broken"]) == list(KEYS)  # the rubric's order


def test_the_cohort_figures_per_criterion(cohort, hires):
    found = proficiency.proficiency_for_cohort(cohort=cohort)
    assert [row.key for row in found.criteria] == list(KEYS)
    acknowledge = _row(found.criteria, "acknowledge")  # 8, 5, 5 of five hires
    assert (acknowledge.hires, acknowledge.reached, acknowledge.not_yet) == (5, 3, 2)
    assert acknowledge.median_days == 5.0 and acknowledge.mean_days == pytest.approx(6.0)
    connect = _row(found.criteria, "connect")  # 3, 4, 9
    assert (connect.hires, connect.reached, connect.not_yet) == (5, 3, 2)
    assert connect.median_days == 4.0 and connect.mean_days == pytest.approx(16 / 3)
    explore = _row(found.criteria, "explore")
    assert (explore.hires, explore.reached, explore.median_days, explore.mean_days) == (5, 0, None, None)
    assert found.reached_any


def test_hires_go_to_the_coach_of_most_of_their_scores(cohort, hires, cora, bo):
    found = proficiency.proficiency_for_cohort(cohort=cohort)
    coach_of = {hire.enrollment.hire.display_name: hire.coach for hire in found.hires}
    assert coach_of == {"Ann Broken": cora, "Ben Lonely": bo, "Cai Crossing": bo, "Dee Extended": cora,
                        "Eve Empty": None}  # fmt: skip
    assert [(row.name, row.hires) for row in found.coaches] == [("Bo Baker", 2), ("Cora Coach", 2), ("No coach yet", 1)]


def test_the_figures_per_coach(cohort, hires, cora, bo):
    found = proficiency.proficiency_for_cohort(cohort=cohort)
    cora_row, bo_row = _coach(found, cora), _coach(found, bo)
    cora_acknowledge = _row(cora_row.criteria, "acknowledge")  # Ann 8, Dee 5
    assert (cora_acknowledge.hires, cora_acknowledge.reached, cora_acknowledge.median_days) == (2, 2, 6.5)
    assert cora_acknowledge.mean_days == pytest.approx(6.5) and cora_acknowledge.cell == "6.5 d (2/2)"
    cora_connect = _row(cora_row.criteria, "connect")  # Ann 3, Dee not yet
    assert (cora_connect.reached, cora_connect.not_yet, cora_connect.median_days, cora_connect.cell) == (
        1, 1, 3.0, "3 d (1/2)",
    )  # fmt: skip
    bo_acknowledge = _row(bo_row.criteria, "acknowledge")  # Ben not yet, Cai 5
    assert (bo_acknowledge.reached, bo_acknowledge.median_days, bo_acknowledge.mean_days) == (1, 5.0, 5.0)
    bo_connect = _row(bo_row.criteria, "connect")  # Ben 4, Cai 9
    assert (bo_connect.reached, bo_connect.median_days, bo_connect.mean_days) == (2, 6.5, 6.5)
    nobody = found.coaches[-1]
    assert nobody.coach is None and _row(nobody.criteria, "acknowledge").cell == "— (0/1)"


def test_a_run_and_its_first_score():
    day = [at(number) for number in range(6)]
    assert proficiency.first_sustained([(day[0], 2), (day[1], 1), (day[2], 3), (day[3], 2)]) == day[2]
    assert proficiency.first_sustained([(day[0], 2)]) is None
    assert proficiency.first_sustained([(day[0], 2), (day[1], 2), (day[2], 2)], run=3) == day[0]
    assert proficiency.first_sustained([]) is None


def _cohort_of(size: int, scenario, coaches) -> None:
    cohort = scenario.curriculum.cohorts.first()
    for number in range(size):
        enrollment = hire(cohort, f"Hire {number:03}")
        graded(enrollment, scenario, coaches[number % 2], at(2), levels(2, 1))
        called(enrollment, scenario, coaches[(number + 1) % 2], at(4), levels(2, 2))
        graded(enrollment, scenario, coaches[number % 2], at(6), levels(1, 2))


def test_the_query_count_is_the_same_for_five_hires_and_a_hundred(cohort, scenario, cora, bo):
    _cohort_of(5, scenario, [cora, bo])
    with CaptureQueriesContext(connection) as small:
        found = proficiency.proficiency_for_cohort(cohort=cohort)
    assert _row(found.criteria, "acknowledge").reached == 5
    _cohort_of(95, scenario, [cora, bo])
    with CaptureQueriesContext(connection) as large:
        found = proficiency.proficiency_for_cohort(cohort=cohort)
    assert _row(found.criteria, "connect").reached == 100 and len(found.hires) == 100
    assert len(small) == len(large) == 5


def rendered(cohort) -> str:
    found = proficiency.proficiency_for_cohort(cohort=cohort)
    return render_to_string("outcomes/_proficiency.html", {"proficiency": found})


def test_the_partial_renders_the_figures(cohort, hires):
    html = rendered(cohort)
    assert "Time to proficiency" in html and "<svg" in html and " days" in html
    assert "3 of 5" in html and "6.5 d (2/2)" in html and "No coach yet" in html and "Bo Baker" in html
    assert "Wes Withdrawn" not in html and "not reached yet" in html  # explore's bar


def test_the_partial_reads_well_before_anyone_reaches_anything(cohort, scenario, cora):
    graded(hire(cohort, "Nia New"), scenario, cora, at(1), levels(2, 2))  # one 2: not yet sustained
    html = rendered(cohort)
    assert "Nobody has reached a sustained genuine on any criterion yet" in html
    assert "0 of 1" in html and "— (0/1)" in html and "not yet" in html


def test_the_partial_of_a_cohort_with_no_hires(cohort, scenario):
    html = rendered(cohort)
    assert "No hires in this cohort yet." in html
