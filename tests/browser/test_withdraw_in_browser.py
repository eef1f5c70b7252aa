"""A training manager withdraws a hire, with the confirmation and a reason, reinstates her, and changes her
salary; each step shows in her history."""

from decimal import Decimal

import pytest

from courses.models import Enrollment, EnrollmentStatus
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db(transaction=True)


def test_withdraw_is_confirmed_and_reinstate_undoes_it(page, sign_in, training_admin):
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1), time_zone="UTC", name="March cohort")
    ana = HireFactory(display_name="Ana Ruiz")
    ana.set_unusable_password()  # still invited: she has not chosen a password
    ana.save()
    enrollment = EnrollmentFactory(cohort=cohort, hire=ana, monthly_salary=Decimal("3200.00"))
    sign_in(training_admin)
    page.goto(f"/cohorts/{cohort.pk}/hires/{enrollment.pk}/")
    assert page.get_by_role("button", name="Send the invitation again").count() == 1

    page.get_by_role("link", name="Withdraw…").click()
    assert page.get_by_role("heading", name="Withdraw Ana Ruiz?").is_visible()
    confirm = page.get_by_role("button", name="Withdraw Ana Ruiz")
    confirm.click()  # the reason is required: the browser keeps the form here
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE
    page.get_by_label("Reason (kept in the history)").fill("Took another job")
    confirm.click()
    page.wait_for_load_state("networkidle")
    assert "Ana Ruiz is withdrawn" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Send the invitation again").count() == 0

    page.locator("#reinstate-reason").fill("The other job fell through")
    page.get_by_role("button", name="Reinstate Ana Ruiz").click()
    page.wait_for_load_state("networkidle")
    assert "Ana Ruiz is back in training" in page.get_by_role("status").inner_text()

    page.get_by_label("New monthly salary (USD)").fill("3400")
    page.locator("#salary-reason").fill("Regional rate")
    page.get_by_role("button", name="Change salary").click()
    page.wait_for_load_state("networkidle")
    history = page.locator("#events-title + ul").inner_text()
    assert "Salary changed: 3,200.00 → 3,400.00 USD: Regional rate" in history
    assert "Reinstated: The other job fell through" in history
    assert "Withdrawn: Took another job" in history
    assert Enrollment.objects.get(pk=enrollment.pk).monthly_salary == Decimal("3400.00")
