"""When a hire's checkpoint opens, when it closes, and when its reminders are due.

All moments are in the cohort's time zone and built from local dates, so they stay right
across daylight-saving changes. A hire's extension (and, while paused, the pause) moves
their opening exactly as it moves the rest of their schedule.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from courses.models import Enrollment
from courses.pacing import schedule_for

LAST_MORNING = datetime.time(8, 0)
REMINDER_BEFORE_DEADLINE = datetime.timedelta(hours=48)


@dataclass(frozen=True)
class Window:
    opens_at: datetime.datetime
    deadline: datetime.datetime
    time_zone: zoneinfo.ZoneInfo

    @property
    def last_morning(self) -> datetime.datetime:
        """08:00 on the last day before the deadline."""
        last_day = (self.deadline - datetime.timedelta(seconds=1)).astimezone(self.time_zone).date()
        return datetime.datetime.combine(last_day, LAST_MORNING, tzinfo=self.time_zone).astimezone(datetime.UTC)

    @property
    def reminder_at(self) -> datetime.datetime:
        return self.deadline - REMINDER_BEFORE_DEADLINE


def _local_midnight(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    # In UTC: arithmetic on an aware datetime in its own zone is wall-clock time, which is
    # wrong across a daylight-saving change ("48 hours before" must be 48 real hours).
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone).astimezone(datetime.UTC)


def opening_day(enrollment: Enrollment, now: datetime.datetime) -> datetime.date:
    schedule = schedule_for(enrollment, now)
    opens_on = enrollment.cohort.checkpoint_opens_on
    if opens_on is None:
        return schedule.training_ends_at().astimezone(schedule.time_zone).date()  # the end of week six
    return opens_on + datetime.timedelta(days=schedule.offset_days)


def window_for(enrollment: Enrollment, now: datetime.datetime) -> Window:
    """The window the checkpoint would have if it opened for this hire now."""
    zone = zoneinfo.ZoneInfo(enrollment.cohort.time_zone)
    day = opening_day(enrollment, now)
    deadline_day = day + datetime.timedelta(days=enrollment.cohort.checkpoint_window_days)
    return Window(opens_at=_local_midnight(day, zone), deadline=_local_midnight(deadline_day, zone), time_zone=zone)


def window_of(checkpoint) -> Window:
    """The window of an opened checkpoint, as stored."""
    zone = zoneinfo.ZoneInfo(checkpoint.enrollment.cohort.time_zone)
    return Window(opens_at=checkpoint.opened_at, deadline=checkpoint.deadline, time_zone=zone)


def deadline_after(moment: datetime.datetime, *, days: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Local midnight at the end of the day `days` days after `moment`'s local date."""
    return _local_midnight(moment.astimezone(zone).date() + datetime.timedelta(days=days), zone)


def offer_amount(enrollment: Enrollment, override: Decimal | None = None) -> Decimal | None:
    """The offer for this hire: an admin's override, else months of salary; None without a salary."""
    if override is not None:
        return override
    if enrollment.monthly_salary is None:
        return None
    amount = enrollment.monthly_salary * enrollment.cohort.offer_salary_months
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
