"""The readiness rule, as pure functions of what was read for a hire (see selectors.py).

A hire is ready for nesting when every requirement of the cohort's rule is met:
- the knowledge checks of weeks 1 to `checks_through_week` are passed (passed as courses.progress decides);
- at least `recent_roleplays` coach grades of graded role-plays are released, the latest by release;
- those latest grades average at least `min_average_level` on every criterion;
- no criterion is at 0 in the latest released grade (when the rule asks it);
- a coach of the cohort has signed the hire off (when the rule asks it).
An admin's override in force decides instead of the rule; the requirements are still shown.
Held, draft and returned grades are not the grade of record and never count.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from courses.levels import LEVEL_MIN

NO_GRADE_YET = "No graded role-play released yet"
AWAITING_SIGNOFF = "Awaiting the coach's sign-off"


@dataclass(frozen=True)
class ReleasedGrade:
    released_at: datetime.datetime
    levels: dict[str, int]


@dataclass(frozen=True)
class Requirement:
    key: str  # checks | roleplays | levels | no_zero | signoff
    title: str
    met: bool
    missing: tuple[str, ...] = ()
    detail: str = ""  # what was found, when met


@dataclass(frozen=True)
class Readiness:
    enrollment_id: int
    rule: object  # a ReadinessRule (saved or the defaults)
    requirements: tuple[Requirement, ...]
    signoff: object | None = None  # the current ReadinessSignOff
    override: object | None = None  # the ReadinessOverride in force
    missing: tuple[str, ...] = field(default=())

    @property
    def rule_met(self) -> bool:
        return all(requirement.met for requirement in self.requirements)

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def met(self) -> bool:
        return self.override.ready if self.override is not None else self.rule_met

    @property
    def label(self) -> str:
        if self.overridden:
            return "Ready (admin's decision)" if self.met else "Not ready (admin's decision)"
        return "Ready" if self.met else "Not yet"


def _number(value: Decimal | float) -> str:
    """2 → "2", 1.5 → "1.5": the way a person writes a level."""
    text = f"{Decimal(str(value)):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def checks_requirement(*, through_week: int, check_weeks: dict[int, int], passed: set[int]) -> Requirement | None:
    """`check_weeks`: knowledge check id → week number, for the hire's curriculum."""
    if through_week < 1:
        return None
    wanted = sorted((week, check_id) for check_id, week in check_weeks.items() if week <= through_week)
    missing = tuple(f"Week {week}'s knowledge check not passed" for week, check_id in wanted if check_id not in passed)
    title = (
        f"Knowledge checks of weeks 1–{through_week} passed" if through_week > 1 else "Week 1's knowledge check passed"
    )
    return Requirement(
        "checks", title, not missing, missing, "" if missing else f"{_plural(len(wanted), 'check')} passed"
    )


def roleplay_requirements(
    *, rule, grades: list[ReleasedGrade], criterion_titles: dict[str, str], criterion_order: dict[str, int]
) -> list[Requirement]:
    """Count, average per criterion and no zero in the latest, over the latest released grades."""
    wanted = rule.recent_roleplays
    latest = sorted(grades, key=lambda grade: grade.released_at, reverse=True)[:wanted]
    rows = []

    count_missing = ()
    if len(latest) < wanted:
        released = f"Only {_plural(len(latest), 'graded role-play')} released" if latest else NO_GRADE_YET
        count_missing = (f"{released} (needs {wanted})",)
    rows.append(Requirement(
        "roleplays", f"{_plural(wanted, 'graded role-play')} released", not count_missing, count_missing,
        "" if count_missing or len(grades) == wanted else f"{_plural(len(grades), 'graded role-play')} released in all",
    ))  # fmt: skip

    def title(key: str) -> str:
        return criterion_titles.get(key) or key.replace("_", " ").capitalize()

    keys = sorted({key for grade in latest for key in grade.levels}, key=lambda k: (criterion_order.get(k, 99), k))
    minimum = Decimal(rule.min_average_level)
    level_missing = []
    for key in keys:
        levels = [grade.levels[key] for grade in latest if grade.levels.get(key) is not None]
        if levels and Decimal(sum(levels)) < minimum * len(levels):  # exact: no rounding decides a hire's readiness
            average = _number(round(Decimal(sum(levels)) / len(levels), 1))
            verb = "averages" if len(latest) == 1 else "average"
            level_missing.append(
                f"Last {_plural(len(latest), 'graded role-play')} {verb} {average} on {title(key)} "
                f"(needs {_number(minimum)})"
            )
    if not latest:
        level_missing.append(NO_GRADE_YET)
    rows.append(Requirement(
        "levels", f"Average of {_number(minimum)} or better on every criterion", not level_missing,
        tuple(level_missing), "" if level_missing else f"Over the last {_plural(len(latest), 'graded role-play')}",
    ))  # fmt: skip

    if rule.no_zero_in_latest:
        if latest:
            zeros = [key for key in keys if latest[0].levels.get(key) == LEVEL_MIN]
            zero_missing = tuple(f"{title(key)} at {LEVEL_MIN} in the latest role-play" for key in zeros)
        else:
            zero_missing = (NO_GRADE_YET,)
        rows.append(Requirement("no_zero", "No criterion missing in the latest role-play", not zero_missing,
                                zero_missing))  # fmt: skip
    return rows


def signoff_requirement(*, rule, signoff) -> Requirement | None:
    if not rule.requires_signoff:
        return None
    if signoff is None:
        return Requirement("signoff", "Signed off by a coach", False, (AWAITING_SIGNOFF,))
    return Requirement("signoff", "Signed off by a coach", True, detail=f"Signed off by {signoff.coach}")


def readiness(
    *,
    enrollment_id: int,
    rule,
    check_weeks: dict[int, int],
    passed_checks: set[int],
    grades: list[ReleasedGrade],
    criterion_titles: dict[str, str],
    criterion_order: dict[str, int],
    signoff=None,
    override=None,
) -> Readiness:
    requirements = [
        checks_requirement(through_week=rule.checks_through_week, check_weeks=check_weeks, passed=passed_checks),
        *roleplay_requirements(
            rule=rule, grades=grades, criterion_titles=criterion_titles, criterion_order=criterion_order
        ),
        signoff_requirement(rule=rule, signoff=signoff),
    ]
    requirements = tuple(r for r in requirements if r is not None)
    missing = tuple(dict.fromkeys(text for r in requirements for text in r.missing))  # once each, in order
    if any(text.startswith(f"{NO_GRADE_YET} (") for text in missing):  # the count already says it
        missing = tuple(text for text in missing if text != NO_GRADE_YET)
    return Readiness(enrollment_id, rule, requirements, signoff, override, missing)
