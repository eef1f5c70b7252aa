"""What is done, due and overdue: decided here once, for every page, export, reminder and API.

- A lesson is done once completed; a knowledge check once passed.
- A role-play is done once an attempt is submitted and not returned: an attempt a coach
  returned for another try leaves it to do (and due) until a later attempt is submitted.
- An item an admin excused (courses.models.ItemExcusal, not revoked) counts as done for
  completion and is never overdue; it shows as "excused" unless the hire did it anyway.
- An item is locked until its week opens; otherwise done, overdue from its due moment,
  or due. A week is done when all its items are (done or excused), overdue when any is, else due.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    TRAINING_WEEKS,
    AttemptState,
    Enrollment,
)
from courses.pacing import Schedule, schedule_for

ROLEPLAY_DONE_STATES = (AttemptState.SUBMITTED, AttemptState.AWAITING_COACH, AttemptState.GRADED)
ROLEPLAY_DONE = Q(state__in=ROLEPLAY_DONE_STATES)  # on Attempt
CHECK_DONE = Q(passed=True)  # on CheckAttempt
DUE_SOON = datetime.timedelta(days=3)

DONE, OVERDUE, DUE, LOCKED, EXCUSED = "done", "overdue", "due", "locked", "excused"
STATUS_LABELS = {DONE: "Done", DUE: "Due", OVERDUE: "Overdue", LOCKED: "Locked", EXCUSED: "Excused"}
EXCUSAL_STANDS = Q(revoked_at__isnull=True)  # on ItemExcusal

ItemKey = tuple[str, int]  # ("lesson" | "check" | "roleplay", id)


def item_status(
    *, due_at: datetime.datetime, unlocked: bool, done: bool, now: datetime.datetime, excused: bool = False
) -> str:
    if excused and not done:
        return EXCUSED
    if not unlocked:
        return LOCKED
    if done:
        return DONE
    return OVERDUE if now >= due_at else DUE


def is_due_soon(
    *, due_at: datetime.datetime, unlocked: bool, done: bool, now: datetime.datetime, excused: bool = False
) -> bool:
    """Open and due within the next few days (not yet overdue); an excused item is never due."""
    return unlocked and not done and not excused and now <= due_at < now + DUE_SOON


def week_status(*, unlocked: bool, done: int, total: int, overdue: int) -> str:
    if not unlocked:
        return LOCKED
    if done == total:
        return DONE
    return OVERDUE if overdue else DUE


@dataclass(frozen=True)
class ItemMarks:
    """Per enrollment, the (kind, id) of the items done and of those excused and not done."""

    done: dict[int, set[ItemKey]]
    excused: dict[int, set[ItemKey]]

    def settled(self, enrollment_id: int) -> set[ItemKey]:
        """Done or excused: what completion counts and what can never be overdue."""
        return self.done.get(enrollment_id, set()) | self.excused.get(enrollment_id, set())


def done_items(*, enrollment_ids: Iterable[int], from_cache: bool = False) -> dict[int, set[ItemKey]]:
    """Per enrollment, the (kind, id) of every item done or excused: none of them is overdue or chased."""
    ids = list(enrollment_ids)
    marks = item_marks(enrollment_ids=ids, from_cache=from_cache)
    settled: dict[int, set[ItemKey]] = defaultdict(set)
    for enrollment_id in {*marks.done, *marks.excused}:
        settled[enrollment_id] = marks.settled(enrollment_id)
    return settled


COMPLETED_MARK = "completed"  # marks a lesson completion among the excusals read with it


def item_marks(*, enrollment_ids: Iterable[int], from_cache: bool = False) -> ItemMarks:
    """Items done and excused, per enrollment, from the hires' marks (courses.caching: three queries,
    however many enrollments). Pages ask `from_cache`: only hires with events since their last read are
    read; sweeps over every enrollment read them all."""
    from courses.caching import enrollment_marks_many, enrollment_marks_read  # it builds on this module

    ids = list(enrollment_ids)
    found = enrollment_marks_many(enrollment_ids=ids) if from_cache else enrollment_marks_read(ids)
    done: dict[int, set[ItemKey]] = {}
    excused: dict[int, set[ItemKey]] = {}
    for enrollment_id, marks in found.items():
        keys = {("lesson", pk) for pk in marks["completed"]}
        keys.update(("check", pk) for pk, row in marks["checks"].items() if row["passes"])
        keys.update(("roleplay", pk) for pk, row in marks["roleplays"].items() if row["done"])
        if keys:
            done[enrollment_id] = keys
        if marks["excused"] - keys:  # done anyway: it shows as done
            excused[enrollment_id] = marks["excused"] - keys
    return ItemMarks(done=done, excused=excused)


# --- A curriculum's items ---------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    kind: str  # lesson | check | roleplay
    id: int
    week: int
    due_day: int
    title: str
    url: str

    @property
    def key(self) -> ItemKey:
        return (self.kind, self.id)


def curricula_due_items(*, curriculum_ids: Iterable[int]) -> dict[int, list[DueItem]]:
    """Every lesson, check and role-play of these curricula with week, due day and page, from their
    outlines (courses.caching: read once per curriculum version)."""
    from courses.caching import curriculum_outlines, outline_week_numbers  # it builds on this module

    items: dict[int, list[DueItem]] = {}
    for curriculum_id, outline in curriculum_outlines(curriculum_ids=curriculum_ids).items():
        week_of = outline_week_numbers(outline)
        found = items[curriculum_id] = []
        for row in outline["lessons"]:
            week = week_of[row["week_id"]]
            found.append(DueItem(
                "lesson", row["id"], week, row["due_day"], row["title"],
                reverse("courses:lesson", args=[week, row["slug"]]),
            ))  # fmt: skip
        for row in outline["checks"]:
            week = week_of[row["week_id"]]
            found.append(DueItem(
                "check", row["id"], week, row["due_day"], row["title"], reverse("courses:check", args=[week])
            ))  # fmt: skip
        for row in outline["scenarios"]:
            week = week_of[row["week_id"]]
            found.append(DueItem(
                "roleplay", row["id"], week, row["due_day"], f"Role-play: {row['title']}",
                reverse("courses:scenario", args=[row["slug"]]),
            ))  # fmt: skip
    return items


def curriculum_due_items(*, curriculum_id: int) -> list[DueItem]:
    return curricula_due_items(curriculum_ids=[curriculum_id])[curriculum_id]


# --- Many enrollments at once -----------------------------------------------------------------


@dataclass(frozen=True)
class WeekSummary:
    number: int
    status: str  # done | due | overdue | locked
    done: int  # done or excused
    total: int
    overdue: int
    excused: int = 0


@dataclass(frozen=True)
class ProgressSummary:
    """One enrollment's progress: items done (or excused), in all, overdue, and the same per week."""

    enrollment_id: int
    current_week: int
    done: int
    total: int
    overdue: int
    weeks: tuple[WeekSummary, ...]
    excused: int = 0

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


@dataclass
class _SchedulePlan:
    unlocked: dict[int, bool]  # week number -> open
    totals: dict[int, int]  # week number -> items
    week_of: dict[ItemKey, int]
    past_due: dict[int, set[ItemKey]]  # week number -> items past their due moment


def progress_summaries(
    *, enrollments: Sequence[Enrollment], now: datetime.datetime | None = None
) -> dict[int, ProgressSummary]:
    """Progress of many enrollments (their cohorts already read), keyed by enrollment id.

    At most six queries whatever the number of enrollments or curricula: done items (3) and the
    curricula's items (3), each from the cache when nothing changed since (courses.caching).
    Hires on the same schedule share its work.
    """
    now = now or timezone.now()
    if not enrollments:
        return {}
    curriculum_ids = {e.cohort.curriculum_id for e in enrollments}
    marks = item_marks(enrollment_ids=[e.pk for e in enrollments], from_cache=True)
    items = curricula_due_items(curriculum_ids=curriculum_ids)
    plans: dict[tuple, _SchedulePlan] = {}
    summaries = {}
    for enrollment in enrollments:
        curriculum_id = enrollment.cohort.curriculum_id
        schedule = schedule_for(enrollment, now)
        plan_key = (curriculum_id, schedule)
        if plan_key not in plans:
            plans[plan_key] = _plan(schedule, items[curriculum_id], now)
        summaries[enrollment.pk] = _summary(
            enrollment.pk, schedule.current_week(now), plans[plan_key], marks.settled(enrollment.pk),
            marks.excused.get(enrollment.pk, set()),
        )  # fmt: skip
    return summaries


def _plan(schedule: Schedule, items: list[DueItem], now: datetime.datetime) -> _SchedulePlan:
    """Per schedule, once: which weeks are open, their sizes, and which items are past due."""
    weeks = sorted({*range(1, TRAINING_WEEKS + 1), *(item.week for item in items)})  # every curriculum has six
    unlocked = {number: schedule.is_unlocked(number, now) for number in weeks}
    totals: dict[int, int] = dict.fromkeys(weeks, 0)
    past_due: dict[int, set[ItemKey]] = defaultdict(set)
    for item in items:
        totals[item.week] = totals.get(item.week, 0) + 1
        if unlocked.get(item.week) and now >= schedule.due_at(item.week, item.due_day):
            past_due[item.week].add(item.key)
    return _SchedulePlan(unlocked, totals, {item.key: item.week for item in items}, past_due)


def _summary(
    enrollment_id: int, current_week: int, plan: _SchedulePlan, done: set[ItemKey], excused: set[ItemKey]
) -> ProgressSummary:
    # From the hire's settled items (done or excused): no loop over every item per hire.
    done_per_week: dict[int, int] = defaultdict(int)
    excused_per_week: dict[int, int] = defaultdict(int)
    for key in done:
        if key in plan.week_of:
            done_per_week[plan.week_of[key]] += 1
            if key in excused:
                excused_per_week[plan.week_of[key]] += 1
    weeks = []
    for number, total in sorted(plan.totals.items()):
        week_done = done_per_week[number]
        overdue = len(plan.past_due[number] - done)
        status = week_status(unlocked=plan.unlocked.get(number, False), done=week_done, total=total, overdue=overdue)
        weeks.append(WeekSummary(number, status, week_done, total, overdue, excused_per_week[number]))
    return ProgressSummary(
        enrollment_id=enrollment_id, current_week=current_week, done=sum(w.done for w in weeks),
        total=sum(w.total for w in weeks), overdue=sum(w.overdue for w in weeks), weeks=tuple(weeks),
        excused=sum(w.excused for w in weeks),
    )  # fmt: skip
