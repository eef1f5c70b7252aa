"""The demo and scale data come with the history the product itself would have written."""

import pytest
from django.core.management import call_command

from checkpoint.models import Decision
from cohorts.models import CohortEvent, CohortEventKind
from courses.models import Cohort, Enrollment, EnrollmentEvent, EnrollmentEventKind, EnrollmentStatus

pytestmark = pytest.mark.django_db


def _kinds(email: str) -> list[str]:
    events = EnrollmentEvent.objects.filter(enrollment__hire__email=email).order_by("id")
    return list(events.values_list("kind", flat=True))


def test_the_demo_cohorts_and_enrollments_have_their_history():
    call_command("load_demo")
    for cohort in Cohort.objects.all():
        assert CohortEvent.objects.filter(cohort=cohort, kind=CohortEventKind.CREATED).count() == 1
    assert not Enrollment.objects.exclude(events__kind=EnrollmentEventKind.ENROLLED).exists()
    assert _kinds("hire.olivia@academy.example") == [EnrollmentEventKind.ENROLLED, EnrollmentEventKind.GRADUATED]
    assert _kinds("hire.pablo@academy.example") == [EnrollmentEventKind.ENROLLED, EnrollmentEventKind.LEFT_WITH_OFFER]
    for paused in Enrollment.objects.filter(status=EnrollmentStatus.PAUSED):
        assert paused.events.filter(kind=EnrollmentEventKind.PAUSED).exists()


def test_scale_data_records_enrolling_and_each_checkpoint_outcome():
    call_command("generate_scale_data", hires=560, seed=3)  # fourteen cohorts: two are past the checkpoint
    enrollments = Enrollment.objects.count()
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEventKind.ENROLLED).count() == enrollments
    for choice, kind in (("commit", EnrollmentEventKind.GRADUATED), ("offer", EnrollmentEventKind.LEFT_WITH_OFFER)):
        decided = Decision.objects.filter(choice=choice).values_list("checkpoint__enrollment_id", flat=True)
        recorded = EnrollmentEvent.objects.filter(kind=kind).values_list("enrollment_id", flat=True)
        assert decided and sorted(decided) == sorted(recorded)
