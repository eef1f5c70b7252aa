"""Admins hear when a coach strays from gold on a criterion beyond the threshold in two sessions in a row."""

import datetime

import pytest
from django.utils import timezone

from calibration import services
from calibration.alerts import leniency_alerts_check
from calibration.models import LeniencyAlert
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def run_session(world, day: int, plan: dict, gold: int = 2):
    """A session on the world's two role-plays, revealed `day` days from now, each coach giving `plan[coach]`
    on every criterion, and gold recorded for both items."""
    now = timezone.now() + datetime.timedelta(days=day)
    session = services.session_create(
        facilitator=world["admin"], title=f"Session {day}", coaches=list(plan), attempts=world["attempts"],
        due_at=now + datetime.timedelta(days=1), now=now,
    )  # fmt: skip
    for item in session.items.all():
        for coach, level in plan.items():
            services.calibration_grade_save(item=item, coach=coach, levels=dict.fromkeys(world["keys"], level), now=now)
    services.session_reveal(session=session, by=world["admin"], now=now)
    for item in session.items.all():
        services.gold_record(item=item, by=world["admin"], levels=dict.fromkeys(world["keys"], gold), now=now)
    session.refresh_from_db()
    return session


def test_two_sessions_in_a_row_past_the_threshold_tell_the_admins_once(world, settings):
    settings.CALIBRATION_LENIENCY_THRESHOLD = 0.5
    lenient, steady, once = world["coaches"]
    run_session(world, 1, {lenient: 3, steady: 2, once: 1})
    assert not LeniencyAlert.objects.exists()  # nobody has two sessions yet
    second = run_session(world, 2, {lenient: 3, steady: 2, once: 2})
    alerts = LeniencyAlert.objects.all()
    assert {alert.coach for alert in alerts} == {lenient}
    assert {alert.criterion_key for alert in alerts} == set(world["keys"])
    assert all(alert.deviation == 1.0 and alert.previous_deviation == 1.0 for alert in alerts)
    told = Notification.objects.filter(kind=Kind.GRADING_QUALITY, recipient=world["admin"])
    assert told.count() == len(world["keys"]) and "leniently" in told.first().title

    assert leniency_alerts_check(session=second) == []  # again: nothing new
    assert told.count() == len(world["keys"])

    run_session(world, 3, {lenient: 2, steady: 2, once: 2})  # back on gold: no alert for the third
    assert LeniencyAlert.objects.count() == len(world["keys"])


def test_a_severe_coach_is_named_severe(world, settings):
    settings.CALIBRATION_LENIENCY_THRESHOLD = 0.5
    severe, other, _ = world["coaches"]
    run_session(world, 1, {severe: 0, other: 2})
    run_session(world, 2, {severe: 1, other: 2})
    assert set(LeniencyAlert.objects.values_list("coach", flat=True)) == {severe.pk}
    assert "severely" in Notification.objects.filter(kind=Kind.GRADING_QUALITY).first().title
