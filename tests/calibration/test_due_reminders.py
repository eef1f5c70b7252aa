"""Due soon: each invited coach who has not submitted hears once, when a session is due within a day."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from calibration import services, tasks
from notifications.models import Kind, Notification
from tests.factories import calibration_round
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


def reminders():
    return Notification.objects.filter(kind=Kind.CALIBRATION, title__startswith="Due soon")


def grade_everything(session, coach) -> None:
    for item in session.items.all():
        levels = dict.fromkeys((c.key for c in item.anchor.rubric_version.criteria.all()), 2)
        services.calibration_grade_save(item=item, coach=coach, levels=levels)


def test_coaches_who_have_not_submitted_are_told_once_when_the_session_is_due_within_a_day():
    session, _ = calibration_round(roleplays=1, calls=0, coaches=3, due_in_hours=30)
    done, halfway, untouched = (p.coach for p in session.participants.order_by("coach__display_name"))
    grade_everything(session, done)
    now = timezone.now()
    assert services.calibration_due_reminders_send(now=now) == 0  # 30 hours away: not yet

    later = now + datetime.timedelta(hours=7)  # 23 hours before it is due
    assert services.calibration_due_reminders_send(now=later) == 2
    assert set(reminders().values_list("recipient", flat=True)) == {halfway.pk, untouched.pk}
    reminder = reminders().get(recipient=halfway)
    assert reminder.url == reverse("calibration:session", args=[session.pk]) and session.title in reminder.title

    # Every hour after that: nothing more, even for someone still not done.
    for hours in (8, 12, 20):
        assert services.calibration_due_reminders_send(now=now + datetime.timedelta(hours=hours)) == 0
    assert reminders().count() == 2


def test_revealed_and_overdue_sessions_send_no_reminder():
    revealed, _ = calibration_round(roleplays=1, calls=0, due_in_hours=5)
    services.session_reveal(session=revealed, by=revealed.facilitator)
    overdue, _ = calibration_round(roleplays=1, calls=0, due_in_hours=5)
    assert services.calibration_due_reminders_send(now=timezone.now() + datetime.timedelta(hours=6)) == 0
    assert services.calibration_due_reminders_send() == 2  # the open one, due in 5 hours, for its 2 coaches
    assert set(reminders().values_list("recipient", flat=True)) == {p.coach_id for p in overdue.participants.all()}


def test_the_hourly_task_sends_them():
    calibration_round(roleplays=1, calls=0, due_in_hours=3)
    assert tasks.calibration_due_reminders_send() == 2
    assert tasks.calibration_due_reminders_send() == 0
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "calibration.tasks.calibration_due_reminders_send" in scheduled


def test_the_opening_and_reveal_notifications_link_to_the_session():
    session, _ = calibration_round(roleplays=1, calls=0)
    services.session_reveal(session=session, by=session.facilitator)
    url = reverse("calibration:session", args=[session.pk])
    told = Notification.objects.filter(kind=Kind.CALIBRATION)
    assert told.count() == 4 and set(told.values_list("url", flat=True)) == {url}  # 2 coaches: opened, revealed
