import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_with_email_lands_on_the_role_page(client, coach):
    response = client.post(reverse("login"), {"username": coach.email.upper(), "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("coaching:queue")


def test_a_wrong_password_shows_a_clear_error(client, hire):
    response = client.post(reverse("login"), {"username": hire.email, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()


def test_repeated_failures_lock_the_login_for_that_email(client, hire, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": hire.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": hire.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_sign_out_is_a_post_and_ends_the_session(hire_client):
    assert hire_client.get(reverse("courses:my_training")).status_code == 200
    hire_client.post(reverse("logout"))
    assert hire_client.get(reverse("courses:my_training")).status_code == 302


def test_password_change(hire_client, hire):
    response = hire_client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "breathing-space-70", "new_password2": "breathing-space-70"},
    )
    assert response.status_code == 302
    hire.refresh_from_db()
    assert hire.check_password("breathing-space-70")


def test_profile_update_validates_the_time_zone(hire_client, hire):
    response = hire_client.post(reverse("accounts:profile"), {"display_name": "Hana H.", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = hire_client.post(reverse("accounts:profile"), {"display_name": "Hana H.", "time_zone": "Asia/Kolkata"})
    assert response.status_code == 302
    hire.refresh_from_db()
    assert (hire.display_name, hire.time_zone) == ("Hana H.", "Asia/Kolkata")
