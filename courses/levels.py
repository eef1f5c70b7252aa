"""The rubric's level scale: every criterion is scored from 0 (missing) to 3 (memorable).

Forms, serializers, services, scorers and charts read the range from here, and a level
outside it is refused everywhere with the same sentence.
"""

LEVEL_MIN = 0
LEVEL_MAX = 3
LEVELS = tuple(range(LEVEL_MIN, LEVEL_MAX + 1))
LEVEL_NAMES = {0: "missing", 1: "scripted", 2: "genuine", 3: "memorable"}


def _spoken_levels() -> str:
    *rest, last = (str(level) for level in LEVELS)
    return f"{', '.join(rest)} or {last}"


def level_out_of_range_message(criterion_name: str) -> str:
    """What a person is told when a level is not one of the scale's."""
    return f"The level for {criterion_name} must be {_spoken_levels()}."


def as_level(value: object) -> int | None:
    """The value as a level of the scale, or None when it is not one (text, fractions, out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    try:
        level = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return None
    return level if level in LEVELS else None


def criterion_name(criteria, key: str) -> str:
    """A criterion's title as people read it, from the rubric version's criteria.

    A key with no criterion row (a rubric edited since) reads as words, never as the raw key.
    """
    for criterion in criteria:
        if criterion.key == key:
            return criterion.title
    return key.replace("_", " ").capitalize()
