"""An admin imports a semicolon-separated file with decimal commas, as European spreadsheets save it, and
sees each salary as it will be stored before anything is written."""

from decimal import Decimal

import pytest

from courses.models import Enrollment
from tests.factories import CohortFactory, curriculum_with

pytestmark = pytest.mark.django_db(transaction=True)

EUROPEAN_CSV = (
    "email;name;time_zone;salary\n"
    "ines.new@academy.test;Inés Nueva;Europe/Madrid;3100,50\n"
    "lars.new@academy.test;Lars Neu;Europe/Berlin;3.250,00\n"
).encode()


def test_an_admin_imports_decimal_commas_and_the_salaries_keep_their_magnitude(page, sign_in, training_admin, tmp_path):
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

    page.get_by_role("button", name="Import 2 hires").click()
    page.wait_for_url(f"**/cohorts/{cohort.pk}/")
    assert "2 new hires invited" in page.content()
    salaries = dict(Enrollment.objects.filter(cohort=cohort).values_list("hire__email", "monthly_salary"))
    assert salaries == {"ines.new@academy.test": Decimal("3100.50"), "lars.new@academy.test": Decimal("3250.00")}
