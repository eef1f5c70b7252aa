"""Transfer: does practice carry over to real calls?

Per hire and criterion, the role-play level (released grades of graded role-plays; a grade held for a
blind second mark, a draft or a returned attempt does not count) against the real-call level (call
reviews and nesting observations). The two are never compared score by score: each side's level is the
mean of its latest WINDOW scores, and the gap is real − practice. A negative gap is practice that has not
yet carried over. Its trend is the direction of the gap over time (courses.trends.gap_direction): after
every scored moment, once both kinds exist, the gap is taken again from the latest scores up to then.

Everything is read for the whole cohort in a fixed number of queries, whatever the number of hires.
"""

import datetime
from dataclasses import dataclass, field

from coaching.charts import Value, line_svg
from coaching.models import CallReview, Grade
from common.csv_export import csv_text
from common.versioned_cache import cached_many
from courses.caching import CURRICULUM, ENROLLMENT
from courses.levels import LEVEL_MAX, LEVEL_MIN, as_level
from courses.models import Cohort, Criterion, Enrollment, ScenarioMode
from courses.moments import local
from courses.trends import FALLING, NO_DATA, RISING, STEADY, gap_direction

WINDOW = 3  # each side's level is the mean of its latest scores, at most this many
PRACTICE, REAL = "practice", "real"
PRACTICE_LABEL, REAL_LABEL = "Role-plays", "Real calls"
DIRECTION_WORDS = {
    RISING: "closing: real calls catching up",
    FALLING: "widening: real calls falling behind",
    STEADY: "steady",
}


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class Score:
    when: datetime.datetime
    level: int


@dataclass(frozen=True)
class GapPoint:
    """The two levels and their gap just after one scored moment (either kind)."""

    when: datetime.datetime
    practice: float | None
    real: float | None

    @property
    def gap(self) -> float | None:
        return None if self.practice is None or self.real is None else self.real - self.practice


@dataclass
class CriterionTransfer:
    key: str
    title: str
    practice: list[Score] = field(default_factory=list)  # oldest first
    real: list[Score] = field(default_factory=list)  # oldest first

    @property
    def practice_level(self) -> float | None:
        return _mean([score.level for score in self.practice[-WINDOW:]])

    @property
    def real_level(self) -> float | None:
        return _mean([score.level for score in self.real[-WINDOW:]])

    @property
    def gap(self) -> float | None:
        if self.practice_level is None or self.real_level is None:
            return None
        return self.real_level - self.practice_level

    @property
    def has_both(self) -> bool:
        return bool(self.practice and self.real)

    @property
    def points(self) -> list[GapPoint]:
        """Each side's level after every scored moment, in time order (a role-play before a call on a tie)."""
        events = sorted(
            [(score.when, 0, PRACTICE, score.level) for score in self.practice]
            + [(score.when, 1, REAL, score.level) for score in self.real]
        )
        seen: dict[str, list[int]] = {PRACTICE: [], REAL: []}
        points = []
        for when, _, side, level in events:
            seen[side].append(level)
            points.append(GapPoint(when, _mean(seen[PRACTICE][-WINDOW:]), _mean(seen[REAL][-WINDOW:])))
        return points

    @property
    def gaps(self) -> list[float]:
        return [point.gap for point in self.points if point.gap is not None]

    @property
    def direction(self) -> str:
        return gap_direction(self.gaps)

    @property
    def direction_words(self) -> str:
        return DIRECTION_WORDS.get(self.direction, self.direction)


@dataclass
class HireTransfer:
    enrollment: Enrollment
    criteria: list[CriterionTransfer]

    @property
    def has_both(self) -> bool:
        return any(criterion.has_both for criterion in self.criteria)

    @property
    def has_any(self) -> bool:
        return any(criterion.practice or criterion.real for criterion in self.criteria)


@dataclass(frozen=True)
class CohortCriterionTransfer:
    """One criterion across the cohort: the hires with both kinds of score, their mean levels and mean gap."""

    key: str
    title: str
    hires: int
    practice_level: float | None
    real_level: float | None
    gap: float | None
    closing: int
    widening: int
    steady: int

    @property
    def lag(self) -> float | None:
        """How far real calls lag practice (practice − real): the gap turned round, positive when behind."""
        return None if self.gap is None else -self.gap


@dataclass
class CohortTransfer:
    cohort: Cohort
    criteria: list[CohortCriterionTransfer]
    hires: list[HireTransfer]

    @property
    def hires_with_both(self) -> int:
        return sum(hire.has_both for hire in self.hires)


# --- Reading ---------------------------------------------------------------------------------------------


def rubric_criteria(curriculum_ids: set[int]) -> list[tuple[str, str]]:
    """The criteria of the rubrics the curricula's role-plays use, in rubric order; the newest version's title."""
    titles: dict[str, str] = {}
    order: dict[str, int] = {}
    for key, title, position in (
        Criterion.objects.filter(rubric_version__rubric__scenarios__curriculum_id__in=curriculum_ids)
        .order_by("rubric_version__number", "position")
        .values_list("key", "title", "position")
        .distinct()
    ):
        titles[key] = title
        order.setdefault(key, position)
    return sorted(titles.items(), key=lambda item: (order[item[0]], item[0]))


def released_role_play_grades(enrollment_ids: list[int]):
    """The grades that count as role-play scores: released grades of graded role-plays (held, draft and returned
    grades do not)."""
    return Grade.objects.filter(
        attempt__enrollment_id__in=enrollment_ids,
        outcome=Grade.Outcome.RELEASED,
        attempt__scenario__mode=ScenarioMode.GRADED,
    )


def real_call_reviews(enrollment_ids: list[int]):
    """The real-call scores: call reviews and nesting observations."""
    return CallReview.objects.filter(enrollment_id__in=enrollment_ids)


def _scores(enrollment_ids: list[int]) -> dict[int, dict[str, dict[str, list[Score]]]]:
    """enrollment id → side → criterion key → scores, oldest first: one query per side."""
    found: dict[int, dict[str, dict[str, list[Score]]]] = {}

    def add(enrollment_id: int, side: str, when: datetime.datetime, levels: dict) -> None:
        sides = found.setdefault(enrollment_id, {PRACTICE: {}, REAL: {}})
        for key, value in (levels or {}).items():
            level = as_level(value)
            if level is not None:
                sides[side].setdefault(key, []).append(Score(when, level))

    released = released_role_play_grades(enrollment_ids).values_list(
        "attempt__enrollment_id", "levels", "attempt__submitted_at", "released_at"
    )
    for enrollment_id, levels, submitted_at, released_at in released:
        add(enrollment_id, PRACTICE, submitted_at or released_at, levels)  # when the hire did the work
    calls = real_call_reviews(enrollment_ids)
    for enrollment_id, levels, call_at in calls.values_list("enrollment_id", "levels", "call_at"):
        add(enrollment_id, REAL, call_at, levels)
    for sides in found.values():
        for by_key in sides.values():
            for scores in by_key.values():
                scores.sort(key=lambda score: score.when)
    return found


def _cached_scores(enrollment_ids: list[int], curriculum_id: int) -> dict[int, dict | None]:
    """_scores, from the cache for hires not graded or reviewed since their last read."""

    def each(pks: list[int]) -> dict[int, dict | None]:
        found = _scores(pks)
        return {pk: found.get(pk) for pk in pks}

    graded_by = [(CURRICULUM, curriculum_id)]  # the curriculum says which role-plays are graded
    return cached_many(ENROLLMENT, enrollment_ids, "transfer-scores", each, also=lambda pk: graded_by)


def _hire_transfer(enrollment: Enrollment, criteria: list[tuple[str, str]], scores: dict) -> HireTransfer:
    sides = scores.get(enrollment.pk) or {PRACTICE: {}, REAL: {}}
    known = {key for key, _ in criteria}
    extra = sorted((set(sides[PRACTICE]) | set(sides[REAL])) - known)  # keys of a rubric edited since
    rows = [*criteria, *((key, key.replace("_", " ").capitalize()) for key in extra)]
    return HireTransfer(
        enrollment=enrollment,
        criteria=[
            CriterionTransfer(key, title, list(sides[PRACTICE].get(key, [])), list(sides[REAL].get(key, [])))
            for key, title in rows
        ],
    )


def transfer_for(*, enrollment: Enrollment) -> HireTransfer:
    """One hire's transfer, per criterion: one query, and two more when the hire's scores changed."""
    criteria = rubric_criteria({enrollment.cohort.curriculum_id})
    return _hire_transfer(enrollment, criteria, _cached_scores([enrollment.pk], enrollment.cohort.curriculum_id))


def transfer_for_cohort(*, cohort: Cohort) -> CohortTransfer:
    """Every hire's transfer and, per criterion, the mean over the hires with both kinds of score: four queries,
    for ten hires as for five hundred."""
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort).select_related("hire").order_by("hire__display_name", "hire__email")
    )
    criteria = rubric_criteria({cohort.curriculum_id})
    scores = _cached_scores([enrollment.pk for enrollment in enrollments], cohort.curriculum_id)
    hires = [_hire_transfer(enrollment, criteria, scores) for enrollment in enrollments]
    figure = []
    for index, (key, title) in enumerate(criteria):
        both = [hire.criteria[index] for hire in hires if hire.criteria[index].has_both]
        directions = [row.direction for row in both]
        figure.append(
            CohortCriterionTransfer(
                key=key,
                title=title,
                hires=len(both),
                practice_level=_float_mean([row.practice_level for row in both]),
                real_level=_float_mean([row.real_level for row in both]),
                gap=_float_mean([row.gap for row in both]),
                closing=directions.count(RISING),
                widening=directions.count(FALLING),
                steady=directions.count(STEADY),
            )
        )
    return CohortTransfer(cohort=cohort, criteria=figure, hires=hires)


def _float_mean(values: list[float | None]) -> float | None:
    given = [value for value in values if value is not None]
    return sum(given) / len(given) if given else None


# --- Charts and exports ------------------------------------------------------------------------------------


def criterion_chart(row: CriterionTransfer, *, hire_name: str) -> str:
    """Both levels of one criterion after every scored moment: two lines on the rubric's scale."""
    points = row.points
    labels = [f"{local(point.when):%-d %b}" for point in points]  # the reader's calendar day
    pairs = list(zip(labels, points, strict=True))
    series = {
        f"{PRACTICE_LABEL} (latest {WINDOW})": [Value(label, point.practice) for label, point in pairs],
        f"{REAL_LABEL} (latest {WINDOW})": [Value(label, point.real) for label, point in pairs],
    }
    return line_svg(
        series, title=f"{hire_name}, {row.title}: role-play level against real-call level", y_min=float(LEVEL_MIN),
        y_max=float(LEVEL_MAX), width=420,
    )  # fmt: skip


@dataclass(frozen=True)
class CriterionFigure:
    """A criterion's chart with the rows of its table."""

    row: CriterionTransfer
    chart: str


def hire_figures(transfer: HireTransfer, *, hire_name: str) -> list[CriterionFigure]:
    """A small chart per criterion that has any score, in rubric order."""
    return [
        CriterionFigure(row, criterion_chart(row, hire_name=hire_name))
        for row in transfer.criteria
        if row.practice or row.real
    ]


def cohort_csv(transfer: CohortTransfer) -> str:
    """The cohort figure, one row per criterion; levels and gaps to two decimals, empty where there is none."""
    header = ["criterion_key", "criterion", "hires_with_both", "practice_level", "real_level", "gap", "lag",
              "closing", "widening", "steady"]  # fmt: skip
    return csv_text(header, (_figure_row(row) for row in transfer.criteria))


def _figure_row(row: CohortCriterionTransfer) -> list:
    levels = (row.practice_level, row.real_level, row.gap, row.lag)
    return [row.key, row.title, row.hires, *map(rounded, levels), row.closing, row.widening, row.steady]


__all__ = [
    "NO_DATA",
    "WINDOW",
    "CohortTransfer",
    "CriterionTransfer",
    "HireTransfer",
    "cohort_csv",
    "hire_figures",
    "transfer_for",
    "transfer_for_cohort",
]
