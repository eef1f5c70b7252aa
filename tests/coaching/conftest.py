import pytest

from courses import services as course_services
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def graded_scenario(hire_enrollment):
    return scenario_with_turns(hire_enrollment.cohort.curriculum, slug="graded-wedding", mode="graded", max_attempts=1)


def submit_attempt(enrollment, scenario, answers=("[warm] Oh no, ten days!", "Let me check.", "I'll email you.")):
    attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario)
    for answer in answers:
        attempt = course_services.attempt_answer(attempt=attempt, answer=answer)
    return attempt


@pytest.fixture
def waiting_attempt(hire_enrollment, graded_scenario):
    return submit_attempt(hire_enrollment, graded_scenario)


@pytest.fixture
def outsider_coach(db):
    """A coach of another cohort: the hire above is none of their business."""
    coach = CoachFactory(display_name="Otto Outsider")
    CohortFactory().coaches.add(coach)
    return coach


@pytest.fixture
def other_hire_enrollment(hire_enrollment):
    return EnrollmentFactory(cohort=hire_enrollment.cohort, hire=HireFactory(display_name="Omar Other"))


ALL_LEVELS = {"acknowledge": 3, "connect": 2, "explore": 2, "own_resolve": 2, "wow": 1, "tone": 3}
