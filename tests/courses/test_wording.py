"""What hires read says what is true: when training starts, which cohort an invitation is for,
the product's name on the sign-in page, what happens after training ends, and what a
knowledge-check result shows while retries remain."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from courses import services as course_services
from courses.models import EnrollmentEvent, EnrollmentEventKind, EnrollmentStatus, Question
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with, right_answers

pytestmark = pytest.mark.django_db


def _day(date: datetime.date) -> str:
    return f"{date:%A} {date.day} {date:%B}"


def test_a_hire_whose_training_has_not_started_is_told_when_it_starts(hire, hire_client):
    starts = timezone.localdate() + datetime.timedelta(days=5)
    cohort = CohortFactory(curriculum=curriculum_with(), start_date=starts, time_zone=hire.time_zone)
    EnrollmentFactory(hire=hire, cohort=cohort)
    page = hire_client.get(reverse("courses:my_training")).content.decode()
    assert f"Your training starts {_day(starts)}." in page
    assert "You are up to date" not in page


def test_a_hire_who_is_up_to_date_is_told_so(hire, hire_client, hire_enrollment):
    for lesson in hire_enrollment.cohort.curriculum.lessons.all():
        course_services.lesson_complete(enrollment=hire_enrollment, lesson=lesson)
    for week in hire_enrollment.cohort.curriculum.weeks.all():
        check = week.knowledge_check
        course_services.check_attempt_submit(
            enrollment=hire_enrollment, knowledge_check=check, answers=right_answers(check)
        )
    page = hire_client.get(reverse("courses:my_training")).content.decode()
    assert "You are up to date. Nice work." in page and "Your training starts" not in page


def test_the_invitation_names_the_cohort_and_when_it_starts(db):
    starts = timezone.localdate() + datetime.timedelta(days=6)
    hire = HireFactory(display_name="Ivy Invited")
    hire.set_unusable_password()
    hire.save()
    EnrollmentFactory(hire=hire, cohort=CohortFactory(name="January Loyalty Team", start_date=starts, time_zone="UTC"))
    assert account_services.invitation_email_send(user_id=hire.pk) is True
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "January Loyalty Team" in text
        assert f"starts on {_day(starts)}" in text


def test_the_sign_in_page_shows_the_product_s_name_not_the_host(client):
    page = client.get(reverse("login"), HTTP_HOST="testserver").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    brand = re.search(r'<a class="brand"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert "Loyalty Academy" in title and "testserver" not in title
    assert "Loyalty Academy" in brand and "testserver" not in brand


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (EnrollmentStatus.GRADUATED, EnrollmentEventKind.GRADUATED),
        (EnrollmentStatus.LEFT_WITH_OFFER, EnrollmentEventKind.LEFT_WITH_OFFER),
        (EnrollmentStatus.WITHDRAWN, EnrollmentEventKind.WITHDRAWN),
    ],
)
def test_the_role_plays_page_of_a_hire_who_left_says_training_ended(hire_client, hire_enrollment, status, event):
    hire_enrollment.status = status
    hire_enrollment.save(update_fields=["status"])
    ended = EnrollmentEvent.objects.create(enrollment=hire_enrollment, kind=event)
    ended_on = ended.created_at.astimezone(zoneinfo.ZoneInfo(hire_enrollment.hire.time_zone)).date()
    page = hire_client.get(reverse("courses:roleplays")).content.decode()
    assert "not in a running cohort" not in page
    assert f"Your training with {hire_enrollment.cohort.name} ended on {_day(ended_on)}" in page
    assert reverse("coaching:my_feedback") in page
    feedback = hire_client.get(reverse("coaching:my_feedback"))
    assert feedback.status_code == 200 and "not in a running cohort" not in feedback.content.decode()


def test_a_hire_never_enrolled_is_told_they_are_not_in_a_cohort_yet(hire_client):
    page = hire_client.get(reverse("courses:roleplays")).content.decode()
    assert "You are not in a running cohort yet" in page


@pytest.fixture
def check_with_explanations(hire_enrollment):
    check = hire_enrollment.cohort.curriculum.weeks.get(number=1).knowledge_check
    Question.objects.filter(knowledge_check=check, prompt="Pick one").update(explanation="Because Right is right.")
    return check


def _wrong(check) -> dict:
    answers = right_answers(check)
    question = check.questions.get(prompt="Pick one")
    answers[question.pk] = [question.choices.get(text="Wrong").pk]
    return answers


def _result(hire_client, attempt) -> str:
    return hire_client.get(reverse("courses:check_result", args=[1, attempt.number])).content.decode()


def test_while_retries_remain_the_result_gives_no_answer_away(hire_client, hire_enrollment, check_with_explanations):
    check = check_with_explanations
    attempt = course_services.check_attempt_submit(
        enrollment=hire_enrollment, knowledge_check=check, answers=_wrong(check)
    )
    page = _result(hire_client, attempt)
    assert "Because Right is right." not in page
    assert 'tag-done">correct' not in page
    assert "The right answers and their explanations are shown once you pass or have used every attempt." in page


def test_once_passed_the_result_shows_answers_and_explanations(hire_client, hire_enrollment, check_with_explanations):
    check = check_with_explanations
    course_services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=_wrong(check))
    passed = course_services.check_attempt_submit(
        enrollment=hire_enrollment, knowledge_check=check, answers=right_answers(check)
    )
    page = _result(hire_client, passed)
    assert "Because Right is right." in page and 'tag-done">correct' in page
    assert "shown once you pass" not in page


def test_out_of_retries_the_result_shows_answers_and_explanations(
    hire_client, hire_enrollment, check_with_explanations
):
    check = check_with_explanations
    for _ in range(check.max_attempts):
        last = course_services.check_attempt_submit(
            enrollment=hire_enrollment, knowledge_check=check, answers=_wrong(check)
        )
    page = _result(hire_client, last)
    assert "Because Right is right." in page and 'tag-done">correct' in page
