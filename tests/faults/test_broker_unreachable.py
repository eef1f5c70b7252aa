"""Queuing a task with no broker to take it: the request that queued it still answers normally.
Work recovered elsewhere is left to its recovery; work nothing would recover runs in the request."""

from django.urls import reverse

from notifications import services as notification_services
from notifications.models import EmailStatus, Kind, Notification
from tests.real_services import broker_at, free_port


def _no_broker():
    return broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there


def test_a_password_reset_mail_is_sent_from_the_request(client, hire, mailoutbox, django_capture_on_commit_callbacks):
    with _no_broker(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": hire.email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert [message.to for message in mailoutbox] == [[hire.email]]


def test_a_notification_email_waits_in_the_ledger(hire, mailoutbox, django_capture_on_commit_callbacks):
    with _no_broker(), django_capture_on_commit_callbacks(execute=True):
        notification_services.notify(recipient=hire, kind=Kind.FEEDBACK, key="grade:1", title="Grade released")
    notification = Notification.objects.get(recipient=hire)
    assert notification.email_status == EmailStatus.QUEUED  # beat's recovery sends it once a broker takes it
    assert mailoutbox == []
