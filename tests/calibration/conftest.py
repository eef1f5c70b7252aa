import pytest
from django.utils import timezone

from courses.models import Attempt, AttemptState
from tests.factories import AdminFactory, CoachFactory, EnrollmentFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns


@pytest.fixture
def world(db):
    """A hire's two graded role-plays, an admin and three coaches."""
    now = timezone.now()
    enrollment = EnrollmentFactory(cohort__curriculum=curriculum_with(1))
    scenario = scenario_with_turns(enrollment.cohort.curriculum, mode="graded")
    attempts = [
        Attempt.objects.create(enrollment=enrollment, scenario=scenario, number=n, state=AttemptState.GRADED,
                               rubric_version=scenario.rubric.current_version, started_at=now, submitted_at=now)
        for n in (1, 2)
    ]  # fmt: skip
    keys = [criterion.key for criterion in scenario.rubric.current_version.criteria.all()]
    return {"hire": enrollment.hire, "attempts": attempts, "keys": keys, "admin": AdminFactory(),
            "coaches": [CoachFactory(), CoachFactory(), CoachFactory()]}  # fmt: skip
