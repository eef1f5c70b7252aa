"""Demo accounts and a running cohort, so a newcomer can sign in as each role at once.

Idempotent: everything is looked up by a natural key and created only when missing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Role, User
from checkpoint import services as checkpoint_services
from coaching import services as coaching_services
from coaching.models import CallReview, SecondMark
from coaching.practice import practice_assign_for
from coaching.second_marking import second_mark_submit
from coaching.selectors import waiting_for_a_coach
from cohorts import services as cohort_services
from cohorts.services import DEFAULT_SECOND_MARKING_PERCENT
from courses import selectors as course_selectors
from courses import services as course_services
from courses.curriculum_loader import curriculum_load
from courses.levels import as_level
from courses.models import (
    Attempt,
    Cohort,
    Curriculum,
    Enrollment,
    EnrollmentStatus,
    Question,
    Scenario,
)
from courses.scoring.evaluation import DEVSET_DIR, load_devset
from demo.calibration import demo_calibration_load
from readiness import services as readiness_services

DEMO_PASSWORD = "wow-through-service"
DEMO_COHORT_SLUG = "demo-cohort"
DEFAULT_CURRICULUM = Path(settings.BASE_DIR) / "courses" / "data" / "default_curriculum.yaml"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    role: str
    time_zone: str = "America/Los_Angeles"


@dataclass(frozen=True)
class DemoHire:
    email: str
    display_name: str
    days_behind: int  # how far behind the schedule their work is; negative is ahead
    extension_days: int = 0
    status: str = EnrollmentStatus.ACTIVE


ADMIN = DemoPerson("admin@academy.example", "Alex Rivera", Role.ADMIN)
COACHES = [
    DemoPerson("coach.maya@academy.example", "Maya Chen", Role.COACH),
    DemoPerson("coach.jordan@academy.example", "Jordan Ellis", Role.COACH, "America/Denver"),
    DemoPerson("coach.priya@academy.example", "Priya Nair", Role.COACH, "America/Chicago"),
]
LEAD_COACH = "coach.maya@academy.example"  # runs calibration sessions and moderates second marks
# A dozen hires at different points of their six weeks: on pace, ahead, behind,
# on an extended schedule, and one paused.
HIRES = [
    DemoHire("hire.ana@academy.example", "Ana Souza", days_behind=1),
    DemoHire("hire.ben@academy.example", "Ben Okafor", days_behind=0),
    DemoHire("hire.chloe@academy.example", "Chloé Martin", days_behind=-3),
    DemoHire("hire.dev@academy.example", "Dev Patel", days_behind=4, extension_days=3),
    DemoHire("hire.emma@academy.example", "Emma Lindqvist", days_behind=2),
    DemoHire("hire.farah@academy.example", "Farah Haddad", days_behind=0, extension_days=7),
    DemoHire("hire.gabe@academy.example", "Gabe Nakamura", days_behind=9),
    DemoHire("hire.hana@academy.example", "Hana Kowalski", days_behind=3, status=EnrollmentStatus.PAUSED),
    DemoHire("hire.ivan@academy.example", "Ivan Petrov", days_behind=6),
    DemoHire("hire.jade@academy.example", "Jade Williams", days_behind=-1),
    DemoHire("hire.kofi@academy.example", "Kofi Mensah", days_behind=13),
    DemoHire("hire.lena@academy.example", "Lena Fischer", days_behind=1, extension_days=10),
]
DEMO_COHORT_AGE_DAYS = 32  # the cohort is in week 5: nesting, and the first graded role-plays
DEMO_BASE_SALARY = Decimal("3100.00")


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    logins: list[DemoPerson] = field(default_factory=list)


def _person_get_or_create(person: DemoPerson, result: DemoResult) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = account_services.user_create(
            email=person.email,
            display_name=person.display_name,
            role=person.role,
            password=DEMO_PASSWORD,
            time_zone=person.time_zone,
        )
        result.created.append(f"{person.role} {person.email}")
    result.logins.append(person)
    return user


def _default_curriculum(result: DemoResult) -> Curriculum:
    curriculum = Curriculum.objects.filter(slug="loyalty-default").order_by("-version").first()
    if curriculum is None:
        curriculum = curriculum_load(DEFAULT_CURRICULUM).curriculum
        result.created.append(f"curriculum {curriculum}")
    return curriculum


def _seed_progress(enrollment: Enrollment, demo_hire: DemoHire, now: datetime.datetime) -> None:
    """Complete what this hire would have done by now, given how far behind they run."""
    overview = course_selectors.training_overview(enrollment=enrollment, now=now)
    done_by = now - datetime.timedelta(days=demo_hire.days_behind)
    for item in overview.items:
        if not item.unlocked or item.due_at > done_by:
            continue
        completed_at = min(now, item.due_at - datetime.timedelta(hours=5))
        if item.kind == "lesson":
            lesson = enrollment.cohort.curriculum.lessons.get(pk=item.id)
            course_services.lesson_complete(enrollment=enrollment, lesson=lesson, now=completed_at)
        elif item.kind == "roleplay":
            _play_roleplay(enrollment, Scenario.objects.get(pk=item.id), completed_at)
        else:
            check = enrollment.cohort.curriculum.weeks.get(number=item.week_number).knowledge_check
            answers = {
                q.pk: [c.pk for c in q.choices.all() if c.is_correct]
                for q in Question.objects.filter(knowledge_check=check).prefetch_related("choices")
            }
            course_services.check_attempt_submit(enrollment=enrollment, knowledge_check=check, answers=answers,
                                                 now=completed_at)  # fmt: skip


PLAIN_ANSWER = "Thanks for telling me. Let me look at your order and sort this out for you now."
IN_PROGRESS_SCENARIO = "grill-bought-for-a-reason"  # Ana is halfway through this one (week 4)
# Hires at most this far behind have already submitted week 5's first graded role-play: the coaches' queue.
GRADED_WITHIN_DAYS_BEHIND = 2


# Hires' own answers from the labelled sets, of the kinds a trainee really writes (an exemplar pasted in
# would rightly be flagged as copied).
DEMO_ANSWER_KINDS = ("genuine", "strong", "scripted", "mixed", "blunt", "warm_unhelpful")


@cache
def _labelled_answers() -> dict[tuple[str, int], tuple[str, ...]]:
    found: dict[tuple[str, int], list[str]] = {}
    for path in sorted(DEVSET_DIR.glob("*.jsonl")):
        for row in load_devset(path):
            if row.flag is None and row.kind in DEMO_ANSWER_KINDS:
                found.setdefault((row.scenario, row.turn), []).append(row.answer)
    return {key: tuple(answers) for key, answers in found.items()}


def _play_roleplay(enrollment: Enrollment, scenario: Scenario, when: datetime.datetime, *, turns: int | None = None):
    """Answer a role-play as a hire would, with labelled answers to that turn: scored for real."""
    attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario, now=when)
    for number in range(1, (turns or scenario.turns.count()) + 1):
        choices = _labelled_answers().get((scenario.slug, number), ())
        answer = choices[(enrollment.pk + attempt.number) % len(choices)] if choices else PLAIN_ANSWER
        attempt = course_services.attempt_answer(attempt=attempt, answer=answer, now=when)
    return attempt


def _submit_first_graded(enrollment: Enrollment, now: datetime.datetime) -> None:
    overview = course_selectors.training_overview(enrollment=enrollment, now=now)
    graded = Scenario.objects.filter(
        curriculum=enrollment.cohort.curriculum, mode="graded", week__number__gte=readiness_services.NESTING_WEEK
    ).order_by("week__number", "position")
    for scenario in graded:
        item = next(i for i in overview.items if i.kind == "roleplay" and i.id == scenario.pk)
        if item.unlocked and not item.done:
            _play_roleplay(enrollment, scenario, now - datetime.timedelta(hours=30 if enrollment.pk % 2 else 3))
        return


def _salary(demo_hire: DemoHire) -> Decimal:
    """A plausible monthly salary, different for each hire (the checkpoint's offer is a multiple of it)."""
    return DEMO_BASE_SALARY + 75 * (sum(map(ord, demo_hire.email)) % 5)


@transaction.atomic
def demo_load(*, now: datetime.datetime | None = None) -> DemoResult:
    now = now or timezone.now()
    result = DemoResult()
    curriculum = _default_curriculum(result)
    _person_get_or_create(ADMIN, result)
    coaches = [_person_get_or_create(person, result) for person in COACHES]
    for coach in coaches:
        if coach.email == LEAD_COACH and not coach.is_lead_coach:
            account_services.user_set_lead_coach(user=coach)

    cohort = Cohort.objects.filter(slug=DEMO_COHORT_SLUG).first()
    if cohort is None:
        cohort = cohort_services.cohort_create(
            actor=None,
            name="Demo cohort",
            slug=DEMO_COHORT_SLUG,
            curriculum=curriculum,
            start_date=timezone.localdate(now) - datetime.timedelta(days=DEMO_COHORT_AGE_DAYS),
            time_zone="America/Los_Angeles",
            coaches=coaches,
            second_marking_percent=0,  # the story's grades below are released; the share is set after them
        )
        result.created.append(f"cohort {cohort.name}")

    for demo_hire in HIRES:
        hire = _person_get_or_create(DemoPerson(demo_hire.email, demo_hire.display_name, Role.HIRE), result)
        if Enrollment.objects.filter(cohort=cohort, hire=hire).exists():
            continue
        enrollment = course_services.enrollment_create(
            cohort=cohort, hire=hire, extension_days=demo_hire.extension_days, monthly_salary=_salary(demo_hire),
            note="Demo data",
        )  # fmt: skip
        _seed_progress(enrollment, demo_hire, now)
        if demo_hire.days_behind <= GRADED_WITHIN_DAYS_BEHIND:
            _submit_first_graded(enrollment, now)
        if demo_hire is HIRES[0]:
            scenario = Scenario.objects.filter(curriculum=curriculum, slug=IN_PROGRESS_SCENARIO).first()
            if scenario is not None:
                attempt = _play_roleplay(enrollment, scenario, now, turns=1)
                course_services.attempt_draft_save(attempt=attempt, answer="A first date! What", now=now)
        if demo_hire.status == EnrollmentStatus.PAUSED:
            course_services.enrollment_pause(enrollment=enrollment, actor=None, note="Family leave", now=now)
        result.created.append(f"enrollment {demo_hire.email}")
    _held_for_second_marks(cohort, coaches[0], coaches[1], now, result)
    _coach_first_attempts(cohort, coaches[0], now, result)
    if "cohort Demo cohort" in result.created:
        _readiness_states(cohort, coaches[0], now, result)
    if cohort.second_marking_percent == 0 and "cohort Demo cohort" in result.created:
        # From here on the cohort draws the usual share of its graded role-plays for a blind second mark.
        cohort_services.cohort_update(cohort=cohort, actor=None, second_marking_percent=DEFAULT_SECOND_MARKING_PERCENT)
    _graduating_cohort(curriculum, coaches[1], now, result)
    admin = User.objects.get(email=ADMIN.email)
    result.created += demo_calibration_load(cohort=cohort, admin=admin, coaches=coaches, now=now)
    return result


# What the first coach has already done, so a coach's roster, timelines and a hire's feedback have something
# to show: two role-plays released with a comment, one returned with guidance, one real call reviewed.
RELEASED_FOR = ("hire.ben@academy.example", "hire.chloe@academy.example")
HELD_FOR = "hire.chloe@academy.example"  # her latest two wait for a blind second mark
RETURNED_FOR = "hire.jade@academy.example"
CALL_REVIEWED_FOR = "hire.ben@academy.example"


# Readiness in week 5, one hire per state: ready; everything met but the coach's sign-off; a criterion short
# (targeted practice picked for it); a criterion missing in the latest role-play; ready by the admin's decision.
# Hires further behind have not passed their checks or had three role-plays graded.
SIGNED_OFF = "hire.ben@academy.example"
SHORT_ON_EXPLORING = "hire.emma@academy.example"
MISSING_TONE_LATEST = "hire.jade@academy.example"
READY_BY_ADMIN = "hire.ivan@academy.example"
STEADY_HIRES = (SIGNED_OFF, "hire.ana@academy.example", "hire.chloe@academy.example", MISSING_TONE_LATEST)


def _levels_from_prescore(attempt: Attempt) -> dict[str, int]:
    """What the coach releases: the estimate's levels, except that on every other role-play the coach reads
    exploring one level differently, so the estimate-against-coaches page has overrides; hires of the readiness
    story get the levels their state needs."""
    levels = {key: as_level(round(value)) or 0 for key, value in (attempt.prescore or {}).get("levels", {}).items()}
    if attempt.pk % 2 == 0 and "explore" in levels:
        levels["explore"] += -1 if levels["explore"] >= 2 else 1
    email = attempt.enrollment.hire.email
    if email in STEADY_HIRES:
        levels = {key: max(level, 2) for key, level in levels.items()}
    if email == SHORT_ON_EXPLORING and "explore" in levels:
        levels["explore"] = 1
    return levels


def _release_before_nesting(cohort: Cohort, coach: User, now: datetime.datetime, result: DemoResult) -> None:
    """The role-plays graded before week 5 were graded on time."""
    earlier = (
        waiting_for_a_coach()
        .filter(enrollment__cohort=cohort, scenario__week__number__lt=readiness_services.NESTING_WEEK)
        .select_related("enrollment__hire", "rubric_version")
        .order_by("submitted_at", "pk")
    )
    earlier = list(earlier)
    latest = {attempt.enrollment_id: attempt.pk for attempt in earlier}  # the last one of each hire, in order
    count = 0
    for attempt in earlier:
        levels = _levels_from_prescore(attempt)
        is_latest = latest[attempt.enrollment_id] == attempt.pk
        if attempt.enrollment.hire.email == MISSING_TONE_LATEST and is_latest and "tone" in levels:
            levels["tone"] = 0
        when = min(now, attempt.submitted_at + datetime.timedelta(hours=6, minutes=count))  # in order, ties apart
        coaching_services.grade_release(attempt=attempt, coach=coach, levels=levels, now=when)
        count += 1
    if count:
        result.created.append(f"{count} grades released before nesting")


def _readiness_states(cohort: Cohort, coach: User, now: datetime.datetime, result: DemoResult) -> None:
    enrollments = {e.hire.email: e for e in cohort.enrollments.select_related("hire", "cohort")}
    if SIGNED_OFF in enrollments:
        readiness_services.readiness_sign_off(
            enrollment=enrollments[SIGNED_OFF], coach=coach, note="Steady on every criterion; ready for the floor.",
            now=now - datetime.timedelta(days=2),
        )  # fmt: skip
    if READY_BY_ADMIN in enrollments:
        admin = User.objects.get(email=ADMIN.email)
        readiness_services.readiness_override(
            enrollment=enrollments[READY_BY_ADMIN], admin=admin, ready=True, now=now - datetime.timedelta(days=1),
            reason="Two years on a support desk before joining; nests this week and catches up on the role-plays.",
        )  # fmt: skip
    for enrollment in enrollments.values():
        practice_assign_for(enrollment_id=enrollment.pk, now=now)
    flags = readiness_services.readiness_flags_raise(now=now)
    result.created.append(f"readiness: one signed off, one decided by an admin, {len(flags)} flagged")


def _coach_first_attempts(cohort: Cohort, coach: User, now: datetime.datetime, result: DemoResult) -> None:
    waiting = (
        waiting_for_a_coach()  # held grades wait for their second mark, not for this coach
        .filter(enrollment__cohort=cohort)
        .select_related("enrollment__hire", "rubric_version")
        .order_by("pk")
    )
    _release_before_nesting(cohort, coach, now, result)
    for attempt in waiting:
        email = attempt.enrollment.hire.email
        when = min(now, attempt.submitted_at + datetime.timedelta(hours=2))
        if email in RELEASED_FOR:
            first_answer = attempt.turns.order_by("number").first()
            coaching_services.answer_comment_add(
                turn=first_answer, coach=coach, body="Good start: you named what mattered to her first."
            )
            coaching_services.grade_release(
                attempt=attempt, coach=coach, levels=_levels_from_prescore(attempt), now=when,
                overall_comment="Warm and clear. Next time, ask about the occasion before you offer a fix.",
            )  # fmt: skip
            result.created.append(f"released grade for {email}")
        elif email == RETURNED_FOR:
            coaching_services.attempt_return(
                attempt=attempt, coach=coach, now=when,
                guidance="Ask what the shoes are for before you offer shipping: the graduation is the point.",
            )  # fmt: skip
            result.created.append(f"returned role-play for {email}")
        if email == CALL_REVIEWED_FOR and not CallReview.objects.filter(enrollment=attempt.enrollment).exists():
            coaching_services.call_review_create(
                enrollment=attempt.enrollment, coach=coach, rubric_version=attempt.rubric_version,
                call_at=now - datetime.timedelta(days=1, hours=3), call_reference="CALL-20417", channel="phone",
                duration_seconds=7 * 60 + 30, reason="A customer whose order arrived damaged before a trip",
                levels=_on_a_real_call(_levels_from_prescore(attempt)), now=now - datetime.timedelta(days=1),
                strengths="You apologised once, meant it, and moved straight to a replacement.",
                to_work_on="Confirm the delivery date out loud before you close the call.",
                notes=[(95, "lovely moment: you asked where the trip was"), (402, "the date was left vague")],
            )  # fmt: skip
            result.created.append(f"call review for {email}")


def _on_a_real_call(levels: dict[str, int]) -> dict[str, int]:
    """A first real call goes a level below practice on exploring and tone: the transfer view's gap."""
    return {key: max(level - 1, 0) if key in ("explore", "tone") else level for key, level in levels.items()}


def _held_for_second_marks(cohort: Cohort, coach: User, second_coach: User, now, result: DemoResult) -> None:
    """Chloé's latest two graded role-plays are drawn for a blind second mark (the cohort draws every one
    while they are released; the story's other grades are released directly). Jordan marks the later one two levels
    apart, so it waits for a moderator; the other waits for its second mark."""
    waiting = list(
        waiting_for_a_coach()
        .filter(enrollment__cohort=cohort, enrollment__hire__email=HELD_FOR)
        .select_related("rubric_version")
        .order_by("pk")
    )
    if len(waiting) < 2:
        return
    cohort_services.cohort_update(cohort=cohort, actor=None, second_marking_percent=100)
    for attempt in waiting[-2:]:
        when = min(now, attempt.submitted_at + datetime.timedelta(hours=3))
        coaching_services.grade_release(
            attempt=attempt, coach=coach, levels=_levels_from_prescore(attempt), now=when,
            overall_comment="You found the reason behind the request. Say the next step out loud.",
        )  # fmt: skip
    cohort_services.cohort_update(cohort=cohort, actor=None, second_marking_percent=0)
    latest = SecondMark.objects.get(attempt=waiting[-1])
    levels = dict(latest.first_levels)
    key = next(iter(levels))
    levels[key] = 0 if levels[key] >= 2 else 3  # two levels or more from the first grade
    second_mark_submit(second_mark=latest, coach=second_coach, levels=levels, now=now - datetime.timedelta(hours=1),
                       note="I read the opening as scripted.")  # fmt: skip
    result.created.append("grades held for a second mark, one sent to moderation")


GRADUATING_COHORT_SLUG = "demo-graduating"
# A cohort just past week six: two hires still deciding, one committed, one took the offer.
GRADUATING = [
    (DemoHire("hire.mia@academy.example", "Mia Johansson", days_behind=0), None),
    (DemoHire("hire.noah@academy.example", "Noah Brooks", days_behind=0), None),
    (DemoHire("hire.olivia@academy.example", "Olivia Reyes", days_behind=0), "commit"),
    (DemoHire("hire.pablo@academy.example", "Pablo Ruiz", days_behind=0), "offer"),
]


def _graduating_cohort(curriculum: Curriculum, coach: User, now: datetime.datetime, result: DemoResult) -> None:
    if Cohort.objects.filter(slug=GRADUATING_COHORT_SLUG).exists():
        for demo_hire, _ in GRADUATING:
            _person_get_or_create(DemoPerson(demo_hire.email, demo_hire.display_name, Role.HIRE), result)
        return
    cohort = cohort_services.cohort_create(
        actor=None, name="Graduating cohort", slug=GRADUATING_COHORT_SLUG, curriculum=curriculum, coaches=[coach],
        start_date=timezone.localdate(now) - datetime.timedelta(days=43), time_zone="America/Los_Angeles",
    )  # fmt: skip
    result.created.append(f"cohort {cohort.name}")
    enrollments = []
    for demo_hire, choice in GRADUATING:
        hire = _person_get_or_create(DemoPerson(demo_hire.email, demo_hire.display_name, Role.HIRE), result)
        enrollment = course_services.enrollment_create(
            cohort=cohort, hire=hire, monthly_salary=_salary(demo_hire), note="Demo data"
        )
        enrollments.append((enrollment, choice))
    checkpoint_services.checkpoints_open_due(now=now)
    for enrollment, choice in enrollments:
        if choice:
            enrollment.refresh_from_db()
            checkpoint_services.checkpoint_decide(
                hire=enrollment.hire, checkpoint_id=enrollment.checkpoint.pk, choice=choice, confirm=choice,
                offer_text_version=1, reflection="Six weeks that showed me what WOW means.", now=now,
            )  # fmt: skip
    result.created.append("checkpoint decisions")
