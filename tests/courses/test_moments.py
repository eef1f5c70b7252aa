import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone

from courses.moments import due_date_phrase, due_phrase, iso_moment, moment_phrase, start_phrase

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TUESDAY_MIDNIGHT = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=NEW_YORK)
TUESDAY_MORNING = datetime.datetime(2026, 12, 1, 11, 40, tzinfo=NEW_YORK)


def test_a_due_moment_at_local_midnight_is_the_end_of_the_day_before():
    assert due_date_phrase(TUESDAY_MIDNIGHT, NEW_YORK) == "Monday 30 November, end of day"
    assert due_date_phrase(TUESDAY_MIDNIGHT.replace(hour=14, minute=30), NEW_YORK) == "Tuesday 1 December, 14:30"


def test_at_eleven_forty_on_tuesday_a_tuesday_midnight_due_moment_was_due_yesterday():
    assert due_phrase(TUESDAY_MIDNIGHT, NEW_YORK, TUESDAY_MORNING) == "was due yesterday, end of day"


def test_relative_words_follow_the_readers_calendar():
    wednesday_midnight = TUESDAY_MIDNIGHT + datetime.timedelta(days=1)
    thursday_midnight = TUESDAY_MIDNIGHT + datetime.timedelta(days=2)
    assert due_phrase(wednesday_midnight, NEW_YORK, TUESDAY_MORNING) == "due today, end of day"
    assert due_phrase(thursday_midnight, NEW_YORK, TUESDAY_MORNING) == "due tomorrow, end of day"
    assert due_phrase(TUESDAY_MORNING.replace(hour=9, minute=0), NEW_YORK, TUESDAY_MORNING) == "was due today, 09:00"
    far = TUESDAY_MIDNIGHT + datetime.timedelta(days=3)
    assert due_phrase(far, NEW_YORK, TUESDAY_MORNING) == "due Thursday 3 December, end of day"
    # The same moment, read from London where it is already Tuesday afternoon, is 05:00 on Tuesday.
    assert due_phrase(TUESDAY_MIDNIGHT, "Europe/London", TUESDAY_MORNING) == "was due today, 05:00"


def test_other_moments_read_with_their_time_and_openings_with_their_day():
    assert moment_phrase(TUESDAY_MORNING, NEW_YORK) == "Tuesday 1 December, 11:40"
    assert moment_phrase(TUESDAY_MORNING, NEW_YORK, year=True) == "Tuesday 1 December 2026, 11:40"
    assert start_phrase(TUESDAY_MIDNIGHT, NEW_YORK) == "Tuesday 1 December"
    assert iso_moment(TUESDAY_MIDNIGHT, NEW_YORK) == "2026-12-01T00:00:00-05:00"
    assert iso_moment(None) == "" and due_phrase(None) == ""


def test_the_template_filters_read_in_the_active_zone():
    template = Template("{% load moments %}{{ when|due:now }} · {{ when|due_on }} · {{ when|starts }}")
    with timezone.override(NEW_YORK):
        text = template.render(Context({"when": TUESDAY_MIDNIGHT, "now": TUESDAY_MORNING}))
    assert text == "was due yesterday, end of day · Monday 30 November, end of day · Tuesday 1 December"
