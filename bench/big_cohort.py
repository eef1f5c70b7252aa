"""One cohort of 500 hires for the cohort dashboard's benchmark, made in bulk from a cohort of the
scale data: the same curriculum and start, each new hire's lessons, checks, graded role-plays and
feedback copied from one of that cohort's hires in turn. Idempotent: an existing one is reused."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Role, User
from coaching.models import Feedback, Grade
from courses.models import Attempt, CheckAttempt, Cohort, Enrollment, LessonCompletion

SLUG = "bench-500-hires"


@transaction.atomic
def big_cohort_ensure(*, template: Cohort, size: int = 500) -> Cohort:
    cohort = Cohort.objects.filter(slug=SLUG).first()
    if cohort is not None:
        return cohort
    cohort = Cohort.objects.create(
        name=f"Large cohort ({size} hires)", slug=SLUG, curriculum=template.curriculum,
        start_date=template.start_date, time_zone=template.time_zone,
        grading_target_hours=template.grading_target_hours, currency=template.currency,
    )  # fmt: skip
    cohort.coaches.set(template.coaches.all())
    sources = list(Enrollment.objects.filter(cohort=template).order_by("pk"))
    unusable = make_password(None)
    hires = User.objects.bulk_create(
        User(email=f"large{n}@bench.academy.test", display_name=f"Large Cohort Hire {n:03d}", role=Role.HIRE,
             password=unusable, time_zone=template.time_zone)
        for n in range(size)
    )  # fmt: skip
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, hire=hire, status=sources[n % len(sources)].status,
                   extension_days=sources[n % len(sources)].extension_days,
                   paused_on=sources[n % len(sources)].paused_on,
                   monthly_salary=sources[n % len(sources)].monthly_salary)
        for n, hire in enumerate(hires)
    )  # fmt: skip
    copies: dict[int, list[Enrollment]] = {}
    for n, enrollment in enumerate(enrollments):
        copies.setdefault(sources[n % len(sources)].pk, []).append(enrollment)

    LessonCompletion.objects.bulk_create(
        LessonCompletion(enrollment=copy, lesson_id=c.lesson_id, completed_at=c.completed_at)
        for c in LessonCompletion.objects.filter(enrollment__cohort=template)
        for copy in copies.get(c.enrollment_id, [])
    )
    CheckAttempt.objects.bulk_create(
        CheckAttempt(enrollment=copy, knowledge_check_id=c.knowledge_check_id, number=c.number, answers=c.answers,
                     correct_count=c.correct_count, question_count=c.question_count, score=c.score, passed=c.passed,
                     submitted_at=c.submitted_at)
        for c in CheckAttempt.objects.filter(enrollment__cohort=template)
        for copy in copies.get(c.enrollment_id, [])
    )  # fmt: skip
    fields = ["scenario_id", "number", "rubric_version_id", "state", "started_at", "submitted_at", "prescore",
              "prescore_percent", "grading_due_at"]  # fmt: skip
    originals = list(Attempt.objects.filter(enrollment__cohort=template).exclude(state="in_progress"))
    pairs = [(a, copy) for a in originals for copy in copies.get(a.enrollment_id, [])]
    new_attempts = Attempt.objects.bulk_create(
        Attempt(enrollment=copy, **{f: getattr(a, f) for f in fields}) for a, copy in pairs
    )
    grade_of = {g.attempt_id: g for g in Grade.objects.filter(attempt__in=originals)}
    graded = [(grade_of[a.pk], new) for (a, _), new in zip(pairs, new_attempts, strict=True) if a.pk in grade_of]
    new_grades = Grade.objects.bulk_create(
        Grade(attempt=new, coach_id=g.coach_id, rubric_version_id=g.rubric_version_id, levels=g.levels,
              percent=g.percent, overall_comment=g.overall_comment, outcome=g.outcome, released_at=g.released_at)
        for g, new in graded
    )  # fmt: skip
    acknowledged = {f.grade_id: f.acknowledged_at for f in Feedback.objects.filter(grade__in=grade_of.values())}
    Feedback.objects.bulk_create(
        Feedback(enrollment=new.attempt.enrollment, kind=Feedback.Kind.GRADE, grade=new, coach_id=new.coach_id,
                 released_at=new.released_at, acknowledged_at=acknowledged.get(g.pk))
        for (g, _), new in zip(graded, new_grades, strict=True)
        if new.outcome == Grade.Outcome.RELEASED
    )  # fmt: skip
    return cohort
