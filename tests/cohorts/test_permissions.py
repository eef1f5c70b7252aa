"""Cohort management is for admins: coaches and hires get 403 on every page and API route; visitors sign in."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(running_cohort, hire, coach):
    enrollment = EnrollmentFactory(cohort=running_cohort, hire=hire)
    c, e = running_cohort.pk, enrollment.pk
    pages = [
        ("get", reverse("cohorts:list")),
        ("get", reverse("cohorts:create")),
        ("post", reverse("cohorts:create")),
        ("get", reverse("cohorts:dashboard", args=[c])),
        ("get", reverse("cohorts:edit", args=[c])),
        ("post", reverse("cohorts:archive", args=[c])),
        ("get", reverse("cohorts:coaches", args=[c])),
        ("post", reverse("cohorts:coach_remove", args=[c, coach.pk])),
        ("get", reverse("cohorts:hires", args=[c])),
        ("post", reverse("cohorts:hire_add", args=[c])),
        ("get", reverse("cohorts:enrollment", args=[c, e])),
        ("post", reverse("cohorts:enrollment_action", args=[c, e, "withdraw"])),
        ("post", reverse("cohorts:import", args=[c])),
        ("get", reverse("cohorts:export", args=[c, "progress"])),
    ]
    api = [
        ("get", "/api/v1/cohorts/"),
        ("post", "/api/v1/cohorts/"),
        ("get", f"/api/v1/cohorts/{c}/"),
        ("patch", f"/api/v1/cohorts/{c}/"),
        ("post", f"/api/v1/cohorts/{c}/archive/"),
        ("post", f"/api/v1/cohorts/{c}/coaches/"),
        ("delete", f"/api/v1/cohorts/{c}/coaches/{coach.pk}/"),
        ("get", f"/api/v1/cohorts/{c}/enrollments/"),
        ("post", f"/api/v1/cohorts/{c}/enrollments/"),
        ("post", f"/api/v1/cohorts/{c}/imports/preview/"),
        ("post", f"/api/v1/cohorts/{c}/imports/"),
        ("get", f"/api/v1/cohorts/{c}/dashboard/"),
        ("get", f"/api/v1/enrollments/{e}/"),
        ("post", f"/api/v1/enrollments/{e}/move/"),
        ("post", f"/api/v1/enrollments/{e}/pause/"),
        ("post", f"/api/v1/enrollments/{e}/withdraw/"),
        ("post", f"/api/v1/enrollments/{e}/invitation/"),
    ]
    return pages, api, enrollment


@pytest.mark.parametrize("person", ["hire", "coach"])
def test_coaches_and_hires_get_403_everywhere(request, client_for, targets, person):
    user = request.getfixturevalue(person)
    pages, api, enrollment = targets
    client = client_for(user)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url
    api_client = APIClient()
    api_client.force_authenticate(user)
    for method, url in api:
        assert getattr(api_client, method)(url, {}).status_code == 403, url
    enrollment.refresh_from_db()
    assert enrollment.status == "active" and not enrollment.events.exists()


def test_visitors_are_sent_to_sign_in(client, targets):
    pages, api, _ = targets
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    for method, url in api:
        assert getattr(APIClient(), method)(url, {}).status_code in {401, 403}, url


@pytest.mark.parametrize("person", ["hire", "coach"])
def test_the_django_admin_is_closed_to_them(request, client_for, person, running_cohort):
    client = client_for(request.getfixturevalue(person))
    for url in (
        reverse("admin:courses_cohort_changelist"),
        reverse("admin:cohorts_cohort_import", args=[running_cohort.pk]),
        reverse("admin:cohorts_enrollmentimport_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_admin_lands_on_cohorts_and_sees_the_entry(admin_client_):
    response = admin_client_.get(reverse("home"))
    assert response.url == reverse("cohorts:list")
    assert (
        f'<a href="{reverse("cohorts:list")}" aria-current="page">Cohorts</a>'
        in admin_client_.get(response.url).content.decode()
    )
