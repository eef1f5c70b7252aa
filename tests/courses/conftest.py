import datetime

import pytest
from django.utils import timezone

from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with


@pytest.fixture
def running_cohort(db, coach):
    """A cohort ten days in: weeks 1 and 2 are open, weeks 3–6 locked."""
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=3),
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return cohort


@pytest.fixture
def hire_enrollment(running_cohort, hire):
    return EnrollmentFactory(cohort=running_cohort, hire=hire)
