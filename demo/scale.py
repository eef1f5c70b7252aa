"""A realistic organisation at scale, for benchmarks: N hires in cohorts of 40 at every stage of
the six weeks and the checkpoint, their coaches, lesson and check progress, role-play attempts
with real answers (from the labelled dev set) and pre-scores, grades and feedback, call reviews,
notifications and checkpoint outcomes.

Everything is written with bulk inserts in a fixed number of statements per table and batch,
so 10,000 hires take about a minute. Role-play answers are scored once per distinct answer by
the configured scorer and reused.
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from checkpoint import timing
from checkpoint.models import Certificate, Checkpoint, CheckpointEvent, Choice, Decision, EventKind, OfferText
from checkpoint.services import DEFAULT_OFFER_TEXT
from coaching.models import CallNote, CallReview, Feedback, Grade
from courses.curriculum_loader import curriculum_load
from courses.models import (
    Attempt,
    AttemptState,
    AttemptTurn,
    CheckAttempt,
    Cohort,
    Curriculum,
    Enrollment,
    EnrollmentEvent,
    EnrollmentEventKind,
    EnrollmentStatus,
    KnowledgeCheck,
    Lesson,
    LessonCompletion,
    Scenario,
)
from courses.scoring import get_scorer
from courses.scoring.base import ScoreResult
from courses.scoring.evaluation import load_devset, request_for
from courses.services.roleplays import prescore_combine, weighted_percent
from demo.services import DEMO_PASSWORD
from notifications.models import Kind, Notification
from notifications.services import NotificationDraft, notify_many

EMAIL_DOMAIN = "scale.academy.test"
COHORT_SIZE = 40
BATCH = 2000
TIME_ZONES = ["America/Los_Angeles", "America/New_York", "America/Denver", "Europe/London", "Asia/Manila"]
DEVSET = Path(settings.BASE_DIR) / "courses" / "data" / "devset" / "roleplay_answers.jsonl"
DEFAULT_CURRICULUM = Path(settings.BASE_DIR) / "courses" / "data" / "default_curriculum.yaml"
# Days since the cohort started, cycling so every stage is present: each week of training,
# the open checkpoint, and past it.
TRANSCRIPT = "Customer: I need narrow shoes for my sister's wedding.\nRep: Narrows are the worst to find!"
STAGE_DAYS = [2, 6, 9, 13, 16, 20, 23, 27, 30, 34, 37, 41, 44, 48, 52]


class ScaleDataExists(Exception):
    pass


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rows: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + rows


def _bulk(model, rows: Iterable, result: ScaleResult, name: str | None = None) -> list:
    rows = list(rows)
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    result.add(name or model._meta.verbose_name_plural, len(rows))
    return created


@dataclass(frozen=True)
class ScoredAnswer:
    customer: str
    answer: str
    prescore: dict
    levels: dict[str, int]


def _scored_answers() -> dict[int, list[ScoredAnswer]]:
    """Dev-set answers by turn number, each with its pre-score."""
    scorer = get_scorer()
    by_turn: dict[int, list[ScoredAnswer]] = {}
    for row in load_devset(DEVSET):
        result = scorer.score(request_for(row))
        scored = ScoredAnswer(row.customer, row.answer, result.as_dict(), dict(row.labels))
        by_turn.setdefault(min(row.turn, 3), []).append(scored)
    return by_turn


def _curriculum() -> Curriculum:
    curriculum = Curriculum.objects.order_by("-version", "-pk").first()
    if curriculum is None:
        curriculum_load(DEFAULT_CURRICULUM)
        curriculum = Curriculum.objects.order_by("-version", "-pk").first()
    return curriculum


def scale_data_generate(*, hires: int, seed: int = 1, now: datetime.datetime | None = None) -> ScaleResult:
    if hires < 1:
        raise ValueError("Generate at least one hire.")
    if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        raise ScaleDataExists(f"Scale data is already here (accounts @{EMAIL_DOMAIN}); use a fresh database.")
    now = now or timezone.now()
    rng = random.Random(seed)
    result = ScaleResult()
    curriculum = _curriculum()
    lessons = list(Lesson.objects.filter(curriculum=curriculum).select_related("week"))
    checks = list(KnowledgeCheck.objects.filter(week__curriculum=curriculum).select_related("week"))
    scenarios = list(
        Scenario.objects.filter(curriculum=curriculum).select_related("week", "rubric").prefetch_related("turns")
    )
    rubric_versions = {s.rubric_id: s.rubric.current_version for s in scenarios}
    criteria = {rv.pk: list(rv.criteria.all()) for rv in rubric_versions.values()}
    answers = _scored_answers()
    password = make_password(DEMO_PASSWORD)

    with transaction.atomic():
        cohort_count = -(-hires // COHORT_SIZE)
        admins = _bulk(
            User,
            (
                User(
                    email=f"admin{n}@{EMAIL_DOMAIN}",
                    display_name=f"Admin {n}",
                    role=Role.ADMIN,
                    is_staff=True,
                    password=password,
                )
                for n in range(3)
            ),
            result,
            "admins",
        )
        coaches = _bulk(
            User,
            (
                User(email=f"coach{n}@{EMAIL_DOMAIN}", display_name=f"Coach {n}", role=Role.COACH, password=password)
                for n in range(max(1, -(-cohort_count // 2)))
            ),
            result,
            "coaches",
        )
        cohorts = _bulk(
            Cohort,
            (
                Cohort(
                    name=f"Scale cohort {n:04d}",
                    slug=f"scale-{n:04d}",
                    curriculum=curriculum,
                    start_date=(now - datetime.timedelta(days=STAGE_DAYS[n * len(STAGE_DAYS) // cohort_count])).date(),
                    time_zone=TIME_ZONES[n % len(TIME_ZONES)],
                )
                for n in range(cohort_count)
            ),
            result,
        )
        Cohort.coaches.through.objects.bulk_create(
            Cohort.coaches.through(cohort_id=cohort.pk, user_id=coaches[n // 2].pk) for n, cohort in enumerate(cohorts)
        )
        _bulk(OfferText, (OfferText(cohort=c, version=1, body_markdown=DEFAULT_OFFER_TEXT) for c in cohorts), result)
        people = _bulk(
            User,
            (
                User(
                    email=f"hire{n}@{EMAIL_DOMAIN}",
                    display_name=f"Hire {n}",
                    role=Role.HIRE,
                    password=password,
                    time_zone=TIME_ZONES[(n // COHORT_SIZE) % len(TIME_ZONES)],
                )
                for n in range(hires)
            ),
            result,
            "hires",
        )
        enrollments = _bulk(
            Enrollment,
            (
                Enrollment(
                    cohort=cohorts[n // COHORT_SIZE], hire=person, monthly_salary=Decimal(rng.randrange(2800, 4200, 50))
                )
                for n, person in enumerate(people)
            ),
            result,
        )
        # Reload ids where the database does not return them (bulk_create on some backends).
        enrollments = list(Enrollment.objects.filter(cohort__in=cohorts).select_related("cohort").order_by("pk"))
        # In bulk, the same history rows the lifecycle writes one by one (courses/services/enrollments.py).
        _bulk(
            EnrollmentEvent,
            (
                EnrollmentEvent(
                    enrollment=e, kind=EnrollmentEventKind.ENROLLED, note="Scale data",
                    data={"status": [None, e.status], "monthly_salary": [None, str(e.monthly_salary)]},
                )
                for e in enrollments
            ),
            result,
        )  # fmt: skip
        coach_of = {cohort.pk: coaches[n // 2] for n, cohort in enumerate(cohorts)}

        completions, check_attempts, attempts, turn_specs = [], [], [], []
        for enrollment in enrollments:
            days_in = (now.date() - enrollment.cohort.start_date).days
            pace = rng.choice([0, 0, 0, 1, 2, 4])  # most on pace, some behind
            done_through = days_in - pace  # days of work done
            for lesson in lessons:
                day = 7 * (lesson.week.number - 1) + lesson.due_day
                if day <= done_through:
                    completions.append(
                        LessonCompletion(
                            enrollment=enrollment,
                            lesson=lesson,
                            completed_at=now - datetime.timedelta(days=days_in - day),
                        )
                    )
            for check in checks:
                day = 7 * (check.week.number - 1) + check.due_day
                if day <= done_through:
                    score = rng.choice([62, 75, 88, 100])
                    check_attempts.append(
                        CheckAttempt(
                            enrollment=enrollment,
                            knowledge_check=check,
                            number=1,
                            answers={},
                            correct_count=score * 8 // 100,
                            question_count=8,
                            score=score,
                            passed=score >= 75,
                            submitted_at=now - datetime.timedelta(days=days_in - day),
                        )
                    )
            for scenario in scenarios:
                day = 7 * (scenario.week.number - 1) + scenario.due_day
                if day > done_through + 1:
                    continue
                submitted = now - datetime.timedelta(days=max(0, days_in - day), hours=rng.randrange(1, 20))
                if scenario.is_graded:
                    state = (
                        AttemptState.AWAITING_COACH
                        if now - submitted < datetime.timedelta(days=2)
                        else AttemptState.GRADED
                    )
                else:
                    state = AttemptState.SUBMITTED
                attempts.append(
                    Attempt(
                        enrollment=enrollment,
                        scenario=scenario,
                        number=1,
                        rubric_version=rubric_versions[scenario.rubric_id],
                        state=state,
                        started_at=submitted - datetime.timedelta(minutes=12),
                        submitted_at=submitted,
                        grading_due_at=submitted + datetime.timedelta(hours=enrollment.cohort.grading_target_hours)
                        if scenario.is_graded
                        else None,
                    )
                )
                turn_specs.append([rng.choice(answers[min(t.number, 3)]) for t in scenario.turns.all()])
        _bulk(LessonCompletion, completions, result)
        _bulk(CheckAttempt, check_attempts, result)
        del completions, check_attempts

        for attempt, picked in zip(attempts, turn_specs, strict=True):
            rubric_criteria = criteria[attempt.rubric_version_id]
            combined = prescore_combine([ScoreResult.from_dict(a.prescore) for a in picked], rubric_criteria)
            attempt.prescore, attempt.prescore_percent = combined.as_dict(), combined.percent
        attempts = _bulk(Attempt, attempts, result)
        attempts = list(
            Attempt.objects.filter(enrollment__cohort__in=cohorts).select_related("enrollment").order_by("pk")
        )
        turns = []
        for attempt, picked in zip(attempts, turn_specs, strict=True):
            for number, answer in enumerate(picked, start=1):
                turns.append(
                    AttemptTurn(
                        attempt=attempt,
                        number=number,
                        variant="neutral",
                        customer_text=answer.customer,
                        answer=answer.answer,
                        shown_at=attempt.started_at,
                        answered_at=attempt.submitted_at,
                        seconds_spent=rng.randrange(20, 240),
                        prescore=answer.prescore,
                    )
                )
        _bulk(AttemptTurn, turns, result)
        del turns

        grades = []
        for attempt, picked in zip(attempts, turn_specs, strict=True):
            if attempt.state != AttemptState.GRADED:
                continue
            levels = {key: max(a.levels.get(key, 0) for a in picked) for key in picked[0].levels}
            grades.append(
                Grade(
                    attempt=attempt,
                    coach=coach_of[attempt.enrollment.cohort_id],
                    rubric_version_id=attempt.rubric_version_id,
                    levels=levels,
                    percent=weighted_percent(levels, criteria[attempt.rubric_version_id]),
                    overall_comment="You named the feeling early. Next time ask what the order is for.",
                    outcome=Grade.Outcome.RELEASED,
                    released_at=attempt.submitted_at + datetime.timedelta(hours=6),
                )
            )
        grades = _bulk(Grade, grades, result)
        grades = list(Grade.objects.filter(attempt__enrollment__cohort__in=cohorts).select_related("attempt"))
        _bulk(
            Feedback,
            (
                Feedback(
                    enrollment_id=g.attempt.enrollment_id,
                    kind=Feedback.Kind.GRADE,
                    grade=g,
                    coach_id=g.coach_id,
                    released_at=g.released_at,
                    acknowledged_at=g.released_at + datetime.timedelta(hours=3) if rng.random() < 0.8 else None,
                )
                for g in grades
            ),
            result,
        )

        reviews = []
        for enrollment in enrollments:
            days_in = (now.date() - enrollment.cohort.start_date).days
            if days_in < 29:  # real calls from week five
                continue
            for n in range(rng.randrange(1, 3)):
                levels = {c.key: rng.randrange(1, 4) for c in next(iter(criteria.values()))}
                version = next(iter(rubric_versions.values()))
                reviews.append(
                    CallReview(
                        enrollment=enrollment,
                        coach=coach_of[enrollment.cohort_id],
                        rubric_version=version,
                        call_at=now - datetime.timedelta(days=rng.randrange(0, max(1, days_in - 28)), hours=n),
                        call_reference=f"CALL-{enrollment.pk}-{n}",
                        duration_seconds=rng.randrange(240, 1800),
                        reason="Shoes for a family wedding",
                        transcript=TRANSCRIPT,
                        levels=levels,
                        percent=weighted_percent(levels, criteria[version.pk]),
                        strengths="Lovely connection over the wedding.",
                        to_work_on="Offer faster shipping sooner.",
                    )
                )
        reviews = _bulk(CallReview, reviews, result)
        reviews = list(CallReview.objects.filter(enrollment__cohort__in=cohorts).order_by("pk"))
        _bulk(
            CallNote,
            (CallNote(review=r, at_seconds=133, body="Lovely connection over the dog") for r in reviews),
            result,
        )
        _bulk(
            Feedback,
            (
                Feedback(
                    enrollment_id=r.enrollment_id,
                    kind=Feedback.Kind.CALL_REVIEW,
                    call_review=r,
                    coach_id=r.coach_id,
                    released_at=r.call_at + datetime.timedelta(hours=2),
                )
                for r in reviews
            ),
            result,
            "call review feedback",
        )

        # Past notices, through the one door for notifications: in the app only, the older ones read.
        hires = User.objects.in_bulk({e.hire_id for e in enrollments})
        drafts, read = [], set()
        for enrollment in enrollments:
            days_in = (now.date() - enrollment.cohort.start_date).days
            for week in range(1, min(6, days_in // 7 + 1) + 1):
                drafts.append(NotificationDraft(
                    recipient=hires[enrollment.hire_id], kind=Kind.WEEK_UNLOCKED,
                    subject=f"{enrollment.pk}:week:{week}", title=f"Week {week} is open", url="/training/", email=False,
                    created_at=now - datetime.timedelta(days=days_in - 7 * (week - 1)),
                ))  # fmt: skip
                if week < days_in // 7:
                    read.add(drafts[-1].key)
        for start in range(0, len(drafts), BATCH):
            written = notify_many(drafts[start : start + BATCH], now=now)
            result.add("notifications", len(written))
            Notification.objects.filter(pk__in=[n.pk for n in written if n.key in read]).update(read_at=now)
        del drafts, read

        _checkpoints(enrollments, now, rng, result, admins[0])
    return result


def _checkpoints(enrollments: list[Enrollment], now: datetime.datetime, rng: random.Random, result, admin) -> None:
    """Checkpoints for cohorts past week six: open, decided either way, some escalated."""
    due = []
    for enrollment in enrollments:
        window = timing.window_for(enrollment, now)
        if window.opens_at <= now:
            due.append(
                Checkpoint(
                    enrollment=enrollment,
                    opened_at=window.opens_at,
                    deadline=window.deadline,
                    escalated_at=window.deadline if window.deadline <= now else None,
                )
            )
    _bulk(Checkpoint, due, result)
    checkpoints = list(
        Checkpoint.objects.filter(enrollment__in=[c.enrollment for c in due]).select_related(
            "enrollment__cohort", "enrollment__hire"
        )
    )
    offer_texts = dict(OfferText.objects.values_list("cohort_id", "pk"))
    _bulk(
        CheckpointEvent,
        (CheckpointEvent(checkpoint=c, kind=EventKind.OPENED, created_at=c.opened_at) for c in checkpoints),
        result,
    )
    decisions = []
    for checkpoint in checkpoints:
        if rng.random() < 0.25 and checkpoint.deadline > now:
            continue  # still thinking
        enrollment = checkpoint.enrollment
        choice = Choice.OFFER if rng.random() < 0.12 else Choice.COMMIT
        decided_at = min(now, checkpoint.opened_at + datetime.timedelta(days=rng.randrange(1, 6)))
        decisions.append(
            Decision(
                checkpoint=checkpoint,
                choice=choice,
                decided_at=decided_at,
                decided_by_id=enrollment.hire_id,
                offer_text_id=offer_texts[enrollment.cohort_id],
                currency=enrollment.cohort.currency,
                offer_amount=timing.offer_amount(enrollment),
                reflection="These six weeks showed me what WOW means.",
            )
        )
        checkpoint.escalated_at = None
    Checkpoint.objects.bulk_update(checkpoints, ["escalated_at"], batch_size=BATCH)
    _bulk(Decision, decisions, result)
    decisions = list(
        Decision.objects.filter(checkpoint__in=checkpoints).select_related(
            "checkpoint__enrollment__hire", "checkpoint__enrollment__cohort"
        )
    )
    status = {Choice.COMMIT: EnrollmentStatus.GRADUATED, Choice.OFFER: EnrollmentStatus.LEFT_WITH_OFFER}
    for choice, value in status.items():
        Enrollment.objects.filter(checkpoint__decisions__in=[d for d in decisions if d.choice == choice]).update(
            status=value
        )
    kind = {Choice.COMMIT: EnrollmentEventKind.GRADUATED, Choice.OFFER: EnrollmentEventKind.LEFT_WITH_OFFER}
    _bulk(
        EnrollmentEvent,
        (
            EnrollmentEvent(
                enrollment_id=d.checkpoint.enrollment_id, kind=kind[d.choice], actor_id=d.decided_by_id,
                note=f"Checkpoint: {d.get_choice_display()} (the hire's own decision)",
                data={"status": [EnrollmentStatus.ACTIVE, status[d.choice]]},
            )
            for d in decisions
        ),
        result,
    )  # fmt: skip
    _bulk(
        Certificate,
        (
            Certificate(
                decision=d,
                hire_name=d.checkpoint.enrollment.hire.display_name,
                cohort_name=d.checkpoint.enrollment.cohort.name,
                issued_on=d.decided_at.date(),
            )
            for d in decisions
            if d.choice == Choice.COMMIT
        ),
        result,
    )
