import datetime

import pytest
from django.core import mail

from notifications import digests, services
from notifications.models import Channel, EmailStatus, Kind, Notification, Preference
from tests.coaching.conftest import submit_attempt
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def waiting(settings, hire_enrollment):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="graded", mode="graded", turns=1)
    return submit_attempt(hire_enrollment, scenario, answers=("An answer.",))


def test_coaches_hear_once_about_attempts_past_the_grading_target(coach, waiting):
    assert digests.grading_overdue_notify(now=waiting.grading_due_at - datetime.timedelta(minutes=1)) == 0
    later = waiting.grading_due_at + datetime.timedelta(minutes=1)
    assert digests.grading_overdue_notify(now=later) == 1
    assert digests.grading_overdue_notify(now=later + datetime.timedelta(hours=1)) == 0
    notice = Notification.objects.get(kind=Kind.GRADING_OVERDUE)
    assert notice.recipient == coach and notice.url == f"/coaching/attempts/{waiting.pk}/grade/"


def test_the_coach_queue_digest_is_daily(coach, waiting):
    now = datetime.datetime(2026, 11, 24, 15, tzinfo=UTC)
    assert digests.coach_queue_digest(now=now) == 1
    assert digests.coach_queue_digest(now=now + datetime.timedelta(hours=2)) == 0  # same day for the coach
    assert digests.coach_queue_digest(now=now + datetime.timedelta(days=1)) == 1
    assert "1 waiting" in Notification.objects.filter(kind=Kind.QUEUE_DIGEST).first().title


def test_admins_get_a_weekly_digest_per_cohort(training_admin, waiting):
    monday = datetime.datetime(2026, 11, 23, 15, tzinfo=UTC)
    assert digests.cohort_weekly_digest(now=monday) == 1
    assert digests.cohort_weekly_digest(now=monday + datetime.timedelta(days=2)) == 0
    notice = Notification.objects.get(kind=Kind.COHORT_DIGEST, recipient=training_admin)
    assert "1 role-plays waiting for a coach" in notice.body


def test_a_digest_gathers_the_days_items_into_one_email(hire):
    Preference.objects.create(user=hire, kind=Kind.FEEDBACK, channel=Channel.EMAIL_DIGEST)
    for n in range(3):
        services.notify(recipient=hire, kind=Kind.FEEDBACK, key=f"grade:{n}", title=f"Grade {n}", url="/training/")
    early = datetime.datetime(2026, 11, 24, 13, tzinfo=UTC)  # 05:00 in Los Angeles: too early
    assert digests.digest_emails_send(now=early) == 0
    morning = datetime.datetime(2026, 11, 24, 16, tzinfo=UTC)  # 08:00 there
    assert digests.digest_emails_send(now=morning) == 1
    assert digests.digest_emails_send(now=morning + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    assert all(f"Grade {n}" in mail.outbox[0].body for n in range(3))
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
