"""Withdrawing is confirmed with a reason and can be undone; a salary changes only with an audited reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts import services
from courses.models import Enrollment, EnrollmentEvent, EnrollmentEventKind, EnrollmentStatus
from tests.factories import EnrollmentFactory, HireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(running_cohort):
    """A hire who has not chosen a password yet (still invited)."""
    hire = HireFactory(display_name="Ana Ruiz")
    hire.set_unusable_password()
    hire.save()
    return EnrollmentFactory(cohort=running_cohort, hire=hire, monthly_salary=Decimal("3200.00"))


@pytest.fixture
def api(training_admin):
    client = APIClient()
    client.force_authenticate(training_admin)
    return client


def _page(client, enrollment) -> str:
    return client.get(reverse("cohorts:enrollment", args=[enrollment.cohort_id, enrollment.pk])).content.decode()


def _withdraw_url(enrollment) -> str:
    return reverse("cohorts:enrollment_withdraw", args=[enrollment.cohort_id, enrollment.pk])


def _action_url(enrollment, action: str) -> str:
    return reverse("cohorts:enrollment_action", args=[enrollment.cohort_id, enrollment.pk, action])


def _state(enrollment) -> tuple:
    row = Enrollment.objects.get(pk=enrollment.pk)
    return row.status, row.monthly_salary, EnrollmentEvent.objects.filter(enrollment=row).count()


# --- Withdrawing is a confirmed step --------------------------------------------------------------


def test_withdraw_on_the_hires_page_leads_to_a_confirmation_naming_the_hire(admin_client_, ana):
    page = _page(admin_client_, ana)
    assert f'href="{_withdraw_url(ana)}"' in page
    assert "Withdraw Ana Ruiz</button>" not in page  # no one-click withdrawal on the hire's page
    confirmation = admin_client_.get(_withdraw_url(ana))
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert '<button type="submit" class="button">Withdraw Ana Ruiz</button>' in html
    assert 'name="reason"' in html and "required" in html
    assert _state(ana)[0] == EnrollmentStatus.ACTIVE


@pytest.mark.parametrize("data", [{}, {"reason": "   "}, {"note": "Took another job"}])
def test_a_bare_post_does_not_withdraw(admin_client_, ana, data):
    before = _state(ana)
    response = admin_client_.post(_withdraw_url(ana), data)
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    assert _state(ana) == before


def test_withdrawing_with_a_reason_keeps_it_in_the_history(admin_client_, ana, training_admin):
    response = admin_client_.post(_withdraw_url(ana), {"reason": "Took another job"}, follow=True)
    assert "Ana Ruiz is withdrawn" in response.content.decode()
    event = EnrollmentEvent.objects.get(enrollment=ana, kind=EnrollmentEventKind.WITHDRAWN)
    assert (event.note, event.actor) == ("Took another job", training_admin)
    assert _state(ana)[0] == EnrollmentStatus.WITHDRAWN
    again = admin_client_.get(_withdraw_url(ana), follow=True).content.decode()
    assert "Only a hire in training can be withdrawn" in again


# --- A withdrawn hire ---------------------------------------------------------------------------------


def test_a_withdrawn_hires_page_offers_reinstate_and_no_invitation(admin_client_, ana, training_admin):
    assert "Send the invitation again" in _page(admin_client_, ana)
    services.enrollment_withdraw(enrollment=ana, actor=training_admin, reason="Took another job")
    page = _page(admin_client_, ana)
    assert "Send the invitation again" not in page
    assert _withdraw_url(ana) not in page
    assert "Reinstate Ana Ruiz</button>" in page
    hires = admin_client_.get(reverse("cohorts:hires", args=[ana.cohort_id])).content.decode()
    assert '<span class="tag">invited</span>' not in hires


def test_the_invitation_is_refused_for_a_withdrawn_hire(admin_client_, ana, training_admin, api):
    services.enrollment_withdraw(enrollment=ana, actor=training_admin, reason="Took another job")
    with pytest.raises(ValidationError, match="only for hires in training"):
        services.hire_invite(enrollment=ana)
    page = admin_client_.post(_action_url(ana, "invite"), follow=True).content.decode()
    assert "only for hires in training" in page
    assert api.post(f"/api/v1/enrollments/{ana.pk}/invitation/").status_code == 400


def test_reinstating_from_the_page_needs_a_reason(admin_client_, ana, training_admin):
    services.enrollment_withdraw(enrollment=ana, actor=training_admin, reason="Took another job")
    before = _state(ana)
    refused = admin_client_.post(_action_url(ana, "reinstate"), {}, follow=True).content.decode()
    assert "Give a reason to reinstate" in refused
    assert _state(ana) == before
    done = admin_client_.post(_action_url(ana, "reinstate"), {"reason": "The job fell through"}, follow=True)
    assert "Ana Ruiz is back in training" in done.content.decode()
    event = EnrollmentEvent.objects.get(enrollment=ana, kind=EnrollmentEventKind.REINSTATED)
    assert (event.note, event.actor) == ("The job fell through", training_admin)
    assert _state(ana)[0] == EnrollmentStatus.ACTIVE
    assert "Reinstated: The job fell through" in _page(admin_client_, ana)


def test_withdrawing_and_reinstating_through_the_api(api, ana, training_admin):
    assert api.post(f"/api/v1/enrollments/{ana.pk}/withdraw/", {}).status_code == 400
    assert _state(ana)[0] == EnrollmentStatus.ACTIVE
    withdrawn = api.post(f"/api/v1/enrollments/{ana.pk}/withdraw/", {"reason": "Took another job"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == EnrollmentStatus.WITHDRAWN
    refused = api.post(f"/api/v1/enrollments/{ana.pk}/reinstate/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    reinstated = api.post(f"/api/v1/enrollments/{ana.pk}/reinstate/", {"reason": "Back"}, format="json")
    assert reinstated.status_code == 200 and reinstated.json()["status"] == EnrollmentStatus.ACTIVE
    again = api.post(f"/api/v1/enrollments/{ana.pk}/reinstate/", {"reason": "Back"}, format="json")
    assert again.status_code == 400 and "Only a withdrawn hire" in str(again.json())
    assert list(EnrollmentEvent.objects.filter(enrollment=ana).order_by("id").values_list("kind", "actor")) == [
        (EnrollmentEventKind.WITHDRAWN, training_admin.pk),
        (EnrollmentEventKind.REINSTATED, training_admin.pk),
    ]


def test_django_admin_withdraws_and_reinstates_only_with_a_reason(admin_client_, ana):
    url = reverse("admin:courses_enrollment_changelist")
    asked = admin_client_.post(url, {"action": "withdraw", "_selected_action": [ana.pk]})
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    admin_client_.post(url, {"action": "withdraw", "_selected_action": [ana.pk], "apply": "1", "reason": ""})
    assert _state(ana)[0] == EnrollmentStatus.ACTIVE
    admin_client_.post(url, {"action": "withdraw", "_selected_action": [ana.pk], "apply": "1", "reason": "Left"})
    assert _state(ana)[0] == EnrollmentStatus.WITHDRAWN
    admin_client_.post(url, {"action": "reinstate", "_selected_action": [ana.pk], "apply": "1", "reason": "Back"})
    assert _state(ana)[0] == EnrollmentStatus.ACTIVE
    kinds = EnrollmentEvent.objects.filter(enrollment=ana).order_by("id").values_list("kind", flat=True)
    assert list(kinds) == [EnrollmentEventKind.WITHDRAWN, EnrollmentEventKind.REINSTATED]


# --- Salary ----------------------------------------------------------------------------------------------


def test_the_page_changes_the_salary_with_an_event_keeping_old_and_new(admin_client_, ana, training_admin):
    page = _page(admin_client_, ana)
    assert "Change salary" in page and "New monthly salary (USD)" in page
    response = admin_client_.post(
        _action_url(ana, "salary"), {"monthly_salary": "3450.50", "reason": "Regional rate"}, follow=True
    )
    html = response.content.decode()
    assert "monthly salary is now 3,450.50 USD" in html
    assert "Salary changed: 3,200.00 → 3,450.50 USD: Regional rate" in html
    event = EnrollmentEvent.objects.get(enrollment=ana, kind=EnrollmentEventKind.SALARY_CHANGED)
    assert event.actor == training_admin
    assert event.data == {"monthly_salary": ["3200.00", "3450.50"], "currency": "USD", "reason": "Regional rate"}
    assert Enrollment.objects.get(pk=ana.pk).monthly_salary == Decimal("3450.50")


@pytest.mark.parametrize(
    "data",
    [
        {"monthly_salary": "-1", "reason": "Cut"},
        {"monthly_salary": "abc", "reason": "Typo"},
        {"monthly_salary": "12.345", "reason": "Too precise"},
        {"monthly_salary": "100000000", "reason": "Too big"},
        {"monthly_salary": "", "reason": "Empty"},
        {"monthly_salary": "3300"},
        {"monthly_salary": "3300", "reason": "  "},
        {"monthly_salary": "3200.00", "reason": "The same"},
    ],
)
def test_a_bad_salary_change_from_the_page_is_refused_and_changes_nothing(admin_client_, ana, data):
    before = _state(ana)
    response = admin_client_.post(_action_url(ana, "salary"), data, follow=True)
    assert 'class="message message-error"' in response.content.decode()
    assert _state(ana) == before


def test_the_api_changes_the_salary_through_the_same_rules(api, ana):
    url = f"/api/v1/enrollments/{ana.pk}/salary/"
    assert api.post(url, {"monthly_salary": "3300"}, format="json").status_code == 400
    assert api.post(
        f"/api/v1/enrollments/{ana.pk}/salary/", {"monthly_salary": "-3", "reason": "x"}, format="json"
    ).status_code == 400  # fmt: skip
    changed = api.post(f"/api/v1/enrollments/{ana.pk}/salary/", {"monthly_salary": "3300", "reason": "Raise"},
                       format="json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["monthly_salary"] == "3300.00"
    event = EnrollmentEvent.objects.get(enrollment=ana, kind=EnrollmentEventKind.SALARY_CHANGED)
    assert event.data["monthly_salary"] == ["3200.00", "3300.00"]


def test_the_django_admin_changes_a_salary_only_through_its_action(admin_client_, ana):
    change_url = reverse("admin:courses_enrollment_change", args=[ana.pk])
    form = admin_client_.get(change_url).content.decode()
    assert 'name="monthly_salary"' not in form  # read-only on the change page
    admin_client_.post(change_url, {"monthly_salary": "9999.00", "_save": "Save"})
    assert _state(ana)[1] == Decimal("3200.00") and not EnrollmentEvent.objects.filter(enrollment=ana).exists()

    url = reverse("admin:courses_enrollment_changelist")
    admin_client_.post(url, {"action": "change_salary", "_selected_action": [ana.pk], "apply": "1",
                             "monthly_salary": "3350", "reason": ""})  # fmt: skip
    assert _state(ana)[1] == Decimal("3200.00")
    admin_client_.post(url, {"action": "change_salary", "_selected_action": [ana.pk], "apply": "1",
                             "monthly_salary": "3350", "reason": "Payroll correction"})  # fmt: skip
    event = EnrollmentEvent.objects.get(enrollment=ana, kind=EnrollmentEventKind.SALARY_CHANGED)
    assert event.data["monthly_salary"] == ["3200.00", "3350.00"] and event.data["reason"] == "Payroll correction"


@pytest.mark.parametrize("typed", ["3450,50", "3.450,50", "3 450,50"])
def test_every_salary_change_path_reads_a_decimal_comma_without_changing_the_magnitude(admin_client_, api, ana, typed):
    admin_client_.post(_action_url(ana, "salary"), {"monthly_salary": typed, "reason": "Regional rate"})
    assert Enrollment.objects.get(pk=ana.pk).monthly_salary == Decimal("3450.50")
    services.enrollment_salary_change(enrollment=ana, monthly_salary="3200.00", actor=None, reason="Back")
    answer = api.post(f"/api/v1/enrollments/{ana.pk}/salary/", {"monthly_salary": typed, "reason": "Raise"},
                      format="json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["monthly_salary"] == "3450.50"


def test_a_salary_that_could_be_read_two_ways_is_refused_by_the_service(ana):
    with pytest.raises(ValidationError, match="3,450"):
        services.enrollment_salary_change(enrollment=ana, monthly_salary="3,450", actor=None, reason="Raise")
    assert Enrollment.objects.get(pk=ana.pk).monthly_salary == Decimal("3200.00")


def test_the_hires_list_and_the_hire_page_show_the_salary_as_money(admin_client_, ana):
    assert "3,200.00 USD" in _page(admin_client_, ana)
    assert "3,200.00 USD" in admin_client_.get(reverse("cohorts:hires", args=[ana.cohort_id])).content.decode()
