"""Grading-quality figures: alpha, agreement with gold and leniency per session and over time, second marks,
alerts; checked by hand on small data, read in a fixed number of queries whatever the size."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calibration import reports
from calibration.agreement import ordinal_alpha
from calibration.models import (
    AnchorItem,
    CalibrationGrade,
    CalibrationSession,
    LeniencyAlert,
    Participant,
    SessionItem,
)
from calibration.services import calibration_grade_save, gold_record, session_create, session_reveal
from coaching.models import Grade, SecondMark
from courses.models import Attempt, AttemptState
from tests.factories import AdminFactory, CoachFactory, EnrollmentFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

NOW = timezone.now()
# Two coaches on four items, levels 0–3: by Krippendorff's ordinal metric (coincidences o, value counts
# n0..n3 = 2, 2, 1, 3 of n = 8) the disagreement observed is 8 against 624 expected, so
# alpha = 1 − (n − 1) · 8 / 624 = 71/78.
FIRST, SECOND = [0, 1, 2, 3], [0, 1, 3, 3]
HAND_ALPHA = 71 / 78


class Bench:
    """A hire's role-plays to use as anchor items, graded in sessions built straight in the database."""

    def __init__(self):
        self.enrollment = EnrollmentFactory(cohort__curriculum=curriculum_with(1))
        self.scenario = scenario_with_turns(self.enrollment.cohort.curriculum, mode="graded")
        self.version = self.scenario.rubric.current_version
        criteria = list(self.version.criteria.order_by("position"))
        self.keys = [criterion.key for criterion in criteria]
        self.titles = [criterion.title for criterion in criteria]
        self.facilitator = AdminFactory()
        self.numbers = itertools.count(1)

    def attempts(self, count: int, enrollment=None) -> list[Attempt]:
        enrollment = enrollment or self.enrollment
        return Attempt.objects.bulk_create(
            Attempt(enrollment=enrollment, scenario=self.scenario, number=next(self.numbers),
                    rubric_version=self.version, state=AttemptState.GRADED, started_at=NOW, submitted_at=NOW)
            for _ in range(count)
        )  # fmt: skip

    def levels(self, value) -> dict:
        return value if isinstance(value, dict) else dict.fromkeys(self.keys, value)

    def session(self, plan: dict, gold: list, *, days_ago: int = 1, kind=CalibrationSession.Kind.CALIBRATION,
                title: str = "Session", revealed: bool = True) -> CalibrationSession:  # fmt: skip
        """`plan`: coach → one level (or levels dict) per item; `gold`: one level (or dict) per item."""
        session = CalibrationSession.objects.create(
            title=title, kind=kind, facilitator=self.facilitator, due_at=NOW,
            status=CalibrationSession.Status.REVEALED if revealed else CalibrationSession.Status.OPEN,
            revealed_at=NOW - datetime.timedelta(days=days_ago) if revealed else None,
        )  # fmt: skip
        anchors = AnchorItem.objects.bulk_create(
            AnchorItem(kind=AnchorItem.Kind.ROLEPLAY, attempt=attempt, rubric_version=self.version, title="Anchor",
                       gold_levels=self.levels(level), created_by=self.facilitator)
            for attempt, level in zip(self.attempts(len(gold)), gold, strict=True)
        )  # fmt: skip
        items = SessionItem.objects.bulk_create(
            SessionItem(session=session, anchor=anchor, position=n) for n, anchor in enumerate(anchors)
        )
        Participant.objects.bulk_create(Participant(session=session, coach=coach, invited_at=NOW) for coach in plan)
        CalibrationGrade.objects.bulk_create(
            CalibrationGrade(item=item, coach=coach, levels=self.levels(level), graded_at=NOW)
            for coach, levels in plan.items()
            for item, level in zip(items, levels, strict=True)
            if level is not None
        )
        return session

    def second_mark(self, first, second, *, status=SecondMark.Status.AGREED, enrollment=None, days_ago: int = 1,
                    first_coach=None, second_coach=None) -> SecondMark:  # fmt: skip
        (attempt,) = self.attempts(1, enrollment)
        first_coach, second_coach = first_coach or CoachFactory(), second_coach or CoachFactory()
        grade = Grade.objects.create(attempt=attempt, coach=first_coach, rubric_version=self.version,
                                     levels=self.levels(first), outcome=Grade.Outcome.HELD)  # fmt: skip
        return SecondMark.objects.create(
            attempt=attempt, grade=grade, status=status, drawn_at=NOW, first_coach=first_coach,
            first_levels=self.levels(first), second_coach=second_coach,
            second_levels=self.levels(second) if second is not None else {},
            second_marked_at=NOW - datetime.timedelta(days=days_ago) if second is not None else None,
        )  # fmt: skip


@pytest.fixture
def bench():
    return Bench()


def everything(**filters) -> reports.ReportFilters:
    return reports.ReportFilters(**filters)


def test_alpha_per_session_matches_krippendorffs_formula_by_hand(bench):
    a, b = CoachFactory(), CoachFactory()
    bench.session({a: FIRST, b: SECOND}, gold=FIRST)
    quality = reports.grading_quality(filters=everything())
    (session,) = quality.sessions
    assert [c.title for c in quality.criteria] == bench.titles  # titles, in rubric order, not keys
    for key in bench.keys:
        assert session.alpha[key] == pytest.approx(HAND_ALPHA)
        assert quality.pooled_alpha[key] == pytest.approx(HAND_ALPHA)


def test_only_revealed_calibration_sessions_count_in_reveal_order(bench):
    a, b = CoachFactory(), CoachFactory()
    later = bench.session({a: [1, 2], b: [1, 2]}, gold=[1, 2], days_ago=1, title="Later")
    earlier = bench.session({a: [1, 2], b: [2, 2]}, gold=[1, 2], days_ago=5, title="Earlier")
    bench.session({a: [0, 0], b: [3, 3]}, gold=[1, 2], kind=CalibrationSession.Kind.ONBOARDING, title="Onboarding")
    bench.session({a: [0, 0], b: [3, 3]}, gold=[1, 2], revealed=False, title="Still blind")
    quality = reports.grading_quality(filters=everything())
    assert [row.session for row in quality.sessions] == [earlier, later]


def test_date_range_is_inclusive_whole_days(bench):
    a, b = CoachFactory(), CoachFactory()
    old = bench.session({a: [1], b: [1]}, gold=[1], days_ago=10, title="Old")
    recent = bench.session({a: [1], b: [1]}, gold=[1], days_ago=2, title="Recent")
    day = timezone.localtime(recent.revealed_at).date()
    found = reports.grading_quality(filters=everything(date_from=day, date_to=day))
    assert [row.session for row in found.sessions] == [recent]
    found = reports.grading_quality(filters=everything(date_to=day - datetime.timedelta(days=1)))
    assert [row.session for row in found.sessions] == [old]


def test_pooled_alpha_covers_the_latest_sessions_as_one_set_of_items(bench):
    a, b, c = CoachFactory(), CoachFactory(), CoachFactory()
    bench.session({a: [0, 3, 1], b: [3, 0, 1]}, gold=[0, 3, 1], days_ago=3)
    bench.session({a: FIRST, c: SECOND}, gold=FIRST, days_ago=1)
    key = bench.keys[0]
    latest = reports.grading_quality(filters=everything(last=1))
    assert latest.pooled_sessions == 1 and latest.pooled_alpha[key] == pytest.approx(HAND_ALPHA)
    both = reports.grading_quality(filters=everything(last=2))
    # Coders a, b, c; units: the first session's three items, then the second's four.
    expected = ordinal_alpha([[0, 3, 1, *FIRST], [3, 0, 1, None, None, None, None], [None, None, None, *SECOND]])
    assert both.pooled_sessions == 2 and both.pooled_alpha[key] == pytest.approx(expected)
    assert both.pooled_alpha[key] < HAND_ALPHA  # the first session's disagreement pulls it down


def test_agreement_with_gold_per_session_and_overall_by_hand(bench):
    a, b = CoachFactory(), CoachFactory()
    # Gaps against gold: a 0, +1, +2, 0 · b 0, 0, −1, −3
    bench.session({a: [1, 2, 3, 3], b: [1, 1, 0, 0]}, gold=[1, 1, 1, 3], days_ago=3)
    bench.session({a: [2, 2], b: [2, 1]}, gold=[2, 2], days_ago=1)  # gaps 0, 0, 0, −1
    quality = reports.grading_quality(filters=everything())
    key = bench.keys[0]
    first, second = (row.with_gold[key] for row in quality.sessions)
    assert (first.n, first.exact, first.within_one) == (8, 4 / 8, 6 / 8)
    assert (second.n, second.exact, second.within_one) == (4, 3 / 4, 1.0)
    overall = quality.with_gold[key]
    assert (overall.n, overall.exact, overall.within_one) == (12, 7 / 12, 10 / 12)


def test_leniency_is_coach_minus_gold_and_marks_values_past_the_threshold(bench):
    lenient, exact, severe = CoachFactory(display_name="A Lenient"), CoachFactory(display_name="B Exact"), \
        CoachFactory(display_name="C Severe")  # fmt: skip
    bench.session({lenient: [3, 3], exact: [2, 2], severe: [1, 2]}, gold=[2, 2], days_ago=3)  # +1, 0, −0.5
    bench.session({lenient: [3, 2], exact: [2, 1], severe: [0, 1]}, gold=[2, 2], days_ago=1)  # +0.5, −0.5, −1.5
    quality = reports.grading_quality(filters=everything(), threshold=0.5)
    key = bench.keys[0]
    rows = {row.coach: row for row in quality.leniency}
    assert list(rows) == [lenient, exact, severe]  # by name
    assert rows[lenient].by_criterion[key].deviation == 0.75 and rows[lenient].by_criterion[key].leaning == "lenient"
    assert rows[exact].by_criterion[key].deviation == -0.25
    assert rows[severe].by_criterion[key].deviation == -1.0 and rows[severe].by_criterion[key].leaning == "severe"
    assert key in rows[lenient].past_threshold and key in rows[severe].past_threshold
    assert key not in rows[exact].past_threshold
    assert rows[lenient].trend[key] == [1.0, 0.5]
    assert rows[severe].trend[key] == [-0.5, -1.5]


def test_a_coach_filter_keeps_that_coachs_sessions_and_figures(bench):
    a, b, c = CoachFactory(), CoachFactory(), CoachFactory()
    taken = bench.session({a: FIRST, b: SECOND}, gold=FIRST, days_ago=2)
    bench.session({b: [1, 1], c: [2, 2]}, gold=[1, 1], days_ago=1)
    quality = reports.grading_quality(filters=everything(coach_id=a.pk))
    key = bench.keys[0]
    assert [row.session for row in quality.sessions] == [taken]
    assert [row.coach for row in quality.leniency] == [a]
    assert quality.with_gold[key].n == 4 and quality.with_gold[key].exact == 1.0  # a's levels only
    assert quality.sessions[0].alpha[key] == pytest.approx(HAND_ALPHA)  # alpha still measures the session


def test_a_coachs_own_figures_and_onboarding_results(bench):
    coach, other = CoachFactory(), CoachFactory()
    bench.session({coach: [3, 2], other: [2, 2]}, gold=[2, 2], days_ago=4)  # coach +0.5
    bench.session({coach: [3, 3], other: [2, 2]}, gold=[2, 2], days_ago=2)  # coach +1
    bench.session({other: [1]}, gold=[1], days_ago=1)  # not theirs
    bench.session({coach: [2, 1, 0]}, gold=[2, 2, 2], kind=CalibrationSession.Kind.ONBOARDING, title="Onboarding")
    figures = reports.coach_figures(coach=coach, filters=everything(), threshold=0.5)
    key = bench.keys[0]
    assert len(figures.sessions) == 2
    assert figures.leniency.by_criterion[key].deviation == 0.75
    assert figures.leniency.by_criterion[key].exact == 0.25 and figures.leniency.by_criterion[key].within_one == 1.0
    assert figures.leniency.trend[key] == [0.5, 1.0]
    (onboarding,) = figures.onboarding
    assert onboarding.by_criterion[key].exact == pytest.approx(1 / 3)
    assert onboarding.by_criterion[key].deviation == pytest.approx(-1.0)
    assert onboarding.overall.n == 3 * len(bench.keys)


def test_second_marks_pair_first_and_second_levels(bench):
    for first, second in zip(FIRST, SECOND, strict=True):
        status = SecondMark.Status.MODERATED if abs(first - second) >= 2 else SecondMark.Status.AGREED
        bench.second_mark(first, second, status=status)
    bench.second_mark(0, 3, status=SecondMark.Status.MODERATION)  # waiting for the moderator: still a pair
    bench.second_mark(2, None, status=SecondMark.Status.AWAITING_SECOND)  # no second levels yet: not counted
    marking = reports.second_marking_agreement(filters=everything())
    assert (marking.marked, marking.moderated) == (5, 1)
    assert marking.moderation_share == pytest.approx(1 / 5)
    criterion = marking.criteria[0]
    assert criterion.title == bench.titles[0] and criterion.pairs == 5
    assert criterion.exact == pytest.approx(3 / 5) and criterion.within_one == pytest.approx(4 / 5)
    assert criterion.wide_gap == pytest.approx(1 / 5)
    assert criterion.alpha == pytest.approx(ordinal_alpha([[*FIRST, 0], [*SECOND, 3]]))
    only_four = reports.second_marking_agreement(filters=everything(date_to=(NOW - datetime.timedelta(days=3)).date()))
    assert only_four.marked == 0


def test_second_marks_of_one_cohort_or_one_coach(bench):
    here = bench.second_mark(FIRST[0], SECOND[0])
    elsewhere = EnrollmentFactory(cohort__curriculum=bench.enrollment.cohort.curriculum)
    bench.second_mark(1, 1, enrollment=elsewhere)
    assert reports.second_marking_agreement(filters=everything(cohort_id=elsewhere.cohort_id)).marked == 1
    assert reports.second_marking_agreement(filters=everything(coach_id=here.second_coach_id)).marked == 1
    assert reports.second_marking_agreement(filters=everything()).marked == 2


def test_two_sessions_built_with_the_services_raise_an_alert_the_report_lists(bench, settings):
    settings.CALIBRATION_LENIENCY_THRESHOLD = 0.5
    lenient, fair = CoachFactory(display_name="Lena Lenient"), CoachFactory(display_name="Fay Fair")
    for days_ago in (2, 1):
        attempts = bench.attempts(2)
        session = session_create(facilitator=bench.facilitator, title=f"Round {days_ago}", coaches=[lenient, fair],
                                 attempts=attempts, due_at=NOW + datetime.timedelta(days=1))  # fmt: skip
        for item in session.items.all():
            calibration_grade_save(item=item, coach=lenient, levels=bench.levels(3))
            calibration_grade_save(item=item, coach=fair, levels=bench.levels(2))
        session_reveal(session=session, by=bench.facilitator, now=NOW - datetime.timedelta(days=days_ago))
        for item in session.items.all():
            gold_record(item=item, by=bench.facilitator, levels=bench.levels(2))
    rows = reports.leniency_alert_rows(filters=everything())
    assert {(row.alert.coach, row.criterion_title, row.leaning) for row in rows} == {
        (lenient, title, "lenient") for title in bench.titles
    }
    assert all(row.alert.deviation == 1.0 and row.alert.previous_deviation == 1.0 for row in rows)
    quality = reports.grading_quality(filters=everything())
    assert [row.session.title for row in quality.sessions] == ["Round 2", "Round 1"]
    assert {row.coach: bool(row.past_threshold) for row in quality.leniency} == {fair: False, lenient: True}
    assert reports.leniency_alert_rows(filters=everything(coach_id=fair.pk)) == []


def test_filters_from_a_query_string():
    found = reports.ReportFilters.from_params({"from": "2025-03-01", "to": "2025-03-31", "coach": "7", "last": "3"})
    assert found == reports.ReportFilters(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), 7, None, 3)
    assert reports.ReportFilters.from_params(found.as_query()) == found
    for bad in ({"from": "March"}, {"coach": "-1"}, {"last": "51"}, {"from": "2025-04-01", "to": "2025-03-01"}):
        with pytest.raises(reports.ValidationError):
            reports.ReportFilters.from_params(bad)


def test_csv_rows_carry_the_same_numbers(bench):
    a, b = CoachFactory(display_name="Ann"), CoachFactory(display_name="Bob")
    bench.session({a: [3, 3], b: [2, 1]}, gold=[2, 2], title="March")
    quality = reports.grading_quality(filters=everything())
    header, rows = reports.leniency_rows(quality.leniency, quality.criteria)
    assert header[:6] == ["coach", "criterion", "levels compared", "exact", "within one", "mean deviation from gold"]
    assert rows[0][:6] == ["Ann", bench.titles[0], 2, 0.0, 1.0, 1.0]
    assert rows[len(bench.keys)][:6] == ["Bob", bench.titles[0], 2, 0.5, 1.0, -0.5]
    header, rows = reports.alpha_rows(quality)
    assert rows[0][0] == "March" and rows[0][3] == bench.titles[0]
    assert rows[0][4] == round(ordinal_alpha([[3, 3], [2, 1]]), 3)


def _queries(read, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        read(**kwargs)
    return len(queries)


def _read_costs(coach) -> tuple[int, ...]:
    filters = everything()
    return (
        _queries(reports.grading_quality, filters=filters),
        _queries(reports.coach_figures, coach=coach, filters=filters),
        _queries(reports.second_marking_agreement, filters=filters),
        _queries(reports.leniency_alert_rows, filters=filters),
    )


def test_every_read_costs_the_same_queries_for_10_and_200_items():
    counts = []
    for size in (10, 200):
        bench = Bench()
        coaches = [CoachFactory() for _ in range(3)]
        for days_ago in (3, 2):
            plan = {coach: [(n + i) % 4 for n in range(size)] for i, coach in enumerate(coaches)}
            bench.session(plan, gold=[n % 4 for n in range(size)], days_ago=days_ago)
        bench.session({coaches[0]: [n % 4 for n in range(size)]}, gold=[2] * size,
                      kind=CalibrationSession.Kind.ONBOARDING)  # fmt: skip
        for n in range(size // 10):
            bench.second_mark(n % 4, (n + 1) % 4, first_coach=coaches[0], second_coach=coaches[1])
        session = CalibrationSession.objects.filter(kind=CalibrationSession.Kind.CALIBRATION).latest("revealed_at")
        LeniencyAlert.objects.bulk_create(
            LeniencyAlert(coach=coach, criterion_key=key, session=session, previous_session=session, deviation=1,
                          previous_deviation=1)
            for coach in coaches
            for key in bench.keys[: max(1, size // 40)]
        )  # fmt: skip
        counts.append(_read_costs(coaches[0]))
    # Sessions, items, grades, criteria, coaches; twice four for a coach (calibration, onboarding); marks and
    # criteria; alerts and criteria.
    assert counts[0] == counts[1] == (5, 8, 2, 2)
