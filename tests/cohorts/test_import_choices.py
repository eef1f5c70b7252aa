"""The import's template, and the choice to import only the valid rows: on the page, in the Django admin
and through the API, all by the same service."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from cohorts import services
from cohorts.imports import REQUIRED_COLUMNS
from cohorts.models import CohortEvent, EnrollmentImport
from courses.models import Enrollment
from tests.cohorts.conftest import csv_bytes
from tests.conftest import tasks_queued

pytestmark = pytest.mark.django_db

MIXED = [
    "ana.new@academy.test,Ana New,UTC,3200,",  # 2
    "not-an-email,Bad,UTC,3000,",  # 3
    "ben.new@academy.test,Ben New,Europe/Dublin,3400.50,",  # 4
    'cy.new@academy.test,Cy New,UTC,"3,100",',  # 5: ambiguous
]


@pytest.fixture
def api(training_admin):
    client = APIClient()
    client.force_authenticate(training_admin)
    return client


def _imported_emails(cohort) -> list[str]:
    return sorted(Enrollment.objects.filter(cohort=cohort).values_list("hire__email", flat=True))


# --- The template -------------------------------------------------------------------------------------------


def test_the_template_download_has_the_header_and_an_example_that_imports_cleanly(admin_client_, new_cohort):
    response = admin_client_.get(reverse("cohorts:import_template", args=[new_cohort.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == [*REQUIRED_COLUMNS, "coach"]
    assert len(example) == len(header)

    preview = services.import_preview(cohort=new_cohort, content=response.content, filename="template.csv")
    assert preview.report.ok, preview.report.messages()
    assert preview.report.rows[0].salary == Decimal("3100.50")


def test_the_import_page_links_the_template_and_lists_the_accepted_formats(admin_client_, new_cohort):
    page = admin_client_.get(reverse("cohorts:import", args=[new_cohort.pk])).content.decode()
    assert reverse("cohorts:import_template", args=[new_cohort.pk]) in page
    assert "Accepted formats" in page and "3.100,50" in page


def test_the_api_serves_the_same_template(api, admin_client_, new_cohort):
    from_api = api.get(f"/api/v1/cohorts/{new_cohort.pk}/imports/template/")
    from_page = admin_client_.get(reverse("cohorts:import_template", args=[new_cohort.pk]))
    assert from_api.status_code == 200 and from_api.content == from_page.content


# --- Importing only the valid rows --------------------------------------------------------------------------


def test_all_or_nothing_stays_the_default(new_cohort, training_admin):
    preview = services.import_preview(cohort=new_cohort, content=csv_bytes(*MIXED), filename="mixed.csv")
    assert not preview.report.ok and preview.can_import_valid_rows and preview.importable_count == 2
    with pytest.raises(ValidationError, match="Line 3"):
        services.import_confirm(cohort=new_cohort, actor=training_admin, confirmation=preview.confirmation)
    assert _imported_emails(new_cohort) == [] and not EnrollmentImport.objects.exists()


def test_valid_only_imports_the_valid_rows_and_reports_the_skipped_lines(
    new_cohort, training_admin, django_capture_on_commit_callbacks
):
    preview = services.import_preview(cohort=new_cohort, content=csv_bytes(*MIXED), filename="mixed.csv")
    with django_capture_on_commit_callbacks(execute=False) as invitations:
        result = services.import_confirm(
            cohort=new_cohort, actor=training_admin, confirmation=preview.confirmation, valid_only=True
        )
    assert _imported_emails(new_cohort) == ["ana.new@academy.test", "ben.new@academy.test"]
    assert tasks_queued(invitations) == ["accounts.tasks.invitation_email_send"] * 2
    assert result.skipped_lines == [3, 5]
    assert (result.batch.created_count, result.batch.enrolled_count, result.batch.row_count) == (2, 0, 4)
    assert result.summary == (
        "Imported mixed.csv: 2 new hires invited, 0 existing accounts enrolled, 0 already in the cohort. "
        "2 rows with problems skipped (lines 3, 5)."
    )
    event = CohortEvent.objects.filter(cohort=new_cohort, kind="imported").get()
    assert "lines 3, 5" in event.note

    # Importing the same file again creates nobody twice
    again = services.import_confirm(
        cohort=new_cohort, actor=training_admin, confirmation=preview.confirmation, valid_only=True
    )
    assert (again.batch.created_count, again.batch.skipped_count) == (0, 2) and again.skipped_lines == [3, 5]
    assert User.objects.filter(email__endswith=".new@academy.test").count() == 2


def test_a_file_with_no_valid_row_offers_nothing_to_import(new_cohort, training_admin):
    content = csv_bytes("not-an-email,Bad,UTC,3000,")
    preview = services.import_preview(cohort=new_cohort, content=content)
    assert preview.confirmation is None and not preview.can_import_valid_rows
    with pytest.raises(ValidationError, match="No row of the file can be imported"):
        services.import_confirm(cohort=new_cohort, actor=training_admin, content=content, valid_only=True)


def test_the_page_offers_the_valid_rows_and_imports_them(admin_client_, new_cohort):
    url = reverse("cohorts:import", args=[new_cohort.pk])
    page = admin_client_.post(url, {"file": SimpleUploadedFile("mixed.csv", csv_bytes(*MIXED))})
    html = page.content.decode()
    assert "Import the 2 valid rows" in html and "lines 3, 5" in html
    confirmation = page.context["preview"].confirmation

    refused = admin_client_.post(url, {"confirmation": confirmation})
    assert refused.status_code == 400 and "Nothing was imported" in refused.content.decode()
    assert _imported_emails(new_cohort) == []

    done = admin_client_.post(url, {"confirmation": confirmation, "valid_only": "1"}, follow=True)
    assert "2 rows with problems skipped (lines 3, 5)" in done.content.decode()
    assert _imported_emails(new_cohort) == ["ana.new@academy.test", "ben.new@academy.test"]


def test_the_django_admin_offers_the_valid_rows_too(admin_client_, new_cohort):
    url = reverse("admin:cohorts_cohort_import", args=[new_cohort.pk])
    page = admin_client_.post(url, {"file": SimpleUploadedFile("mixed.csv", csv_bytes(*MIXED))})
    assert "Import the 2 valid rows" in page.content.decode()
    done = admin_client_.post(url, {"confirmation": page.context["confirmation"], "valid_only": "1"})
    assert done.status_code == 302
    assert _imported_emails(new_cohort) == ["ana.new@academy.test", "ben.new@academy.test"]


def test_the_api_takes_a_valid_only_flag_and_agrees_with_the_page(api, admin_client_, new_cohort):
    content = csv_bytes(*MIXED)
    report = api.post(
        f"/api/v1/cohorts/{new_cohort.pk}/imports/preview/",
        {"file": SimpleUploadedFile("mixed.csv", content, "text/csv")},
        format="multipart",
    ).json()
    page = admin_client_.post(
        reverse("cohorts:import", args=[new_cohort.pk]), {"file": SimpleUploadedFile("mixed.csv", content)}
    ).context["preview"]
    assert [(r["line"], r["action"], r["problems"]) for r in report["rows"]] == [
        (row.line, row.action, row.problems) for row in page.report.rows
    ]
    assert report["valid_rows"] == page.importable_count == 2
    assert report["rows"][0]["salary_display"] == "3,200.00 USD"

    done = api.post(
        f"/api/v1/cohorts/{new_cohort.pk}/imports/",
        {"file": SimpleUploadedFile("mixed.csv", content, "text/csv"), "valid_only": "true"},
        format="multipart",
    )
    assert done.status_code == 201, done.json()
    body = done.json()
    assert body["created_count"] == 2 and [row["line"] for row in body["skipped"]] == [3, 5]
    assert "not a valid email" in body["skipped"][0]["problems"][0]
    assert _imported_emails(new_cohort) == ["ana.new@academy.test", "ben.new@academy.test"]


def test_the_preview_page_runs_the_same_queries_for_a_long_file(admin_client_, new_cohort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("cohorts:import", args=[new_cohort.pk])

    def queries_for(count: int) -> int:
        lines = [f"h{n}.new@academy.test;Hire {n};UTC;3.100,50" for n in range(count)] + ["bad;Bad;UTC;3,100"]
        content = csv_bytes(*lines, header="email;name;time_zone;salary\n")
        with CaptureQueriesContext(connection) as captured:
            page = admin_client_.post(url, {"file": SimpleUploadedFile("long.csv", content)})
        assert page.context["preview"].importable_count == count
        return len(captured)

    queries_for(3)  # the admin signed in is read once, then cached
    assert queries_for(60) == queries_for(3)
