import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import selectors, services
from coaching.models import Feedback, Grade, GradeRevision
from courses import services as course_services
from courses.models import AttemptState
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db


def _form(levels: dict, **extra) -> dict:
    return {**{f"level_{k}": v for k, v in levels.items()}, **extra}


def test_releasing_a_grade_makes_it_the_grade_of_record(coach, waiting_attempt):
    grade = services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Lovely.")
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.state == AttemptState.GRADED
    assert grade.outcome == Grade.Outcome.RELEASED and grade.rubric_version == waiting_attempt.rubric_version
    assert grade.percent == int((3 + 2 + 2 + 2 * 1.5 + 0.75 + 3) * 100 / (3 * 6.25))
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.grade, feedback.acknowledged_at) == ("grade", grade, None)
    assert GradeRevision.objects.get().new_levels == ALL_LEVELS


def test_a_released_grade_changes_only_with_a_reason_and_keeps_history(coach, waiting_attempt):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS)
    lower = {**ALL_LEVELS, "wow": 0}
    with pytest.raises(ValidationError, match="only be changed with a reason"):
        services.grade_release(attempt=waiting_attempt, coach=coach, levels=lower)
    assert Grade.objects.get().levels == ALL_LEVELS

    services.grade_release(attempt=waiting_attempt, coach=coach, levels=lower, reason="The upgrade was not offered.")
    history = list(GradeRevision.objects.order_by("id").values("old_levels", "new_levels", "reason"))
    assert history[1] == {"old_levels": ALL_LEVELS, "new_levels": lower, "reason": "The upgrade was not offered."}
    assert Feedback.objects.count() == 1  # a change is not a second piece of feedback


def test_every_criterion_needs_a_level(coach, waiting_attempt):
    partial = {k: v for k, v in ALL_LEVELS.items() if k != "tone"}
    with pytest.raises(ValidationError, match="missing: Tone"):
        services.grade_release(attempt=waiting_attempt, coach=coach, levels=partial)
    with pytest.raises(ValidationError, match="must be 0, 1, 2 or 3"):
        services.grade_release(attempt=waiting_attempt, coach=coach, levels={**ALL_LEVELS, "tone": 4})
    assert not Grade.objects.exists()


def test_returning_gives_the_hire_another_try_beyond_the_limit(
    coach, hire_enrollment, graded_scenario, waiting_attempt
):
    with pytest.raises(ValidationError, match="Say what to try"):
        services.attempt_return(attempt=waiting_attempt, coach=coach, guidance=" ")
    services.attempt_return(attempt=waiting_attempt, coach=coach, guidance="Ask about the wedding first.")
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.state == AttemptState.RETURNED
    second, created = course_services.attempt_start(enrollment=hire_enrollment, scenario=graded_scenario)
    assert created and second.number == 2  # max_attempts is 1, but a returned try does not count


def test_opening_an_attempt_claims_it_so_two_coaches_never_grade_it_at_once(coach, waiting_attempt, hire_enrollment):
    colleague = CoachFactory(display_name="Colleen Colleague")
    hire_enrollment.cohort.coaches.add(colleague)
    now = timezone.now()
    assert services.attempt_claim(attempt=waiting_attempt, coach=coach, now=now).coach == coach
    assert services.attempt_claim(attempt=waiting_attempt, coach=colleague, now=now).coach == coach  # held
    with pytest.raises(ValidationError, match="is grading this attempt"):
        services.grade_release(attempt=waiting_attempt, coach=colleague, levels=ALL_LEVELS, now=now)
    later = now + datetime.timedelta(minutes=30)  # the claim lapses
    assert services.attempt_claim(attempt=waiting_attempt, coach=colleague, now=later).coach == colleague


def test_grade_next_walks_the_queue_oldest_first_skipping_held_attempts(coach, hire_enrollment, other_hire_enrollment,
                                                                        graded_scenario):  # fmt: skip
    first = submit_attempt(hire_enrollment, graded_scenario)
    second = submit_attempt(other_hire_enrollment, graded_scenario)
    colleague = CoachFactory()
    hire_enrollment.cohort.coaches.add(colleague)
    assert selectors.next_to_grade(user=coach) == first
    services.attempt_claim(attempt=first, coach=colleague)
    assert selectors.next_to_grade(user=coach) == second
    assert selectors.next_to_grade(user=coach, skip=second.pk) is None


def test_the_grading_screen_releases_and_moves_to_the_next(coach_client, hire_enrollment, other_hire_enrollment,
                                                           graded_scenario):  # fmt: skip
    first = submit_attempt(hire_enrollment, graded_scenario)
    second = submit_attempt(other_hire_enrollment, graded_scenario)
    page = coach_client.get(f"/coaching/attempts/{first.pk}/grade/").content.decode()
    assert "Oh no, ten days!" in page and "Automatic estimate" in page and 'name="level_tone"' in page
    response = coach_client.post(
        f"/coaching/attempts/{first.pk}/grade/", _form(ALL_LEVELS, action="release_next", overall_comment="Good")
    )
    assert response.status_code == 302
    assert coach_client.get(response.url).url == f"/coaching/attempts/{second.pk}/grade/"
    first.refresh_from_db()
    assert first.state == AttemptState.GRADED


def test_the_queue_shows_counts_and_filters(coach_client, waiting_attempt, graded_scenario):
    page = coach_client.get("/coaching/queue/").content.decode()
    assert "1</span> waiting" in page and waiting_attempt.enrollment.hire.display_name in page
    empty = coach_client.get(f"/coaching/queue/?scenario={graded_scenario.pk + 999}").content.decode()
    assert "Nothing is waiting" in empty
