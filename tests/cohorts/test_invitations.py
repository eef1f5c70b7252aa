"""A new hire's invitation: sent after commit, a link that sets the password once and expires."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from accounts import services as account_services
from accounts.invitations import invitation_token_generator
from accounts.models import User
from cohorts import services
from tests.cohorts.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", body).group(1)


@pytest.fixture
def invited(new_cohort, training_admin, django_capture_on_commit_callbacks, monkeypatch):
    """Import one new hire; run the queued invitation task in-process and return the hire and their email."""
    from accounts import tasks

    monkeypatch.setattr(tasks.invitation_email_send, "delay", lambda user_id: tasks.invitation_email_send.run(user_id))
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_import_confirm(
            cohort=new_cohort, content=csv_bytes("nia.new@academy.test,Nia New,UTC,3100,"), actor=training_admin
        )
    hire = User.objects.get(email="nia.new@academy.test")
    assert len(mail.outbox) == 1
    return hire, mail.outbox[0]


def test_the_invitation_is_sent_only_after_commit(
    new_cohort, training_admin, django_capture_on_commit_callbacks, monkeypatch
):
    from accounts import tasks

    queued = []
    monkeypatch.setattr(tasks.invitation_email_send, "delay", lambda user_id: queued.append(user_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enrollment_import_confirm(
            cohort=new_cohort, content=csv_bytes("nia.new@academy.test,Nia New,UTC,3100,"), actor=training_admin
        )
    assert queued == [] and callbacks
    for callback in callbacks:
        callback()
    assert queued == [User.objects.get(email="nia.new@academy.test").pk]


def test_the_link_sets_the_password_signs_in_and_works_only_once(client, invited):
    hire, message = invited
    assert message.to == [hire.email] and "choose your password" in message.subject.lower()
    assert message.alternatives and "Choose your password" in message.alternatives[0][0]
    link = _link(message.body)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Welcome to" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "narrows-are-the-worst", "new_password2": "narrows-are-the-worst"},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    hire.refresh_from_db()
    assert hire.check_password("narrows-are-the-worst")
    assert client.get(reverse("courses:my_training")).status_code == 200  # signed in as the hire

    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "no longer works" in again
    # Nor is a second invitation sent to someone who has a password.
    assert account_services.invitation_email_send(user_id=hire.pk) is False


def test_the_link_expires(client, invited, settings, monkeypatch):
    hire, message = invited
    link = _link(message.body)
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.INVITATION_TIMEOUT + 60)
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: later)
    assert "no longer works" in client.get(link, follow=True).content.decode()
    hire.refresh_from_db()
    assert not hire.has_usable_password()


def test_a_password_reset_token_is_not_an_invitation_nor_the_reverse(invited):
    hire, _ = invited
    assert not invitation_token_generator.check_token(hire, default_token_generator.make_token(hire))
    assert not default_token_generator.check_token(hire, invitation_token_generator.make_token(hire))
    assert invitation_token_generator.check_token(hire, invitation_token_generator.make_token(hire))


def test_the_admin_can_send_it_again_until_a_password_is_chosen(
    admin_client_, invited, django_capture_on_commit_callbacks
):
    hire, _ = invited
    enrollment = hire.enrollments.get()
    url = reverse("cohorts:enrollment_action", args=[enrollment.cohort_id, enrollment.pk, "invite"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(url)
    assert len(mail.outbox) == 2
    hire.set_password("chosen-already-1")
    hire.save()
    page = admin_client_.post(url, follow=True).content.decode()
    assert "already chosen a password" in page and len(mail.outbox) == 2
