from django import template

from coaching.services import can_edit_call_review
from coaching.uploads import format_timestamp
from courses.levels import LEVELS, criterion_name

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return (mapping or {}).get(key)


@register.filter
def timestamp(seconds: int | None) -> str:
    # A nesting observation's moment, or its call's length, may have no time: it reads as nothing.
    return "" if seconds is None else format_timestamp(seconds)


@register.filter
def criterion_title(criteria, key: str) -> str:
    """`{{ rubric_version.criteria.all|criterion_title:key }}`: the criterion's name, never its key."""
    return criterion_name(criteria or (), key)


@register.simple_tag
def rubric_levels() -> tuple[int, ...]:
    """The rubric's levels, lowest first: `{% rubric_levels as levels %}`."""
    return LEVELS


@register.filter
def editable_by(review, user) -> bool:
    """Whether this person may correct the call review or observation: the one rule of the services."""
    return can_edit_call_review(review=review, user=user)
