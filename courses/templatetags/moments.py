"""Moments in templates, read in the zone the request activated (the viewer's): see courses/moments.py.

{% load moments %}
{{ item.due_at|due:overview.now }}    due today, end of day · was due yesterday, 14:30
{{ item.due_at|due_on }}              Monday 30 November, end of day
{{ week.unlocks_at|starts }}          Monday 30 November
{{ cohort.start_date|day:"year" }}    Monday 30 November 2026 (a date, or a date-time's day)
{{ event.created_at|moment }}         Monday 30 November, 14:30
{{ event.created_at|moment:"year" }}  Monday 30 November 2026, 14:30
"""

from django import template

from courses import moments

register = template.Library()


@register.filter
def due(value, now=None) -> str:
    return moments.due_phrase(value, None, now or None)


@register.filter
def due_on(value, year: str = "") -> str:
    return moments.due_date_phrase(value, None, year=year == "year")


@register.filter
def starts(value, year: str = "") -> str:
    return moments.start_phrase(value, None, year=year == "year")


@register.filter
def day(value, year: str = "") -> str:
    return moments.day_phrase(value, None, year=year == "year")


@register.filter
def moment(value, year: str = "") -> str:
    return moments.moment_phrase(value, None, year=year == "year")


@register.filter
def item_status(item, now) -> str:
    """done | overdue | due | locked, by courses.progress."""
    return item.status(now)
