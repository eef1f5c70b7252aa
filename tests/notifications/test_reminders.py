import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from courses import services as course_services
from courses.models import Enrollment, Lesson
from notifications.models import EmailStatus, Kind, Notification
from notifications.reminders import reminders_sweep
from tests.conftest import wait_for
from tests.factories import CohortFactory, curriculum_with

UTC = datetime.UTC
START = datetime.date(2026, 11, 2)  # a Monday


@pytest.fixture
def cohort(db):
    return CohortFactory(curriculum=curriculum_with(lessons_per_week=3), start_date=START, time_zone="UTC")


def _enroll(cohort, count: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"bulk{cohort.pk}-{n}@academy.test", display_name=f"Hire {n}", time_zone="UTC") for n in range(count)
    )
    Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)


def test_what_a_hire_is_reminded_of(cohort, hire):
    enrollment = course_services.enrollment_create(cohort=cohort, hire=hire)
    done = Lesson.objects.get(curriculum=cohort.curriculum, slug="w1-lesson-1")
    course_services.lesson_complete(enrollment=enrollment, lesson=done)
    # Day 2, 10:00: week 1 opened yesterday; lesson 1 (done) and nothing else is past due;
    # lesson 2 (due end of day 2) is due within a day.
    now = datetime.datetime(2026, 11, 3, 10, tzinfo=UTC)
    reminders_sweep(now=now)
    told = set(Notification.objects.values_list("kind", "title"))
    assert (Kind.DUE_TOMORROW, "Due soon: Week 1 lesson 2") in told
    assert not any(title == "Due soon: Week 1 lesson 1" or "Overdue" in title for _, title in told)

    # Day 4: lesson 2 is overdue; week 1 unlocked more than a day ago, so no new "week open" notice.
    later = datetime.datetime(2026, 11, 5, 10, tzinfo=UTC)
    reminders_sweep(now=later)
    assert Notification.objects.filter(kind=Kind.OVERDUE, title="Overdue: Week 1 lesson 2").exists()
    assert not Notification.objects.filter(kind=Kind.OVERDUE, title="Overdue: Week 1 lesson 1").exists()


def test_paused_and_withdrawn_hires_are_not_reminded(cohort, hire, training_admin):
    enrollment = course_services.enrollment_create(cohort=cohort, hire=hire)
    course_services.enrollment_pause(enrollment=enrollment, actor=training_admin)
    reminders_sweep(now=datetime.datetime(2026, 11, 20, tzinfo=UTC))
    assert not Notification.objects.exists()


@pytest.mark.celery_worker
def test_the_same_sweep_run_twice_sends_each_reminder_once(cohort, celery_worker):
    _enroll(cohort, 5)
    now = datetime.datetime(2026, 11, 3, 10, tzinfo=UTC)
    first = reminders_sweep(now=now, batch_size=2)
    second = reminders_sweep(now=now, batch_size=2)
    assert first.created > 0 and second.created == 0 and first.batches == 3
    rows = Notification.objects.count()
    assert rows == first.created
    wait_for(lambda: Notification.objects.filter(email_status=EmailStatus.SENT).count() == rows)
    assert len(mail.outbox) == rows


@pytest.mark.django_db
def test_each_batch_costs_the_same_queries_however_many_hires(cohort):
    now = datetime.datetime(2026, 11, 3, 10, tzinfo=UTC)

    def queries_for(count: int) -> tuple[int, int]:
        Notification.objects.all().delete()
        Enrollment.objects.all().delete()
        User.objects.filter(email__startswith="bulk").delete()
        _enroll(cohort, count)
        with CaptureQueriesContext(connection) as captured:
            result = reminders_sweep(now=now, batch_size=100)
        assert result.enrollments == count and Notification.objects.count() > 0
        return len(captured), result.batches

    one_batch, _ = queries_for(100)
    two_batches, _ = queries_for(200)
    per_batch = two_batches - one_batch
    many, batches = queries_for(10_000)
    assert batches == 100
    assert many == one_batch + (batches - 1) * per_batch
    assert per_batch <= 15  # reads, one insert, and the transaction around them


@pytest.mark.django_db
def test_quiet_hours_and_preferences_apply_to_reminders(cohort):
    from notifications.models import Channel, Preference, QuietHours

    _enroll(cohort, 2)
    night_owl, digest_reader = User.objects.filter(email__startswith="bulk").order_by("pk")
    QuietHours.objects.create(user=night_owl, starts=datetime.time(21), ends=datetime.time(8))
    Preference.objects.create(user=digest_reader, kind=Kind.DUE_TOMORROW, channel=Channel.EMAIL_DIGEST)
    reminders_sweep(now=datetime.datetime(2026, 11, 3, 23, tzinfo=UTC))  # 23:00 UTC for both
    owl = Notification.objects.filter(recipient=night_owl, kind=Kind.DUE_TOMORROW).first()
    assert owl.email_status == EmailStatus.SCHEDULED
    assert owl.email_due_at == datetime.datetime(2026, 11, 4, 8, tzinfo=UTC)
    assert set(Notification.objects.filter(recipient=digest_reader, kind=Kind.DUE_TOMORROW).values_list(
        "email_status", flat=True)) == {EmailStatus.DIGEST}  # fmt: skip
