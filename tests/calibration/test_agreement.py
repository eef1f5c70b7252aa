"""Agreement figures: Krippendorff's alpha against his published worked example, gold agreement and
leniency by hand, and a session's figures read in a fixed number of queries."""

import math

import krippendorff
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calibration.agreement import gold_agreement, ordinal_alpha
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession, Participant, SessionItem
from calibration.selectors import session_agreement
from courses.models import Attempt, AttemptState
from tests.factories import AdminFactory, CoachFactory, EnrollmentFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers, twelve
# units, values 1–5, missing values as None. Published: nominal .743, ordinal .815, interval .849.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_ordinal_alpha_matches_krippendorffs_worked_example():
    assert round(ordinal_alpha(KRIPPENDORFF_EXAMPLE, value_domain=[1, 2, 3, 4, 5]), 3) == 0.815


def test_the_library_gives_the_other_published_values_on_the_same_data():
    data = [[math.nan if v is None else v for v in row] for row in KRIPPENDORFF_EXAMPLE]
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), 3) == 0.743
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"), 3) == 0.849


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_pairs_or_variation():
    assert ordinal_alpha([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]) == pytest.approx(1.0)
    assert ordinal_alpha([[0, 1, 2]]) is None  # one coach
    assert ordinal_alpha([[0, None], [None, 1]]) is None  # no item graded twice
    assert ordinal_alpha([[2, 2], [2, 2]]) is None  # nothing varies


def test_alpha_falls_as_coaches_drift_apart():
    close = ordinal_alpha([[0, 1, 2, 3, 2], [0, 1, 2, 3, 3]])
    far = ordinal_alpha([[0, 1, 2, 3, 2], [3, 1, 0, 3, 0]])
    assert 1 > close > far


def test_gold_agreement_and_leniency_by_hand():
    found = gold_agreement([(3, 2), (2, 2), (3, 1), (1, 1)])  # gaps +1, 0, +2, 0
    assert (found.n, found.exact, found.within_one, found.deviation) == (4, 0.5, 0.75, 0.75)
    assert found.leaning == "lenient"
    assert gold_agreement([(1, 2), (2, 2)]).leaning == "severe"
    assert gold_agreement([]).deviation is None


def make_session(items: int, coaches: int = 3) -> tuple:
    now = timezone.now()
    enrollment = EnrollmentFactory(cohort__curriculum=curriculum_with(1))
    scenario = scenario_with_turns(enrollment.cohort.curriculum, mode="graded")
    version = scenario.rubric.current_version
    session = CalibrationSession.objects.create(title="November", facilitator=AdminFactory(), due_at=now)
    people = [CoachFactory() for _ in range(coaches)]
    for coach in people:
        Participant.objects.create(session=session, coach=coach, invited_at=now)
    attempts = Attempt.objects.bulk_create(
        Attempt(enrollment=enrollment, scenario=scenario, number=n + 1, rubric_version=version,
                state=AttemptState.GRADED, started_at=now, submitted_at=now)
        for n in range(items)
    )  # fmt: skip
    keys = [criterion.key for criterion in version.criteria.all()]
    anchors = AnchorItem.objects.bulk_create(
        AnchorItem(kind=AnchorItem.Kind.ROLEPLAY, attempt=attempt, rubric_version=version, title=scenario.title,
                   gold_levels={key: 2 for key in keys}, created_by=session.facilitator)
        for attempt in attempts
    )  # fmt: skip
    session_items = SessionItem.objects.bulk_create(
        SessionItem(session=session, anchor=anchor, position=n) for n, anchor in enumerate(anchors)
    )
    return session, people, session_items, keys


@pytest.mark.django_db
def test_a_sessions_figures_per_criterion_and_per_coach():
    session, (lenient, exact, severe), items, keys = make_session(items=4)
    plan = {lenient: [3, 3, 2, 3], exact: [2, 2, 2, 1], severe: [1, 2, 0, 1]}  # gold is 2 everywhere
    CalibrationGrade.objects.bulk_create(
        CalibrationGrade(item=item, coach=coach, levels={key: levels[n] for key in keys}, graded_at=timezone.now())
        for coach, levels in plan.items()
        for n, item in enumerate(items)
    )
    figures = session_agreement(session=session)
    by_coach = {row.coach: row.by_criterion[keys[0]] for row in figures.coaches}
    assert by_coach[lenient].deviation == 0.75 and by_coach[lenient].exact == 0.25
    assert by_coach[exact].deviation == -0.25 and by_coach[exact].within_one == 1.0
    assert by_coach[severe].deviation == -1.0 and by_coach[severe].within_one == 0.75
    criterion = figures.criteria[0]
    assert criterion.graded_units == 4
    assert criterion.alpha == pytest.approx(ordinal_alpha(list(plan.values())))
    assert criterion.with_gold.n == 12


@pytest.mark.django_db
def test_a_sessions_figures_cost_the_same_queries_for_10_and_200_items():
    counts = []
    for size in (10, 200):
        session, people, items, keys = make_session(items=size)
        CalibrationGrade.objects.bulk_create(
            CalibrationGrade(item=item, coach=coach, levels=dict.fromkeys(keys, (n + i) % 4), graded_at=timezone.now())
            for i, coach in enumerate(people)
            for n, item in enumerate(items)
        )
        with CaptureQueriesContext(connection) as queries:
            figures = session_agreement(session=session)
        assert len(figures.coaches) == 3
        counts.append(len(queries))
    assert counts[0] == counts[1]
