import datetime
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from courses import services as course_services
from courses.models import Enrollment, Lesson
from notifications.models import EmailStatus, Kind, Notification, ReminderItem
from notifications.reminders import reminders_sweep
from tests.conftest import wait_for
from tests.factories import CohortFactory, HireFactory, curriculum_with

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
    overdue = set(ReminderItem.objects.filter(kind=Kind.OVERDUE).values_list("title", flat=True))
    assert "Week 1 lesson 2" in overdue and "Week 1 lesson 1" not in overdue


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
    # 23:00 UTC on day one for both: week 1 is open and lesson 1 is due at midnight.
    reminders_sweep(now=datetime.datetime(2026, 11, 2, 23, tzinfo=UTC))
    owl = Notification.objects.get(recipient=night_owl, kind=Kind.DUE_TOMORROW)
    assert owl.email_status == EmailStatus.SCHEDULED
    assert owl.email_due_at == datetime.datetime(2026, 11, 3, 8, tzinfo=UTC)
    assert set(Notification.objects.filter(recipient=digest_reader, kind=Kind.DUE_TOMORROW).values_list(
        "email_status", flat=True)) == {EmailStatus.DIGEST}  # fmt: skip


def _sweep_and_deliver(now):
    result = reminders_sweep(now=now)
    wait_for(lambda: not Notification.objects.filter(email_status=EmailStatus.QUEUED).exists())
    return result


@pytest.mark.celery_worker
def test_a_struggling_hire_gets_one_reminder_listing_every_item(cohort, celery_worker):
    hire = HireFactory(time_zone="UTC")
    course_services.enrollment_create(cohort=cohort, hire=hire)
    # Day 5: the three lessons of week 1 are past their due days.
    _sweep_and_deliver(datetime.datetime(2026, 11, 6, 10, tzinfo=UTC))

    reminder = Notification.objects.get(recipient=hire)
    assert reminder.kind == Kind.OVERDUE and reminder.title == "3 things are overdue"
    assert all(f"Week 1 lesson {n}" in reminder.body for n in (1, 2, 3))
    assert sorted(reminder.items.values_list("title", flat=True)) == [f"Week 1 lesson {n}" for n in (1, 2, 3)]
    wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [hire.email] and mail.outbox[0].subject == "3 things are overdue"
    assert all(f"Week 1 lesson {n}" in mail.outbox[0].body for n in (1, 2, 3))
    assert all(f"/training/weeks/1/w1-lesson-{n}/" in mail.outbox[0].alternatives[0][0] for n in (1, 2, 3))


@pytest.mark.celery_worker
def test_a_rerun_sweep_tells_nothing_twice_and_skips_what_was_done_meanwhile(cohort, celery_worker):
    hire = HireFactory(time_zone="UTC")
    enrollment = course_services.enrollment_create(cohort=cohort, hire=hire)
    day_two = datetime.datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert _sweep_and_deliver(day_two).created == 1  # lesson 2 is due within a day
    assert _sweep_and_deliver(day_two + datetime.timedelta(minutes=5)).created == 0

    # The next day lesson 2 is overdue, lesson 3 due soon; lesson 3 is done before the sweep.
    lesson_three = Lesson.objects.get(curriculum=cohort.curriculum, slug="w1-lesson-3")
    course_services.lesson_complete(enrollment=enrollment, lesson=lesson_three)
    _sweep_and_deliver(datetime.datetime(2026, 11, 4, 10, tzinfo=UTC))
    latest = Notification.objects.filter(recipient=hire).order_by("-created_at").first()
    assert latest.title == "Overdue: Week 1 lesson 2"
    assert list(latest.items.values_list("title", flat=True)) == ["Week 1 lesson 2"]
    assert Notification.objects.filter(recipient=hire).count() == 2
    wait_for(lambda: len(mail.outbox) == 2)
    time.sleep(0.3)
    assert len(mail.outbox) == 2


@pytest.mark.celery_worker
@pytest.mark.parametrize(("per_day", "emails"), [(1, 1), (2, 2)])
def test_reminder_emails_are_capped_per_person_per_local_day(cohort, celery_worker, settings, per_day, emails):
    settings.NOTIFICATIONS_REMINDER_EMAILS_PER_DAY = per_day
    hire = HireFactory(time_zone="America/Los_Angeles")  # eight hours behind the cohort's UTC
    course_services.enrollment_create(cohort=cohort, hire=hire)
    # 14:00 and 17:00 on 3 November in Los Angeles: the cohort's day changes in between, so
    # the second sweep has new things to say, on the same day for the hire.
    _sweep_and_deliver(datetime.datetime(2026, 11, 3, 22, tzinfo=UTC))
    _sweep_and_deliver(datetime.datetime(2026, 11, 4, 1, tzinfo=UTC))

    assert Notification.objects.filter(recipient=hire).count() == 2  # both are in the app
    time.sleep(0.3)
    assert len(mail.outbox) == emails
    # Another day in Los Angeles: lesson 3 is overdue now, and that reminder is emailed.
    _sweep_and_deliver(datetime.datetime(2026, 11, 5, 22, tzinfo=UTC))
    wait_for(lambda: len(mail.outbox) == emails + 1)
