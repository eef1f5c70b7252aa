"""Week N unlocks at 00:00 cohort time on start + 7·(N−1) days, moved by the hire's extension and pause."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.models import EnrollmentEventKind, EnrollmentStatus
from courses.pacing import Schedule, schedule_for
from tests.factories import CohortFactory, EnrollmentFactory

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(*args, tz=UTC):
    return datetime.datetime(*args, tzinfo=tz)


def test_unlocks_stay_at_local_midnight_across_the_autumn_clock_change():
    # US clocks go back on Sunday 1 November 2026: week 1 opens in EDT, week 2 in EST.
    schedule = Schedule(datetime.date(2026, 10, 26), NEW_YORK, 0)
    week1, week2 = schedule.week_unlocks_at(1), schedule.week_unlocks_at(2)
    assert week1.astimezone(UTC) == at(2026, 10, 26, 4)
    assert week2.astimezone(UTC) == at(2026, 11, 2, 5)
    assert (week2.hour, week2.minute) == (0, 0)
    assert week2.astimezone(UTC) - week1.astimezone(UTC) == datetime.timedelta(days=7, hours=1)  # a 169-hour week
    assert not schedule.is_unlocked(2, at(2026, 11, 2, 4, 59))
    assert schedule.is_unlocked(2, at(2026, 11, 2, 5, 0))


def test_unlocks_stay_at_local_midnight_across_the_spring_clock_change():
    # US clocks go forward on Sunday 8 March 2026.
    schedule = Schedule(datetime.date(2026, 3, 2), NEW_YORK, 0)
    assert schedule.week_unlocks_at(1).astimezone(UTC) == at(2026, 3, 2, 5)
    assert schedule.week_unlocks_at(2).astimezone(UTC) == at(2026, 3, 9, 4)


@pytest.mark.parametrize(
    ("zone", "week1_utc"),
    [
        ("Pacific/Kiritimati", at(2026, 5, 31, 10)),  # UTC+14: opens while it is still 31 May in UTC
        ("Pacific/Pago_Pago", at(2026, 6, 1, 11)),  # UTC−11: opens late on 1 June UTC
        ("Asia/Kolkata", at(2026, 5, 31, 18, 30)),  # a half-hour offset
    ],
)
def test_cohorts_far_from_utc_open_at_their_own_midnight(zone, week1_utc):
    schedule = Schedule(datetime.date(2026, 6, 1), zoneinfo.ZoneInfo(zone), 0)
    assert schedule.week_unlocks_at(1).astimezone(UTC) == week1_utc
    assert not schedule.is_unlocked(1, week1_utc - datetime.timedelta(seconds=1))
    assert schedule.is_unlocked(1, week1_utc)
    assert schedule.current_week(week1_utc) == 1
    assert schedule.current_week(week1_utc - datetime.timedelta(minutes=1)) == 0


def test_due_dates_and_the_checkpoint_follow_the_same_schedule():
    schedule = Schedule(datetime.date(2026, 11, 2), NEW_YORK, 0)
    assert schedule.due_at(1, 5) == at(2026, 11, 7, 0, tz=NEW_YORK)  # end of the week's fifth day
    assert schedule.due_at(3, 7) == schedule.week_unlocks_at(4)
    assert schedule.training_ends_at() == at(2026, 12, 14, 0, tz=NEW_YORK)
    assert schedule.days_until_training_ends(at(2026, 12, 10, 15)) == 4
    assert schedule.current_week(at(2026, 12, 20, 12)) == 6


@pytest.mark.django_db
def test_an_extension_moves_only_that_hires_schedule(training_admin):
    cohort = CohortFactory(start_date=datetime.date(2026, 11, 2), time_zone="America/New_York")
    extended, on_pace = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    now = at(2026, 11, 10, 12)

    services.enrollment_extend(enrollment=extended, days=3, actor=training_admin, note="Sick leave")

    extended.refresh_from_db()
    assert schedule_for(extended, now).week_unlocks_at(2) == at(2026, 11, 12, 0, tz=NEW_YORK)
    assert schedule_for(on_pace, now).week_unlocks_at(2) == at(2026, 11, 9, 0, tz=NEW_YORK)
    event = extended.events.get()
    assert (event.kind, event.days, event.actor, event.note) == (EnrollmentEventKind.EXTENDED, 3, training_admin,
                                                                  "Sick leave")  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -2, 61])
def test_a_bad_extension_is_refused_and_changes_nothing(training_admin, days):
    enrollment = EnrollmentFactory()
    with pytest.raises(ValidationError):
        services.enrollment_extend(enrollment=enrollment, days=days, actor=training_admin)
    enrollment.refresh_from_db()
    assert enrollment.extension_days == 0 and not enrollment.events.exists()


@pytest.mark.django_db
def test_a_pause_holds_the_schedule_and_resuming_keeps_the_shift(training_admin):
    cohort = CohortFactory(start_date=datetime.date(2026, 11, 2), time_zone="America/New_York")
    enrollment = EnrollmentFactory(cohort=cohort)
    paused_at = at(2026, 11, 5, 15)  # Thursday of week 1
    services.enrollment_pause(enrollment=enrollment, actor=training_admin, now=paused_at)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PAUSED

    # Ten days later week 2 still has not opened: the schedule moved with every paused day.
    ten_days_later = at(2026, 11, 15, 15)
    schedule = schedule_for(enrollment, ten_days_later)
    assert schedule.offset_days == 10
    assert not schedule.is_unlocked(2, ten_days_later)
    assert schedule.due_at(1, 5) > ten_days_later  # nothing falls overdue during a pause

    services.enrollment_resume(enrollment=enrollment, actor=training_admin, now=ten_days_later)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.extension_days, enrollment.paused_on) == (EnrollmentStatus.ACTIVE, 10, None)
    assert schedule_for(enrollment, ten_days_later).week_unlocks_at(2) == at(2026, 11, 19, 0, tz=NEW_YORK)
    assert [e.kind for e in enrollment.events.order_by("id")] == ["paused", "resumed"]


@pytest.mark.django_db
def test_only_an_active_hire_can_be_paused(training_admin):
    enrollment = EnrollmentFactory(status=EnrollmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match="Only an active hire"):
        services.enrollment_pause(enrollment=enrollment, actor=training_admin)
    with pytest.raises(ValidationError, match="is not paused"):
        services.enrollment_resume(enrollment=enrollment, actor=training_admin)
