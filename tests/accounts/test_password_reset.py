"""Password reset mail is sent by a Celery task after the request commits, never by the view."""

import re
import socket

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tasks import password_reset_email_send
from tests.conftest import wait_for


def _reset_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body).group(1)


@pytest.mark.django_db
def test_the_view_only_enqueues_after_commit(client, hire, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(password_reset_email_send, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": hire.email})
    assert response.status_code == 302
    assert len(callbacks) == 1 and queued == [] and mail.outbox == []
    callbacks[0]()
    assert queued == [(hire.pk, "testserver", False)]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "nobody@academy.test"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert callbacks == [] and mail.outbox == []


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_reset_mail_and_the_link_works(client, hire, celery_worker):
    client.post(reverse("password_reset"), {"email": hire.email})

    message = wait_for(lambda: mail.outbox and mail.outbox[0])
    assert message.to == [hire.email]
    assert message.alternatives and "Choose a new password" in message.alternatives[0][0]
    link = _reset_link(message.body)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "narrows-are-the-worst", "new_password2": "narrows-are-the-worst"},
    )
    assert response.status_code == 302
    hire.refresh_from_db()
    assert hire.check_password("narrows-are-the-worst")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.celery_worker
def test_reset_mail_goes_through_a_real_smtp_server(client, hire, celery_worker, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Inbox(Sink):
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        client.post(reverse("password_reset"), {"email": hire.email})
        envelope = wait_for(lambda: inbox.messages and inbox.messages[0])
    finally:
        controller.stop()
    assert envelope.rcpt_tos == [hire.email]
    assert b"/accounts/password/reset/" in envelope.content
