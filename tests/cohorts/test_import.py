"""Bulk enrolment from a CSV file: a dry run that writes nothing, then an all-or-nothing import."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from cohorts import services
from cohorts.imports import Action
from cohorts.models import EnrollmentImport
from courses.models import Enrollment, EnrollmentEvent, EnrollmentEventKind
from tests.cohorts.conftest import HEADER, csv_bytes
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory

pytestmark = pytest.mark.django_db

GOOD = [
    "ana.new@academy.test,Ana New,America/Los_Angeles,3200,",
    "ben.new@academy.test,Ben New,Europe/Dublin,3400.50,",
]


def _counts():
    return (
        User.objects.count(),
        Enrollment.objects.count(),
        EnrollmentEvent.objects.count(),
        EnrollmentImport.objects.count(),
    )


def test_the_dry_run_reports_each_kind_of_bad_row_with_its_line_and_writes_nothing(new_cohort, coach, hire):
    EnrollmentFactory(cohort=new_cohort, hire=hire)
    other_coach_cohort_hire = HireFactory(email="busy@academy.test")
    EnrollmentFactory(cohort=CohortFactory(), hire=other_coach_cohort_hire)
    content = csv_bytes(
        "ana.new@academy.test,Ana New,America/Los_Angeles,3200",  # 2: fine; the optional coach left off
        "not-an-email,Bad Email,UTC,3000,",  # 3
        "carl@academy.test,Carl,Mars/Olympus_Mons,3000,",  # 4
        "dana@academy.test,Dana,UTC,lots,",  # 5
        "ana.new@academy.test,Ana Again,UTC,3200,",  # 6: duplicate of 2
        "eve@academy.test,Eve,UTC",  # 7: too few values
        "",  # 8: a blank row is skipped but counted
        f"{hire.email},{hire.display_name},UTC,3000,",  # 9: already in the cohort
        f"finn@academy.test,Finn,utc,3000,{coach.email}",  # 10: fine; time zone matched case-insensitively
        "gus@academy.test,Gus,UTC,3000,nobody@academy.test",  # 11: unknown coach
        f"{coach.email},Cora,UTC,3000,",  # 12: a coach's account
        "busy@academy.test,Busy,UTC,3000,",  # 13: training in another cohort
        ",,UTC,-5,",  # 14: missing email and name, negative salary
    )
    before = _counts()
    report = services.enrollment_import_preview(cohort=new_cohort, content=content)
    assert _counts() == before
    assert not report.ok and report.problems == []
    by_line = {row.line: row for row in report.rows}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]
    assert by_line[2].action == Action.CREATE
    assert "not a valid email" in by_line[3].problems[0]
    assert "not a known time zone" in by_line[4].problems[0]
    assert "not an amount" in by_line[5].problems[0]
    assert by_line[6].problems == ["the same email as line 2: each hire once."]
    assert by_line[7].problems == ["expected 5 values, found 3."]
    assert by_line[9].action == Action.EXISTS and by_line[9].ok
    assert by_line[10].action == Action.CREATE and by_line[10].time_zone == "UTC" and by_line[10].coach == coach
    assert "no coach with the email nobody@academy.test" in by_line[11].problems[0]
    assert "coach's account" in by_line[12].problems[0]
    assert "training in" in by_line[13].problems[0]
    assert len(by_line[14].problems) == 3
    assert report.counts == {"create": 2, "enrol": 0, "exists": 1, "error": 9}
    messages = report.messages()
    assert "Line 4: “Mars/Olympus_Mons” is not a known time zone" in messages[1]

    with pytest.raises(ValidationError) as refused:
        services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=None)
    assert "Line 3:" in refused.value.messages[0]
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"email,name,salary\nx@academy.test,X,1\n", "Line 1: missing column time_zone"),
        (b"email,name,time_zone,salary,phone\n", "Line 1: unknown column “phone”"),
        (b"email,name,time_zone,salary,email\nx@a.test,X,UTC,1,x@a.test\n", "Line 1: the column email appear"),
        (HEADER.encode() + "zoë@academy.test,Zoë,UTC,1,\n".encode("latin-1"), "Line 2: the file is not UTF-8"),
        (b"\xff\xfee\x00m\x00", "UTF-16"),
        (b"PK\x03\x04rest-of-a-zip", "spreadsheet workbook"),
        (b"", "The file is empty."),
        (HEADER.encode(), "no hires"),
    ],
)
def test_whole_file_problems_are_reported_before_any_row(new_cohort, content, expected):
    report = services.enrollment_import_preview(cohort=new_cohort, content=content)
    assert not report.ok
    assert any(problem.startswith(expected) or expected in problem for problem in report.problems), report.problems
    assert report.rows == []


def test_a_byte_order_mark_semicolons_and_spreadsheet_headers_are_accepted(new_cohort):
    content = "\ufeffEmail;Name;Time zone;Salary\nana.new@academy.test;Ana New;UTC;3,200.00\n".encode()
    report = services.enrollment_import_preview(cohort=new_cohort, content=content)
    assert report.ok, report.messages()
    assert str(report.rows[0].salary) == "3200.00"


def test_a_confirmed_import_creates_enrols_invites_and_audits(
    new_cohort, training_admin, coach, django_capture_on_commit_callbacks, monkeypatch
):
    from accounts import tasks

    sent = []
    monkeypatch.setattr(tasks.invitation_email_send, "delay", lambda user_id: sent.append(user_id))
    returning = HireFactory(email="returning@academy.test", display_name="Rita Returning")
    other = CohortFactory(curriculum=new_cohort.curriculum)
    new_cohort.coaches.clear()
    content = csv_bytes(*GOOD, f"returning@academy.test,Rita R,UTC,3000,{coach.email}")

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.enrollment_import_confirm(
            cohort=new_cohort, content=content, actor=training_admin, filename="march.csv"
        )
    assert (batch.created_count, batch.enrolled_count, batch.skipped_count) == (2, 1, 0)
    ana = User.objects.get(email="ana.new@academy.test")
    assert ana.role == Role.HIRE and ana.time_zone == "America/Los_Angeles" and not ana.has_usable_password()
    enrollment = Enrollment.objects.get(hire=ana)
    assert enrollment.cohort == new_cohort and str(enrollment.monthly_salary) == "3200.00"
    assert enrollment.events.get().kind == EnrollmentEventKind.ENROLLED
    assert sorted(sent) == sorted(User.objects.filter(email__endswith=".new@academy.test").values_list("pk", flat=True))
    assert returning.pk not in sent  # an existing account is enrolled, not invited again
    assert list(new_cohort.coaches.all()) == [coach]
    assert not Enrollment.objects.filter(cohort=other).exists()


def test_re_importing_the_same_file_creates_nobody_twice(
    new_cohort, training_admin, django_capture_on_commit_callbacks
):
    content = csv_bytes(*GOOD)
    services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=training_admin)
    users, enrollments = User.objects.count(), Enrollment.objects.count()

    report = services.enrollment_import_preview(cohort=new_cohort, content=content)
    assert [row.action for row in report.rows] == [Action.EXISTS, Action.EXISTS]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=training_admin)
    assert (batch.created_count, batch.enrolled_count, batch.skipped_count) == (0, 0, 2)
    assert (User.objects.count(), Enrollment.objects.count()) == (users, enrollments)
    assert callbacks == []  # nobody is invited twice


def test_an_import_that_fails_midway_leaves_nothing_behind(
    new_cohort, training_admin, monkeypatch, django_capture_on_commit_callbacks
):
    from courses import services as course_services

    real = course_services.enrollment_create
    calls = []

    def fail_on_the_third(**kwargs):
        calls.append(kwargs["hire"].email)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(course_services, "enrollment_create", fail_on_the_third)
    content = csv_bytes(*GOOD, "cleo.new@academy.test,Cleo New,UTC,3000,", "dan.new@academy.test,Dan,UTC,1,")
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=training_admin)
    assert len(calls) == 3
    assert _counts() == before
    assert not User.objects.filter(email__endswith=".new@academy.test").exists()
    assert callbacks == []  # no invitation for a rolled-back import


def test_an_account_created_between_dry_run_and_confirm_refuses_the_whole_file(new_cohort, training_admin):
    content = csv_bytes(*GOOD)
    assert services.enrollment_import_preview(cohort=new_cohort, content=content).ok
    HireFactory(email="ben.new@academy.test")
    EnrollmentFactory(hire=User.objects.get(email="ben.new@academy.test"), cohort=CohortFactory())
    with pytest.raises(ValidationError, match=r"Line 3: ben\.new@academy\.test is training in"):
        services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=training_admin)
    assert not User.objects.filter(email="ana.new@academy.test").exists()


def test_an_archived_cohort_takes_no_import(new_cohort, training_admin):
    services.cohort_archive(cohort=new_cohort, actor=training_admin)
    new_cohort.refresh_from_db()
    report = services.enrollment_import_preview(cohort=new_cohort, content=csv_bytes(*GOOD))
    assert not report.ok and "archived" in report.problems[0]


def test_the_confirmation_is_signed_and_bound_to_its_cohort(new_cohort, training_admin):
    report = services.enrollment_import_preview(cohort=new_cohort, content=csv_bytes(*GOOD))
    confirmation = services.enrollment_import_confirmation(cohort=new_cohort, report=report, filename="a.csv")
    content, filename = services.enrollment_import_unsign(cohort=new_cohort, confirmation=confirmation)
    assert filename == "a.csv" and b"ana.new@academy.test" in content
    with pytest.raises(ValidationError, match="not valid"):
        services.enrollment_import_unsign(cohort=new_cohort, confirmation=confirmation[:-3] + "xyz")
    with pytest.raises(ValidationError, match="another cohort"):
        services.enrollment_import_unsign(cohort=CohortFactory(), confirmation=confirmation)
