import re

import pytest

from coaching import services
from coaching.models import AnswerComment, Grade, SavedComment
from courses.models import AttemptState
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db


def _levels(levels: dict) -> dict:
    return {f"level_{key}": level for key, level in levels.items()}


def _checked(page: str) -> dict[str, int]:
    """The levels the grading screen shows as chosen."""
    found = re.findall(r'name="level_(\w+)" value="(\d)" checked', page)
    return {key: int(level) for key, level in found}


def test_a_level_clicked_is_kept_as_a_draft_and_shown_on_reopening(coach_client, waiting_attempt):
    url = f"/coaching/attempts/{waiting_attempt.pk}/"
    response = coach_client.post(f"{url}draft/", {"level_acknowledge": 3, "level_wow": 2})
    assert response.status_code == 200
    assert response.json() == {**response.json(), "saved": True, "total": 5, "max": 18, "label": "Total 5 of 18"}
    grade = Grade.objects.get(attempt=waiting_attempt)
    assert (grade.outcome, grade.draft_levels, grade.levels) == ("draft", {"acknowledge": 3, "wow": 2}, {})
    page = coach_client.get(f"{url}grade/").content.decode()
    assert _checked(page) == {"acknowledge": 3, "wow": 2}
    assert "Total 5 of 18" in page
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.state == AttemptState.AWAITING_COACH  # a draft releases nothing


def test_adding_a_comment_without_scripts_keeps_the_levels_and_texts(coach_client, waiting_attempt):
    url = f"/coaching/attempts/{waiting_attempt.pk}/grade/"
    form = {**_levels({"acknowledge": 2, "connect": 1}), "overall_comment": "Lovely warmth.", "guidance": "",
            "comment_turn": "2", "comment_2": "Check the stock first.", "save_to_bank_2": "1"}  # fmt: skip
    response = coach_client.post(url, form)
    assert response.status_code == 302 and response.url.endswith("#turn-2")
    comment = AnswerComment.objects.get()
    assert (comment.turn.number, comment.body) == (2, "Check the stock first.")
    assert SavedComment.objects.get().body == "Check the stock first."
    page = coach_client.get(url).content.decode()
    assert _checked(page) == {"acknowledge": 2, "connect": 1}
    assert ">Lovely warmth.</textarea>" in page and "Total 3 of 18" in page


def test_the_comment_endpoint_adds_a_comment_without_a_reload(coach_client, waiting_attempt):
    url = f"/coaching/attempts/{waiting_attempt.pk}/comments/"
    response = coach_client.post(url, {"turn": 1, "body": "Lovely opening."})
    assert response.status_code == 201
    assert response.json()["body"] == "Lovely opening." and response.json()["coach"] == "Cora Coach"
    assert coach_client.post(url, {"turn": 1, "body": "  "}).status_code == 400
    assert coach_client.post(url, {"turn": 9, "body": "Nowhere"}).status_code == 400
    assert AnswerComment.objects.count() == 1


def test_release_uses_the_draft_and_clears_it(coach, coach_client, waiting_attempt):
    services.grade_draft_save(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    response = coach_client.post(f"/coaching/attempts/{waiting_attempt.pk}/grade/",
                                 {"action": "release", "overall_comment": "Warm."})  # fmt: skip
    assert response.status_code == 302
    grade = Grade.objects.get()
    assert (grade.outcome, grade.levels, grade.overall_comment) == ("released", ALL_LEVELS, "Warm.")
    assert (grade.draft_levels, grade.draft_saved_at, grade.has_draft) == ({}, None, False)


def test_a_draft_on_a_released_grade_leaves_the_grade_of_record_alone(coach, coach_client, waiting_attempt):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS)
    coach_client.post(f"/coaching/attempts/{waiting_attempt.pk}/draft/", _levels({**ALL_LEVELS, "wow": 3}))
    grade = Grade.objects.get()
    assert grade.levels == ALL_LEVELS and grade.draft_levels["wow"] == 3
    page = coach_client.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/").content.decode()
    assert _checked(page)["wow"] == 3 and "kept as a draft" in page


def test_bad_draft_input_is_refused_and_changes_nothing(coach, coach_client, waiting_attempt, hire_enrollment):
    url = f"/coaching/attempts/{waiting_attempt.pk}/draft/"
    services.grade_draft_save(attempt=waiting_attempt, coach=coach, levels={"tone": 2})
    response = coach_client.post(url, {"level_tone": 7})
    assert response.status_code == 400 and "must be 0, 1, 2 or 3" in response.json()["error"]
    assert Grade.objects.get().draft_levels == {"tone": 2}

    colleague = CoachFactory()
    hire_enrollment.cohort.coaches.add(colleague)
    services.attempt_claim(attempt=waiting_attempt, coach=coach)
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.post(url, {"level_tone": 1}).status_code == 409
    assert other.post(f"/coaching/attempts/{waiting_attempt.pk}/comments/", {"turn": 1, "body": "x"}).status_code == 409
    assert Grade.objects.get().draft_levels == {"tone": 2} and not AnswerComment.objects.exists()


def test_releasing_keeps_a_comment_typed_but_not_added(coach_client, waiting_attempt):
    coach_client.post(f"/coaching/attempts/{waiting_attempt.pk}/grade/",
                      {**_levels(ALL_LEVELS), "action": "release", "comment_3": "Good close."})  # fmt: skip
    assert AnswerComment.objects.get().body == "Good close."
    assert Grade.objects.get().outcome == "released"


def test_a_draft_save_that_crosses_a_release_leaves_no_draft(coach, waiting_attempt):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    grade = services.grade_draft_save(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    assert not grade.has_draft and not Grade.objects.get().has_draft
