"""The scale data generator builds a consistent organisation the product's own pages can serve."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from checkpoint.models import Checkpoint, Decision
from coaching.models import CallReview, Feedback, Grade
from courses.models import Attempt, AttemptState, Cohort, Enrollment
from courses.pacing import schedule_for
from demo.scale import EMAIL_DOMAIN
from notifications.models import Notification


@pytest.fixture
def scale_data(db):
    call_command("generate_scale_data", hires=600, seed=3)


def test_hires_in_cohorts_of_forty_at_every_stage(scale_data):
    assert User.objects.filter(email__endswith=EMAIL_DOMAIN, role="hire").count() == 600
    cohorts = Cohort.objects.filter(slug__startswith="scale-")
    assert cohorts.count() == 15
    assert {cohort.enrollments.count() for cohort in cohorts} == {40}
    now = timezone.now()
    weeks = {
        schedule_for(enrollment, now).current_week(now) for enrollment in Enrollment.objects.select_related("cohort")
    }
    assert weeks == {1, 2, 3, 4, 5, 6}
    assert Checkpoint.objects.exists() and Decision.objects.filter(choice="offer").exists()
    assert Enrollment.objects.filter(status="graduated").exists()


def test_work_grades_feedback_and_calls_hang_together(scale_data):
    assert Attempt.objects.filter(state=AttemptState.AWAITING_COACH).exists()
    graded = Attempt.objects.filter(state=AttemptState.GRADED)
    assert graded.count() == Grade.objects.count() > 0
    assert not Attempt.objects.filter(turns__isnull=True).exists()
    assert Feedback.objects.filter(grade__isnull=False).count() == Grade.objects.count()
    assert Feedback.objects.filter(call_review__isnull=False).count() == CallReview.objects.count() > 0
    assert Notification.objects.count() > 600


def test_generated_people_can_use_their_pages(scale_data, client_for):
    hire = User.objects.get(email=f"hire0@{EMAIL_DOMAIN}")
    coach = User.objects.get(email=f"coach0@{EMAIL_DOMAIN}")
    admin = User.objects.get(email=f"admin0@{EMAIL_DOMAIN}")
    assert client_for(hire).get("/training/").status_code == 200
    assert client_for(coach).get("/coaching/queue/").status_code == 200
    assert client_for(admin).get("/checkpoint/cohorts/").status_code == 200
    assert hire.check_password("wow-through-service")


def test_a_second_run_refuses_instead_of_doubling(scale_data):
    with pytest.raises(CommandError, match="already here"):
        call_command("generate_scale_data", hires=10)
    assert User.objects.filter(email__endswith=EMAIL_DOMAIN, role="hire").count() == 600
