"""Money in templates as every page shows it: {{ enrollment.monthly_salary|money:cohort.currency }} → 3,100.50 EUR."""

from django import template

from common.numbers import format_amount

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return "—" if amount is None else format_amount(amount, currency)
