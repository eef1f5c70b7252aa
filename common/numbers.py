"""Numbers from query strings and forms, read the same way everywhere."""

import re

ID_MAX = 2**63 - 1  # the largest value of a database's bigint (ids, and anything compared with one)
_DIGITS = re.compile(r"[0-9]{1,19}")


def number_or_none(value: str | None) -> int | None:
    """A non-negative whole number a database can compare with, or None for anything else:
    empty, signs, other scripts' digits ("²", "١"), or more than a bigint holds."""
    if value and _DIGITS.fullmatch(value):
        number = int(value)
        if number <= ID_MAX:
            return number
    return None
