"""Reads for coaching. A coach sees only the hires of the cohorts they coach; an admin sees all."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from coaching.charts import Point, trend_direction
from coaching.models import AnswerComment, AttemptClaim, CallReview, Dispute, Feedback, Grade, SavedComment
from common.numbers import number_or_none
from courses.models import Attempt, AttemptState, Enrollment

LOW_PERCENT = 50


def visible_to(user, prefix: str = "") -> Q:
    """What a person may see of coaching: an admin all of it, a coach their cohorts', nobody else anything."""
    if permissions.is_admin(user):
        return Q()
    if permissions.is_coach(user):
        return Q(**{f"{prefix}cohort__coaches": user})
    return Q(pk__in=[])


def enrollments_visible(*, user) -> QuerySet[Enrollment]:
    return Enrollment.objects.select_related("hire", "cohort").filter(visible_to(user))


# --- The grading queue ------------------------------------------------------------------------


ID_FILTERS = ("cohort", "week", "scenario", "hire")
YES = frozenset({"1", "true", "on", "yes"})


@dataclass(frozen=True)
class QueueFilters:
    cohort: int | None = None
    week: int | None = None
    scenario: int | None = None
    hire: int | None = None
    flagged: bool = False  # only attempts an integrity check asked a coach to look at

    @classmethod
    def from_params(cls, params) -> "QueueFilters":
        """From a query string (web GET or API query params); anything not a usable id is ignored.
        `flagged` is on for 1/true/on/yes (a checkbox, or an API boolean), off for anything else."""
        ids = {name: number_or_none(params.get(name, "")) for name in ID_FILTERS}
        return cls(**ids, flagged=str(params.get("flagged", "")).strip().lower() in YES)

    def apply(self, attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
        if self.cohort:
            attempts = attempts.filter(enrollment__cohort_id=self.cohort)
        if self.week:
            attempts = attempts.filter(scenario__week__number=self.week)
        if self.scenario:
            attempts = attempts.filter(scenario_id=self.scenario)
        if self.hire:
            attempts = attempts.filter(enrollment__hire_id=self.hire)
        if self.flagged:
            attempts = attempts.filter(prescore_flagged=True)
        return attempts

    def as_query(self) -> dict:
        query = {name: getattr(self, name) for name in ID_FILTERS if getattr(self, name)}
        if self.flagged:
            query["flagged"] = 1
        return query


def grading_queue(*, user, filters: QueueFilters = QueueFilters()) -> QuerySet[Attempt]:
    """Attempts awaiting a coach, oldest first, with who holds each. The rows read `prescore_flagged`
    (a column) for the "needs a coach's eye" marker; the prescore JSON itself stays deferred."""
    attempts = Attempt.objects.filter(visible_to(user, "enrollment__"), state=AttemptState.AWAITING_COACH)
    claims = AttemptClaim.objects.select_related("coach")
    return (
        filters.apply(attempts)
        .select_related("scenario__week", "enrollment__hire", "enrollment__cohort")
        .prefetch_related(Prefetch("claim", queryset=claims))
        .defer("prescore")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class QueueCounts:
    total: int
    overdue: int
    oldest_submitted_at: datetime.datetime | None


def queue_counts(*, queue: QuerySet[Attempt], now: datetime.datetime | None = None) -> QueueCounts:
    now = now or timezone.now()
    row = queue.order_by().aggregate(
        total=Count("id"), overdue=Count("id", filter=Q(grading_due_at__lt=now)), oldest=Min("submitted_at")
    )
    return QueueCounts(total=row["total"], overdue=row["overdue"], oldest_submitted_at=row["oldest"])


def next_to_grade(*, user, filters: QueueFilters = QueueFilters(), skip: int | None = None,
                  now: datetime.datetime | None = None) -> Attempt | None:  # fmt: skip
    """The oldest waiting attempt nobody else holds."""
    now = now or timezone.now()
    free = Q(claim__isnull=True) | Q(claim__coach=user) | Q(claim__expires_at__lte=now)
    queue = grading_queue(user=user, filters=filters).filter(free)
    if skip:
        queue = queue.exclude(pk=skip)
    return queue.first()


def queue_filter_options(*, user) -> dict:
    from courses.models import Cohort, Scenario

    cohorts = Cohort.objects.all() if permissions.is_admin(user) else Cohort.objects.filter(coaches=user)
    return {
        "cohorts": list(cohorts.order_by("-start_date").values("id", "name")),
        "scenarios": list(
            Scenario.objects.filter(curriculum__cohorts__in=cohorts, mode="graded")
            .distinct()
            .order_by("week__number", "position")
            .values("id", "title", "week__number")
        ),
        "hires": list(
            enrollments_visible(user=user).order_by("hire__display_name").values("hire_id", "hire__display_name")
        ),
    }


def call_review_rubric(*, curriculum):
    """Calls are scored on the rubric the curriculum's role-plays use."""
    from django.http import Http404

    from courses.models import Rubric

    scenario = curriculum.scenarios.select_related("rubric").first()
    rubric = scenario.rubric if scenario else Rubric.objects.order_by("id").first()
    if rubric is None:
        raise Http404("No rubric is loaded yet.")
    return rubric.current_version


# --- Grading screen ------------------------------------------------------------------------------


def grading_context(*, attempt: Attempt, coach) -> dict:
    turns = list(
        attempt.turns.order_by("number").prefetch_related(
            Prefetch("coach_comments", queryset=AnswerComment.objects.select_related("coach"))
        )
    )
    grade = Grade.objects.filter(attempt=attempt).prefetch_related("revisions__changed_by").first()
    return {
        "turns": turns,
        "criteria": list(attempt.rubric_version.criteria.all()),
        "grade": grade,
        "saved_comments": list(SavedComment.objects.filter(coach=coach)[:30]),
    }


# --- Timeline -----------------------------------------------------------------------------------------


@dataclass
class Timeline:
    enrollment: Enrollment
    entries: list[Feedback]
    trend: dict[str, list[Point]] = field(default_factory=dict)
    directions: dict[str, str] = field(default_factory=dict)

    @property
    def unacknowledged(self) -> int:
        return sum(e.acknowledged_at is None for e in self.entries)


def feedback_entries(*, enrollment: Enrollment) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(enrollment=enrollment)
        .select_related(
            "coach",
            "grade__coach",
            "grade__attempt__scenario__week",
            "grade__rubric_version",
            "call_review__rubric_version",
        )
        .prefetch_related(
            "replies__author",
            "grade__rubric_version__criteria",
            "call_review__rubric_version__criteria",
            "call_review__notes",
            "call_review__practice_lessons__week",
            "call_review__practice_scenarios",
            Prefetch("grade__disputes", queryset=Dispute.objects.order_by("-created_at")),
        )
        .order_by("-released_at", "-id")
    )


def timeline(*, enrollment: Enrollment) -> Timeline:
    """The hire's coaching timeline, newest first, with the rubric trend per criterion (oldest first)."""
    entries = list(feedback_entries(enrollment=enrollment))
    scored = [
        (entry.released_at, source)
        for entry in entries
        for source in [entry.grade if entry.kind == Feedback.Kind.GRADE else entry.call_review]
        if source is not None and source.levels
    ]
    scored.sort(key=lambda pair: pair[0])
    keys: list[str] = []
    for _, source in scored:
        keys += [k for k in source.levels if k not in keys]
    trend = {key: [Point(when.strftime("%-d %b"), source.levels.get(key)) for when, source in scored] for key in keys}
    directions = {key: trend_direction([p.level for p in points]) for key, points in trend.items()}
    return Timeline(enrollment=enrollment, entries=entries, trend=trend, directions=directions)


def assigned_practice(*, enrollment: Enrollment) -> list[CallReview]:
    return list(
        CallReview.objects.filter(enrollment=enrollment)
        .filter(Q(practice_lessons__isnull=False) | Q(practice_scenarios__isnull=False))
        .distinct()
        .prefetch_related("practice_lessons__week", "practice_scenarios")
        .order_by("-call_at")[:5]
    )


# --- Coach dashboard ----------------------------------------------------------------------------------


@dataclass
class HireConcern:
    enrollment: Enrollment
    latest_percent: int
    direction: str


def coach_overview(*, user, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    queue = grading_queue(user=user)
    enrollments = list(enrollments_visible(user=user).filter(status__in=["active", "paused"]))
    by_id = {e.pk: e for e in enrollments}
    percents: dict[int, list[int]] = {}
    for enrollment_id, percent in (
        Grade.objects.filter(attempt__enrollment_id__in=by_id, outcome=Grade.Outcome.RELEASED)
        .order_by("released_at")
        .values_list("attempt__enrollment_id", "percent")
    ):
        percents.setdefault(enrollment_id, []).append(percent)
    for enrollment_id, percent in (
        CallReview.objects.filter(enrollment_id__in=by_id).order_by("call_at").values_list("enrollment_id", "percent")
    ):
        percents.setdefault(enrollment_id, []).append(percent)
    concerns = []
    for enrollment_id, series in percents.items():
        direction = trend_direction([p / 100 * 3 for p in series if p is not None])
        if series[-1] is not None and (series[-1] < LOW_PERCENT or direction == "falling"):
            concerns.append(HireConcern(by_id[enrollment_id], series[-1], direction))
    return {
        "counts": queue_counts(queue=queue, now=now),
        "oldest": queue.first(),
        "concerns": sorted(concerns, key=lambda c: c.latest_percent),
        "unacknowledged": list(
            Feedback.objects.filter(enrollment_id__in=by_id, acknowledged_at__isnull=True)
            .select_related("enrollment__hire")
            .order_by("released_at")[:10]
        ),
        "recent_reviews": list(
            CallReview.objects.filter(enrollment_id__in=by_id)
            .select_related("enrollment__hire")
            .order_by("-call_at")[:5]
        ),
        "open_disputes": list(
            Dispute.objects.filter(grade__attempt__enrollment_id__in=by_id, status=Dispute.Status.OPEN)
            .select_related("grade__attempt__enrollment__hire", "grade__attempt__scenario")
            .order_by("created_at")
        ),
    }
