"""The commitment checkpoint end to end: the hire decides in two steps, the admin follows the
outcome and downloads the payroll export, and the certificate can be checked by anyone."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from checkpoint import services
from checkpoint.models import Decision
from tests.checkpoint.support import complete_training
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checkpoint_open(coach, hire, training_admin):
    cohort = CohortFactory(
        name="November Loyalty Cohort",
        curriculum=curriculum_with(lessons_per_week=1),
        start_date=timezone.now().date() - datetime.timedelta(days=43),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    enrollment = EnrollmentFactory(cohort=cohort, hire=hire, monthly_salary=Decimal("3400.00"))
    complete_training(enrollment, training_admin)  # so committing earns the certificate of completion
    leaver = HireFactory(display_name="Lee Leaver", email="lee.leaver@academy.test")
    EnrollmentFactory(cohort=cohort, hire=leaver, monthly_salary=Decimal("3100.00"))
    services.checkpoints_open_due()
    services.checkpoint_decide(hire=leaver, checkpoint_id=leaver.enrollments.get().checkpoint.pk, choice="offer",
                               confirm="offer", offer_text_version=1)  # fmt: skip
    return cohort


def test_a_hire_commits_the_admin_sees_it_and_the_certificate_verifies(
    page, sign_in, screenshot, hire, training_admin, checkpoint_open
):
    sign_in(hire)
    page.get_by_role("link", name="Go to your checkpoint").click()
    page.wait_for_url("**/checkpoint/")
    assert "3,400.00" in page.get_by_test_id("offer-amount").inner_text()
    page.get_by_label("Commit to the role.").check()
    page.get_by_label("Reflection (optional)").fill("The grieving-spouse role-play showed me why this job matters.")
    screenshot("hire-checkpoint")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkpoint/confirm/")
    assert not Decision.objects.filter(checkpoint__enrollment__hire=hire).exists()  # nothing until confirmed
    page.get_by_role("button", name="Yes, I commit to the role").click()
    page.wait_for_url("**/checkpoint/")
    outcome = page.get_by_test_id("outcome")
    assert "You committed to the role" in outcome.inner_text()
    code = Decision.objects.get(checkpoint__enrollment__hire=hire).certificate.code

    with page.expect_response(f"**/certificates/{code}.png") as image:
        page.get_by_role("link", name="Open your certificate").click()
    assert image.value.status == 200 and image.value.header_value("content-type") == "image/png"
    page.goto(f"/certificates/{code}/")
    verification = page.get_by_test_id("verification")
    assert hire.display_name in verification.inner_text() and "genuine" in verification.inner_text()
    assert page.get_by_role("img", name=f"Certificate of completion for {hire.display_name}").is_visible()

    page.context.clear_cookies()
    sign_in(training_admin)
    page.get_by_role("link", name="Checkpoints").click()
    page.get_by_role("link", name="November Loyalty Cohort").click()
    counts = page.get_by_test_id("counts")
    assert counts.locator('[data-state="committed"]').inner_text() == "1"
    assert counts.locator('[data-state="took_offer"]').inner_text() == "1"
    assert "Committed" in page.locator(f'tr[data-hire="{hire.email}"]').inner_text()
    screenshot("admin-checkpoint")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download payroll export (CSV)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "name,email,amount,currency,decision_time,cohort"
    assert len(lines) == 2 and lines[1].startswith("Lee Leaver,lee.leaver@academy.test,3100.00,USD,")
