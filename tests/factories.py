import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from courses.models import (
    Choice,
    Cohort,
    Curriculum,
    Enrollment,
    EnrollmentStatus,
    KnowledgeCheck,
    Lesson,
    Question,
    QuestionKind,
    Week,
)

TEST_PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@academy.test")
    display_name = factory.Faker("name")
    role = Role.HIRE
    time_zone = "America/Los_Angeles"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HireFactory(UserFactory):
    role = Role.HIRE
    email = factory.Sequence(lambda n: f"hire{n}@academy.test")


class CoachFactory(UserFactory):
    role = Role.COACH
    email = factory.Sequence(lambda n: f"coach{n}@academy.test")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    email = factory.Sequence(lambda n: f"admin{n}@academy.test")


class CurriculumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Curriculum

    slug = factory.Sequence(lambda n: f"curriculum-{n}")
    version = 1
    title = factory.Sequence(lambda n: f"Curriculum {n}")


def curriculum_with(lessons_per_week: int = 2, *, slug: str | None = None, version: int = 1) -> Curriculum:
    """A six-week curriculum with lessons and a two-question knowledge check each week.

    Each check has a single-answer question (choice "Right") and a multiple-answer
    question (choices "Yes A" and "Yes B" are both correct).
    """
    curriculum = CurriculumFactory(**({"slug": slug} if slug else {}), version=version)
    lessons, choices = [], []
    for number in range(1, 7):
        week = Week.objects.create(curriculum=curriculum, number=number, title=f"Week {number} title", goals=["A goal"])
        for position in range(lessons_per_week):
            lessons.append(Lesson(
                curriculum=curriculum, week=week, slug=f"w{number}-lesson-{position + 1}", position=position,
                title=f"Week {number} lesson {position + 1}", body_markdown=f"## Part {position}\n\nRead *this*.",
                body_html="<h2>Part</h2>", estimated_minutes=10, due_day=min(5, position + 1),
            ))  # fmt: skip
        check = KnowledgeCheck.objects.create(week=week, title=f"Week {number} check", pass_mark=70, max_attempts=3)
        single = Question.objects.create(knowledge_check=check, position=0, prompt="Pick one", kind=QuestionKind.SINGLE)
        multiple = Question.objects.create(
            knowledge_check=check, position=1, prompt="Pick all", kind=QuestionKind.MULTIPLE
        )
        choices += [
            Choice(question=single, position=0, text="Right", is_correct=True),
            Choice(question=single, position=1, text="Wrong", is_correct=False),
            Choice(question=multiple, position=0, text="Yes A", is_correct=True),
            Choice(question=multiple, position=1, text="Yes B", is_correct=True),
            Choice(question=multiple, position=2, text="No C", is_correct=False),
        ]
    Lesson.objects.bulk_create(lessons)  # bulk: the HTML is not needed for these tests
    Choice.objects.bulk_create(choices)
    return curriculum


def right_answers(check: KnowledgeCheck) -> dict[int, list[int]]:
    return {q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in check.questions.all()}


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    curriculum = factory.SubFactory(CurriculumFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    time_zone = "America/Los_Angeles"
    # Tests release grades directly; a test of second marking sets its own share (the model's default is 10).
    second_marking_percent = 0


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    hire = factory.SubFactory(HireFactory)
    status = EnrollmentStatus.ACTIVE


# --- Calibration --------------------------------------------------------------------------------


def calibration_work(*, roleplays: int = 1, calls: int = 1, hire_name: str = "Priya Natarajan"):
    """A hire's submitted role-plays and reviewed real calls, each naming the hire in what they wrote or
    said, ready to be anchor items. Needs settings.ROLEPLAY_SCORER = MARKER_SCORER (answers with [warm]
    get an automatic estimate of 3 everywhere). Returns (enrollment, attempts, call reviews)."""
    from coaching import services as coaching_services
    from tests.coaching.conftest import ALL_LEVELS, submit_attempt
    from tests.roleplay_support import default_rubric, scenario_with_turns

    enrollment = EnrollmentFactory(cohort__curriculum=curriculum_with(1), hire=HireFactory(display_name=hire_name))
    first, last = hire_name.split()[0], hire_name.split()[-1]
    answers = (f"[warm] Hi, this is {hire_name}. Ten days, we can do it!", f"{first} again: let me check.",
               f"Mrs. {last} on our side will email you.")  # fmt: skip
    curriculum = enrollment.cohort.curriculum
    attempts = [
        submit_attempt(enrollment, scenario_with_turns(curriculum, slug=f"anchor-{n}", mode="graded"), answers)
        for n in range(roleplays)
    ]
    rubric_version = attempts[0].rubric_version if attempts else default_rubric().current_version
    coach = CoachFactory(display_name="Original Reviewer")
    enrollment.cohort.coaches.add(coach)
    reviews = [
        coaching_services.call_review_create(
            enrollment=enrollment, coach=coach, rubric_version=rubric_version,
            call_at=timezone.now() - datetime.timedelta(days=1), call_reference=f"CALL-{n}", channel="phone",
            duration_seconds=600, reason=f"Narrow shoes; {first} offered a swap", levels=ALL_LEVELS,
            strengths="Original feedback: a lovely opening.", to_work_on="Original feedback: own the next step.",
            transcript=f"{hire_name}: Hi, you're through to {first}.\nCustomer: Hi {first}!",
            notes=[(133, f"{first} connects over the dog")],
        )
        for n in range(calls)
    ]  # fmt: skip
    return enrollment, attempts, reviews


def calibration_round(*, roleplays: int = 1, calls: int = 1, coaches: int = 2, facilitator=None, due_in_hours=72):
    """An open calibration session on `calibration_work`, facilitated by an admin, with `coaches` invited
    coaches (none of them coaches the hire). Returns (session, work) where work is calibration_work's tuple."""
    from calibration import services

    work = calibration_work(roleplays=roleplays, calls=calls)
    _, attempts, reviews = work
    session = services.session_create(
        facilitator=facilitator or AdminFactory(display_name="Fay Facilitator"), title="Wedding calls",
        due_at=timezone.now() + datetime.timedelta(hours=due_in_hours),
        coaches=[CoachFactory(display_name=f"Grader {n + 1}") for n in range(coaches)], attempts=attempts,
        call_reviews=reviews,
    )  # fmt: skip
    return session, work
