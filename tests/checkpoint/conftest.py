import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checkpoint import services
from tests.checkpoint.support import complete_training
from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with


@pytest.fixture
def finishing_cohort(db, coach):
    """A cohort (UTC) whose six weeks ended at midnight today: the checkpoint is due."""
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1),
        start_date=timezone.now().date() - datetime.timedelta(days=42),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return cohort


@pytest.fixture
def finishing_enrollment(finishing_cohort, hire):
    return EnrollmentFactory(cohort=finishing_cohort, hire=hire, monthly_salary=Decimal("3200.00"))


@pytest.fixture
def open_checkpoint(finishing_enrollment):
    services.checkpoints_open_due()
    finishing_enrollment.refresh_from_db()
    return finishing_enrollment.checkpoint


def decide_kwargs(choice: str = "commit", **overrides) -> dict:
    return {"choice": choice, "confirm": choice, "offer_text_version": 1, **overrides}


@pytest.fixture
def completed_training(finishing_enrollment, training_admin):
    complete_training(finishing_enrollment, training_admin)
    return finishing_enrollment
