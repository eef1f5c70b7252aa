"""Cached hire pages are never stale after the writes that change them.

Most of these tests commit for real (transaction=True): a version token changes only when the write
commits, which a test wrapped in one transaction never does.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import versioned_cache
from courses import caching, selectors, services
from courses.models import Lesson
from tests.conftest import _client_for
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

committing = pytest.mark.django_db(transaction=True)


def _dashboard(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    return response.context["overview"], len(captured)


def _week_one_lesson(overview):
    return next(item for item in overview.week(1).items if item.kind == "lesson")


@pytest.fixture
def running(db):
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=2))
    hire = HireFactory()
    return EnrollmentFactory(cohort=cohort, hire=hire)


@committing
def test_the_dashboard_shows_a_completion_made_through_the_lesson_form(running):
    client = _client_for(running.hire)
    first, uncached_queries = _dashboard(client)
    lesson = _week_one_lesson(first)
    assert not lesson.done
    _, cached_queries = _dashboard(client)
    assert cached_queries < uncached_queries  # the second read came from the cache: this test can fail

    response = client.post(reverse("courses:lesson_completion", args=[1, lesson.slug]))
    assert response.status_code == 302

    after, _ = _dashboard(client)
    assert _week_one_lesson(after).done
    assert after.done_count == first.done_count + 1

    client.post(reverse("courses:lesson_completion", args=[1, lesson.slug]), {"action": "undo"})
    assert not _week_one_lesson(_dashboard(client)[0]).done


@committing
def test_a_write_on_another_connection_reaches_the_next_read(running):
    """What a Celery worker or another web process writes: only the commit tells the cache."""
    overview = selectors.training_overview(enrollment=running)
    lesson = Lesson.objects.get(pk=_week_one_lesson(overview).id)
    with transaction.atomic():
        services.lesson_complete(enrollment=running, lesson=lesson)
        # Inside the writing transaction the hire's own reads skip the cache and see the write.
        assert _week_one_lesson(selectors.training_overview(enrollment=running)).done
    assert _week_one_lesson(selectors.training_overview(enrollment=running)).done


@committing
def test_a_rolled_back_write_never_reaches_the_cache(running):
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).first()
    selectors.training_overview(enrollment=running)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.lesson_complete(enrollment=running, lesson=lesson)
        assert _week_one_lesson(selectors.training_overview(enrollment=running)).done
        raise RuntimeError("rolled back")
    assert not _week_one_lesson(selectors.training_overview(enrollment=running)).done


@committing
def test_an_edited_lesson_title_shows_on_every_hire_dashboard(running):
    other = EnrollmentFactory(cohort=running.cohort, hire=HireFactory())
    selectors.training_overview(enrollment=running)
    selectors.training_overview(enrollment=other)
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).order_by("position").first()
    lesson.title = "Owning the call"
    lesson.save()
    for enrollment in (running, other):
        assert _week_one_lesson(selectors.training_overview(enrollment=enrollment)).title == "Owning the call"


@committing
def test_one_hires_completion_leaves_the_others_entry_cached(running):
    other = EnrollmentFactory(cohort=running.cohort, hire=HireFactory())
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).first()
    selectors.training_overview(enrollment=other)
    services.lesson_complete(enrollment=running, lesson=lesson)
    with CaptureQueriesContext(connection) as captured:
        overview = selectors.training_overview(enrollment=other)
    assert len(captured) == 0
    assert not _week_one_lesson(overview).done
    assert _week_one_lesson(selectors.training_overview(enrollment=running)).done


@committing
def test_an_evicted_version_token_is_replaced_never_reused(running):
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).first()
    selectors.training_overview(enrollment=running)
    cache.delete(versioned_cache._version_key(caching.ENROLLMENT, running.pk))
    services.lesson_complete(enrollment=running, lesson=lesson)
    cache.delete(versioned_cache._version_key(caching.ENROLLMENT, running.pk))
    assert _week_one_lesson(selectors.training_overview(enrollment=running)).done


def test_inside_one_transaction_a_read_after_a_write_sees_it(running):
    """The suite's usual tests run in one transaction that never commits: reads still see their writes."""
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).first()
    selectors.training_overview(enrollment=running)
    services.lesson_complete(enrollment=running, lesson=lesson)
    assert _week_one_lesson(selectors.training_overview(enrollment=running)).done


# --- The coach's queue and the cohort dashboard ---------------------------------------------------------


@committing
def test_the_coachs_queue_after_a_release(running, settings):
    import datetime

    from django.utils import timezone

    from coaching import services as coaching_services
    from courses.models import Attempt, AttemptState
    from tests.factories import CoachFactory
    from tests.roleplay_support import scenario_with_turns

    settings.CELERY_TASK_ALWAYS_EAGER = False  # nothing waits on the worker here
    coach = CoachFactory()
    running.cohort.coaches.add(coach)
    scenario = scenario_with_turns(running.cohort.curriculum, slug="graded-fresh", mode="graded")
    submitted = timezone.now() - datetime.timedelta(hours=3)
    fields = {
        "enrollment": running, "scenario": scenario, "rubric_version": scenario.rubric.current_version,
        "state": AttemptState.AWAITING_COACH, "started_at": submitted, "submitted_at": submitted,
        "prescore_percent": 50, "grading_due_at": submitted + datetime.timedelta(days=1),
    }  # fmt: skip
    waiting = [Attempt.objects.create(number=number, **fields) for number in (1, 2)]
    client = _client_for(coach)
    before = client.get(reverse("coaching:queue"))
    assert [a.pk for a in before.context["page"]] == [a.pk for a in waiting]
    levels = {criterion.key: 2 for criterion in scenario.rubric.current_version.criteria.all()}
    coaching_services.grade_release(attempt=waiting[0], coach=coach, levels=levels)
    after = client.get(reverse("coaching:queue"))
    assert [a.pk for a in after.context["page"]] == [waiting[1].pk]
    assert after.context["counts"].total == 1


@committing
def test_the_cohort_dashboard_after_an_import_and_a_completion(running, settings):
    from cohorts import services as cohort_services
    from tests.cohorts.conftest import csv_bytes
    from tests.factories import AdminFactory

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the invitations are not what this test reads
    admin = AdminFactory()
    client = _client_for(admin)
    url = reverse("cohorts:dashboard", args=[running.cohort.pk])
    before = client.get(url).context["dashboard"]
    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm) < len(cold)  # read from the cache: this test can fail
    assert [h.enrollment.pk for h in before.hires] == [running.pk]
    assert before.hires[0].done == 0

    content = csv_bytes("ana.new@academy.test,Ana New,UTC,3200,", "ben.new@academy.test,Ben New,UTC,3400,")
    cohort_services.enrollment_import_confirm(cohort=running.cohort, content=content, actor=admin, filename="a.csv")
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum, week__number=1).first()
    services.lesson_complete(enrollment=running, lesson=lesson)

    after = client.get(url).context["dashboard"]
    assert sorted(h.hire.email for h in after.hires) == sorted(
        ["ana.new@academy.test", "ben.new@academy.test", running.hire.email]
    )
    assert next(h for h in after.hires if h.enrollment.pk == running.pk).done == 1
    assert sum(after.status_counts().values()) == 3


@committing
def test_practice_against_real_calls_after_a_call_review(running):
    """The hire's feedback page and the cohort dashboard read transfer scores from the cache."""
    from django.utils import timezone

    from coaching import transfer
    from coaching.models import CallReview
    from tests.factories import CoachFactory
    from tests.roleplay_support import scenario_with_turns

    scenario = scenario_with_turns(running.cohort.curriculum, slug="graded-transfer", mode="graded")
    version = scenario.rubric.current_version
    assert all(not row.real for row in transfer.transfer_for(enrollment=running).criteria)
    with CaptureQueriesContext(connection) as warm:
        transfer.transfer_for(enrollment=running)
    key = version.criteria.order_by("position").first().key
    CallReview.objects.create(
        enrollment=running, coach=CoachFactory(), rubric_version=version, call_at=timezone.now(), levels={key: 3}
    )
    with CaptureQueriesContext(connection) as after_write:
        found = transfer.transfer_for(enrollment=running)
    assert len(after_write) > len(warm)  # the review made the hire's scores be read again
    assert [score.level for score in next(row for row in found.criteria if row.key == key).real] == [3]
