"""Reads for coaching. A coach sees only the hires of the cohorts they coach; an admin sees all."""

import base64
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import permissions
from accounts.caching import people_attach
from coaching.charts import Point
from coaching.estimate_agreement import doubtful_estimates_q, estimate_override_rates
from coaching.models import (
    AnswerComment,
    AttemptClaim,
    CallReview,
    Dispute,
    Feedback,
    Grade,
    PendingRecording,
    SavedComment,
)
from common.numbers import number_or_none
from common.versioned_cache import cached_many
from courses import progress
from courses import selectors as course_selectors
from courses.caching import CURRICULUM, ENROLLMENT
from courses.levels import LEVEL_MAX, criterion_name
from courses.models import Attempt, AttemptState, AttemptTurn, Criterion, Enrollment, EnrollmentStatus
from courses.trends import FALLING, dated_trend_direction, trend_direction

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
    # only attempts whose estimate deserves a closer look: flagged, or coaches often override it on that scenario
    doubtful_estimate: bool = False

    @classmethod
    def from_params(cls, params) -> "QueueFilters":
        """From a query string (web GET or API query params); anything not a usable id is ignored.
        `flagged` is on for 1/true/on/yes (a checkbox, or an API boolean), off for anything else."""
        ids = {name: number_or_none(params.get(name, "")) for name in ID_FILTERS}
        return cls(
            **ids,
            flagged=str(params.get("flagged", "")).strip().lower() in YES,
            doubtful_estimate=str(params.get("estimate", "")).strip().lower() in YES,
        )

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
        if self.doubtful_estimate:
            attempts = attempts.filter(doubtful_estimates_q(estimate_override_rates()))
        return attempts

    def as_query(self) -> dict:
        query = {name: getattr(self, name) for name in ID_FILTERS if getattr(self, name)}
        if self.flagged:
            query["flagged"] = 1
        if self.doubtful_estimate:
            query["estimate"] = 1
        return query


def waiting_for_a_coach() -> QuerySet[Attempt]:
    """What the grading queue holds: submitted graded role-plays nobody has graded or returned yet, of hires
    still with us (a withdrawn hire's or one who took the offer waits for nobody; reinstating brings them back).
    A grade held for a blind second mark waits in the second marks instead (coaching.second_marking)."""
    return (
        Attempt.objects.filter(state=AttemptState.AWAITING_COACH)
        .exclude(enrollment__status__in=[EnrollmentStatus.WITHDRAWN, EnrollmentStatus.LEFT_WITH_OFFER])
        .exclude(grade__outcome=Grade.Outcome.HELD)
    )


def grading_queue(*, user, filters: QueueFilters = QueueFilters()) -> QuerySet[Attempt]:
    """Attempts awaiting a coach, oldest first, with who holds each. The rows read `prescore_flagged`
    (a column) for the "needs a coach's eye" marker; the prescore JSON itself stays deferred."""
    attempts = waiting_for_a_coach().filter(visible_to(user, "enrollment__"))
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
    second_marks: int = 0  # held role-plays waiting for this person's blind second mark
    moderation: int = 0  # second marks waiting for this person to moderate


def _count_expressions(now: datetime.datetime) -> dict:
    # distinct: a coach of two cohorts sharing a hire must not see an attempt twice
    return {
        "total": Count("id", distinct=True),
        "overdue": Count("id", filter=Q(grading_due_at__lt=now), distinct=True),
        "oldest": Min("submitted_at"),
    }


def queue_counts(*, queue: QuerySet[Attempt], user=None, now: datetime.datetime | None = None) -> QueueCounts:
    """How many wait, how many are past the grading target, since when: one query, for any queue. Given
    the person, also how many second marks and moderations wait for them (one more query)."""
    from coaching.second_marking import SecondMarkCounts, second_mark_counts  # it builds on this module

    now = now or timezone.now()
    row = queue.order_by().aggregate(**_count_expressions(now))
    held = second_mark_counts(user=user) if user is not None else SecondMarkCounts()
    return QueueCounts(row["total"], row["overdue"], row["oldest"], held.second_marks, held.moderation)


def queue_counts_per_coach(*, coaches, now: datetime.datetime | None = None) -> dict[int, QueueCounts]:
    """Each coach's queue counts (coach id → counts), by the same rules as their queue page: one query for the
    queue, two for the second marks, whatever the number of coaches."""
    now = now or timezone.now()
    coaches = list(coaches)
    coach_ids = [coach.pk for coach in coaches]
    rows = (
        waiting_for_a_coach()
        .filter(enrollment__cohort__coaches__in=coach_ids)
        .order_by()
        .values("enrollment__cohort__coaches")
        .annotate(**_count_expressions(now))
    )
    from coaching.second_marking import second_mark_counts_per_coach  # it builds on this module

    held = second_mark_counts_per_coach(coaches=coaches)
    found = {row["enrollment__cohort__coaches"]: (row["total"], row["overdue"], row["oldest"]) for row in rows}
    return {
        pk: QueueCounts(*found.get(pk, (0, 0, None)), held[pk].second_marks, held[pk].moderation) for pk in coach_ids
    }


CURSOR_INVALID = "Not a cursor of this queue: follow a page's next or previous link, or leave the cursor out."


class InvalidCursor(ValidationError):
    """A queue cursor this module did not make: garbled, cut short, or edited."""

    def __init__(self):
        super().__init__(CURSOR_INVALID, code="invalid_cursor")


AFTER, BEFORE = "after", "before"


@dataclass(frozen=True)
class QueuePosition:
    """A row's place in the queue's order (submitted_at, id): what a cursor carries, opaquely."""

    submitted_at: datetime.datetime
    pk: int

    @classmethod
    def of(cls, attempt: Attempt) -> "QueuePosition":
        return cls(attempt.submitted_at, attempt.pk)

    def token(self) -> str:
        return _b64encode(f"{self.submitted_at.isoformat()}|{self.pk}")

    @classmethod
    def from_token(cls, token: str) -> "QueuePosition":
        moment, _, pk = _b64decode(token).partition("|")
        number = number_or_none(pk)
        try:
            submitted_at = datetime.datetime.fromisoformat(moment)
            if submitted_at.tzinfo is None or not number:
                raise ValueError(moment)
            submitted_at = submitted_at.astimezone(datetime.UTC)  # out of range near year 1 or 9999
        except (ValueError, OverflowError):
            raise InvalidCursor from None
        return cls(submitted_at, number)


def _b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _b64decode(token: str) -> str:
    if not token or len(token) > 200:  # a real cursor is under 100 characters
        raise InvalidCursor
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
        raise InvalidCursor from None


def queue_cursor(*, direction: str, token: str) -> str:
    """One opaque value for "the page after (or before) this row", for clients that send a single cursor."""
    return _b64encode(f"{direction}|{token}")


def _read_queue_cursor(cursor: str) -> tuple[str, QueuePosition]:
    direction, _, token = _b64decode(cursor).partition("|")
    if direction not in (AFTER, BEFORE):
        raise InvalidCursor
    return direction, QueuePosition.from_token(token)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, found by seeking from a row rather than by OFFSET, with the whole queue's counts.
    A page reached by a cursor can be empty when the rows past the cursor were graded meanwhile; it then has
    no cursors, and its way back is the first page."""

    object_list: list[Attempt]
    counts: QueueCounts
    has_next: bool
    has_previous: bool
    next_cursor: str | None  # the last row's position: the next page is after it
    previous_cursor: str | None  # the first row's position: the previous page is before it

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _seek(queue: QuerySet[Attempt], position: QueuePosition, direction: str) -> QuerySet[Attempt]:
    at, pk = position.submitted_at, position.pk
    if direction == AFTER:
        return queue.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, id__gt=pk)).order_by("submitted_at", "id")
    return queue.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=pk)).order_by("-submitted_at", "-id")


def keyset_page(
    *, queue: QuerySet[Attempt], counts: QueueCounts, after: QueuePosition | None = None,
    before: QueuePosition | None = None, per_page: int = 50,
) -> QueuePage:  # fmt: skip
    """The page after `after`, or before `before`, or the first page: one query for the rows (plus the queue's
    own prefetches) wherever the page is, reading per_page + 1 rows to know whether one more page follows."""
    if not counts.total:  # nothing waits anywhere: no page has rows, so none is read
        queue = queue.none()
    if after is None and before is not None:
        rows = list(_seek(queue, before, BEFORE)[: per_page + 1])
        has_previous = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_next = True  # the row the cursor names came after this page
    else:
        seek = _seek(queue, after, AFTER) if after is not None else queue.order_by("submitted_at", "id")
        rows = list(seek[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after is not None
    return QueuePage(
        object_list=rows,
        counts=counts,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=QueuePosition.of(rows[-1]).token() if rows and has_next else None,
        previous_cursor=QueuePosition.of(rows[0]).token() if rows and has_previous else None,
    )


def _queue_page(
    *, user, filters: QueueFilters, after: QueuePosition | None, before: QueuePosition | None, per_page: int,
    now: datetime.datetime | None,
) -> QueuePage:  # fmt: skip
    # A waiting attempt always has its submission time; a row without one could not be placed by a cursor,
    # so it is neither paged nor counted, and the count stays the number of rows the pages show.
    queue = grading_queue(user=user, filters=filters).exclude(submitted_at=None)
    counts = queue_counts(queue=queue, user=user, now=now)  # the queue is counted here, once
    return keyset_page(queue=queue, counts=counts, after=after, before=before, per_page=per_page)


def grading_queue_page(
    *, user, filters: QueueFilters = QueueFilters(), after: str | None = None, before: str | None = None,
    per_page: int = 50, now: datetime.datetime | None = None,
) -> QueuePage:  # fmt: skip
    """One page of the queue (the web's: `after`/`before` are the cursors of an earlier page) and the whole
    queue's counts. A cursor that cannot be read gives the first page, as a link cut short in an email should."""
    try:
        position_after = QueuePosition.from_token(after) if after else None
        position_before = QueuePosition.from_token(before) if before else None
    except InvalidCursor:
        position_after = position_before = None
    return _queue_page(
        user=user, filters=filters, after=position_after, before=position_before, per_page=per_page, now=now
    )


def grading_queue_cursor_page(
    *, user, filters: QueueFilters = QueueFilters(), cursor: str | None = None, per_page: int = 50,
    now: datetime.datetime | None = None,
) -> QueuePage:  # fmt: skip
    """The same page for a client sending one cursor (a queue_cursor value). A cursor that cannot be read
    raises InvalidCursor: a client should hear its cursor was wrong, not be handed the first page again."""
    after = before = None
    if cursor:
        direction, position = _read_queue_cursor(cursor)
        after, before = (position, None) if direction == AFTER else (None, position)
    return _queue_page(user=user, filters=filters, after=after, before=before, per_page=per_page, now=now)


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
    from courses.models import Scenario

    cohorts = course_selectors.cohorts_visible(user=user)
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


def pending_recording(*, coach, pending_id: int | None) -> PendingRecording | None:
    """The recording this coach uploaded with a review that still needed correcting, if any."""
    if not pending_id:
        return None
    return PendingRecording.objects.filter(coach=coach, pk=pending_id).first()


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


def attempt_turns(*, attempt: Attempt) -> list[AttemptTurn]:
    """The conversation as a coach reads it: each answer with the phrases that earned or cost
    points, the integrity flags on it, and the coaches' comments."""
    turns = list(
        attempt.turns.order_by("number").prefetch_related(
            Prefetch("coach_comments", queryset=AnswerComment.objects.select_related("coach"))
        )
    )
    flags = course_selectors.attempt_integrity_flags(attempt)
    for turn in turns:
        turn.segments = course_selectors.highlight_segments(turn.answer, course_selectors.turn_evidence(turn.prescore))
        turn.flags = [flag for flag in flags if flag.get("turn") == turn.number]
    return turns


def grading_context(*, attempt: Attempt, coach) -> dict:
    grade = Grade.objects.filter(attempt=attempt).prefetch_related("revisions__changed_by").first()
    return {
        "turns": attempt_turns(attempt=attempt),
        "criteria": list(attempt.rubric_version.criteria.all()),
        "grade": grade,
        "saved_comments": list(SavedComment.objects.filter(coach=coach)[:30]),
    }


@dataclass(frozen=True)
class GradingEntries:
    """What the grading screen shows as entered: the draft if there is one, else the grade of record."""

    levels: dict[str, int]
    overall_comment: str = ""
    guidance: str = ""


def grading_entries(*, grade: Grade | None) -> GradingEntries:
    if grade is None:
        return GradingEntries(levels={})
    if grade.has_draft:
        return GradingEntries(dict(grade.draft_levels), grade.draft_overall_comment, grade.draft_guidance)
    return GradingEntries(dict(grade.levels), grade.overall_comment, grade.guidance)


@dataclass(frozen=True)
class LevelTotal:
    points: int
    maximum: int

    @property
    def label(self) -> str:
        return f"Total {self.points} of {self.maximum}"


def level_total(*, levels: dict, criteria) -> LevelTotal:
    """The plain sum of the levels chosen, out of the most the rubric allows (the top level per criterion)."""
    keys = [c.key for c in criteria]
    return LevelTotal(points=sum(int(levels[k]) for k in keys if k in levels), maximum=LEVEL_MAX * len(keys))


def attempt_for_coach_context(*, attempt: Attempt) -> dict:
    """A graded or returned attempt, read-only: the conversation, the grade's levels and notes."""
    grade = Grade.objects.select_related("coach").filter(attempt=attempt).first()
    return {
        "attempt": attempt,
        "turns": attempt_turns(attempt=attempt),
        "criteria": list(grade.rubric_version.criteria.all()) if grade else [],
        "grade": grade,
        "flags": course_selectors.attempt_integrity_flags(attempt),
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


def _feedback_with_details(enrollment_id: int) -> QuerySet[Feedback]:
    """The hire's feedback, newest first, with what the timeline and the API show of each item but its people."""
    return (
        Feedback.objects.filter(enrollment_id=enrollment_id)
        .select_related("grade__attempt__scenario__week", "grade__rubric_version", "call_review__rubric_version")
        .prefetch_related(
            "replies",
            "grade__rubric_version__criteria",
            "call_review__rubric_version__criteria",
            "call_review__notes",
            "call_review__practice_lessons__week",
            "call_review__practice_scenarios",
            Prefetch("grade__disputes", queryset=Dispute.objects.order_by("-created_at")),
        )
        .order_by("-released_at", "-id")
    )


def feedback_entries(*, enrollment: Enrollment) -> QuerySet[Feedback]:
    return (
        _feedback_with_details(enrollment.pk)
        .select_related("coach", "grade__coach")
        .prefetch_related("replies__author")
    )


def _timeline_entries(enrollment_ids: list[int]) -> dict[int, list[Feedback]]:
    """The people (coaches, reply authors) are attached on reading."""
    return {enrollment_id: list(_feedback_with_details(enrollment_id)) for enrollment_id in enrollment_ids}


def timeline_entries(*, enrollment: Enrollment) -> list[Feedback]:
    """The hire's feedback, newest first, with everything the timeline shows, from the cache."""
    curriculum = (CURRICULUM, enrollment.cohort.curriculum_id)  # role-play and lesson titles
    entries = cached_many(ENROLLMENT, [enrollment.pk], "timeline", _timeline_entries, also=lambda pk: [curriculum])
    entries = entries[enrollment.pk]
    people_attach(entries, "coach")
    people_attach([reply for entry in entries for reply in entry.replies.all()], "author")
    return entries


def timeline(*, enrollment: Enrollment) -> Timeline:
    """The hire's coaching timeline, newest first, with the rubric trend per criterion, named by its
    title, in the order the hire did the work (see courses.trends)."""
    entries = timeline_entries(enrollment=enrollment)
    scored = []
    for entry in entries:
        if entry.kind == Feedback.Kind.GRADE and entry.grade is not None and entry.grade.levels:
            source, performed_at = entry.grade, entry.grade.attempt.submitted_at or entry.released_at
        elif entry.call_review is not None and entry.call_review.levels:  # a call review or a nesting observation
            source, performed_at = entry.call_review, entry.call_review.call_at
        else:
            continue
        scored.append((performed_at, source))
    scored.sort(key=lambda pair: pair[0])
    names: dict[str, str] = {}
    for _, source in scored:
        criteria = source.rubric_version.criteria.all()
        for key in source.levels:
            names.setdefault(key, criterion_name(criteria, key))
    trend = {
        name: [Point(when.strftime("%-d %b"), source.levels.get(key)) for when, source in scored]
        for key, name in names.items()
    }
    directions = {name: trend_direction([p.level for p in points]) for name, points in trend.items()}
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
    # Each hire's percents in the order the work was done, so "latest" and the trend mean what they say.
    percents: dict[int, list[tuple[datetime.datetime, int]]] = {}
    for enrollment_id, percent, submitted_at, released_at in Grade.objects.filter(
        attempt__enrollment_id__in=by_id, outcome=Grade.Outcome.RELEASED, percent__isnull=False
    ).values_list("attempt__enrollment_id", "percent", "attempt__submitted_at", "released_at"):
        percents.setdefault(enrollment_id, []).append((submitted_at or released_at, percent))
    for enrollment_id, percent, call_at in CallReview.objects.filter(
        enrollment_id__in=by_id, percent__isnull=False
    ).values_list("enrollment_id", "percent", "call_at"):
        percents.setdefault(enrollment_id, []).append((call_at, percent))
    concerns = []
    for enrollment_id, series in percents.items():
        series.sort(key=lambda pair: pair[0])
        direction = dated_trend_direction((when, percent / 100 * LEVEL_MAX) for when, percent in series)
        latest = series[-1][1]
        if latest < LOW_PERCENT or direction == FALLING:
            concerns.append(HireConcern(by_id[enrollment_id], latest, direction))
    return {
        "counts": queue_counts(queue=queue, user=user, now=now),
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
            .prefetch_related("grade__rubric_version__criteria")
            .order_by("created_at")
        ),
    }


# --- My hires ---------------------------------------------------------------------------------------


def _progress(*, enrollments: list[Enrollment], now: datetime.datetime) -> dict:
    """Done, total and overdue per enrollment, by the one rule every page uses."""
    return progress.progress_summaries(enrollments=enrollments, now=now)


@dataclass(frozen=True)
class LatestLevel:
    key: str
    title: str
    level: int


@dataclass
class RosterRow:
    enrollment: Enrollment
    progress: "progress.ProgressSummary | None"
    levels: list[LatestLevel]
    last_feedback_at: datetime.datetime | None
    last_feedback_acknowledged: bool

    @property
    def hire(self):
        return self.enrollment.hire


@dataclass
class RosterCohort:
    cohort: object
    rows: list[RosterRow]


def hire_roster(*, user, search: str = "", now: datetime.datetime | None = None) -> list[RosterCohort]:
    """The hires a coach may see (an admin: all), grouped by cohort, newest cohort first, each with
    progress, the latest level per criterion, and the last feedback. A fixed number of queries."""
    now = now or timezone.now()
    latest_feedback = Feedback.objects.filter(enrollment=OuterRef("pk")).order_by("-released_at", "-id")
    enrollments = enrollments_visible(user=user).select_related("cohort__curriculum")
    search = search.strip()
    if search:
        enrollments = enrollments.filter(Q(hire__display_name__icontains=search) | Q(hire__email__icontains=search))
    enrollments = list(
        enrollments.annotate(
            last_feedback_at=Subquery(latest_feedback.values("released_at")[:1]),
            last_feedback_acknowledged_at=Subquery(latest_feedback.values("acknowledged_at")[:1]),
        )
        .distinct()
        .order_by("-cohort__start_date", "cohort__name", "cohort_id", "hire__display_name", "hire__email")
    )
    ids = [e.pk for e in enrollments]
    summaries = _progress(enrollments=enrollments, now=now)
    scored: dict[int, list[tuple[datetime.datetime, dict]]] = {}
    for enrollment_id, levels, when in Grade.objects.filter(
        attempt__enrollment_id__in=ids, outcome=Grade.Outcome.RELEASED
    ).values_list("attempt__enrollment_id", "levels", "released_at"):
        scored.setdefault(enrollment_id, []).append((when, levels))
    for enrollment_id, levels, when in CallReview.objects.filter(enrollment_id__in=ids).values_list(
        "enrollment_id", "levels", "call_at"
    ):
        scored.setdefault(enrollment_id, []).append((when, levels))
    curriculum_ids = {e.cohort.curriculum_id for e in enrollments}
    titles: dict[str, str] = {}
    order: dict[str, int] = {}
    for key, title, position in (
        Criterion.objects.filter(rubric_version__rubric__scenarios__curriculum_id__in=curriculum_ids)
        .order_by("rubric_version__number", "position")
        .values_list("key", "title", "position")
        .distinct()
    ):
        titles[key] = title  # the newest version's title wins
        order.setdefault(key, position)
    groups: dict[int, RosterCohort] = {}
    for enrollment in enrollments:
        latest: dict[str, int] = {}
        for _, levels in sorted(scored.get(enrollment.pk, []), key=lambda pair: pair[0]):
            latest.update(levels)
        row = RosterRow(
            enrollment=enrollment,
            progress=summaries.get(enrollment.pk),
            levels=[
                LatestLevel(key, titles.get(key) or key.replace("_", " ").capitalize(), level)
                for key, level in sorted(latest.items(), key=lambda item: (order.get(item[0], 99), item[0]))
            ],
            last_feedback_at=enrollment.last_feedback_at,
            last_feedback_acknowledged=enrollment.last_feedback_acknowledged_at is not None,
        )
        groups.setdefault(enrollment.cohort_id, RosterCohort(enrollment.cohort, [])).rows.append(row)
    return list(groups.values())
