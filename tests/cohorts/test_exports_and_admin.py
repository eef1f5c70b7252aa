"""CSV exports for payroll and HR, and the same management from the Django admin."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from checkpoint import services as checkpoint_services
from cohorts.models import CohortEvent, EnrollmentImport
from courses.models import Cohort, Enrollment, EnrollmentStatus
from tests.checkpoint.conftest import decide_kwargs
from tests.cohorts.conftest import csv_bytes
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db
NO_EVENTS = {"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}


def _rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_progress_and_scores_exports(admin_client_, running_cohort):
    EnrollmentFactory(
        cohort=running_cohort, hire=HireFactory(display_name='=HYPERLINK("evil")'), monthly_salary=Decimal("3200")
    )
    rows = _rows(admin_client_.get(reverse("cohorts:export", args=[running_cohort.pk, "progress"])))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == '\'=HYPERLINK("evil")'  # a spreadsheet will not run it
    assert row["monthly_salary"] == "3200.00" and row["currency"] == "USD"
    assert (row["week_1"], row["week_2"], row["week_3"]) == ("overdue", "overdue", "locked")
    assert row["overdue"] == "7" and row["at_risk"].startswith("Behind schedule")
    scores = _rows(admin_client_.get(reverse("cohorts:export", args=[running_cohort.pk, "scores"])))
    assert scores[0]["scored"] == "0" and scores[0]["trend"] == "no data"
    assert admin_client_.get(reverse("cohorts:export", args=[running_cohort.pk, "secrets"])).status_code == 404


def test_checkpoint_outcomes_export(admin_client_, coach):
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1),
        time_zone="UTC",
        start_date=timezone.localdate() - datetime.timedelta(days=42),
    )
    decided = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Ann Offer"), monthly_salary=3000)
    EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Ben Open"), monthly_salary=3000)
    EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Cy Gone"), status=EnrollmentStatus.WITHDRAWN)
    checkpoint_services.checkpoints_open_due()
    decided.refresh_from_db()
    checkpoint_services.checkpoint_decide(
        hire=decided.hire, checkpoint_id=decided.checkpoint.pk, **decide_kwargs("offer")
    )
    rows = _rows(admin_client_.get(reverse("cohorts:export", args=[cohort.pk, "checkpoint"])))
    outcomes = {row["name"]: (row["status"], row["checkpoint_outcome"]) for row in rows}
    assert outcomes == {
        "Ann Offer": ("left_with_offer", "Took the offer"),
        "Ben Open": ("active", "Open, undecided"),
        "Cy Gone": ("withdrawn", "Not taking part"),
    }


def test_the_django_admin_lists_searches_and_filters(admin_client_, running_cohort, hire):
    EnrollmentFactory(cohort=running_cohort, hire=hire)
    CohortFactory(name="Archived one", archived_at=timezone.now())
    changelist = admin_client_.get(reverse("admin:courses_cohort_changelist")).content.decode()
    assert running_cohort.name in changelist and "Archived one" in changelist and "Dashboard" in changelist
    current = admin_client_.get(reverse("admin:courses_cohort_changelist") + "?archived=no").content.decode()
    assert "Archived one" not in current
    found = admin_client_.get(reverse("admin:courses_enrollment_changelist") + f"?q={hire.email}").content.decode()
    assert hire.email in found
    assert (
        admin_client_.get(
            reverse("admin:courses_enrollment_changelist") + "?status=active&cohort_archived=no"
        ).status_code
        == 200
    )
    assert admin_client_.get(reverse("admin:courses_cohort_change", args=[running_cohort.pk])).status_code == 200


def test_admin_actions_use_the_services(admin_client_, running_cohort, hire, training_admin):
    enrollment = EnrollmentFactory(cohort=running_cohort, hire=hire)
    target = CohortFactory(curriculum=running_cohort.curriculum, name="Target cohort")
    url = reverse("admin:courses_enrollment_changelist")
    form = admin_client_.post(url, {"action": "move", "_selected_action": [enrollment.pk]})
    assert "Move hires to another cohort" in form.content.decode()
    admin_client_.post(
        url,
        {
            "action": "move",
            "_selected_action": [enrollment.pk],
            "apply": "1",
            "cohort": target.pk,
            "note": "From the admin",
        },
    )
    enrollment.refresh_from_db()
    assert enrollment.cohort == target and enrollment.events.get().kind == "moved"
    admin_client_.post(url, {"action": "withdraw", "_selected_action": [enrollment.pk], "apply": "1", "reason": "Left"})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN

    cohorts_url = reverse("admin:courses_cohort_changelist")
    admin_client_.post(cohorts_url, {"action": "archive", "_selected_action": [running_cohort.pk, target.pk]})
    assert Cohort.objects.filter(archived_at__isnull=False).count() == 2
    assert set(CohortEvent.objects.values_list("kind", flat=True)) == {"archived"}


def test_adding_a_cohort_and_its_coaches_in_the_admin_is_audited(admin_client_):
    curriculum = curriculum_with(lessons_per_week=1)
    maya = CoachFactory()
    response = admin_client_.post(
        reverse("admin:courses_cohort_add"),
        {
            "name": "Admin cohort",
            "slug": "admin-cohort",
            "curriculum": curriculum.pk,
            "start_date": "2027-06-07",
            "time_zone": "UTC",
            "grading_target_hours": 24,
            "coaches": [maya.pk],
            "checkpoint_window_days": 7,
            "offer_salary_months": "1.00",
            "currency": "USD",
            "enrollments-TOTAL_FORMS": 0,
            "enrollments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="admin-cohort")
    assert list(cohort.coaches.all()) == [maya]
    assert list(CohortEvent.objects.order_by("id").values_list("kind", flat=True)) == ["created", "coach_assigned"]


def test_enrolling_an_existing_hire_in_the_admin(admin_client_, running_cohort, hire):
    response = admin_client_.post(
        reverse("admin:courses_enrollment_add"),
        {"hire": hire.pk, "cohort": running_cohort.pk, "monthly_salary": "2800", **NO_EVENTS},
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(hire=hire)
    assert enrollment.events.get().kind == "enrolled" and enrollment.monthly_salary == Decimal("2800")
    again = admin_client_.post(
        reverse("admin:courses_enrollment_add"),
        {"hire": hire.pk, "cohort": running_cohort.pk, "monthly_salary": "2800", **NO_EVENTS},
    )
    assert again.status_code == 200 and "already in" in again.content.decode()


def test_the_admin_import_runs_the_same_dry_run_and_confirm(admin_client_, running_cohort):
    url = reverse("admin:cohorts_cohort_import", args=[running_cohort.pk])
    content = csv_bytes("ivy.new@academy.test,Ivy,UTC,3000,", "bad,Bad,UTC,x,")
    page = admin_client_.post(url, {"file": SimpleUploadedFile("a.csv", content)}).content.decode()
    assert "Nothing was written" in page and "not a valid email" in page
    page = admin_client_.post(
        url, {"file": SimpleUploadedFile("a.csv", csv_bytes("ivy.new@academy.test,Ivy,UTC,3000,"))}
    )
    confirmation = page.context["confirmation"]
    response = admin_client_.post(url, {"confirmation": confirmation})
    assert response.status_code == 302
    assert EnrollmentImport.objects.get().created_count == 1
    assert Enrollment.objects.filter(cohort=running_cohort, hire__email="ivy.new@academy.test").exists()
