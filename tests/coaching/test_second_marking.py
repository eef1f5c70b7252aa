"""Blind second marking: the draw, the held grade the hire cannot see, the blind screen, agreement and
moderation, the queue's counts and the grading-overdue notices."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coaching import second_marking, selectors, services
from coaching.models import Feedback, Grade, GradeRevision, SecondMark
from courses.models import Attempt, AttemptState, Cohort
from notifications import digests
from notifications.models import Kind, Notification
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.factories import AdminFactory, CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

FIRST_COMMENT = "Lovely warmth on the wedding detail."
ANSWER_COMMENT = "Name the feeling here, not just the facts."
# One level from ALL_LEVELS on two criteria: the marks agree.
ONE_APART = {**ALL_LEVELS, "acknowledge": 2, "wow": 2}
# Exactly two levels from ALL_LEVELS on one criterion: moderation.
TWO_APART = {**ALL_LEVELS, "tone": 1}


@pytest.fixture
def drawn_cohort(running_cohort):
    """Every first release in the cohort is drawn (100%), so each test knows what happens."""
    Cohort.objects.filter(pk=running_cohort.pk).update(second_marking_percent=100)
    running_cohort.refresh_from_db()
    return running_cohort


@pytest.fixture
def second_coach(drawn_cohort):
    coach = CoachFactory(display_name="Sam Second")
    drawn_cohort.coaches.add(coach)
    return coach


@pytest.fixture
def lead(db):
    return CoachFactory(display_name="Lena Lead", is_lead_coach=True)


@pytest.fixture
def held(coach, drawn_cohort, waiting_attempt):
    turn = waiting_attempt.turns.order_by("number").first()
    services.answer_comment_add(turn=turn, coach=coach, body=ANSWER_COMMENT)
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment=FIRST_COMMENT)
    return SecondMark.objects.get(attempt=waiting_attempt)


def _hire_notices(hire) -> int:
    return Notification.objects.filter(recipient=hire, kind=Kind.FEEDBACK).count()


# --- The draw ---------------------------------------------------------------------------------------------


def test_the_draw_is_reproducible():
    answers = [second_marking.second_mark_drawn(cohort_id=3, attempt_id=n, percent=10) for n in range(200)]
    again = [second_marking.second_mark_drawn(cohort_id=3, attempt_id=n, percent=10) for n in range(200)]
    assert answers == again
    other_cohort = [second_marking.second_mark_drawn(cohort_id=4, attempt_id=n, percent=10) for n in range(200)]
    assert answers != other_cohort  # the cohort is part of the draw


def test_the_drawn_share_is_close_to_the_percent():
    drawn = sum(second_marking.second_mark_drawn(cohort_id=1, attempt_id=n, percent=10) for n in range(5000))
    assert 425 <= drawn <= 575  # 10% of 5000, within 3.5 standard deviations
    assert not any(second_marking.second_mark_drawn(cohort_id=1, attempt_id=n, percent=0) for n in range(5000))
    assert all(second_marking.second_mark_drawn(cohort_id=1, attempt_id=n, percent=100) for n in range(5000))


def test_a_new_cohort_second_marks_ten_percent(running_cohort):
    cohort = Cohort.objects.create(
        curriculum=running_cohort.curriculum, name="Spring", slug="spring", start_date=timezone.localdate()
    )
    cohort.refresh_from_db()
    assert cohort.second_marking_percent == 10


# --- Held: the hire sees nothing yet --------------------------------------------------------------------------


def test_a_drawn_first_release_is_held_with_the_first_coachs_grade(coach, hire, held, waiting_attempt):
    grade = Grade.objects.get(attempt=waiting_attempt)
    assert (grade.outcome, grade.levels, grade.released_at) == (Grade.Outcome.HELD, ALL_LEVELS, None)
    assert (held.status, held.first_coach, held.first_levels) == (SecondMark.Status.AWAITING_SECOND, coach, ALL_LEVELS)
    assert held.first_overall_comment == FIRST_COMMENT
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.state == AttemptState.AWAITING_COACH
    assert not Feedback.objects.filter(grade=grade).exists()
    assert _hire_notices(hire) == 0


def test_the_hire_keeps_seeing_awaiting_a_coach(hire, hire_client, held, waiting_attempt):
    result = hire_client.get(
        reverse("courses:attempt_result", args=[waiting_attempt.scenario.slug, waiting_attempt.number])
    )
    content = result.content.decode()
    assert "awaiting a coach" in content
    assert FIRST_COMMENT not in content and ANSWER_COMMENT not in content
    assert "Your coach's grade" not in [panel.title for panel in result.context["panels"]]
    assert not hire_client.get(reverse("coaching:my_feedback")).context["timeline"].entries
    api = APIClient()
    api.force_authenticate(hire)
    assert api.get("/api/v1/training/feedback/").json() == []
    body = api.get(f"/api/v1/training/attempts/{waiting_attempt.pk}/").json()
    assert body["state"] == AttemptState.AWAITING_COACH
    assert FIRST_COMMENT not in str(body)


def test_a_held_attempt_leaves_the_queue_and_waits_in_the_second_marks(
    coach, coach_client, second_coach, client_for, held, waiting_attempt
):
    assert waiting_attempt not in selectors.grading_queue(user=second_coach)
    assert selectors.next_to_grade(user=second_coach) is None
    assert coach_client.get("/coaching/queue/").context["counts"].total == 0
    assert list(second_marking.second_marks_waiting(user=second_coach)) == [held]
    assert list(second_marking.second_marks_waiting(user=coach)) == []  # never one's own first grade
    page = client_for(second_coach).get("/coaching/queue/")
    assert page.context["counts"].second_marks == 1
    assert "Held for a blind second mark" in page.content.decode()
    assert reverse("coaching:second_mark", args=[held.pk]) in page.content.decode()


def test_a_held_grade_cannot_be_graded_again_returned_or_drafted(coach, held, waiting_attempt):
    for attempt_write in (
        lambda: services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS),
        lambda: services.grade_draft_save(attempt=waiting_attempt, coach=coach, levels={"tone": 1}),
        lambda: services.attempt_return(attempt=waiting_attempt, coach=coach, guidance="Try again."),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt_write()
        assert refused.value.code == "held"
    assert Grade.objects.get(attempt=waiting_attempt).outcome == Grade.Outcome.HELD


def test_changing_a_released_grade_is_never_drawn(coach, running_cohort, waiting_attempt):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS)  # 0%: released
    Cohort.objects.filter(pk=running_cohort.pk).update(second_marking_percent=100)
    services.grade_release(attempt=waiting_attempt, coach=coach, levels={**ALL_LEVELS, "wow": 3}, reason="Re-read")
    grade = Grade.objects.get(attempt=waiting_attempt)
    assert (grade.outcome, grade.levels["wow"]) == (Grade.Outcome.RELEASED, 3)
    assert not SecondMark.objects.exists()
    assert Feedback.objects.filter(grade=grade).count() == 1


# --- The blind screen -----------------------------------------------------------------------------------------


def test_the_blind_screen_hides_the_first_grade_its_comments_and_the_estimate(
    second_coach, client_for, held, waiting_attempt
):
    assert waiting_attempt.prescore_percent is not None  # there is an estimate to hide
    client = client_for(second_coach)
    for url in (reverse("coaching:second_mark", args=[held.pk]), reverse("coaching:grade", args=[waiting_attempt.pk])):
        page = client.get(url)
        content = page.content.decode()
        assert page.status_code == 200
        assert FIRST_COMMENT not in content and ANSWER_COMMENT not in content
        assert f"{waiting_attempt.prescore_percent}%" not in content
        assert "· estimate" not in content and 'class="earned"' not in content and 'class="cost"' not in content
        assert " checked" not in content  # no level is chosen for the second coach
        assert "grade" not in page.context or page.context["grade"] is None


def test_the_first_coach_and_an_outsider_cannot_second_mark(coach, coach_client, outsider_coach, client_for, held):
    url = reverse("coaching:second_mark", args=[held.pk])
    assert coach_client.get(url).status_code == 403
    assert client_for(outsider_coach).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        second_marking.second_mark_submit(second_mark=held, coach=coach, levels=ALL_LEVELS)
    with pytest.raises(PermissionDenied):
        second_marking.second_mark_submit(second_mark=held, coach=outsider_coach, levels=ALL_LEVELS)
    held.refresh_from_db()
    assert held.status == SecondMark.Status.AWAITING_SECOND and held.second_coach is None


def test_a_lead_coach_of_another_cohort_may_second_mark(lead, client_for, held):
    assert client_for(lead).get(reverse("coaching:second_mark", args=[held.pk])).status_code == 200
    assert list(second_marking.second_marks_waiting(user=lead)) == [held]


# --- Agreement and moderation ------------------------------------------------------------------------------


def test_one_level_apart_releases_the_first_grade_once(coach, hire, second_coach, client_for, held, waiting_attempt):
    response = client_for(second_coach).post(
        reverse("coaching:second_mark", args=[held.pk]),
        {**{f"level_{key}": level for key, level in ONE_APART.items()}, "note": "Close."},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.largest_gap, held.second_levels) == (SecondMark.Status.AGREED, 1, ONE_APART)
    grade = Grade.objects.get(attempt=waiting_attempt)
    assert (grade.outcome, grade.levels, grade.overall_comment) == (Grade.Outcome.RELEASED, ALL_LEVELS, FIRST_COMMENT)
    assert grade.released_at is not None
    feedback = Feedback.objects.get(grade=grade)
    assert feedback.coach == coach
    assert _hire_notices(hire) == 1
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.state == AttemptState.GRADED
    with pytest.raises(ValidationError) as again:
        second_marking.second_mark_submit(second_mark=held, coach=second_coach, levels=ONE_APART)
    assert again.value.code == "already_second_marked"
    assert Feedback.objects.filter(grade=grade).count() == 1 and _hire_notices(hire) == 1


def test_exactly_two_levels_apart_goes_to_moderation(
    coach, hire, second_coach, lead, training_admin, held, waiting_attempt
):
    done = second_marking.second_mark_submit(second_mark=held, coach=second_coach, levels=TWO_APART)
    assert (done.status, done.largest_gap) == (SecondMark.Status.MODERATION, 2)
    assert Grade.objects.get(attempt=waiting_attempt).outcome == Grade.Outcome.HELD
    assert not Feedback.objects.exists() and _hire_notices(hire) == 0
    told = set(Notification.objects.filter(kind=Kind.GRADING_QUALITY).values_list("recipient__display_name", flat=True))
    assert told == {"Lena Lead", "Ada Admin"}  # the moderators; not the two coaches who marked it
    assert list(second_marking.moderation_waiting(user=lead)) == [done]
    assert list(second_marking.moderation_waiting(user=coach)) == []


def test_a_moderator_sets_the_released_grade_and_both_marks_are_kept(
    coach, hire, second_coach, training_admin, client_for, held, waiting_attempt
):
    second_marking.second_mark_submit(second_mark=held, coach=second_coach, levels=TWO_APART)
    admin = client_for(training_admin)
    page = admin.get(reverse("coaching:moderate", args=[held.pk]))
    rows = {row.key: row for row in page.context["rows"]}
    assert (rows["tone"].first, rows["tone"].second, rows["tone"].gap) == (3, 1, 2)
    assert "estimate" in page.content.decode().lower()
    moderated = {**ALL_LEVELS, "tone": 2}
    form = {f"level_{key}": level for key, level in moderated.items()}
    assert admin.post(reverse("coaching:moderate", args=[held.pk]), form).status_code == 400  # the note is required
    assert (
        admin.post(reverse("coaching:moderate", args=[held.pk]), {**form, "note": "Warm, a little stiff."}).status_code
        == 302
    )
    held.refresh_from_db()
    assert (held.status, held.moderator, held.moderated_levels) == (
        SecondMark.Status.MODERATED,
        training_admin,
        moderated,
    )
    assert (held.first_levels, held.second_levels) == (ALL_LEVELS, TWO_APART)
    grade = Grade.objects.get(attempt=waiting_attempt)
    assert (grade.outcome, grade.levels) == (Grade.Outcome.RELEASED, moderated)
    assert GradeRevision.objects.get(grade=grade, reason="moderated").changed_by == training_admin
    assert Feedback.objects.filter(grade=grade).count() == 1 and _hire_notices(hire) == 1


def test_a_lead_who_marked_it_cannot_moderate_but_an_admin_who_marked_it_can(drawn_cohort, waiting_attempt, lead):
    admin = AdminFactory()
    drawn_cohort.coaches.add(lead)
    services.grade_release(attempt=waiting_attempt, coach=lead, levels=ALL_LEVELS)
    held = SecondMark.objects.get(attempt=waiting_attempt)
    second_marking.second_mark_submit(second_mark=held, coach=admin, levels=TWO_APART)
    with pytest.raises(PermissionDenied):
        second_marking.second_mark_moderate(second_mark=held, moderator=lead, levels=ALL_LEVELS, note="Mine.")
    done = second_marking.second_mark_moderate(second_mark=held, moderator=admin, levels=ALL_LEVELS, note="Fine.")
    assert done.status == SecondMark.Status.MODERATED


# --- The queue's counts ---------------------------------------------------------------------------------------


def _held_attempts(cohort, coach, count: int) -> None:
    for number in range(count):
        enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory())
        scenario = scenario_with_turns(cohort.curriculum, slug=f"held-{count}-{number}", mode="graded")
        services.grade_release(attempt=submit_attempt(enrollment, scenario), coach=coach, levels=ALL_LEVELS)


def test_page_api_and_digest_count_second_marks_and_moderation_alike(coach, second_coach, lead, drawn_cohort, held):
    _held_attempts(drawn_cohort, coach, 2)
    second_marking.second_mark_submit(second_mark=held, coach=second_coach, levels=TWO_APART)
    lead_page = second_marking.second_mark_counts(user=lead)
    assert (lead_page.second_marks, lead_page.moderation) == (2, 1)
    page = second_marking.second_mark_counts(user=second_coach)
    assert (page.second_marks, page.moderation) == (2, 0)
    per_coach = selectors.queue_counts_per_coach(coaches=[coach, second_coach, lead])
    assert (per_coach[second_coach.pk].second_marks, per_coach[second_coach.pk].moderation) == (2, 0)
    assert (per_coach[lead.pk].second_marks, per_coach[lead.pk].moderation) == (2, 1)
    assert (per_coach[coach.pk].second_marks, per_coach[coach.pk].moderation) == (0, 0)  # all are hers
    api = APIClient()
    api.force_authenticate(lead)
    body = api.get("/api/v1/coaching/queue/").json()
    assert (body["second_marks"], body["moderation"]) == (2, 1)
    digests.coach_queue_digest()
    notice = Notification.objects.get(recipient=second_coach, kind=Kind.QUEUE_DIGEST)
    assert notice.body == "Nothing is waiting. Well done. Held for a second look: 2 blind second marks for you."


@pytest.mark.parametrize("held_count", [1, 6])
def test_the_queue_page_reads_a_fixed_number_of_queries(
    held_count, coach, second_coach, drawn_cohort, client_for, django_assert_num_queries
):
    _held_attempts(drawn_cohort, coach, held_count)
    client = client_for(second_coach)
    client.get("/coaching/queue/")  # warm the session
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        page = client.get("/coaching/queue/")
    assert len(page.context["held"]) == held_count == page.context["counts"].second_marks


QUEUE_PAGE_QUERIES = 8  # the same for one held role-play as for six; the session comes from the cache


@pytest.mark.parametrize("held_count", [1, 6])
def test_the_second_marks_page_reads_a_fixed_number_of_queries(
    held_count, coach, second_coach, drawn_cohort, client_for, django_assert_num_queries
):
    _held_attempts(drawn_cohort, coach, held_count)
    client = client_for(second_coach)
    client.get("/coaching/second-marks/")
    with django_assert_num_queries(SECOND_MARKS_PAGE_QUERIES):
        page = client.get("/coaching/second-marks/")
    assert len(page.context["page"].object_list) == held_count


SECOND_MARKS_PAGE_QUERIES = 4  # the session comes from the cache


# --- Grading-overdue notices ---------------------------------------------------------------------------------


def test_overdue_notices_reach_who_a_held_attempt_waits_for(
    coach, second_coach, lead, training_admin, held, waiting_attempt
):
    later = waiting_attempt.grading_due_at + datetime.timedelta(minutes=1)
    digests.grading_overdue_notify(now=later)
    overdue = Notification.objects.filter(kind=Kind.GRADING_OVERDUE)
    assert set(overdue.values_list("recipient__display_name", flat=True)) == {"Sam Second"}  # not the first coach
    notice = overdue.get()
    assert notice.title.startswith("Waiting past the grading target for a blind second mark")
    assert notice.url == reverse("coaching:second_mark", args=[held.pk])
    digests.grading_overdue_notify(now=later)  # never twice
    assert overdue.count() == 1
    second_marking.second_mark_submit(second_mark=held, coach=second_coach, levels=TWO_APART)
    digests.grading_overdue_notify(now=later)
    moderation = overdue.filter(title__startswith="Waiting past the grading target for moderation")
    assert set(moderation.values_list("recipient__display_name", flat=True)) == {"Lena Lead", "Ada Admin"}


def test_an_ordinary_overdue_attempt_still_tells_the_cohorts_coaches(coach, waiting_attempt):
    digests.grading_overdue_notify(now=waiting_attempt.grading_due_at + datetime.timedelta(minutes=1))
    notice = Notification.objects.get(kind=Kind.GRADING_OVERDUE)
    assert notice.recipient == coach and notice.title.startswith("Waiting past the grading target: ")


# --- Two moderators at once (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_moderators_at_once_release_exactly_one_grade(marker_scorer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections: runs in CI's second pass")
    first, second = CoachFactory(), CoachFactory()
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1), second_marking_percent=100, time_zone="UTC")
    cohort.coaches.add(first, second)
    enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory())
    scenario = scenario_with_turns(cohort.curriculum, slug="race", mode="graded")
    attempt = submit_attempt(enrollment, scenario)
    services.grade_release(attempt=attempt, coach=first, levels=ALL_LEVELS)
    held = SecondMark.objects.get(attempt=attempt)
    second_marking.second_mark_submit(second_mark=held, coach=second, levels=TWO_APART)
    moderators = [AdminFactory(), CoachFactory(is_lead_coach=True)]
    barrier = threading.Barrier(2)

    def moderate(index):
        try:
            barrier.wait()
            second_marking.second_mark_moderate(
                second_mark=held, moderator=moderators[index], levels={**ALL_LEVELS, "tone": index + 1}, note="Set."
            )
            return "moderated"
        except ValidationError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(moderate, range(2)))
    assert results == ["already_moderated", "moderated"]
    grade = Grade.objects.get(attempt=attempt)
    assert grade.outcome == Grade.Outcome.RELEASED
    assert Feedback.objects.filter(grade=grade).count() == 1
    assert Notification.objects.filter(recipient=enrollment.hire, kind=Kind.FEEDBACK).count() == 1
    assert GradeRevision.objects.filter(grade=grade, reason="moderated").count() == 1
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.GRADED
