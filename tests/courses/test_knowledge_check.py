import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from courses import selectors, services
from courses.models import CheckAttempt
from tests.factories import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def check(hire_enrollment):
    return hire_enrollment.cohort.curriculum.weeks.get(number=1).knowledge_check


def _choice(check, prompt, text):
    return check.questions.get(prompt=prompt).choices.get(text=text).pk


def test_full_marks(hire_enrollment, check):
    attempt = services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check,
                                            answers=right_answers(check))  # fmt: skip
    assert (attempt.score, attempt.passed, attempt.number) == (100, True, 1)


def test_a_multiple_answer_question_needs_exactly_the_right_set(hire_enrollment, check):
    answers = right_answers(check)
    answers[check.questions.get(prompt="Pick all").pk] = [_choice(check, "Pick all", "Yes A")]  # one of two
    attempt = services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=answers)
    assert (attempt.correct_count, attempt.score, attempt.passed) == (1, 50, False)

    answers[check.questions.get(prompt="Pick all").pk] = [
        _choice(check, "Pick all", text) for text in ("Yes A", "Yes B", "No C")
    ]  # everything ticked
    attempt = services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=answers)
    assert attempt.score == 50


def test_the_best_score_is_kept_and_attempts_are_limited(hire_enrollment, check):
    wrong = right_answers(check)
    wrong[check.questions.get(prompt="Pick one").pk] = [_choice(check, "Pick one", "Wrong")]
    services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=right_answers(check))
    services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=wrong)
    services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=wrong)

    standing = selectors.check_standing(enrollment=hire_enrollment, knowledge_check=check)
    assert (standing.best_score, standing.passed, standing.attempts_left) == (100, True, 0)
    with pytest.raises(ValidationError, match="All 3 attempts"):
        services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=wrong)
    assert CheckAttempt.objects.count() == 3


@pytest.mark.parametrize(
    "spoil",
    [
        lambda check, answers: answers.pop(check.questions.get(prompt="Pick one").pk),  # unanswered
        lambda check, answers: answers.update(
            {check.questions.get(prompt="Pick one").pk: [_choice(check, "Pick all", "Yes A")]}
        ),  # a choice from another question
        lambda check, answers: answers.update(
            {
                check.questions.get(prompt="Pick one").pk: [
                    _choice(check, "Pick one", "Right"),
                    _choice(check, "Pick one", "Wrong"),
                ]
            }
        ),  # two for a single
        lambda check, answers: answers.update({999_999: [1]}),  # a question from elsewhere
    ],
)
def test_bad_answers_are_refused_and_nothing_is_recorded(hire_enrollment, check, spoil):
    answers = right_answers(check)
    spoil(check, answers)
    with pytest.raises(ValidationError):
        services.check_attempt_submit(enrollment=hire_enrollment, knowledge_check=check, answers=answers)
    assert not CheckAttempt.objects.exists()


def test_the_web_form_scores_and_hides_answers_until_passed(hire_client, hire_enrollment, check):
    single = check.questions.get(prompt="Pick one")
    multiple = check.questions.get(prompt="Pick all")
    response = hire_client.post("/training/weeks/1/check/", {
        f"q{single.pk}": _choice(check, "Pick one", "Wrong"),
        f"q{multiple.pk}": [_choice(check, "Pick all", "Yes A"), _choice(check, "Pick all", "Yes B")],
    })  # fmt: skip
    assert response.status_code == 302 and response.url == "/training/weeks/1/check/attempts/1/"
    result = hire_client.get(response.url).content.decode()
    assert "50%" in result and "shown once you pass" in result and "correct</span>" not in result

    response = hire_client.post("/training/weeks/1/check/", {
        f"q{single.pk}": _choice(check, "Pick one", "Right"),
        f"q{multiple.pk}": [_choice(check, "Pick all", "Yes A"), _choice(check, "Pick all", "Yes B")],
    })  # fmt: skip
    result = hire_client.get(response.url).content.decode()
    assert "100%" in result and "Passed" in result and "correct</span>" in result


def test_an_incomplete_web_form_shows_which_question_is_missing(hire_client, hire_enrollment, check):
    response = hire_client.post("/training/weeks/1/check/", {})
    assert response.status_code == 400
    assert response.content.decode().count("Please answer this question.") == 2
    assert not CheckAttempt.objects.exists()


def test_the_api_takes_a_submission_and_reports_the_best_score(hire, hire_enrollment, check):
    api = APIClient()
    api.force_authenticate(hire)
    questions = api.get(f"/api/v1/training/knowledge-checks/{check.pk}/").json()["questions"]
    assert all("is_correct" not in choice for q in questions for choice in q["choices"])
    answers = {str(k): v for k, v in right_answers(check).items()}
    response = api.post(f"/api/v1/training/knowledge-checks/{check.pk}/attempts/", {"answers": answers}, format="json")
    assert response.status_code == 201
    assert response.json() | {"submitted_at": None} == {
        "number": 1, "score": 100, "passed": True, "correct_count": 2, "question_count": 2, "submitted_at": None,
        "best_score": 100, "attempts_left": 2,
    }  # fmt: skip
    bad = api.post(f"/api/v1/training/knowledge-checks/{check.pk}/attempts/", {"answers": {}}, format="json")
    assert bad.status_code == 400 and "answers" in bad.json()
