import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from courses import selectors, services
from courses.models import Attempt, AttemptState, AttemptTurn
from tests.factories import EnrollmentFactory, HireFactory
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def scenario(hire_enrollment):
    return scenario_with_turns(hire_enrollment.cohort.curriculum)


def _play(enrollment, scenario, *answers):
    attempt, _ = services.attempt_start(enrollment=enrollment, scenario=scenario)
    for answer in answers:
        attempt = services.attempt_answer(attempt=attempt, answer=answer)
    return attempt


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_starting_shows_the_opening_and_starting_again_continues(hire_enrollment, scenario):
    attempt, created = services.attempt_start(enrollment=hire_enrollment, scenario=scenario)
    again, created_again = services.attempt_start(enrollment=hire_enrollment, scenario=scenario)
    assert (created, created_again, again.pk) == (True, False, attempt.pk)
    turn = attempt.turns.get()
    assert (turn.number, turn.variant, turn.customer_text) == (1, "opening", "Hi. These heels slip right off my heels.")


@pytest.mark.parametrize(
    ("answer", "variant", "text"),
    [
        ("[warm] Ten days out, let's get this right.", "warm", "Warm 2: thank you, that helps."),
        ("Please hold.", "neutral", "Neutral 2: okay."),
        ("[cold] Not my problem.", "cold", "Cold 2: this is not helping."),
    ],
)
def test_the_customers_next_turn_depends_on_how_the_answer_landed(hire_enrollment, scenario, answer, variant, text):
    attempt = _play(hire_enrollment, scenario, answer)
    second = attempt.turns.get(number=2)
    assert (second.variant, second.customer_text) == (variant, text)
    assert attempt.turns.get(number=1).prescore["scorer"] == "marker/1"


def test_a_conversation_can_warm_up_after_a_cold_start(hire_enrollment, scenario):
    attempt = _play(hire_enrollment, scenario, "[cold] Policy says no.", "[warm] I'm sorry, let me fix this.")
    assert [t.variant for t in attempt.turns.order_by("number")] == ["opening", "cold", "warm"]


def test_the_last_answer_submits_and_freezes_a_practice_attempt(hire_enrollment, scenario):
    attempt = _play(hire_enrollment, scenario, "[warm] one", "[warm] two", "three")
    assert attempt.state == AttemptState.SUBMITTED and attempt.submitted_at
    # Best moment per criterion, tone averaged: (3+3+1)/3 rounds to 2.
    assert attempt.prescore["levels"] == {
        "acknowledge": 3, "connect": 3, "explore": 3, "own_resolve": 3, "wow": 3, "tone": 2,
    }  # fmt: skip
    assert attempt.prescore_percent == int((3 + 3 + 3 + 3 * 1.5 + 3 * 0.75 + 2) * 100 / (3 * 6.25))
    assert all(t.seconds_spent is not None and t.answered_at for t in attempt.turns.all())

    with pytest.raises(ValidationError, match="can no longer change"):
        services.attempt_answer(attempt=attempt, answer="an edit")
    with pytest.raises(ValidationError, match="can no longer change"):
        services.attempt_draft_save(attempt=attempt, answer="an edit")
    assert list(attempt.turns.values_list("answer", flat=True)) == ["[warm] one", "[warm] two", "three"]


def test_a_graded_scenario_goes_to_the_coaches_queue(hire_enrollment):
    graded = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="graded", mode="graded", turns=1)
    attempt = _play(hire_enrollment, graded, "An answer.")
    assert attempt.state == AttemptState.AWAITING_COACH


def test_drafts_autosave_and_empty_answers_are_refused(hire_enrollment, scenario):
    attempt, _ = services.attempt_start(enrollment=hire_enrollment, scenario=scenario)
    services.attempt_draft_save(attempt=attempt, answer="Half a tho")
    assert attempt.turns.get().answer == "Half a tho"
    with pytest.raises(ValidationError, match="Write your answer"):
        services.attempt_answer(attempt=attempt, answer="   ")
    assert attempt.turns.count() == 1


def test_attempt_limits(hire_enrollment):
    once = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="once", max_attempts=1, turns=1)
    _play(hire_enrollment, once, "Done.")
    with pytest.raises(ValidationError, match="used all 1 attempts"):
        services.attempt_start(enrollment=hire_enrollment, scenario=once)
    standing = next(s for s in selectors.scenario_standings(enrollment=hire_enrollment) if s.scenario == once)
    assert (standing.attempts_left, standing.can_start) == (0, False)


def test_the_web_conversation_from_start_to_result(hire_client, hire_enrollment, scenario):
    response = hire_client.post(f"/training/roleplays/{scenario.slug}/")
    assert response.status_code == 302 and response.url == f"/training/roleplays/{scenario.slug}/attempts/1/"
    page = hire_client.get(response.url).content.decode()
    assert "These heels slip right off" in page and "Turn 1 of 3" in page and "LA-48213" in page

    draft = hire_client.post(f"/training/roleplays/{scenario.slug}/attempts/1/draft/", {"answer": "Oh no"})
    assert draft.json()["saved"] is True
    for answer in ("[warm] Oh no, ten days!", "Let me look.", "[cold] Bye."):
        hire_client.post(f"/training/roleplays/{scenario.slug}/attempts/1/answer/", {"answer": answer})
    result = hire_client.get(f"/training/roleplays/{scenario.slug}/attempts/1/result/").content.decode()
    assert "Automatic estimate" in result and "grade of record" not in result  # practice: no coach
    assert '<mark class="earned"' in result and '<mark class="cost"' in result
    assert "Oh no, ten days out!" in result  # the exemplar, shown after submission


def test_a_submitted_attempt_cannot_change_on_the_web_or_by_api(hire, hire_client, hire_enrollment, scenario):
    attempt = _play(hire_enrollment, scenario, "one", "two", "three")
    before = list(AttemptTurn.objects.filter(attempt=attempt).values_list("answer", flat=True))

    response = hire_client.post(f"/training/roleplays/{scenario.slug}/attempts/1/answer/", {"answer": "changed"})
    assert response.status_code == 302 and response.url.endswith("/result/")
    assert (
        hire_client.post(f"/training/roleplays/{scenario.slug}/attempts/1/draft/", {"answer": "x"}).status_code == 409
    )
    assert _api(hire).post(f"/api/v1/training/attempts/{attempt.pk}/answers/", {"answer": "changed"}).status_code == 409
    assert _api(hire).put(f"/api/v1/training/attempts/{attempt.pk}/draft/", {"answer": "changed"}).status_code == 409
    assert list(AttemptTurn.objects.filter(attempt=attempt).values_list("answer", flat=True)) == before


def test_a_hire_cannot_see_or_submit_another_hires_attempt(hire_client, hire, hire_enrollment, scenario):
    other = EnrollmentFactory(cohort=hire_enrollment.cohort, hire=HireFactory())
    theirs, _ = services.attempt_start(enrollment=other, scenario=scenario)

    api = _api(hire)
    assert api.get(f"/api/v1/training/attempts/{theirs.pk}/").status_code == 404
    assert api.put(f"/api/v1/training/attempts/{theirs.pk}/draft/", {"answer": "x"}).status_code == 404
    assert api.post(f"/api/v1/training/attempts/{theirs.pk}/answers/", {"answer": "x"}).status_code == 404
    # By URL, attempt 1 of this scenario is the hire's own (none yet), never the other hire's.
    assert hire_client.get(f"/training/roleplays/{scenario.slug}/attempts/1/").status_code == 404
    assert theirs.turns.get().answer == ""


def test_the_api_plays_a_whole_conversation(hire, hire_enrollment, scenario):
    api = _api(hire)
    listed = api.get("/api/v1/training/roleplays/").json()
    assert [s["slug"] for s in listed] == [scenario.slug] and listed[0]["status"] == "Not started"
    started = api.post(f"/api/v1/training/roleplays/{scenario.pk}/attempts/")
    assert started.status_code == 201
    attempt_id = started.json()["id"]
    assert api.post(f"/api/v1/training/roleplays/{scenario.pk}/attempts/").status_code == 200  # continues
    assert api.post(f"/api/v1/training/attempts/{attempt_id}/answers/", {"answer": ""}).status_code == 400
    for answer in ("[warm] a", "b", "c"):
        data = api.post(f"/api/v1/training/attempts/{attempt_id}/answers/", {"answer": answer}).json()
    assert data["state"] == "submitted" and data["prescore"]["percent"] is not None
    assert data["turns"][0]["prescore"]["criteria"][0]["evidence"][0]["text"] == "[warm]"
    assert data["exemplars"][0]["note"] == "Names the deadline"


def test_a_locked_weeks_scenario_is_refused(hire_client, hire_enrollment):
    later = scenario_with_turns(hire_enrollment.cohort.curriculum, week_number=4, slug="later")
    assert hire_client.get(f"/training/roleplays/{later.slug}/").status_code == 403
    assert hire_client.post(f"/training/roleplays/{later.slug}/").status_code == 403
    assert not Attempt.objects.exists()


def test_highlights_merge_and_a_cost_wins():
    evidence = [
        {"start": 0, "end": 5, "effect": "earned", "note": "a", "criterion": "acknowledge"},
        {"start": 3, "end": 9, "effect": "cost", "note": "b", "criterion": "tone"},
        {"start": 13, "end": 15, "effect": "earned", "note": "c", "criterion": "wow"},
    ]
    segments = selectors.highlight_segments("Hello there, my friend", evidence)
    assert [(s.text, s.effect) for s in segments] == [
        ("Hello the", "cost"), ("re, ", None), ("my", "earned"), (" friend", None),
    ]  # fmt: skip
    assert segments[0].notes == "acknowledge: a; tone: b"
