"""Writes to training data. Views, API views, admin actions and tasks all come through here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.images import image_encode, image_open_checked
from courses.models import (
    CheckAttempt,
    Choice,
    Curriculum,
    Enrollment,
    KnowledgeCheck,
    Lesson,
    LessonCompletion,
    Question,
    QuestionKind,
    Week,
)
from courses.services.enrollments import (  # the lifecycle, re-exported: every step of it lives there
    enrollment_create,
    enrollment_extend,
    enrollment_graduate,
    enrollment_leave_with_offer,
    enrollment_move,
    enrollment_pause,
    enrollment_reinstate,
    enrollment_reopen,
    enrollment_resume,
    enrollment_salary_change,
    enrollment_withdraw,
    salary_parse,
)

LESSON_IMAGE_MAX_BYTES = 5 * 1024 * 1024
LESSON_IMAGE_MAX_PIXELS = 40_000_000
LESSON_IMAGE_WIDTH = 1600


# --- Content ------------------------------------------------------------------------


def lesson_image_attach(*, lesson: Lesson, upload) -> Lesson:
    """Check an image by content, scale it to the reading width and attach it (unsaved)."""
    image = image_open_checked(
        upload, max_bytes=LESSON_IMAGE_MAX_BYTES, max_pixels=LESSON_IMAGE_MAX_PIXELS, label="a lesson image"
    )
    if image.width > LESSON_IMAGE_WIDTH:
        image.thumbnail((LESSON_IMAGE_WIDTH, LESSON_IMAGE_WIDTH * 4))
    encoded = image_encode(image, image.format)
    lesson.image.save(encoded.name, encoded, save=False)
    return lesson


@transaction.atomic
def curriculum_copy_as_new_version(*, curriculum: Curriculum) -> Curriculum:
    """A new, editable version with the same content. Cohorts on the old version are untouched."""
    latest = Curriculum.objects.filter(slug=curriculum.slug).order_by("-version").values_list("version", flat=True)
    copy = Curriculum.objects.create(
        slug=curriculum.slug,
        version=latest[0] + 1,
        title=curriculum.title,
        description=curriculum.description,
    )
    for week in curriculum.weeks.prefetch_related("lessons", "knowledge_check__questions__choices"):
        new_week = Week.objects.create(curriculum=copy, number=week.number, title=week.title, goals=week.goals)
        for lesson in week.lessons.all():
            Lesson.objects.create(
                curriculum=copy,
                week=new_week,
                **{
                    f: getattr(lesson, f)
                    for f in (
                        "slug", "position", "title", "body_markdown", "estimated_minutes", "due_day", "video_url",
                        "image", "image_alt", "trains",
                    )
                },
            )  # fmt: skip
        check = getattr(week, "knowledge_check", None)
        if check is None:
            continue
        new_check = KnowledgeCheck.objects.create(
            week=new_week,
            title=check.title,
            pass_mark=check.pass_mark,
            max_attempts=check.max_attempts,
            due_day=check.due_day,
        )
        for question in check.questions.all():
            new_question = Question.objects.create(
                knowledge_check=new_check,
                position=question.position,
                prompt=question.prompt,
                kind=question.kind,
                explanation=question.explanation,
            )
            Choice.objects.bulk_create(
                Choice(question=new_question, position=c.position, text=c.text, is_correct=c.is_correct)
                for c in question.choices.all()
            )
    return copy


# --- Progress ------------------------------------------------------------------------------


def _locked(enrollment: Enrollment) -> Enrollment:
    return Enrollment.objects.select_for_update().select_related("cohort").get(pk=enrollment.pk)


def lesson_complete(*, enrollment: Enrollment, lesson: Lesson, now: datetime.datetime | None = None) -> bool:
    """Mark a lesson complete. Idempotent: returns False if it already was."""
    try:
        with transaction.atomic():
            _, created = LessonCompletion.objects.get_or_create(
                enrollment=enrollment, lesson=lesson, defaults={"completed_at": now or timezone.now()}
            )
    except IntegrityError:  # a concurrent request completed it first
        return False
    return created


def lesson_uncomplete(*, enrollment: Enrollment, lesson: Lesson) -> bool:
    deleted, _ = LessonCompletion.objects.filter(enrollment=enrollment, lesson=lesson).delete()
    return bool(deleted)


def _validated_answers(check: KnowledgeCheck, answers: dict) -> dict[str, list[int]]:
    questions = list(check.questions.prefetch_related("choices"))
    problems = []
    cleaned: dict[str, list[int]] = {}
    for number, question in enumerate(questions, start=1):
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        chosen = [raw] if isinstance(raw, int | str) else list(raw or [])
        try:
            chosen_ids = sorted({int(c) for c in chosen})
        except (TypeError, ValueError):
            problems.append(f"Question {number}: the answer is not a choice of this question.")
            continue
        valid_ids = {c.pk for c in question.choices.all()}
        if not chosen_ids:
            problems.append(f"Question {number} has no answer.")
        elif not set(chosen_ids) <= valid_ids:
            problems.append(f"Question {number}: the answer is not a choice of this question.")
        elif question.kind == QuestionKind.SINGLE and len(chosen_ids) != 1:
            problems.append(f"Question {number} takes one answer.")
        cleaned[str(question.pk)] = chosen_ids
    unknown = {str(k) for k in answers} - {str(q.pk) for q in questions}
    if unknown:
        problems.append("Some answers are for questions that are not in this check.")
    if problems:
        raise ValidationError(problems)
    return cleaned


def check_attempt_submit(
    *, enrollment: Enrollment, knowledge_check: KnowledgeCheck, answers: dict, now: datetime.datetime | None = None
) -> CheckAttempt:
    """Score a knowledge-check submission. A question counts when exactly the right choices are picked."""
    cleaned = _validated_answers(knowledge_check, answers)
    correct_sets = {
        str(q.pk): sorted(c.pk for c in q.choices.all() if c.is_correct)
        for q in knowledge_check.questions.prefetch_related("choices")
    }
    correct_count = sum(cleaned[qid] == correct for qid, correct in correct_sets.items())
    question_count = len(correct_sets)
    score = correct_count * 100 // question_count
    with transaction.atomic():
        _locked(enrollment)  # one submission at a time per hire: attempt numbers and limits hold
        used = CheckAttempt.objects.filter(enrollment=enrollment, knowledge_check=knowledge_check).count()
        if knowledge_check.max_attempts is not None and used >= knowledge_check.max_attempts:
            raise ValidationError(f"All {knowledge_check.max_attempts} attempts at this check are used.")
        return CheckAttempt.objects.create(
            enrollment=enrollment,
            knowledge_check=knowledge_check,
            number=used + 1,
            answers=cleaned,
            correct_count=correct_count,
            question_count=question_count,
            score=score,
            passed=score >= knowledge_check.pass_mark,
            submitted_at=now or timezone.now(),
        )


# --- Role-plays (courses/services/roleplays.py) ----------------------------------------------

from courses.services.roleplays import (  # noqa: E402
    attempt_answer,
    attempt_draft_save,
    attempt_start,
    attempts_allowed,
    next_variant,
    weighted_percent,
)
from courses.services.scoring import scenario_context, scoring_request  # noqa: E402

__all__ = [
    "attempt_answer",
    "attempt_draft_save",
    "attempt_start",
    "attempts_allowed",
    "enrollment_create",
    "enrollment_extend",
    "enrollment_graduate",
    "enrollment_leave_with_offer",
    "enrollment_move",
    "enrollment_pause",
    "enrollment_reinstate",
    "enrollment_reopen",
    "enrollment_resume",
    "enrollment_salary_change",
    "enrollment_withdraw",
    "next_variant",
    "salary_parse",
    "scenario_context",
    "scoring_request",
    "weighted_percent",
]
