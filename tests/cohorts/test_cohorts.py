"""Creating, editing and archiving cohorts and assigning their coaches: on the admin's pages, audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts import services
from cohorts.models import CohortEvent, CohortEventKind
from courses.models import Cohort
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, curriculum_with

pytestmark = pytest.mark.django_db


def _form(curriculum, **overrides) -> dict:
    return {
        "name": "March 2027",
        "curriculum": curriculum.pk,
        "start_date": "2027-03-01",
        "time_zone": "Europe/Dublin",
        "grading_target_hours": 24,
        "checkpoint_opens_on": "",
        "checkpoint_window_days": 7,
        "offer_salary_months": "1.00",
        "currency": "eur",
        **overrides,
    }


def test_an_admin_creates_a_cohort_with_its_checkpoint_settings(admin_client_, training_admin):
    curriculum = curriculum_with(lessons_per_week=1)
    page = admin_client_.get(reverse("cohorts:create")).content.decode()
    for label in (
        "Checkpoint opens on",
        "Days to decide at the checkpoint",
        "The offer (months of salary)",
        "Currency",
        "Grading target (hours)",
        "Blind second marking (% of graded role-plays)",
    ):
        assert label in page
    response = admin_client_.post(
        reverse("cohorts:create"), _form(curriculum, checkpoint_opens_on="2027-04-15", offer_salary_months="1.5")
    )
    cohort = Cohort.objects.get(name="March 2027")
    assert response.status_code == 302 and response.url == reverse("cohorts:dashboard", args=[cohort.pk])
    assert (cohort.slug, cohort.currency, cohort.time_zone) == ("march-2027", "EUR", "Europe/Dublin")
    assert cohort.checkpoint_opens_on == datetime.date(2027, 4, 15) and cohort.offer_salary_months == Decimal("1.5")
    assert CohortEvent.objects.get(cohort=cohort).kind == CohortEventKind.CREATED
    assert cohort.second_marking_percent == 10  # left out of the form: the usual share
    # A second cohort of the same name gets its own address.
    admin_client_.post(reverse("cohorts:create"), _form(curriculum, second_marking_percent=25))
    assert Cohort.objects.get(slug="march-2027-2").second_marking_percent == 25
    refused = admin_client_.post(reverse("cohorts:create"), _form(curriculum, name="April", second_marking_percent=101))
    assert refused.status_code == 400 and not Cohort.objects.filter(name="April").exists()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"time_zone": "Mars/Base"}, "Select a valid choice"),
        ({"currency": "dollars"}, "ISO 4217"),
        ({"checkpoint_opens_on": "2027-02-01"}, "The checkpoint opens after the cohort starts."),
        ({"checkpoint_window_days": 0}, "greater than or equal to 1"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_settings_are_refused_with_nothing_saved(admin_client_, overrides, error):
    curriculum = curriculum_with(lessons_per_week=1)
    response = admin_client_.post(reverse("cohorts:create"), _form(curriculum, **overrides))
    assert response.status_code == 400 and error in response.content.decode()
    assert not Cohort.objects.exists()


def test_editing_keeps_an_audit_row_and_the_curriculum_once_there_are_hires(admin_client_, running_cohort, hire):
    url = reverse("cohorts:edit", args=[running_cohort.pk])
    data = _form(
        running_cohort.curriculum,
        name="Renamed",
        start_date=running_cohort.start_date.isoformat(),
        time_zone=running_cohort.time_zone,
        currency="USD",
        grading_target_hours=12,
    )
    assert admin_client_.post(url, data).status_code == 302
    running_cohort.refresh_from_db()
    assert running_cohort.name == "Renamed" and running_cohort.grading_target_hours == 12
    event = CohortEvent.objects.get(kind=CohortEventKind.EDITED)
    assert "name" in event.note and "grading target hours" in event.note

    EnrollmentFactory(cohort=running_cohort, hire=hire)
    other = curriculum_with(lessons_per_week=1, version=2)
    with pytest.raises(ValidationError, match="curriculum cannot change"):
        services.cohort_update(cohort=running_cohort, actor=None, curriculum=other)
    page = admin_client_.get(url).content.decode()
    assert "Fixed: this cohort has hires" in page


def test_archiving_waits_until_nobody_is_training(admin_client_, running_cohort, hire, training_admin):
    enrollment = EnrollmentFactory(cohort=running_cohort, hire=hire)
    url = reverse("cohorts:archive", args=[running_cohort.pk])
    page = admin_client_.post(url, {"action": "archive"}, follow=True).content.decode()
    assert "1 hire is still in training" in page
    running_cohort.refresh_from_db()
    assert running_cohort.archived_at is None

    services.enrollment_withdraw(enrollment=enrollment, actor=training_admin, reason="Left")
    admin_client_.post(url, {"action": "archive"})
    running_cohort.refresh_from_db()
    assert running_cohort.archived_at is not None
    dashboard = reverse("cohorts:dashboard", args=[running_cohort.pk])
    assert dashboard not in admin_client_.get(reverse("cohorts:list")).content.decode()
    assert dashboard in admin_client_.get(reverse("cohorts:list") + "?archived=1").content.decode()
    admin_client_.post(url, {"action": "unarchive"})
    running_cohort.refresh_from_db()
    assert running_cohort.archived_at is None
    assert list(CohortEvent.objects.order_by("id").values_list("kind", flat=True)) == ["archived", "unarchived"]


def test_assign_and_unassign_coaches(admin_client_, running_cohort, coach):
    maya = CoachFactory(display_name="Maya Chen")
    url = reverse("cohorts:coaches", args=[running_cohort.pk])
    page = admin_client_.get(url).content.decode()
    assert "Maya Chen" in page
    admin_client_.post(url, {"coach": maya.pk})
    assert set(running_cohort.coaches.all()) == {coach, maya}
    assert admin_client_.post(url, {"coach": maya.pk}).status_code == 400  # no longer offered
    admin_client_.post(reverse("cohorts:coach_remove", args=[running_cohort.pk, coach.pk]))
    assert list(running_cohort.coaches.all()) == [maya]
    kinds = list(CohortEvent.objects.order_by("id").values_list("kind", "note"))
    assert kinds == [
        ("coach_assigned", f"Maya Chen ({maya.email})"),
        ("coach_unassigned", f"Cora Coach ({coach.email})"),
    ]


def test_only_a_coach_can_be_assigned(running_cohort, hire, training_admin):
    with pytest.raises(ValidationError, match="not an active coach"):
        services.cohort_coach_assign(cohort=running_cohort, coach=hire, actor=training_admin)


def test_the_cohort_list_pages_fifty_at_a_time_newest_first_for_the_same_queries(admin_client_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cohorts.views import COHORTS_PER_PAGE

    curriculum = curriculum_with(lessons_per_week=1)
    today = datetime.date(2026, 12, 1)
    made = [CohortFactory(curriculum=curriculum, start_date=today - datetime.timedelta(days=n)) for n in range(60)]
    seen, counts = [], []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(reverse("cohorts:list"), {"page": number})
        counts.append(len(captured))
        seen += [cohort.pk for cohort in response.context["cohorts"]]
        assert len(response.context["cohorts"]) == (COHORTS_PER_PAGE if number == 1 else 10)
    assert seen == [cohort.pk for cohort in made]  # newest first, each once
    assert counts[0] == counts[1]
    assert 'rel="next"' in admin_client_.get(reverse("cohorts:list")).content.decode()


def test_the_cohort_list_links_each_dashboard(admin_client_, running_cohort):
    page = admin_client_.get(reverse("cohorts:list")).content.decode()
    assert reverse("cohorts:dashboard", args=[running_cohort.pk]) in page and "New cohort" in page
    assert CohortFactory(name="Later").name in admin_client_.get(reverse("cohorts:list")).content.decode()
