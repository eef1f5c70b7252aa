from django import template

from coaching.uploads import format_timestamp

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return (mapping or {}).get(key)


@register.filter
def timestamp(seconds: int) -> str:
    return format_timestamp(seconds)
