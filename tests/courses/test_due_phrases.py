"""A due moment reads the same in the page, the email, the API and the export: at 11:40 on
Tuesday 1 December in New York, something due at 00:00 that Tuesday was due yesterday, end of day,
and something due at 00:00 on Wednesday is due today, end of day, never "tomorrow"."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from courses import selectors
from courses import services as course_services
from notifications.models import EmailStatus, Kind, Notification, ReminderItem
from notifications.reminders import reminders_sweep
from notifications.services import notification_email_send
from tests.factories import CohortFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 12, 1, 11, 40, tzinfo=NEW_YORK)  # Tuesday


def _hire_in(start_date: datetime.date, slug: str):
    """A New York hire whose week 1 opens on start_date; its one lesson is due the day after, at 00:00."""
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, slug=slug), start_date=start_date,
                           time_zone="America/New_York")  # fmt: skip
    hire = HireFactory(time_zone="America/New_York")
    return course_services.enrollment_create(cohort=cohort, hire=hire)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _email_body(hire) -> str:
    notification = Notification.objects.get(recipient=hire)
    assert notification.email_status == EmailStatus.QUEUED
    notification_email_send(notification_id=notification.pk, final_attempt=True)
    return mail.outbox[-1].body


def test_a_due_tomorrow_reminder_for_tonights_midnight_says_today():
    enrollment = _hire_in(datetime.date(2026, 12, 1), "tonight")  # the lesson is due Wed 2 Dec, 00:00
    reminders_sweep(now=NOW)
    assert (
        ReminderItem.objects.get(recipient=enrollment.hire, kind=Kind.DUE_TOMORROW).detail == "Due today, end of day."
    )
    body = _email_body(enrollment.hire)
    assert "Due today, end of day." in body
    assert "Wednesday" not in body and "tomorrow" not in body


def test_an_overdue_reminder_says_it_was_due_yesterday_end_of_day():
    enrollment = _hire_in(datetime.date(2026, 11, 30), "last-night")  # due Tue 1 Dec, 00:00
    reminders_sweep(now=NOW)
    assert "It was due yesterday, end of day." in _email_body(enrollment.hire)


def test_my_training_the_api_and_the_week_page_say_the_same(frozen_now):
    enrollment = _hire_in(datetime.date(2026, 11, 30), "same-phrase")
    overview = selectors.training_overview(enrollment=enrollment, now=NOW)
    lesson = next(i for i in overview.items if i.kind == "lesson" and i.week_number == 1)
    assert lesson.status(NOW) == "overdue"

    client = Client()
    client.force_login(enrollment.hire)
    page = client.get("/training/").content.decode()
    assert "was due yesterday, end of day" in page
    assert "00:00" not in page and "Tue 1 Dec" not in page
    week = client.get("/training/weeks/1/").content.decode()
    assert "was due yesterday, end of day" in week

    api = APIClient()
    api.force_authenticate(enrollment.hire)
    progress = api.get("/api/v1/training/progress/").json()
    overdue = next(i for i in progress["overdue"] if i["kind"] == "lesson")
    assert overdue["due_label"] == "was due yesterday, end of day"
    assert datetime.datetime.fromisoformat(overdue["due_at"]) == datetime.datetime(2026, 12, 1, tzinfo=NEW_YORK)


def test_the_progress_export_gives_moments_in_iso_8601_with_the_readers_offset(training_admin):
    enrollment = _hire_in(datetime.date(2026, 11, 30), "export")
    lesson = enrollment.cohort.curriculum.lessons.get(slug="w1-lesson-1")
    course_services.lesson_complete(enrollment=enrollment, lesson=lesson, now=NOW)
    training_admin.time_zone = "America/New_York"
    training_admin.save(update_fields=["time_zone"])
    client = Client()
    client.force_login(training_admin)
    csv = client.get(f"/cohorts/{enrollment.cohort.pk}/export/progress.csv").content.decode()
    assert "2026-12-01T11:40:00-05:00" in csv
