"""Limits on requests that send email or guess passwords: 429 with Retry-After, and nothing sent."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import tasks, throttles
from tests.factories import TEST_PASSWORD, EnrollmentFactory, HireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mail_sent_now(monkeypatch, django_capture_on_commit_callbacks):
    """Queued emails are sent in-process as soon as the request commits."""
    for task in (tasks.password_reset_email_send, tasks.invitation_email_send):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.run(*args))

    def post(client, url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return post


def _retry_after(response) -> int:
    return int(response["Retry-After"])


def _without_minutes(response) -> str:
    return re.sub(r"about \d+ minutes?", "", response.content.decode())


# --- Password reset -------------------------------------------------------------------------------------


def test_password_reset_stops_after_the_limit_for_one_account(client, hire, mail_sent_now, settings):
    url = reverse("password_reset")
    for email in [hire.email, hire.email.upper(), hire.email, hire.email, hire.email]:
        assert mail_sent_now(client, url, {"email": email}).status_code == 302
    assert len(mail.outbox) == 5 and settings.THROTTLE_PASSWORD_RESET_PER_ACCOUNT == "5/hour"

    refused = mail_sent_now(client, url, {"email": hire.email})
    assert refused.status_code == 429
    assert 0 < _retry_after(refused) <= 3600
    page = refused.content.decode()
    assert "Too many password reset requests" in page and "No email was sent" in page
    assert len(mail.outbox) == 5

    # Another account from the same address is not held up by this one.
    other = HireFactory()
    assert mail_sent_now(client, url, {"email": other.email}).status_code == 302
    assert mail.outbox[-1].to == [other.email] and len(mail.outbox) == 6


def test_an_unknown_address_is_counted_like_a_known_one(client, hire, mail_sent_now, settings):
    settings.THROTTLE_PASSWORD_RESET_PER_ACCOUNT = "2/hour"
    url = reverse("password_reset")
    answers = {}
    for email in (hire.email, "nobody@academy.test"):
        answers[email] = [mail_sent_now(client, url, {"email": email}) for _ in range(3)]
    known, unknown = answers[hire.email], answers["nobody@academy.test"]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 302, 429]
    # The same page, but for when each window ends.
    assert _without_minutes(known[2]) == _without_minutes(unknown[2])
    assert len(mail.outbox) == 2 and {m.to[0] for m in mail.outbox} == {hire.email}


def test_password_reset_stops_after_the_limit_for_one_client_address(client, hire, mail_sent_now, settings):
    url = reverse("password_reset")
    limit = int(settings.THROTTLE_PASSWORD_RESET_PER_ADDRESS.split("/")[0])
    for number in range(limit):
        assert mail_sent_now(client, url, {"email": f"guess{number}@academy.test"}).status_code == 302

    refused = mail_sent_now(client, url, {"email": hire.email})
    assert refused.status_code == 429 and _retry_after(refused) > 0
    assert "from here" in refused.content.decode() and mail.outbox == []

    # The same account asked from another address goes through.
    elsewhere = mail_sent_now(client, url, {"email": hire.email}, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302 and [m.to for m in mail.outbox] == [[hire.email]]


def test_an_invalid_form_is_not_counted(client, settings):
    settings.THROTTLE_PASSWORD_RESET_PER_ADDRESS = "1/hour"
    for _ in range(3):
        assert client.post(reverse("password_reset"), {"email": "not an email"}).status_code == 200
    assert client.post(reverse("password_reset"), {"email": "nobody@academy.test"}).status_code == 302


def test_the_window_ends_and_the_limit_starts_again(client, hire, mail_sent_now, settings, monkeypatch):
    settings.THROTTLE_PASSWORD_RESET_PER_ACCOUNT = "1/hour"
    url = reverse("password_reset")
    assert mail_sent_now(client, url, {"email": hire.email}).status_code == 302
    refused = mail_sent_now(client, url, {"email": hire.email})
    assert refused.status_code == 429

    now = throttles.time.time()
    monkeypatch.setattr(throttles.time, "time", lambda: now + _retry_after(refused))
    assert mail_sent_now(client, url, {"email": hire.email}).status_code == 302
    assert len(mail.outbox) == 2


def test_a_rate_that_cannot_be_read_is_a_clear_error(settings):
    settings.THROTTLE_INVITATION_RESEND_PER_INVITEE = "three a day"
    with pytest.raises(ValueError, match="THROTTLE_INVITATION_RESEND_PER_INVITEE must look like"):
        throttles.INVITATION_RESEND_PER_INVITEE.rate()
    settings.THROTTLE_INVITATION_RESEND_PER_INVITEE = "3/day"
    assert throttles.INVITATION_RESEND_PER_INVITEE.rate() == (3, 24 * 60 * 60)


# --- Invitation resend ----------------------------------------------------------------------------------


@pytest.fixture
def invited(running_cohort):
    """An enrollment whose hire has not chosen a password yet."""
    hire = HireFactory(display_name="Nia New")
    hire.set_unusable_password()
    hire.save()
    return EnrollmentFactory(cohort=running_cohort, hire=hire)


@pytest.fixture
def admin_api(training_admin):
    client = APIClient()
    client.force_authenticate(training_admin)
    return client


def _invite_url(enrollment) -> str:
    return reverse("cohorts:enrollment_action", args=[enrollment.cohort_id, enrollment.pk, "invite"])


def _api_url(enrollment) -> str:
    return reverse("api-enrollment-invitation", args=[enrollment.pk])


def test_invitation_resend_on_the_web_stops_after_the_limit(admin_client_, invited, mail_sent_now, settings):
    assert settings.THROTTLE_INVITATION_RESEND_PER_INVITEE == "3/hour"
    for _ in range(3):
        assert mail_sent_now(admin_client_, _invite_url(invited)).status_code == 302
    assert len(mail.outbox) == 3

    refused = mail_sent_now(admin_client_, _invite_url(invited))
    assert refused.status_code == 429 and 0 < _retry_after(refused) <= 3600
    page = refused.content.decode()
    assert "sent again several times already" in page and "No email was sent" in page
    assert reverse("cohorts:enrollment", args=[invited.cohort_id, invited.pk]) in page
    assert len(mail.outbox) == 3


def test_invitation_resend_in_the_api_stops_after_the_limit_shared_with_the_web(
    admin_client_, admin_api, invited, mail_sent_now
):
    assert mail_sent_now(admin_client_, _invite_url(invited)).status_code == 302
    for _ in range(2):
        assert mail_sent_now(admin_api, _api_url(invited)).status_code == 202
    assert len(mail.outbox) == 3

    refused = mail_sent_now(admin_api, _api_url(invited))
    assert refused.status_code == 429 and _retry_after(refused) > 0
    assert "sent again several times already" in refused.json()["detail"]
    assert mail_sent_now(admin_client_, _invite_url(invited)).status_code == 429
    assert len(mail.outbox) == 3

    # Another hire's invitation has its own count.
    other = EnrollmentFactory(cohort=invited.cohort, hire=HireFactory())
    other.hire.set_unusable_password()
    other.hire.save()
    assert mail_sent_now(admin_api, _api_url(other)).status_code == 202 and len(mail.outbox) == 4


def test_a_refused_resend_does_not_use_up_the_limit(admin_api, invited, mail_sent_now):
    hire = invited.hire
    hire.set_password("chosen-already-1")
    hire.save()
    for _ in range(4):
        assert mail_sent_now(admin_api, _api_url(invited)).status_code == 400
    hire.set_unusable_password()
    hire.save()
    assert [mail_sent_now(admin_api, _api_url(invited)).status_code for _ in range(4)] == [202, 202, 202, 429]
    assert len(mail.outbox) == 3


# --- API token ------------------------------------------------------------------------------------------


def test_the_token_endpoint_answers_429_with_retry_after_once_locked_out(hire, settings):
    api = APIClient()
    url = reverse("api-token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert api.post(url, {"username": hire.email, "password": "wrong"}).status_code == 400

    for password in (TEST_PASSWORD, "wrong"):
        locked = api.post(url, {"username": hire.email.upper(), "password": password}, format="json")
        assert locked.status_code == 429
        assert locked["Retry-After"] == str(settings.AXES_COOLOFF_TIME * 60 * 60)
        assert "Too many sign-in attempts" in locked.json()["detail"] and "token" not in locked.json()

    # Other credentials from here are still only checked: wrong ones are a 400, right ones get a token.
    other = HireFactory()
    assert api.post(url, {"username": other.email, "password": "wrong"}).status_code == 400
    assert api.post(url, {"username": other.email, "password": TEST_PASSWORD}).json()["token"]
    assert api.post(url, {"username": hire.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_token_endpoint_without_credentials_is_still_a_400():
    api = APIClient()
    assert api.post(reverse("api-token"), {}).status_code == 400
    assert api.post(reverse("api-token"), ["not", "an", "object"], format="json").status_code == 400
