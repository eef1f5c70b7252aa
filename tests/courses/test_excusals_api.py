"""The excusals API: admins list, excuse and revoke through the same services as the enrollment page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from courses import progress
from courses.models import ItemExcusal
from courses.services import excusals
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _items(enrollment):
    return progress.curriculum_due_items(curriculum_id=enrollment.cohort.curriculum_id)


@pytest.fixture
def admin_api(training_admin):
    return _api(training_admin)


@pytest.fixture
def enrollment(hire_enrollment):
    return hire_enrollment


@pytest.fixture
def base(enrollment):
    return f"/api/v1/enrollments/{enrollment.pk}/excusals/"


def test_an_admin_excuses_lists_and_revokes(admin_api, base, enrollment, training_admin):
    item = _items(enrollment)[0]
    created = admin_api.post(base, {"kind": item.kind, "item_id": item.id, "reason": "Did it in a previous role"},
                             format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    excusal = ItemExcusal.objects.get()
    assert created.json() == {
        "id": excusal.pk, "kind": item.kind, "item_id": item.id, "item_title": item.title, "week_number": item.week,
        "reason": "Did it in a previous role", "excused_by": training_admin.display_name,
        "excused_at": created.json()["excused_at"], "revoked_by": None, "revoked_at": None, "standing": True,
    }  # fmt: skip
    assert excusal.excused_by == training_admin and excusal.enrollment == enrollment

    again = admin_api.post(base, {"kind": item.kind, "item_id": item.id, "reason": "Retried"}, format="json")
    assert again.json()["id"] == excusal.pk and ItemExcusal.objects.count() == 1  # a retry: the same excusal

    revoked = admin_api.post(f"{base}{excusal.pk}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["standing"] is False and revoked.json()["revoked_by"] == training_admin.display_name
    assert admin_api.post(f"{base}{excusal.pk}/revoke/").status_code == 200  # twice: nothing more changes

    listed = admin_api.get(base).json()
    assert [(row["id"], row["standing"], row["item_title"]) for row in listed] == [(excusal.pk, False, item.title)]


def test_bad_input_is_a_400_with_the_services_message_and_changes_nothing(admin_api, base, enrollment):
    item = _items(enrollment)[0]
    foreign = _items(EnrollmentFactory(cohort=CohortFactory(curriculum=curriculum_with(slug="other"))))[0]
    outside = admin_api.post(base, {"kind": foreign.kind, "item_id": foreign.id, "reason": "x"}, format="json")
    assert outside.status_code == 400
    assert outside.json() == {"detail": ["That item is not part of this hire's curriculum."]}
    wrong_kind = admin_api.post(base, {"kind": "essay", "item_id": item.id, "reason": "x"}, format="json")
    assert wrong_kind.status_code == 400 and "kind" in wrong_kind.json()
    assert not ItemExcusal.objects.exists()


def test_a_blank_or_long_reason_gets_the_services_words(admin_api, base, enrollment):
    item = _items(enrollment)[0]
    blank = admin_api.post(base, {"kind": item.kind, "item_id": item.id, "reason": "  \n "}, format="json")
    assert blank.status_code == 400
    assert blank.json() == {"detail": ["Give a reason for excusing the item: it is kept on the hire's record."]}
    long = admin_api.post(base, {"kind": item.kind, "item_id": item.id, "reason": "x" * 2001}, format="json")
    assert long.status_code == 400 and long.json() == {"detail": ["Keep the reason under 2000 characters."]}
    assert not ItemExcusal.objects.exists()


def test_non_admins_get_403_and_unknown_ids_404(coach, hire, admin_api, base, enrollment, training_admin):
    item = _items(enrollment)[0]
    excusal = excusals.item_excuse(enrollment=enrollment, kind=item.kind, item_id=item.id, admin=training_admin,
                                   reason="Prior role")  # fmt: skip
    body = {"kind": item.kind, "item_id": item.id, "reason": "x"}
    for person in (coach, hire):
        assert _api(person).get(base).status_code == 403
        assert _api(person).post(base, body, format="json").status_code == 403
        assert _api(person).post(f"{base}{excusal.pk}/revoke/").status_code == 403
    assert APIClient().get(base).status_code in (401, 403)
    assert admin_api.get("/api/v1/enrollments/999999/excusals/").status_code == 404
    assert admin_api.post("/api/v1/enrollments/999999/excusals/", body, format="json").status_code == 404
    assert admin_api.post(f"{base}999999/revoke/").status_code == 404
    other = EnrollmentFactory(cohort=enrollment.cohort, hire=HireFactory())
    assert admin_api.post(f"/api/v1/enrollments/{other.pk}/excusals/{excusal.pk}/revoke/").status_code == 404
    assert ItemExcusal.objects.get().revoked_at is None


def test_the_list_costs_the_same_queries_for_few_or_many_excusals(admin_api, training_admin):
    counts = []
    for size in (1, 8):
        cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=2, slug=f"c{size}"))
        enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory())
        for item in _items(enrollment)[:size]:
            excusal = excusals.item_excuse(enrollment=enrollment, kind=item.kind, item_id=item.id,
                                           admin=training_admin, reason="Prior role")  # fmt: skip
        excusals.item_excusal_revoke(excusal_id=excusal.pk, enrollment=enrollment, admin=training_admin)
        with CaptureQueriesContext(connection) as captured:
            rows = admin_api.get(f"/api/v1/enrollments/{enrollment.pk}/excusals/").json()
        assert len(rows) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]
