"""The opening moment and the deadline, in the cohort's time zone, across daylight saving."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from checkpoint import services, timing
from checkpoint.models import Checkpoint
from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with

UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def curriculum(db):
    return curriculum_with(lessons_per_week=1)


def _enrollment(curriculum, *, start: datetime.date, zone: str, **cohort_fields):
    cohort = CohortFactory(curriculum=curriculum, start_date=start, time_zone=zone, **cohort_fields)
    return EnrollmentFactory(cohort=cohort)


def test_opens_at_local_midnight_after_week_six_in_los_angeles(curriculum):
    enrollment = _enrollment(curriculum, start=datetime.date(2026, 3, 2), zone="America/Los_Angeles")
    # Six weeks after Monday 2 March is Monday 13 April, 00:00 PDT = 07:00 UTC.
    assert services.checkpoints_open_due(now=utc(2026, 4, 13, 6, 59)) == 0
    assert services.checkpoints_open_due(now=utc(2026, 4, 13, 7, 0)) == 1
    checkpoint = Checkpoint.objects.get(enrollment=enrollment)
    assert checkpoint.opened_at == utc(2026, 4, 13, 7, 0)
    assert checkpoint.deadline == utc(2026, 4, 20, 7, 0)  # seven days, local midnight


def test_a_cohort_ahead_of_utc_opens_the_evening_before_in_utc(curriculum):
    enrollment = _enrollment(curriculum, start=datetime.date(2026, 6, 1), zone="Asia/Tokyo")
    # 13 July 00:00 JST is 12 July 15:00 UTC.
    assert services.checkpoints_open_due(now=utc(2026, 7, 12, 14, 59)) == 0
    assert services.checkpoints_open_due(now=utc(2026, 7, 12, 15, 0)) == 1
    assert enrollment.__class__.objects.get(pk=enrollment.pk).checkpoint.opened_at == utc(2026, 7, 12, 15, 0)


def test_spring_forward_between_start_and_opening(curriculum):
    # Start in PST (UTC−8), open in PDT (UTC−7): still local midnight.
    enrollment = _enrollment(curriculum, start=datetime.date(2026, 2, 2), zone="America/Los_Angeles")
    window = timing.window_for(enrollment, utc(2026, 3, 16, 12))
    assert window.opens_at == utc(2026, 3, 16, 7)
    assert window.opens_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")).hour == 0


def test_deadline_across_the_autumn_change_is_local_midnight(curriculum):
    # Opens 20 October (CEST, UTC+2); the deadline, 27 October, is after the change back (CET, UTC+1).
    enrollment = _enrollment(
        curriculum,
        start=datetime.date(2026, 9, 1),
        zone="Europe/Berlin",
        checkpoint_opens_on=datetime.date(2026, 10, 20),
    )
    window = timing.window_for(enrollment, utc(2026, 10, 20, 12))
    assert window.opens_at == utc(2026, 10, 19, 22)
    assert window.deadline == utc(2026, 10, 26, 23)
    assert window.deadline - window.opens_at == datetime.timedelta(days=7, hours=1)  # a 25-hour day inside
    assert window.reminder_at == utc(2026, 10, 24, 23)  # 48 real hours before
    assert window.last_morning == utc(2026, 10, 26, 7)  # 08:00 CET on the last day


def test_a_hires_extension_moves_their_opening(curriculum):
    enrollment = _enrollment(curriculum, start=datetime.date(2026, 3, 2), zone="UTC")
    extended = EnrollmentFactory(cohort=enrollment.cohort, extension_days=3)
    services.checkpoints_open_due(now=utc(2026, 4, 13, 0, 0))
    assert hasattr(enrollment.__class__.objects.get(pk=enrollment.pk), "checkpoint")
    assert not Checkpoint.objects.filter(enrollment=extended).exists()
    services.checkpoints_open_due(now=utc(2026, 4, 16, 0, 0))
    assert Checkpoint.objects.get(enrollment=extended).opened_at == utc(2026, 4, 16)


def test_the_cohort_may_set_its_own_opening_day_and_window(curriculum):
    enrollment = _enrollment(
        curriculum, start=datetime.date(2026, 3, 2), zone="UTC",
        checkpoint_opens_on=datetime.date(2026, 4, 20), checkpoint_window_days=3,
    )  # fmt: skip
    assert services.checkpoints_open_due(now=utc(2026, 4, 13, 12)) == 0
    assert services.checkpoints_open_due(now=utc(2026, 4, 20, 0)) == 1
    assert Checkpoint.objects.get(enrollment=enrollment).deadline == utc(2026, 4, 23)


def test_offer_is_months_of_salary_rounded_to_cents_or_the_override(curriculum):
    enrollment = _enrollment(
        curriculum, start=datetime.date(2026, 3, 2), zone="UTC", offer_salary_months=Decimal("1.5")
    )
    enrollment.monthly_salary = Decimal("3333.33")
    assert timing.offer_amount(enrollment) == Decimal("5000.00")  # 4999.995 rounds half up
    assert timing.offer_amount(enrollment, Decimal("1234.00")) == Decimal("1234.00")
    enrollment.monthly_salary = None
    assert timing.offer_amount(enrollment) is None
