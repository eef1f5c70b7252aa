"""The cohort dashboard: the progress grid, who is at risk and why, scores, coaching health and the
checkpoint, at a fixed number of queries whatever the cohort's size."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from checkpoint import services as checkpoint_services
from coaching.models import CallReview, Feedback, Grade
from cohorts import selectors
from courses import services as course_services
from courses.models import Attempt, AttemptState, CheckAttempt, Enrollment, Lesson, LessonCompletion
from tests.checkpoint.conftest import decide_kwargs
from tests.conftest import cold_cache
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

LEVELS_LOW = {"acknowledge": 1, "connect": 1, "explore": 1, "own_resolve": 1, "wow": 0, "tone": 1}
LEVELS_GOOD = {"acknowledge": 3, "connect": 3, "explore": 2, "own_resolve": 3, "wow": 2, "tone": 3}


@pytest.fixture
def cohort(db, coach):
    """A week in (UTC): week 2 opened today, so all of week 1 is past due and nothing of week 2 yet."""
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=2),
        start_date=timezone.now().date() - datetime.timedelta(days=7),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return cohort


def _complete_week(enrollment, number: int, when=None) -> None:
    from tests.factories import right_answers

    curriculum = enrollment.cohort.curriculum
    for lesson in Lesson.objects.filter(curriculum=curriculum, week__number=number):
        course_services.lesson_complete(enrollment=enrollment, lesson=lesson, now=when)
    check = curriculum.weeks.get(number=number).knowledge_check
    course_services.check_attempt_submit(
        enrollment=enrollment, knowledge_check=check, answers=right_answers(check), now=when
    )


def _graded(enrollment, scenario, coach, levels: dict, when: datetime.datetime, number: int) -> Grade:
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        scenario=scenario,
        number=number,
        rubric_version=scenario.rubric.current_version,
        state=AttemptState.GRADED,
        started_at=when,
        submitted_at=when - datetime.timedelta(hours=10),
    )
    grade = Grade.objects.create(
        attempt=attempt,
        coach=coach,
        rubric_version=attempt.rubric_version,
        levels=levels,
        percent=50,
        outcome=Grade.Outcome.RELEASED,
        released_at=when,
    )
    Feedback.objects.create(
        enrollment=enrollment,
        kind=Feedback.Kind.GRADE,
        grade=grade,
        coach=coach,
        released_at=when,
        acknowledged_at=when,
    )
    return grade


def test_the_grid_shows_done_due_overdue_and_locked(cohort, hire):
    on_track = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Olive On-track"))
    _complete_week(on_track, 1)
    behind = EnrollmentFactory(cohort=cohort, hire=hire)
    dashboard = selectors.cohort_dashboard(cohort=cohort)
    rows = {h.enrollment.pk: h for h in dashboard.hires}
    assert [c.state for c in rows[on_track.pk].cells] == ["done", "due", "locked", "locked", "locked", "locked"]
    assert [c.state for c in rows[behind.pk].cells] == ["overdue", "due", "locked", "locked", "locked", "locked"]
    assert rows[behind.pk].overdue == 3 and rows[on_track.pk].overdue == 0
    assert (rows[on_track.pk].cells[0].done, rows[on_track.pk].cells[0].total) == (3, 3)
    assert dashboard.week_counts[0] == {"done": 1, "due": 0, "overdue": 1, "locked": 0}
    assert dashboard.week_counts[2] == {"done": 0, "due": 0, "overdue": 0, "locked": 2}


def test_a_paused_hire_moves_with_their_own_schedule(cohort, hire, training_admin):
    enrollment = EnrollmentFactory(cohort=cohort, hire=hire, extension_days=7)
    dashboard = selectors.cohort_dashboard(cohort=cohort)
    assert [c.state for c in dashboard.hires[0].cells][:2] == ["due", "locked"]  # their week 1 opened today
    course_services.enrollment_pause(enrollment=enrollment, actor=training_admin)
    dashboard = selectors.cohort_dashboard(cohort=cohort)
    assert dashboard.hires[0].reasons == []  # a paused hire is not flagged


def test_each_at_risk_reason_is_named(cohort, coach, training_admin):
    now = timezone.now()
    scenario = scenario_with_turns(cohort.curriculum, slug="wedding", mode="graded", week_number=2)
    fine = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Fay Fine"))
    _complete_week(fine, 1)
    low = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Lou Low"))
    _complete_week(low, 1)
    _graded(low, scenario, coach, LEVELS_LOW, now - datetime.timedelta(hours=2), 1)
    falling = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Fred Falling"))
    _complete_week(falling, 1)
    for number, (levels, days) in enumerate(
        [
            (LEVELS_GOOD, 4),
            (LEVELS_GOOD, 3),
            (LEVELS_LOW | {"acknowledge": 2, "connect": 2, "tone": 2}, 2),
            (LEVELS_LOW | {"connect": 2}, 1),
        ],
        1,
    ):
        _graded(falling, scenario, coach, levels, now - datetime.timedelta(days=days), number)
    unread = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Una Unread"))
    _complete_week(unread, 1)
    grade = _graded(unread, scenario, coach, LEVELS_GOOD, now - datetime.timedelta(days=5), 1)
    Feedback.objects.filter(grade=grade).update(acknowledged_at=None)
    quiet = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Quinn Quiet"))
    _complete_week(quiet, 1, when=now - datetime.timedelta(days=7))
    withdrawn = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Walt Withdrawn"))
    from cohorts import services

    services.enrollment_withdraw(enrollment=withdrawn, actor=training_admin, reason="Left")

    dashboard = selectors.cohort_dashboard(cohort=cohort, now=now)
    reasons = {h.hire.display_name: h.reasons for h in dashboard.hires}
    assert reasons["Fay Fine"] == []
    assert reasons["Lou Low"] == ["Low scores: average 0.8 of 3"]
    assert reasons["Fred Falling"] == ["Falling scores: from 2.7 to 1.2 of 3"]
    assert reasons["Una Unread"] == ["Feedback not acknowledged: 1 piece, oldest 5 days"]
    assert reasons["Quinn Quiet"] == ["Inactive for 7 days"]
    assert reasons["Walt Withdrawn"] == []  # no longer training: not flagged
    behind = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Bea Behind"))
    dashboard = selectors.cohort_dashboard(cohort=cohort, now=now)
    bea = next(h for h in dashboard.at_risk if h.hire.display_name == "Bea Behind")
    assert bea.reasons == [
        "Behind schedule: 3 items overdue",
        "Inactive: nothing done in the 7 days since training began",
    ]
    assert dashboard.at_risk[0] == bea  # the most reasons first
    assert {h.enrollment.pk for h in dashboard.at_risk} == {low.pk, falling.pk, unread.pk, quiet.pk, behind.pk}


def test_scores_coaching_health_and_checkpoint_figures(cohort, coach, hire):
    now = timezone.now()
    enrollment = EnrollmentFactory(cohort=cohort, hire=hire)
    scenario = scenario_with_turns(cohort.curriculum, slug="wedding", mode="graded", week_number=2)
    _graded(enrollment, scenario, coach, LEVELS_GOOD, now - datetime.timedelta(days=3), 1)
    _graded(enrollment, scenario, coach, LEVELS_LOW, now - datetime.timedelta(days=1), 2)
    CallReview.objects.create(
        enrollment=enrollment,
        coach=coach,
        rubric_version=scenario.rubric.current_version,
        call_at=now,
        call_reference="C-1",
        duration_seconds=60,
        reason="Shoes",
        levels={"acknowledge": 2},
        percent=66,
    )
    for number, hours in ((3, 30), (4, 2)):
        Attempt.objects.create(
            enrollment=enrollment,
            scenario=scenario,
            number=number,
            rubric_version=scenario.rubric.current_version,
            state=AttemptState.AWAITING_COACH,
            started_at=now,
            submitted_at=now - datetime.timedelta(hours=hours),
            grading_due_at=now - datetime.timedelta(hours=hours) + datetime.timedelta(hours=24),
        )
    dashboard = selectors.cohort_dashboard(cohort=cohort, now=now)
    assert [title for _, title in dashboard.criteria][:2] == ["Acknowledge", "Connect"]
    assert dashboard.criterion_averages["acknowledge"] == 2.0  # 3, 1 and the call review's 2
    assert dashboard.criterion_averages["wow"] == 1.0
    standing = dashboard.hires[0]
    assert standing.scored == 3 and standing.directions["acknowledge"] == "falling"
    assert dashboard.health.queue_size == 2 and dashboard.health.overdue == 1
    assert dashboard.health.oldest_submitted_at == now - datetime.timedelta(hours=30)
    assert dashboard.health.median_hours_to_grade == 10.0 and dashboard.health.graded == 2
    assert dashboard.health.coaches == [coach]
    assert dashboard.checkpoint_counts["not_open"] == 1
    assert dashboard.trend["Acknowledge"][-1].level is not None


def test_checkpoint_outcome_counts_come_from_the_checkpoint(db, coach, training_admin):
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1),
        time_zone="UTC",
        start_date=timezone.localdate() - datetime.timedelta(days=42),
    )
    deciders = [EnrollmentFactory(cohort=cohort, monthly_salary=Decimal("3000")) for _ in range(3)]
    checkpoint_services.checkpoints_open_due()
    for enrollment, choice in zip(deciders[:2], ["commit", "offer"], strict=True):
        enrollment.refresh_from_db()
        checkpoint_services.checkpoint_decide(
            hire=enrollment.hire, checkpoint_id=enrollment.checkpoint.pk, **decide_kwargs(choice)
        )
    dashboard = selectors.cohort_dashboard(cohort=cohort)
    assert {k: v for k, v in dashboard.checkpoint_counts.items() if v} == {"open": 1, "committed": 1, "took_offer": 1}
    assert ("Committed", 1) in dashboard.checkpoint_rows


def test_the_page_draws_its_charts_with_the_numbers_in_tables(admin_client_, cohort, hire, coach):
    EnrollmentFactory(cohort=cohort, hire=hire)
    scenario = scenario_with_turns(cohort.curriculum, slug="wedding", mode="graded", week_number=2)
    enrollment = Enrollment.objects.get(hire=hire)
    _graded(enrollment, scenario, coach, LEVELS_GOOD, timezone.now(), 1)
    page = admin_client_.get(f"/cohorts/{cohort.pk}/").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert "<caption>Hires in training per week: done, due, overdue, locked</caption>" in page
    assert "<caption>Average level per criterion</caption>" in page
    assert "<caption>Checkpoint outcomes</caption>" in page
    assert re.search(r'<td class="cell cell-overdue"><span class="cell-state">Overdue</span>', page)
    assert "Behind schedule: 3 items overdue" in page
    assert hire.display_name in page


# --- Query count -----------------------------------------------------------------------------------------


def populate(cohort, size: int, coach) -> None:
    """`size` hires with lesson completions, check attempts, graded role-plays, feedback and call reviews."""
    now = timezone.now()
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"bulk{size}-{n}@academy.test",
            display_name=f"Bulk {n:03d}",
            role=Role.HIRE,
            password=password,
            time_zone="UTC",
        )
        for n in range(size)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, hire=user, monthly_salary=Decimal("3000"), extension_days=n % 3)
        for n, user in enumerate(users)
    )
    lessons = list(Lesson.objects.filter(curriculum=cohort.curriculum, week__number=1))
    LessonCompletion.objects.bulk_create(
        LessonCompletion(enrollment=e, lesson=lesson, completed_at=now) for e in enrollments[::2] for lesson in lessons
    )
    check = cohort.curriculum.weeks.get(number=1).knowledge_check
    CheckAttempt.objects.bulk_create(
        CheckAttempt(
            enrollment=e,
            knowledge_check=check,
            number=1,
            answers={},
            correct_count=2,
            question_count=2,
            score=100,
            passed=True,
            submitted_at=now,
        )
        for e in enrollments[::2]
    )
    scenario = cohort.curriculum.scenarios.first()
    version = scenario.rubric.current_version
    attempts = Attempt.objects.bulk_create(
        Attempt(
            enrollment=e,
            scenario=scenario,
            number=1,
            rubric_version=version,
            state=AttemptState.GRADED,
            started_at=now,
            submitted_at=now,
        )
        for e in enrollments
    )
    grades = Grade.objects.bulk_create(
        Grade(
            attempt=a,
            coach=coach,
            rubric_version=version,
            levels=LEVELS_GOOD,
            percent=80,
            outcome=Grade.Outcome.RELEASED,
            released_at=now,
        )
        for a in attempts
    )
    Feedback.objects.bulk_create(
        Feedback(enrollment=g.attempt.enrollment, kind=Feedback.Kind.GRADE, grade=g, coach=coach, released_at=now)
        for g in grades
    )
    CallReview.objects.bulk_create(
        CallReview(
            enrollment=e,
            coach=coach,
            rubric_version=version,
            call_at=now,
            call_reference="C",
            reason="R",
            duration_seconds=60,
            levels=LEVELS_LOW,
            percent=30,
        )
        for e in enrollments[::3]
    )


def _queries(client, url: str) -> tuple[int, str]:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_the_dashboard_costs_the_same_queries_for_10_or_500_hires(admin_client_, coach):
    counts = {}
    for size in (10, 500):
        cohort = CohortFactory(
            curriculum=curriculum_with(lessons_per_week=3, slug=f"size-{size}"),
            time_zone="UTC",
            start_date=timezone.localdate() - datetime.timedelta(days=10),
        )
        cohort.coaches.add(coach)
        scenario_with_turns(cohort.curriculum, slug=f"graded-{size}", mode="graded")
        populate(cohort, size, coach)
        page_queries, page = _queries(admin_client_, f"/cohorts/{cohort.pk}/")
        assert page.count('class="cell cell-') == size * 6
        api_queries, _ = _queries(admin_client_, f"/api/v1/cohorts/{cohort.pk}/dashboard/")
        export_queries, _ = _queries(admin_client_, f"/cohorts/{cohort.pk}/export/progress.csv")
        counts[size] = (page_queries, api_queries, export_queries)
    print("query counts (page, api, export):", counts)
    assert counts[10] == counts[500], counts
    # Cold (nothing cached, tests/conftest.py cold_cache): the dashboard with its readiness section and its practice
    # against real calls (coaching.transfer.transfer_for_cohort).
    assert counts[500][0] <= 41, counts
