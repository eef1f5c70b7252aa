"""The training schedule, as pure functions of a cohort's start and a hire's offsets.

Week N unlocks at 00:00 (cohort time zone) on start_date + 7·(N−1) days + the hire's
offset. The offset is the days an admin extended the hire's schedule, plus, while the
hire is paused, the days since the pause began: the schedule keeps moving during a
pause, so nothing unlocks and nothing falls overdue until the hire is back.
Lessons and checks are due at the end of their `due_day` (1–7) of their week.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from courses.models import TRAINING_WEEKS, Enrollment, EnrollmentStatus

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Schedule:
    start_date: datetime.date
    time_zone: zoneinfo.ZoneInfo
    offset_days: int

    def _midnight(self, day_index: int) -> datetime.datetime:
        day = self.start_date + datetime.timedelta(days=day_index + self.offset_days)
        # Local midnight, converted once: correct across daylight-saving changes.
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.time_zone)

    def week_unlocks_at(self, week_number: int) -> datetime.datetime:
        return self._midnight(DAYS_PER_WEEK * (week_number - 1))

    def due_at(self, week_number: int, due_day: int) -> datetime.datetime:
        """The end of day `due_day` of the week: 00:00 of the following day."""
        return self._midnight(DAYS_PER_WEEK * (week_number - 1) + due_day)

    def is_unlocked(self, week_number: int, now: datetime.datetime) -> bool:
        return now >= self.week_unlocks_at(week_number)

    def current_week(self, now: datetime.datetime) -> int:
        """0 before week 1 opens; 1–6 during training; 6 after it (the checkpoint follows)."""
        elapsed = (self.local_date(now) - self.start_date).days - self.offset_days
        if elapsed < 0:
            return 0
        return min(TRAINING_WEEKS, elapsed // DAYS_PER_WEEK + 1)

    def training_ends_at(self) -> datetime.datetime:
        """The end of week six, when the commitment checkpoint opens."""
        return self._midnight(DAYS_PER_WEEK * TRAINING_WEEKS)

    def days_until_training_ends(self, now: datetime.datetime) -> int:
        return max(0, (self.training_ends_at().date() - self.local_date(now)).days)

    def local_date(self, now: datetime.datetime) -> datetime.date:
        return now.astimezone(self.time_zone).date()


def offset_days(enrollment: Enrollment, today: datetime.date) -> int:
    offset = enrollment.extension_days
    if enrollment.status == EnrollmentStatus.PAUSED and enrollment.paused_on:
        offset += max(0, (today - enrollment.paused_on).days)
    return offset


def schedule_for(enrollment: Enrollment, now: datetime.datetime) -> Schedule:
    cohort = enrollment.cohort
    time_zone = zoneinfo.ZoneInfo(cohort.time_zone)
    today = now.astimezone(time_zone).date()
    return Schedule(start_date=cohort.start_date, time_zone=time_zone, offset_days=offset_days(enrollment, today))
