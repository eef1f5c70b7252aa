"""Targeted practice: the lessons and role-plays picked for a hire, by her coaches or automatically. One list.

Automatic picks: when a criterion's mean over the hire's latest RECENT released role-play grades, or over her
latest RECENT call reviews (nesting observations included), is below settings.TARGETED_PRACTICE_THRESHOLD, the
practice of her curriculum that trains that criterion (`trains` on lessons and scenarios) and is not done yet is
assigned, at most PER_CRITERION open items per criterion. Each reason (the criterion and the scores that
showed it) assigns once: running again, or after a coach removed the pick, assigns nothing new for it.

Done comes from courses.progress (the one rule): a lesson once completed, a role-play once an attempt is
submitted (and not returned) after the item was assigned.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.caching import people_attach
from coaching.models import CallReview, Grade, PracticeAssignment
from common.versioned_cache import cached_many
from courses import progress
from courses.caching import CURRICULUM, ENROLLMENT
from courses.levels import criterion_name
from courses.models import (
    TRAINING_WEEKS,
    Attempt,
    Criterion,
    Enrollment,
    Lesson,
    LessonCompletion,
    Scenario,
    ScenarioMode,
)
from courses.pacing import schedule_for

RECENT = 3
PER_CRITERION = 2
MAX_REASON_CHARS = 300


# --- Reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeItem:
    assignment: PracticeAssignment
    kind: str  # lesson | roleplay
    title: str
    url: str
    done_at: datetime.datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def is_auto(self) -> bool:
        return self.assignment.source == PracticeAssignment.Source.AUTO


def _done_at(enrollment_id: int, assignments: list[PracticeAssignment]) -> dict[int, datetime.datetime]:
    """When each assignment was done, by the progress rule: two queries however long the list."""
    lesson_ids = {a.lesson_id for a in assignments if a.lesson_id}
    scenario_ids = {a.scenario_id for a in assignments if a.scenario_id}
    completed = dict(
        LessonCompletion.objects.filter(enrollment_id=enrollment_id, lesson_id__in=lesson_ids).values_list(
            "lesson_id", "completed_at"
        )
    ) if lesson_ids else {}  # fmt: skip
    submitted: dict[int, list[datetime.datetime]] = {}
    if scenario_ids:
        for scenario_id, submitted_at in (
            Attempt.objects.filter(progress.ROLEPLAY_DONE, enrollment_id=enrollment_id, scenario_id__in=scenario_ids)
            .exclude(submitted_at=None)
            .values_list("scenario_id", "submitted_at")
        ):
            submitted.setdefault(scenario_id, []).append(submitted_at)
    done = {}
    for assignment in assignments:
        if assignment.lesson_id and assignment.lesson_id in completed:
            # Completing a lesson is for good: one completed before a coach picked it counts from the pick.
            done[assignment.pk] = max(completed[assignment.lesson_id], assignment.assigned_at)
        elif assignment.scenario_id:
            after = [at for at in submitted.get(assignment.scenario_id, []) if at >= assignment.assigned_at]
            if after:
                done[assignment.pk] = min(after)
    return done


def practice_for(*, enrollment: Enrollment, include_removed: bool = False) -> list[PracticeItem]:
    """The hire's practice list, open items first, newest first. Three queries, however long the list."""
    items = _practice_read(enrollment.pk, include_removed=include_removed)
    people_attach([item.assignment for item in items], "assigned_by", "removed_by")
    return items


def practice_cached(*, enrollment: Enrollment) -> list[PracticeItem]:
    """`practice_for`, from the cache: what the hire's dashboard shows."""
    curriculum = (CURRICULUM, enrollment.cohort.curriculum_id)  # lesson and role-play titles
    items = cached_many(
        ENROLLMENT, [enrollment.pk], "practice", lambda pks: {pk: _practice_read(pk) for pk in pks},
        also=lambda pk: [curriculum],
    )[enrollment.pk]  # fmt: skip
    people_attach([item.assignment for item in items], "assigned_by", "removed_by")
    return items


def _practice_read(enrollment_id: int, *, include_removed: bool = False) -> list[PracticeItem]:
    """The list without the people who picked or removed items (attached on reading)."""
    assignments = PracticeAssignment.objects.filter(enrollment_id=enrollment_id).select_related(
        "lesson__week", "scenario"
    )
    if not include_removed:
        assignments = assignments.filter(removed_at=None)
    assignments = list(assignments)
    done = _done_at(enrollment_id, assignments)
    items = []
    for assignment in assignments:
        if assignment.lesson_id:
            lesson = assignment.lesson
            kind, title, url = "lesson", lesson.title, reverse("courses:lesson", args=[lesson.week.number, lesson.slug])
        else:
            scenario = assignment.scenario
            kind, title = "roleplay", f"Role-play: {scenario.title}"
            url = reverse("courses:scenario", args=[scenario.slug])
        items.append(PracticeItem(assignment, kind, title, url, assignment.done_at or done.get(assignment.pk)))
    items.sort(key=lambda item: item.done)  # stable: newest first within open and done
    return items


# --- Automatic picks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """A criterion under the threshold, and the scores that showed it."""

    criterion_key: str
    title: str
    mean: float
    count: int
    evidence: str  # roleplays | calls
    reason_key: str

    @property
    def reason(self) -> str:
        label = {"roleplays": ("role-play", "role-plays"), "calls": ("reviewed call", "reviewed calls")}[self.evidence]
        over = f"your last {self.count} {label[1]}" if self.count != 1 else f"your latest {label[0]}"
        return f"{self.title} averaged {self.mean:.1f} over {over}"


def _shortfalls(evidence: str, sources: list[tuple[int, int, dict]], titles: dict[tuple[int, str], str]):
    """Per criterion, the mean over these scores (id, rubric version id, levels; newest first)."""
    threshold = settings.TARGETED_PRACTICE_THRESHOLD
    ids = ".".join(str(pk) for pk, _, _ in sorted(sources))
    keys = dict.fromkeys(key for _, _, levels in sources for key in levels)
    found = []
    for key in keys:
        levels = [levels[key] for _, _, levels in sources if isinstance(levels.get(key), int)]
        if not levels:
            continue
        mean = sum(levels) / len(levels)
        if mean < threshold:
            title = next((titles[(v, key)] for _, v, _ in sources if (v, key) in titles), None)
            found.append(Shortfall(key, title or criterion_name([], key), mean, len(levels), evidence,
                                   f"{key}:{evidence}:{ids}"[:200]))  # fmt: skip
    return found


def shortfalls_for(*, enrollment: Enrollment) -> list[Shortfall]:
    """Criteria under the threshold over the latest released role-play grades and the latest call reviews."""
    grades = [
        (pk, version_id, levels)
        for pk, version_id, levels in Grade.objects.filter(
            attempt__enrollment=enrollment, outcome=Grade.Outcome.RELEASED, released_at__isnull=False
        )
        .order_by("-released_at", "-id")
        .values_list("pk", "rubric_version_id", "levels")[:RECENT]
    ]
    calls = list(
        CallReview.objects.filter(enrollment=enrollment)
        .order_by("-call_at", "-id")
        .values_list("pk", "rubric_version_id", "levels")[:RECENT]
    )
    version_ids = {version_id for _, version_id, _ in grades + calls}
    titles = {
        (version_id, key): title
        for version_id, key, title in Criterion.objects.filter(rubric_version_id__in=version_ids).values_list(
            "rubric_version_id", "key", "title"
        )
    }
    return _shortfalls("roleplays", grades, titles) + _shortfalls("calls", calls, titles)


def _open(assignment: PracticeAssignment, done: dict[int, datetime.datetime]) -> bool:
    return assignment.removed_at is None and assignment.done_at is None and assignment.pk not in done


@transaction.atomic
def _practice_candidates(enrollment: Enrollment, now: datetime.datetime) -> list[tuple[str, int, list]]:
    """What may be picked, in course order, lessons first: items of the weeks open to the hire (a locked one
    can't be started), and practice role-plays only: a graded one is assessed work already on the schedule,
    and replaying it would use up an attempt."""
    schedule = schedule_for(enrollment, now)
    weeks = {number for number in range(1, TRAINING_WEEKS + 1) if schedule.is_unlocked(number, now)}
    curriculum_id = enrollment.cohort.curriculum_id
    lessons = (Lesson.objects.filter(curriculum_id=curriculum_id, week__number__in=weeks)
               .order_by("week__number", "position", "id").values_list("pk", "trains"))  # fmt: skip
    scenarios = (Scenario.objects.filter(curriculum_id=curriculum_id, week__number__in=weeks)
                 .exclude(mode=ScenarioMode.GRADED).order_by("week__number", "position", "id")
                 .values_list("pk", "trains"))  # fmt: skip
    return [("lesson", pk, trains) for pk, trains in lessons] + [("roleplay", pk, trains) for pk, trains in scenarios]


@transaction.atomic
def practice_assign_for(*, enrollment_id: int, now: datetime.datetime | None = None) -> list[PracticeAssignment]:
    """Assign the practice the hire's latest scores call for; returns what was assigned now. Safe to run again:
    a reason that assigned once never assigns again, and finished items are recorded as done."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().select_related("cohort").filter(pk=enrollment_id).first()
    if enrollment is None:
        return []
    existing = list(PracticeAssignment.objects.filter(enrollment=enrollment))
    done = _done_at(enrollment.pk, existing)
    for assignment in existing:
        if assignment.done_at is None and assignment.pk in done:
            assignment.done_at = done[assignment.pk]
            assignment.save(update_fields=["done_at"])
    shortfalls = shortfalls_for(enrollment=enrollment)
    if not shortfalls:
        return []
    used_reasons = {a.reason_key for a in existing if a.reason_key}
    open_items = {("lesson", a.lesson_id) if a.lesson_id else ("roleplay", a.scenario_id)
                  for a in existing if _open(a, done)}  # fmt: skip
    open_per_criterion: dict[str, int] = {}
    for assignment in existing:
        if assignment.criterion_key and _open(assignment, done):
            open_per_criterion[assignment.criterion_key] = open_per_criterion.get(assignment.criterion_key, 0) + 1
    finished = progress.done_items(enrollment_ids=[enrollment.pk], from_cache=True).get(enrollment.pk, set())
    candidates = _practice_candidates(enrollment, now)
    assigned = []
    # The criterion furthest below is served first, so an item training two short criteria goes where it is most
    # needed and the other criterion still finds its own.
    for shortfall in sorted(shortfalls, key=lambda found: found.mean):
        if shortfall.reason_key in used_reasons:
            continue
        room = PER_CRITERION - open_per_criterion.get(shortfall.criterion_key, 0)
        for kind, pk, trains in candidates:
            if room <= 0:
                break
            if shortfall.criterion_key not in (trains or []) or (kind, pk) in open_items:
                continue
            if kind == "lesson" and (kind, pk) in finished:  # a practice role-play is replayed; a lesson is not
                continue
            assigned.append(PracticeAssignment.objects.create(
                enrollment=enrollment, lesson_id=pk if kind == "lesson" else None,
                scenario_id=pk if kind == "roleplay" else None, criterion_key=shortfall.criterion_key,
                reason=shortfall.reason[:MAX_REASON_CHARS], reason_key=shortfall.reason_key,
                source=PracticeAssignment.Source.AUTO, assigned_at=now,
            ))  # fmt: skip
            open_items.add((kind, pk))
            room -= 1
        open_per_criterion[shortfall.criterion_key] = PER_CRITERION - room
    return assigned


def practice_assign_later(*, enrollment_id: int) -> None:
    """Once the current transaction commits, have a worker assign the practice the new scores call for."""
    from coaching.tasks import practice_assign  # tasks import this module

    practice_assign.delay_on_commit(enrollment_id)


# --- Coaches' picks ---------------------------------------------------------------------------


def _item_check(enrollment: Enrollment, lesson: Lesson | None, scenario: Scenario | None) -> None:
    if (lesson is None) == (scenario is None):
        raise ValidationError("Choose one lesson or one role-play.")
    if (lesson or scenario).curriculum_id != enrollment.cohort.curriculum_id:
        raise ValidationError("Assigned practice must come from the hire's own curriculum.")


@transaction.atomic
def practice_add(
    *, enrollment: Enrollment, coach, lesson: Lesson | None = None, scenario: Scenario | None = None,
    reason: str = "", call_review: CallReview | None = None, now: datetime.datetime | None = None,
) -> PracticeAssignment:  # fmt: skip
    """A coach adds a lesson or role-play to the hire's practice list. An item already open on the list is
    returned as it is (a repeated request adds nothing)."""
    if not permissions.can_grade(coach):
        raise PermissionDenied
    now = now or timezone.now()
    _item_check(enrollment, lesson, scenario)
    reason = reason.strip()
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(f"Keep the reason to {MAX_REASON_CHARS} characters.")
    Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
    same = PracticeAssignment.objects.filter(enrollment=enrollment, lesson=lesson, scenario=scenario, removed_at=None)
    done = _done_at(enrollment.pk, list(same))
    for assignment in same:
        if _open(assignment, done):
            return assignment
    return PracticeAssignment.objects.create(
        enrollment=enrollment, lesson=lesson, scenario=scenario, reason=reason, call_review=call_review,
        source=PracticeAssignment.Source.COACH, assigned_by=coach, assigned_at=now,
    )  # fmt: skip


@transaction.atomic
def practice_remove(*, assignment: PracticeAssignment, coach, now: datetime.datetime | None = None):
    """A coach takes an item off the hire's list. It is kept, marked removed: an automatic pick removed is not
    made again for the same reason. Removing it again changes nothing."""
    if not permissions.can_grade(coach):
        raise PermissionDenied
    assignment = PracticeAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.removed_at is None:
        assignment.removed_at, assignment.removed_by = now or timezone.now(), coach
        assignment.save(update_fields=["removed_at", "removed_by"])
    return assignment


def practice_picks_sync(*, review: CallReview, coach, lessons, scenarios, now: datetime.datetime) -> None:
    """A call review's practice picks are items of the hire's list: new picks are added, picks taken off the
    review are removed from the list. Called inside the review's transaction."""
    reason = f"From your call review: {review.reason}" if review.reason else "From your coach's call review"
    linked = list(PracticeAssignment.objects.filter(call_review=review, removed_at=None))
    wanted = {("lesson", lesson.pk) for lesson in lessons} | {("roleplay", scenario.pk) for scenario in scenarios}
    for assignment in linked:
        key = ("lesson", assignment.lesson_id) if assignment.lesson_id else ("roleplay", assignment.scenario_id)
        if key not in wanted:
            practice_remove(assignment=assignment, coach=coach, now=now)
    have = {("lesson", a.lesson_id) if a.lesson_id else ("roleplay", a.scenario_id) for a in linked}
    for lesson in lessons:
        if ("lesson", lesson.pk) not in have:
            practice_add(enrollment=review.enrollment, coach=coach, lesson=lesson, reason=reason[:MAX_REASON_CHARS],
                         call_review=review, now=now)  # fmt: skip
    for scenario in scenarios:
        if ("roleplay", scenario.pk) not in have:
            practice_add(enrollment=review.enrollment, coach=coach, scenario=scenario,
                         reason=reason[:MAX_REASON_CHARS], call_review=review, now=now)  # fmt: skip
