"""The cohort API: the same services and rules as the pages."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import User
from cohorts.models import CohortEvent
from courses.models import Cohort, Enrollment, EnrollmentStatus
from tests.cohorts.conftest import csv_bytes
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, curriculum_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(training_admin):
    client = APIClient()
    client.force_authenticate(training_admin)
    return client


def test_create_read_update_and_archive_a_cohort(api):
    curriculum = curriculum_with(lessons_per_week=1)
    data = {
        "name": "May 2027",
        "curriculum": curriculum.pk,
        "start_date": "2027-05-03",
        "time_zone": "UTC",
        "grading_target_hours": 24,
        "checkpoint_window_days": 10,
        "offer_salary_months": "2.00",
        "currency": "gbp",
    }
    created = api.post("/api/v1/cohorts/", data, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["slug"] == "may-2027" and body["currency"] == "GBP" and body["checkpoint_window_days"] == 10
    pk = body["id"]
    assert api.get("/api/v1/cohorts/").json()["results"][0]["id"] == pk

    bad = api.patch(f"/api/v1/cohorts/{pk}/", {"checkpoint_opens_on": "2027-01-01"}, format="json")
    assert bad.status_code == 400 and "checkpoint opens after" in str(bad.json())
    patched = api.patch(f"/api/v1/cohorts/{pk}/", {"name": "May cohort"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "May cohort"

    coach = CoachFactory()
    assert api.post(f"/api/v1/cohorts/{pk}/coaches/", {"coach": coach.pk}).json()["coaches"][0]["id"] == coach.pk
    assert api.delete(f"/api/v1/cohorts/{pk}/coaches/{coach.pk}/").status_code == 204
    assert api.post(f"/api/v1/cohorts/{pk}/archive/").json()["archived_at"] is not None
    assert api.get("/api/v1/cohorts/").json()["count"] == 0
    assert api.get("/api/v1/cohorts/?archived=true").json()["count"] == 1
    assert api.delete(f"/api/v1/cohorts/{pk}/archive/").json()["archived_at"] is None
    assert list(CohortEvent.objects.filter(cohort_id=pk).order_by("id").values_list("kind", flat=True)) == [
        "created",
        "edited",
        "coach_assigned",
        "coach_unassigned",
        "archived",
        "unarchived",
    ]


def test_archiving_a_cohort_in_training_is_refused(api, running_cohort, hire):
    EnrollmentFactory(cohort=running_cohort, hire=hire)
    response = api.post(f"/api/v1/cohorts/{running_cohort.pk}/archive/")
    assert response.status_code == 400 and "still in training" in str(response.json())


def test_bulk_import_dry_run_then_confirm(api, running_cohort, django_capture_on_commit_callbacks):
    bad = csv_bytes("ana.new@academy.test,Ana,UTC,3000,", "oops,Bad,UTC,3000,")
    report = api.post(
        f"/api/v1/cohorts/{running_cohort.pk}/imports/preview/",
        {"file": SimpleUploadedFile("hires.csv", bad, "text/csv")},
        format="multipart",
    ).json()
    assert report["ok"] is False and report["valid_rows"] == 1 and report["confirmation"]
    assert [(r["line"], r["action"]) for r in report["rows"]] == [(2, "create"), (3, "error")]
    assert "not a valid email" in report["rows"][1]["problems"][0]
    assert not User.objects.filter(email="ana.new@academy.test").exists()
    refused = api.post(
        f"/api/v1/cohorts/{running_cohort.pk}/imports/",
        {"file": SimpleUploadedFile("hires.csv", bad, "text/csv")},
        format="multipart",
    )
    assert refused.status_code == 400 and "Line 3" in str(refused.json())
    refused = api.post(
        f"/api/v1/cohorts/{running_cohort.pk}/imports/", {"confirmation": report["confirmation"]}, format="json"
    )
    assert refused.status_code == 400 and "Line 3" in str(refused.json())  # all or nothing unless valid_only
    assert not User.objects.filter(email="ana.new@academy.test").exists()

    good = csv_bytes("ana.new@academy.test,Ana,UTC,3000,", "bo.new@academy.test,Bo,UTC,3100,")
    report = api.post(
        f"/api/v1/cohorts/{running_cohort.pk}/imports/preview/",
        {"file": SimpleUploadedFile("hires.csv", good, "text/csv")},
        format="multipart",
    ).json()
    assert report["ok"] and report["counts"] == {"create": 2, "enrol": 0, "exists": 0, "error": 0}
    with django_capture_on_commit_callbacks(execute=False):
        done = api.post(
            f"/api/v1/cohorts/{running_cohort.pk}/imports/", {"confirmation": report["confirmation"]}, format="json"
        )
    assert done.status_code == 201 and done.json()["created_count"] == 2
    assert Enrollment.objects.filter(cohort=running_cohort).count() == 2
    other = CohortFactory(curriculum=running_cohort.curriculum)
    wrong = api.post(f"/api/v1/cohorts/{other.pk}/imports/", {"confirmation": report["confirmation"]}, format="json")
    assert wrong.status_code == 400 and "another cohort" in str(wrong.json())


def test_enrollments_add_move_pause_withdraw(api, running_cohort, training_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        added = api.post(
            f"/api/v1/cohorts/{running_cohort.pk}/enrollments/",
            {"email": "kai.new@academy.test", "name": "Kai", "time_zone": "UTC", "monthly_salary": "3300"},
            format="json",
        )
    assert added.status_code == 201 and added.json()["invited"] is True
    pk = added.json()["id"]
    assert api.get(f"/api/v1/cohorts/{running_cohort.pk}/enrollments/").json()["count"] == 1
    assert api.post(f"/api/v1/enrollments/{pk}/pause/", {"note": "Leave"}).json()["status"] == "paused"
    assert api.post(f"/api/v1/enrollments/{pk}/pause/").status_code == 400
    assert api.post(f"/api/v1/enrollments/{pk}/resume/").json()["status"] == "active"
    elsewhere = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, version=3))
    refused = api.post(f"/api/v1/enrollments/{pk}/move/", {"cohort": elsewhere.pk})
    assert refused.status_code == 400 and "same curriculum version" in str(refused.json())
    target = CohortFactory(curriculum=running_cohort.curriculum)
    assert api.post(f"/api/v1/enrollments/{pk}/move/", {"cohort": target.pk}).json()["cohort"] == target.pk
    withdrawn = api.post(f"/api/v1/enrollments/{pk}/withdraw/", {"reason": "Left"})
    assert withdrawn.json()["status"] == EnrollmentStatus.WITHDRAWN
    enrollment = Enrollment.objects.get(pk=pk)
    assert enrollment.monthly_salary == Decimal("3300.00")
    assert list(enrollment.events.order_by("id").values_list("kind", flat=True)) == [
        "enrolled",
        "paused",
        "resumed",
        "moved",
        "withdrawn",
    ]


def test_dashboard_figures(api, running_cohort, hire):
    EnrollmentFactory(cohort=running_cohort, hire=hire)
    data = api.get(f"/api/v1/cohorts/{running_cohort.pk}/dashboard/").json()
    assert data["cohort"] == running_cohort.pk and len(data["weeks"]) == 6
    assert data["weeks"][0] == {"number": 1, "title": "Week 1 title", "done": 0, "due": 0, "overdue": 1, "locked": 0}
    hire_row = data["hires"][0]
    assert hire_row["email"] == hire.email and hire_row["weeks"][:3] == ["overdue", "overdue", "locked"]
    assert hire_row["at_risk"][0].startswith("Behind schedule")
    assert data["coaching"]["queue_size"] == 0 and data["checkpoint"]["not_open"] == 1


def test_the_schema_describes_the_cohort_api(admin_client_):
    schema = admin_client_.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/cohorts/",
        "/api/v1/cohorts/{id}/imports/preview/",
        "/api/v1/cohorts/{id}/dashboard/",
        "/api/v1/enrollments/{id}/move/",
    ):
        assert path in schema["paths"], path
    assert Cohort.objects.count() == 0
