"""How moments read, the same way in pages, emails, exports and the API.

The rules:

- A moment is read in the reader's time zone: the person's own (User.time_zone) on their
  own pages and in their emails; the viewer's on a coach's or an admin's pages. Pages get
  it from the zone the request activated; emails and tasks pass the recipient's zone.
- A due moment that falls at local midnight is the end of the day before it: 00:00 on
  Tuesday reads "Monday 30 November, end of day". Any other moment reads
  "Monday 30 November, 14:30". One format: weekday, day, month (and the year only where
  a page spans years), then "end of day" or the 24-hour time.
- Relative words come from the reader's calendar: "due today, end of day",
  "due tomorrow, 14:30", "was due yesterday, end of day"; further away, the date.
- Machines get ISO 8601 with the UTC offset ("2026-12-01T00:00:00-05:00"): the API's
  datetimes and every date-time column of a CSV export. The API adds `due_label`, the
  phrase `due_phrase` builds, for clients that show it as it is.
"""

import datetime
import zoneinfo

from django.utils import timezone

END_OF_DAY = "end of day"

Zone = zoneinfo.ZoneInfo | datetime.tzinfo | str | None


def zone_of(zone: Zone) -> datetime.tzinfo:
    """A tzinfo from a zone name, a tzinfo, or None (the zone active for this request)."""
    if zone is None:
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        return zoneinfo.ZoneInfo(zone)
    return zone


def local(moment: datetime.datetime, zone: Zone = None) -> datetime.datetime:
    return moment.astimezone(zone_of(zone))


def due_day(moment: datetime.datetime, zone: Zone = None) -> tuple[datetime.date, datetime.time | None]:
    """The day a due moment belongs to, and its time; None for the time means the end of that day."""
    moment = local(moment, zone)
    if moment.time() == datetime.time.min:
        return moment.date() - datetime.timedelta(days=1), None
    return moment.date(), moment.time()


def date_phrase(day: datetime.date, *, year: bool = False) -> str:
    """ "Monday 30 November" (with the year, "Monday 30 November 2026")."""
    text = f"{day:%A} {day.day} {day:%B}"
    return f"{text} {day.year}" if year else text


def day_phrase(value: datetime.date | datetime.datetime | None, zone: Zone = None, *, year: bool = False) -> str:
    """A calendar day ("Monday 30 November"); a date-time is first read in the reader's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = local(value, zone).date()
    return date_phrase(value, year=year)


def _time_phrase(time: datetime.time | None) -> str:
    return END_OF_DAY if time is None else f"{time:%H:%M}"


def moment_phrase(moment: datetime.datetime | None, zone: Zone = None, *, year: bool = False) -> str:
    """When something happened or will happen: "Monday 30 November, 14:30"."""
    if moment is None:
        return ""
    moment = local(moment, zone)
    return f"{date_phrase(moment.date(), year=year)}, {moment:%H:%M}"


def start_phrase(moment: datetime.datetime | None, zone: Zone = None, *, year: bool = False) -> str:
    """When something opens: a local midnight is the start of its day ("Monday 30 November")."""
    if moment is None:
        return ""
    moment = local(moment, zone)
    if moment.time() == datetime.time.min:
        return date_phrase(moment.date(), year=year)
    return moment_phrase(moment, year=year)


def due_date_phrase(moment: datetime.datetime | None, zone: Zone = None, *, year: bool = False) -> str:
    """A due moment on the calendar: "Monday 30 November, end of day" or "Monday 30 November, 14:30"."""
    if moment is None:
        return ""
    day, time = due_day(moment, zone)
    return f"{date_phrase(day, year=year)}, {_time_phrase(time)}"


def due_phrase(moment: datetime.datetime | None, zone: Zone = None, now: datetime.datetime | None = None) -> str:
    """A due moment as the reader says it today: "due today, end of day", "was due yesterday, 14:30",
    "due Thursday 3 December, end of day"."""
    if moment is None:
        return ""
    tz = zone_of(zone)
    now = now or timezone.now()
    day, time = due_day(moment, tz)
    today = local(now, tz).date()
    days_away = (day - today).days
    if days_away == 0:
        when = "today"
    elif days_away == 1:
        when = "tomorrow"
    elif days_away == -1:
        when = "yesterday"
    else:
        when = date_phrase(day, year=abs(days_away) > 180)
    verb = "was due" if now >= moment else "due"
    return f"{verb} {when}, {_time_phrase(time)}"


def iso_moment(moment: datetime.datetime | None, zone: Zone = None) -> str:
    """For machines (CSV, API): ISO 8601 with the UTC offset, to the second, in the reader's zone."""
    return local(moment, zone).isoformat(timespec="seconds") if moment else ""
