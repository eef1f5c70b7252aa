import pytest

from tests.factories import CohortFactory, curriculum_with

HEADER = "email,name,time_zone,salary,coach\n"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode(encoding)


@pytest.fixture
def new_cohort(db, coach):
    """A cohort starting today, with a coach, on a small curriculum."""
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=2), time_zone="UTC")
    cohort.coaches.add(coach)
    return cohort


@pytest.fixture(autouse=True)
def _no_real_invitation_tasks(settings):
    # The worker is not running in these tests: enqueueing is captured where a test looks at it.
    settings.CELERY_TASK_ALWAYS_EAGER = False
