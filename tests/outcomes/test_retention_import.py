"""Retention import: a dry run that writes nothing, then all or nothing, as the hire import works."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from checkpoint.models import Choice
from cohorts.imports import MAX_BYTES
from outcomes import services
from outcomes.imports import Action
from outcomes.models import RetentionCheck, RetentionEvent, RetentionImport, RetentionStatus, Source
from tests.factories import EnrollmentFactory, HireFactory
from tests.outcomes.support import csv_bytes, day_iso, decide, outcomes_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return outcomes_cohort()


@pytest.fixture
def people(cohort):
    """Ana and Ben committed 100 days ago; Cal committed 40 days ago; Olga took the offer."""
    found = {}
    for key, choice, days_ago in (("ana", Choice.COMMIT, 100), ("ben", Choice.COMMIT, 100),
                                  ("cal", Choice.COMMIT, 40), ("olga", Choice.OFFER, 100)):  # fmt: skip
        enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory(email=f"{key}@academy.test",
                                                                       display_name=key.capitalize()))  # fmt: skip
        found[key] = (enrollment, decide(enrollment, choice, days_ago=days_ago))
    return found


def _counts():
    return RetentionCheck.objects.count(), RetentionEvent.objects.count(), RetentionImport.objects.count()


def _good_file(people) -> bytes:
    ben_left = day_iso(people["ben"][1], 50)
    return csv_bytes(
        "ana@academy.test,30,retained,,",
        "ana@academy.test,60,retained,,",
        f"ben@academy.test,60,left,{ben_left},Moved away",
        "cal@academy.test,30,retained,,",
    )


def test_the_dry_run_says_row_by_row_what_would_happen_and_writes_nothing(cohort, people, training_admin):
    ana = people["ana"][0]
    services.retention_record(enrollment=ana, milestone_days=30, status=RetentionStatus.RETAINED, actor=training_admin)
    services.retention_record(enrollment=ana, milestone_days=60, status=RetentionStatus.RETAINED, actor=training_admin)
    content = csv_bytes(
        "ana@academy.test,30,retained,,",  # 2: unchanged
        f"ana@academy.test,60,left,{day_iso(people['ana'][1], 45)},",  # 3: change
        "ben@academy.test,90 days,Still in the role,,",  # 4: new; days and status written in words
        "cal@academy.test,60,retained,,",  # 5: the 60-day milestone has not come
        "olga@academy.test,30,left,,",  # 6: took the offer
        "nobody@academy.test,30,retained,,",  # 7: not in the cohort
        "ben@academy.test,45,retained,,",  # 8: not a milestone
        "ben@academy.test,30,maybe,31/12/2024,",  # 9: unknown status, a date not year-month-day
        "ben@academy.test,90,retained,,",  # 10: the same hire and milestone as line 4
        "",  # 11: a blank row, skipped but counted
        "ben@academy.test,30",  # 12: too few values
    )
    before = _counts()
    preview = services.retention_import_preview(cohort=cohort, content=content, filename="march.csv")
    assert _counts() == before
    report = preview.report
    assert not report.ok and preview.confirmation is None
    by_line = {row.line: row for row in report.rows}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
    assert [by_line[n].action for n in (2, 3, 4)] == [Action.UNCHANGED, Action.CHANGE, Action.NEW]
    assert by_line[3].was == "was still in the role"
    assert (by_line[4].days, by_line[4].status) == (90, "retained")
    assert "the 60-day milestone comes on" in by_line[5].problems[0]
    assert "Olga took the offer" in by_line[6].problems[0]
    assert by_line[7].problems == [f"nobody with the email nobody@academy.test is enrolled in {cohort.name}."]
    assert "not a milestone" in by_line[8].problems[0]
    assert len(by_line[9].problems) == 2 and "not a status" in by_line[9].problems[0]
    assert "not a date" in by_line[9].problems[1]
    assert by_line[10].problems == ["the same hire and milestone as line 4: each once."]
    assert by_line[12].problems == ["expected 5 values, found 2."]
    assert report.counts == {"new": 1, "change": 1, "unchanged": 1, "problem": 7}


def test_a_file_with_one_bad_row_imports_nothing(cohort, people, training_admin):
    content = _good_file(people) + b"olga@academy.test,30,left,,\n"
    with pytest.raises(ValidationError) as error:
        services.retention_import_confirm(cohort=cohort, actor=training_admin, content=content, filename="bad.csv")
    assert len(error.value.messages) == 1
    assert error.value.messages[0].startswith("Line 6: Olga took the offer")
    assert _counts() == (0, 0, 0)


def test_a_good_file_imports_every_row_with_its_events_and_batch(cohort, people, training_admin):
    preview = services.retention_import_preview(cohort=cohort, content=_good_file(people), filename="march.csv")
    assert preview.report.ok and preview.confirmation
    result = services.retention_import_confirm(cohort=cohort, actor=training_admin, confirmation=preview.confirmation)
    batch = result.batch
    assert (batch.filename, batch.row_count, batch.created_count, batch.changed_count, batch.unchanged_count) == (
        "march.csv", 4, 4, 0, 0
    )  # fmt: skip
    assert batch.imported_by == training_admin and batch.cohort == cohort
    assert _counts() == (4, 4, 1)
    assert set(RetentionCheck.objects.values_list("source", "batch", "recorded_by")) == {
        (Source.IMPORT, batch.pk, training_admin.pk)
    }
    ben = RetentionCheck.objects.get(enrollment=people["ben"][0])
    assert (ben.milestone_days, ben.status, ben.left_on.isoformat(), ben.note) == (
        60, "left", day_iso(people["ben"][1], 50), "Moved away"
    )  # fmt: skip
    assert result.summary == "Imported march.csv: 4 new, 0 changed, 0 already recorded."


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cohort, people, training_admin):
    content = _good_file(people)
    services.retention_import_confirm(cohort=cohort, actor=training_admin, content=content, filename="march.csv")
    before = _counts()
    preview = services.retention_import_preview(cohort=cohort, content=content, filename="march.csv")
    assert preview.report.counts["unchanged"] == 4
    result = services.retention_import_confirm(cohort=cohort, actor=training_admin, confirmation=preview.confirmation)
    assert result.batch is None
    assert result.summary == "Nothing to change in march.csv: every row was already recorded."
    assert _counts() == before


def test_the_confirmation_checks_again_and_refuses_what_changed_since_the_preview(cohort, people, training_admin):
    preview = services.retention_import_preview(cohort=cohort, content=_good_file(people), filename="march.csv")
    decision = people["cal"][1]
    decision.choice = Choice.OFFER  # as if annulled and decided again the other way since the preview
    decision.save()
    with pytest.raises(ValidationError, match="Cal took the offer"):
        services.retention_import_confirm(cohort=cohort, actor=training_admin, confirmation=preview.confirmation)
    assert _counts() == (0, 0, 0)


def test_a_confirmation_tampered_with_or_for_another_cohort_is_refused(cohort, people, training_admin):
    preview = services.retention_import_preview(cohort=cohort, content=_good_file(people))
    with pytest.raises(ValidationError, match="not valid"):
        services.retention_import_confirm(cohort=cohort, actor=training_admin, confirmation=preview.confirmation + "x")
    with pytest.raises(ValidationError, match="another cohort"):
        services.retention_import_confirm(
            cohort=outcomes_cohort(), actor=training_admin, confirmation=preview.confirmation
        )
    assert _counts() == (0, 0, 0)


def test_headers_in_any_case_semicolons_and_a_byte_order_mark_are_read(cohort, people):
    content = "\ufeff Email ; DAYS ;Status; Left On \r\nana@academy.test;30;RETAINED;\r\n".encode()
    report = services.retention_import_preview(cohort=cohort, content=content).report
    assert report.ok, report.messages()
    assert [(row.email, row.days, row.status, row.action) for row in report.rows] == [
        ("ana@academy.test", 30, "retained", Action.NEW)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"email,days,status\n", "The file has a header but no rows to import."),
        (b"email,milestone,status\nana@academy.test,30,retained\n",
         "Line 1: unknown column(s) milestone. The columns are email, days, status and, if you like, left_on"),
        (b"email,status\nana@academy.test,retained\n", "Line 1: missing column(s) days."),
        (b"x" * (MAX_BYTES + 1), f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files."),
        (b"PK\x03\x04rest", "This is a spreadsheet workbook, not a CSV file."),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_imported_says_why(cohort, content, message):
    report = services.retention_import_preview(cohort=cohort, content=content).report
    assert any(problem.startswith(message) for problem in report.problems), report.problems
    assert not report.ok


# --- The pages ------------------------------------------------------------------------------------------


def _url(cohort) -> str:
    return f"/outcomes/cohorts/{cohort.pk}/import/"


def test_an_admin_previews_then_confirms_on_the_page(cohort, people, admin_client_):
    upload = SimpleUploadedFile("march.csv", _good_file(people), content_type="text/csv")
    page = admin_client_.post(_url(cohort), {"file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing has been written yet" in html and "Import 4 rows" in html
    assert _counts() == (0, 0, 0)
    confirmation = page.context["preview"].confirmation
    done = admin_client_.post(_url(cohort), {"confirmation": confirmation}, follow=True)
    assert done.redirect_chain[-1][0] == f"/outcomes/cohorts/{cohort.pk}/"
    assert "Imported march.csv: 4 new" in done.content.decode()
    assert _counts() == (4, 4, 1)


def test_a_file_with_problems_shows_them_without_an_import_button(cohort, people, admin_client_):
    content = _good_file(people) + b"olga@academy.test,30,left,,\n"
    page = admin_client_.post(_url(cohort), {"file": SimpleUploadedFile("bad.csv", content)})
    html = page.content.decode()
    assert "Olga took the offer" in html and 'name="confirmation"' not in html
    assert "all or nothing" in html


def test_a_bad_confirmation_on_the_page_imports_nothing(cohort, admin_client_):
    response = admin_client_.post(_url(cohort), {"confirmation": "forged"})
    assert response.status_code == 400
    assert "Nothing was imported." in response.content.decode()


def test_the_template_file_has_the_columns(cohort, admin_client_):
    response = admin_client_.get(f"/outcomes/cohorts/{cohort.pk}/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="retention-template.csv"'
    assert response.content.decode().splitlines()[0] == "email,days,status,left_on,note"


def test_coaches_and_hires_are_refused_the_import(cohort, people, coach, client_for):
    cohort.coaches.add(coach)
    for person in (coach, people["ana"][0].hire):
        client = client_for(person)
        assert client.get(_url(cohort)).status_code == 403
        assert client.post(_url(cohort), {"file": SimpleUploadedFile("x.csv", _good_file(people))}).status_code == 403
        assert client.get(f"/outcomes/cohorts/{cohort.pk}/import/template.csv").status_code == 403
    assert _counts() == (0, 0, 0)
