"""What a hire's pages read, cached (see common.versioned_cache):

- per curriculum, the same for every hire on it: its weeks, lessons, checks and role-plays;
- per enrollment, what changes only on the hire's own events: lessons completed, check results,
  role-play results and standing excusals;
- per hire, which enrollment their pages are about (with its cohort and curriculum).

The sources are registered in `register_sources` (called when the app loads); pages derive what is
locked, due and overdue from these facts on every request.
"""

from django.db.models import CharField, Count, F, Max, Value

from common.versioned_cache import cached_many, register_source
from courses.models import (
    RUNNING_STATUSES,
    Attempt,
    CheckAttempt,
    Cohort,
    Curriculum,
    Enrollment,
    ItemExcusal,
    KnowledgeCheck,
    Lesson,
    LessonCompletion,
    Scenario,
    Week,
)
from courses.progress import CHECK_DONE, COMPLETED_MARK, EXCUSAL_STANDS, ROLEPLAY_DONE

CURRICULUM, COHORT, ENROLLMENT = "curriculum", "cohort", "enrollment"
HIRE = "hire"  # per person: the enrollment their pages are about, with its cohort and curriculum


def _outlines(curriculum_ids: list[int]) -> dict[int, dict]:
    """Four queries for any number of curricula."""
    outlines = {pk: {"weeks": [], "lessons": [], "checks": [], "scenarios": []} for pk in curriculum_ids}
    for row in (
        Week.objects.filter(curriculum_id__in=curriculum_ids)
        .order_by("number")
        .values("id", "curriculum_id", "number", "title", "goals")
    ):
        outlines[row.pop("curriculum_id")]["weeks"].append(row)
    for row in (
        Lesson.objects.filter(curriculum_id__in=curriculum_ids)
        .order_by("week__number", "position", "id")
        .values("id", "curriculum_id", "week_id", "slug", "title", "estimated_minutes", "due_day")
    ):
        outlines[row.pop("curriculum_id")]["lessons"].append(row)
    for row in (
        KnowledgeCheck.objects.filter(week__curriculum_id__in=curriculum_ids)
        .order_by("id")
        .values("id", "week__curriculum_id", "week_id", "title", "due_day", "max_attempts", "pass_mark")
    ):
        outlines[row.pop("week__curriculum_id")]["checks"].append(row)
    for row in (
        Scenario.objects.filter(curriculum_id__in=curriculum_ids)
        .order_by("position", "id")
        .values("id", "curriculum_id", "week_id", "slug", "title", "due_day", "max_attempts")
    ):
        outlines[row.pop("curriculum_id")]["scenarios"].append(row)
    return outlines


def curriculum_outlines(*, curriculum_ids) -> dict[int, dict]:
    """Per curriculum, its weeks, lessons, checks and role-plays, as the dashboard lists them."""
    return cached_many(CURRICULUM, curriculum_ids, "outline", _outlines)


def curriculum_outline(*, curriculum_id: int) -> dict:
    return curriculum_outlines(curriculum_ids=[curriculum_id])[curriculum_id]


def outline_week_numbers(outline: dict) -> dict[int, int]:
    """Week id → week number, for the lessons, checks and role-plays of an outline (they name their week by id)."""
    return {week["id"]: week["number"] for week in outline["weeks"]}


def enrollment_marks_read(enrollment_ids: list[int]) -> dict[int, dict]:
    """Read, not cached: the marks of each enrollment, in three queries however many there are."""
    marks = {pk: {"completed": set(), "checks": {}, "roleplays": {}, "excused": set()} for pk in enrollment_ids}
    # Lesson completions and standing excusals in one query.
    completions = LessonCompletion.objects.filter(enrollment_id__in=enrollment_ids).annotate(
        mark_kind=Value(COMPLETED_MARK, output_field=CharField()), mark_item=F("lesson_id")
    )
    excusals = ItemExcusal.objects.filter(EXCUSAL_STANDS, enrollment_id__in=enrollment_ids).annotate(
        mark_kind=F("kind"), mark_item=F("item_id")
    )
    for enrollment_id, kind, item_id in (
        completions.values_list("enrollment_id", "mark_kind", "mark_item")
        .order_by()
        .union(excusals.values_list("enrollment_id", "mark_kind", "mark_item").order_by(), all=True)
    ):
        if kind == COMPLETED_MARK:
            marks[enrollment_id]["completed"].add(item_id)
        else:
            marks[enrollment_id]["excused"].add((kind, item_id))
    results = (  # per item: the best result, attempts, and how many count as done
        (
            "checks",
            CheckAttempt,
            "knowledge_check_id",
            {"best": Max("score"), "passes": Count("id", filter=CHECK_DONE)},
        ),
        (
            "roleplays",
            Attempt,
            "scenario_id",
            {"best": Max("prescore_percent"), "done": Count("id", filter=ROLEPLAY_DONE)},
        ),
    )
    for bucket, model, item, annotations in results:
        rows = model.objects.filter(enrollment_id__in=enrollment_ids).values("enrollment_id", item)
        for row in rows.annotate(attempts=Count("id"), **annotations).order_by():
            marks[row["enrollment_id"]][bucket][row[item]] = row
    return marks


def enrollment_marks(*, enrollment_id: int) -> dict:
    """The hire's lessons completed, best check results, role-play results and standing excusals."""
    return enrollment_marks_many(enrollment_ids=[enrollment_id])[enrollment_id]


def enrollment_marks_many(*, enrollment_ids: list[int]) -> dict[int, dict]:
    return cached_many(ENROLLMENT, enrollment_ids, "marks", enrollment_marks_read)


def _current_enrollments(hire_ids: list[int]) -> dict[int, Enrollment | None]:
    current = dict.fromkeys(hire_ids)
    for enrollment in (
        Enrollment.objects.select_related("cohort", "cohort__curriculum")
        .filter(hire_id__in=hire_ids, status__in=RUNNING_STATUSES)
        .order_by("hire_id", "-cohort__start_date")
    ):
        if current[enrollment.hire_id] is None:
            current[enrollment.hire_id] = enrollment
    return current


def enrollment_current_cached(*, hire_id: int) -> Enrollment | None:
    """The hire's enrollment that is still running (active or paused), the newest cohort's if there are two."""
    return cached_many(HIRE, [hire_id], "current", _current_enrollments)[hire_id]


def _hires_in(**cohorts) -> list[int]:
    return list(Enrollment.objects.filter(**cohorts).values_list("hire_id", flat=True))


def _week_curriculum(check: KnowledgeCheck) -> list[int | None]:
    # The week may be gone already when a whole week is deleted; its own deletion changes the curriculum.
    return [Week.objects.filter(pk=check.week_id).values_list("curriculum_id", flat=True).first()]


def register_sources() -> None:
    register_source(Curriculum, scope=CURRICULUM, pks_of=lambda row: [row.pk])
    register_source(Week, scope=CURRICULUM, pks_of=lambda row: [row.curriculum_id])
    register_source(Lesson, scope=CURRICULUM, pks_of=lambda row: [row.curriculum_id])
    register_source(Scenario, scope=CURRICULUM, pks_of=lambda row: [row.curriculum_id])
    register_source(KnowledgeCheck, scope=CURRICULUM, pks_of=_week_curriculum)
    for model in (LessonCompletion, CheckAttempt, Attempt, ItemExcusal):
        register_source(model, scope=ENROLLMENT, pks_of=lambda row: [row.enrollment_id])
    # A hire's current enrollment: its own row, its cohort's and its curriculum's (rarely edited, many hires).
    register_source(Enrollment, scope=HIRE, pks_of=lambda enrollment: [enrollment.hire_id])
    register_source(Cohort, scope=HIRE, pks_of=lambda cohort: _hires_in(cohort_id=cohort.pk))
    register_source(Curriculum, scope=HIRE, pks_of=lambda curriculum: _hires_in(cohort__curriculum_id=curriculum.pk))
