"""Fixtures shared by the whole suite: people in each role, clients signed in as them,
a real Celery worker, and a helper to wait for work done elsewhere."""

import datetime
import functools
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import AdminFactory, CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with


def tasks_queued(callbacks) -> list[str]:
    """The Celery tasks among captured on-commit callbacks (others, such as cache version bumps, left out)."""
    return [
        callback.func.__self__.name
        for callback in callbacks
        if isinstance(callback, functools.partial) and hasattr(callback.func, "__self__")
    ]


def cold_cache() -> None:
    """The cache as after a deploy: what a page costs when nothing of it is cached (courses.caching), so
    counts taken after different histories in one uncommitted test compare like with like."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rows of a rolled-back test may reuse the ids of cached ones."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hire(db):
    return HireFactory(display_name="Hana Hire")


@pytest.fixture
def coach(db):
    return CoachFactory(display_name="Cora Coach")


@pytest.fixture
def training_admin(db):
    return AdminFactory(display_name="Ada Admin")


@pytest.fixture
def cohort(db, coach):
    cohort = CohortFactory()
    cohort.coaches.add(coach)
    return cohort


@pytest.fixture
def enrollment(cohort, hire):
    return EnrollmentFactory(cohort=cohort, hire=hire)


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


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Callable[[object], Client]:
    return _client_for


@pytest.fixture
def hire_client(hire):
    return _client_for(hire)


@pytest.fixture
def coach_client(coach):
    return _client_for(coach)


@pytest.fixture
def admin_client_(training_admin):
    return _client_for(training_admin)


def wait_for(condition: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.05):
    """Poll until `condition()` is truthy (work done by a worker thread or a server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread of this process, consuming from the configured broker.

    Under `make test` the broker is Kombu's in-memory transport; CI points CELERY_BROKER_URL
    at Redis. Tests using it run in transactional mode so the worker's own database
    connection sees committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # Drop messages a previous run may have left behind on a shared broker.
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING") as worker:
        yield worker
