import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import services
from notifications.models import Channel, EmailStatus, Kind, Notification, Preference, QuietHours
from tests.conftest import tasks_queued, wait_for
from tests.factories import HireFactory

UTC = datetime.UTC


def _notify(user, key="grade:1", kind=Kind.FEEDBACK, **kwargs):
    return services.notify(recipient=user, kind=kind, key=key, title="Maya graded your role-play",
                           body="82%. Lovely opening.", url="/training/feedback/", **kwargs)  # fmt: skip


@pytest.mark.django_db
def test_the_same_key_tells_a_person_once(hire):
    assert _notify(hire) is not None
    assert _notify(hire) is None
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_in_app_only_sends_no_email_and_digest_waits(hire, django_capture_on_commit_callbacks):
    Preference.objects.create(user=hire, kind=Kind.FEEDBACK, channel=Channel.IN_APP)
    Preference.objects.create(user=hire, kind=Kind.RETURNED, channel=Channel.EMAIL_DIGEST)
    with django_capture_on_commit_callbacks() as callbacks:
        in_app = _notify(hire)
        digest = _notify(hire, key="attempt:1", kind=Kind.RETURNED)
    assert tasks_queued(callbacks) == []
    assert (in_app.email_status, digest.email_status) == (EmailStatus.NONE, EmailStatus.DIGEST)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "utc_now", "morning_utc"),
    [
        # 23:30 in Los Angeles (quiet 21:00–08:00): waits for 08:00 there, 16:00 UTC next day.
        ("America/Los_Angeles", datetime.datetime(2026, 11, 24, 7, 30, tzinfo=UTC),
         datetime.datetime(2026, 11, 24, 16, 0, tzinfo=UTC)),
        # 06:00 in Auckland: the same morning's 08:00, 19:00 UTC the day before.
        ("Pacific/Auckland", datetime.datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
         datetime.datetime(2026, 11, 23, 19, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_quiet_hours_hold_reminders_until_the_persons_morning(zone, utc_now, morning_utc):
    person = HireFactory(time_zone=zone)
    QuietHours.objects.create(user=person, starts=datetime.time(21), ends=datetime.time(8))
    reminder = _notify(person, key="lesson:5:2026-11-24", kind=Kind.OVERDUE, now=utc_now)
    assert reminder.email_status == EmailStatus.SCHEDULED and reminder.email_due_at == morning_utc
    assert reminder.email_due_at.astimezone(zoneinfo.ZoneInfo(zone)).hour == 8
    event = _notify(person, key="grade:9", now=utc_now)  # events are not held
    assert event.email_status == EmailStatus.QUEUED


@pytest.mark.django_db
def test_scheduled_emails_are_released_when_due(hire, django_capture_on_commit_callbacks):
    QuietHours.objects.create(user=hire, starts=datetime.time(0), ends=datetime.time(23, 59))
    now = timezone.now()
    reminder = _notify(hire, key="lesson:1", kind=Kind.DUE_TOMORROW, now=now)
    assert reminder.email_status == EmailStatus.SCHEDULED
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.notifications_release_scheduled(now=now) == 0
        assert services.notifications_release_scheduled(now=reminder.email_due_at) == 1
        assert services.notifications_release_scheduled(now=reminder.email_due_at) == 0  # never twice
    assert len(callbacks) == 1
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.QUEUED


@pytest.mark.celery_worker
def test_a_real_worker_emails_after_commit_and_never_twice(hire, celery_worker):
    notification = _notify(hire)
    wait_for(lambda: Notification.objects.get(pk=notification.pk).email_status == EmailStatus.SENT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [hire.email] and "Lovely opening." in message.body
    assert "/training/feedback/" in message.alternatives[0][0]

    # A redelivered task finds the notification already sent and sends nothing.
    from notifications.tasks import notification_email_send

    notification_email_send.delay(notification.pk)
    _notify(hire)  # and the same key again is nothing new
    import time

    time.sleep(0.5)
    assert len(mail.outbox) == 1


@pytest.mark.celery_worker
def test_a_notification_in_a_rolled_back_transaction_sends_nothing(hire, celery_worker):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        _notify(hire)
        raise Abort
    import time

    time.sleep(0.5)
    assert not Notification.objects.exists() and mail.outbox == []


@pytest.mark.celery_worker
def test_an_smtp_failure_is_retried_then_marked_failed(hire, celery_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens here
    notification = _notify(hire)
    failed = wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.FAILED).first(), timeout=40
    )
    assert failed.email_attempts == 6  # the first try and five retries
    assert "ConnectionRefusedError" in failed.email_error or "Errno" in failed.email_error


@pytest.mark.django_db
def test_the_bell_list_and_api(hire, hire_client):
    first = _notify(hire, key="grade:1")
    _notify(hire, key="grade:2")
    page = hire_client.get("/training/").content.decode()
    assert 'aria-label="2 unread"' in page
    response = hire_client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response.url == "/training/feedback/"
    api = APIClient()
    api.force_authenticate(hire)
    assert [n["id"] for n in api.get("/api/v1/notifications/?unread=1").json()["results"]] != [first.pk]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    preferences = api.put("/api/v1/notifications/preferences/", {
        "channels": {"feedback": "email_digest"}, "quiet_hours": {"enabled": True, "starts": "22:00", "ends": "07:30"},
    }, format="json").json()  # fmt: skip
    assert preferences["channels"]["feedback"] == "email_digest"
    assert preferences["quiet_hours"] == {"enabled": True, "starts": "22:00", "ends": "07:30"}
    bad = api.put("/api/v1/notifications/preferences/", {"channels": {"nonsense": "in_app"}}, format="json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_another_persons_notification_cannot_be_opened(hire, hire_client):
    theirs = _notify(HireFactory())
    assert hire_client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    api = APIClient()
    api.force_authenticate(hire)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


@pytest.mark.django_db
def test_a_claim_is_exclusive_and_an_abandoned_one_is_recovered(hire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        notification = _notify(hire)
    claimed = services.notification_claim_for_email(notification_id=notification.pk)
    assert claimed.email_status == EmailStatus.SENDING
    assert services.notification_claim_for_email(notification_id=notification.pk) is None  # a duplicate delivery

    # The sender died before finishing: after a while the email is queued again.
    soon = claimed.email_due_at + datetime.timedelta(minutes=5)
    assert services.notifications_release_scheduled(now=soon) == 0
    later = claimed.email_due_at + datetime.timedelta(minutes=16)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.notifications_release_scheduled(now=later) == 1
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.QUEUED


@pytest.mark.celery_worker
def test_through_the_worker_preferences_quiet_hours_and_digests(celery_worker):
    """Preferences per kind, quiet hours and the digest, each delivered by the real worker."""
    from notifications.tasks import digest_emails_send, notifications_release_scheduled

    in_app_only, emailed, night_owl = (HireFactory(time_zone="UTC") for _ in range(3))
    # The digest goes out from 07:00 in the reader's own time zone: pick one where it is daytime now.
    daytime = next(
        zone
        for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "America/New_York")
        if 7 <= timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).hour < 23
    )
    digest_reader = HireFactory(time_zone=daytime)
    Preference.objects.create(user=in_app_only, kind=Kind.FEEDBACK, channel=Channel.IN_APP)
    Preference.objects.create(user=digest_reader, kind=Kind.FEEDBACK, channel=Channel.EMAIL_DIGEST)
    QuietHours.objects.create(user=night_owl, starts=datetime.time(0), ends=datetime.time(23, 59))

    for person in (in_app_only, emailed, digest_reader):
        _notify(person, key="grade:1")
        _notify(person, key="grade:2")
    held = _notify(night_owl, key="lesson:1", kind=Kind.OVERDUE)
    wait_for(lambda: len(mail.outbox) == 2)  # only `emailed`, once per notification
    assert {m.to[0] for m in mail.outbox} == {emailed.email}
    assert Notification.objects.get(pk=held.pk).email_status == EmailStatus.SCHEDULED

    # The quiet hours end: beat's task releases the held email, and the worker sends it.
    Notification.objects.filter(pk=held.pk).update(email_due_at=timezone.now() - datetime.timedelta(minutes=1))
    notifications_release_scheduled.delay()
    wait_for(lambda: any(m.to == [night_owl.email] for m in mail.outbox))

    # The digest: one email with both of the day's items, sent by the worker.
    before = len(mail.outbox)
    digest_emails_send.delay()
    digest = wait_for(lambda: next((m for m in mail.outbox[before:] if m.to == [digest_reader.email]), None))
    assert digest.body.count("Maya graded your role-play") == 2


@pytest.mark.parametrize("moment", [datetime.datetime(2026, 12, 3, 8, 0, 2), datetime.datetime(2026, 12, 3, 21, 0, 0)])
def test_quiet_hours_defaults_pass_the_system_checks_at_any_time_of_day(monkeypatch, moment):
    from django.db.models import fields

    monkeypatch.setattr(fields, "_get_naive_now", lambda: moment)
    for name in ("starts", "ends"):
        assert QuietHours._meta.get_field(name).check() == []
