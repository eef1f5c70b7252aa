"""An admin's outcomes round: the cohort report, one hire's 90-day status recorded by hand, then the rest
from a CSV file, checked first and imported in one step."""

import pytest

from outcomes.models import RetentionCheck
from tests.outcomes.support import day_iso, known_outcomes, outcomes_cohort

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_reads_the_report_records_one_hire_and_imports_the_rest(
    page, sign_in, screenshot, coach, training_admin, tmp_path
):
    cohort = outcomes_cohort(name="Spring cohort")
    cohort.coaches.add(coach)
    hires = known_outcomes(cohort, coach, training_admin)
    ben, fay = hires["Ben"], hires["Fay"]

    sign_in(training_admin)
    page.goto(f"/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Outcomes report").click()
    page.wait_for_load_state("networkidle")
    readiness = page.get_by_role("region", name="Retention by readiness for nesting")
    assert readiness.locator("svg").count() == 1 and readiness.get_by_role("table").is_visible()
    assert page.get_by_test_id("hires").locator(f'[data-hire="{ben.hire.email}"] [data-cell="90"]').inner_text()
    screenshot("admin-outcomes-report")

    page.get_by_role("link", name="Record Ben at 90 days").click()
    page.get_by_label("Left", exact=True).check()
    page.get_by_label("Left on").fill(day_iso(ben.checkpoint.decisions.get(), 50))
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Ben at 90 days: Left.").is_visible()
    cell = page.get_by_test_id("hires").locator(f'[data-hire="{ben.hire.email}"] [data-cell="90"]')
    assert cell.get_attribute("data-state") == "left"

    upload = tmp_path / "retention.csv"
    upload.write_text(
        "email,days,status,left_on,note\n"
        f"{fay.hire.email},30,retained,,\n"
        f"{fay.hire.email},60,retained,,\n"
        f"{fay.hire.email},90,retained,,Team lead track\n"
        "nobody@academy.test,30,retained,,\n"
    )
    page.get_by_role("link", name="Import retention (CSV)").click()
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Nothing was written. The import is all or nothing").is_visible()
    assert not RetentionCheck.objects.filter(enrollment=fay).exists()

    upload.write_text("\n".join(upload.read_text().splitlines()[:-1]) + "\n")  # the unknown hire taken out
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("import-counts").inner_text().startswith("3 rows: 3 new")
    screenshot("admin-retention-import")
    page.get_by_role("button", name="Import 3 rows").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Imported retention.csv: 3 new").is_visible()
    states = page.get_by_test_id("hires").locator(f'[data-hire="{fay.hire.email}"] td[data-state]')
    assert [states.nth(i).get_attribute("data-state") for i in range(3)] == ["retained"] * 3
