"""An admin's main job end to end: import a semicolon-separated file with decimal commas, as European
spreadsheets save it (each salary previewed as it will be stored), confirm, then withdraw a hire with
the confirmation and reinstate her."""

from decimal import Decimal

import pytest

from courses.models import Enrollment, EnrollmentStatus
from tests.factories import CohortFactory, curriculum_with

pytestmark = pytest.mark.django_db(transaction=True)

EUROPEAN_CSV = (
    "email;name;time_zone;salary\n"
    "ines.new@academy.test;Inés Nueva;Europe/Madrid;3100,50\n"
    "lars.new@academy.test;Lars Neu;Europe/Berlin;3.250,00\n"
).encode()


def test_an_admin_imports_decimal_commas_withdraws_and_reinstates(page, sign_in, screenshot, training_admin, tmp_path):
    cohort = CohortFactory(name="Madrid Loyalty Cohort", curriculum=curriculum_with(lessons_per_week=1),
                           time_zone="Europe/Madrid", currency="EUR")  # fmt: skip
    upload = tmp_path / "madrid.csv"
    upload.write_bytes(EUROPEAN_CSV)

    sign_in(training_admin)
    page.goto(f"/cohorts/{cohort.pk}/import/")
    page.get_by_label("CSV file", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_test_id("salary-line-2").inner_text() == "3,100.50 EUR"
    assert page.get_by_test_id("salary-line-3").inner_text() == "3,250.00 EUR"
    assert "decimal comma" in page.get_by_test_id("import-conventions").inner_text()
    assert not Enrollment.objects.filter(cohort=cohort).exists()  # nothing until confirmed
    screenshot("admin-import-preview")

    page.get_by_role("button", name="Import 2 hires").click()
    page.wait_for_url(f"**/cohorts/{cohort.pk}/")
    assert "2 new hires invited" in page.content()
    salaries = dict(Enrollment.objects.filter(cohort=cohort).values_list("hire__email", "monthly_salary"))
    assert salaries == {"ines.new@academy.test": Decimal("3100.50"), "lars.new@academy.test": Decimal("3250.00")}

    # Withdrawing is confirmed on its own page, with a reason; reinstating undoes it.
    page.goto(f"/cohorts/{cohort.pk}/hires/")
    page.get_by_role("link", name="Inés Nueva").click()
    page.get_by_role("link", name="Withdraw…").click()
    confirm = page.get_by_role("button", name="Withdraw Inés Nueva")
    confirm.click()  # no reason yet: the browser keeps the form and nothing changes
    ines = Enrollment.objects.get(hire__email="ines.new@academy.test")
    assert ines.status == EnrollmentStatus.ACTIVE
    page.get_by_label("Reason (kept in the history)").fill("Accepted another offer")
    screenshot("admin-withdraw-confirm")
    confirm.click()
    page.wait_for_load_state("networkidle")
    assert "Inés Nueva is withdrawn" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Send the invitation again").count() == 0
    ines.refresh_from_db()
    assert ines.status == EnrollmentStatus.WITHDRAWN

    page.locator("#reinstate-reason").fill("The other offer fell through")
    page.get_by_role("button", name="Reinstate Inés Nueva").click()
    page.wait_for_load_state("networkidle")
    assert "Inés Nueva is back in training" in page.get_by_role("status").inner_text()
    ines.refresh_from_db()
    assert ines.status == EnrollmentStatus.ACTIVE and ines.monthly_salary == Decimal("3100.50")
    history = page.locator("#events-title + ul").inner_text()
    assert "Withdrawn: Accepted another offer" in history and "Reinstated: The other offer fell through" in history
