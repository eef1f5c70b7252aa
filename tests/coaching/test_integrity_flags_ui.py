"""Integrity flags in the UI: the coach's queue marks and filters them, the grading screen names
each flag with its reason, and the hire reads guidance instead of a silent low score.

Attempts are built directly from stored prescore JSON (the shape the pre-scorer writes), so these
tests pin the pages, not any scorer.
"""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Attempt, AttemptState, AttemptTurn
from courses.scoring.integrity import FLAG_TITLES
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

CRITERIA = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")
COPIED_REASON = "Turn 2 repeats 84% of the exemplar for turn 1 word for word."
COPIED_GUIDANCE = "Put it in your own words: say what you would say to this customer."
TONE_NOTE = "Tone: blames the customer or someone else"
ACK_NOTE = "Acknowledge: names the deadline"

FIRST_ANSWER = "Oh no, ten days out! That's on the warehouse, not me."
SECOND_ANSWER = "Oh no, ten days out, let me look at narrow fits for you."


def _span(answer: str, phrase: str) -> tuple[int, int]:
    start = answer.index(phrase)
    return start, start + len(phrase)


def turn_prescore(answer: str, *, evidence=(), levels=None, summaries=None, flags=()) -> dict:
    """A turn's prescore as the pre-scorer stores it. evidence: (criterion, phrase, effect, note)."""
    levels = {key: 1 for key in CRITERIA} | (levels or {})
    summaries = summaries or {}
    criteria = []
    for key in CRITERIA:
        found = []
        for criterion, phrase, effect, note in evidence:
            if criterion == key:
                start, end = _span(answer, phrase)
                found.append({"start": start, "end": end, "text": phrase, "effect": effect, "note": note})
        criteria.append({"key": key, "level": levels[key], "evidence": found, "summary": summaries.get(key, "")})
    return {"scorer": "test/1", "criteria": criteria, "flags": list(flags)}


def scored_attempt(
    enrollment,
    scenario,
    *,
    turns,
    flags=(),
    levels=None,
    percent=40,
    number=1,
    state=AttemptState.AWAITING_COACH,
    submitted_at=None,
) -> Attempt:
    """A submitted attempt. turns: [(answer, turn prescore)]; flags: the attempt's, each with its turn."""
    submitted_at = submitted_at or timezone.now()
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        scenario=scenario,
        number=number,
        rubric_version=scenario.rubric.current_version,
        state=state,
        started_at=submitted_at - datetime.timedelta(minutes=5),
        submitted_at=submitted_at,
        prescore={
            "scorer": "test/1",
            "levels": {key: 1 for key in CRITERIA} | (levels or {}),
            "percent": percent,
            "flags": list(flags),
        },
        prescore_percent=percent,
        prescore_flagged=bool(flags),
        grading_due_at=submitted_at + datetime.timedelta(hours=48) if scenario.is_graded else None,
    )
    for index, (answer, prescore) in enumerate(turns, start=1):
        AttemptTurn.objects.create(
            attempt=attempt,
            number=index,
            variant="neutral",
            customer_text=f"Customer line {index}.",
            answer=answer,
            shown_at=submitted_at - datetime.timedelta(minutes=4),
            answered_at=submitted_at,
            seconds_spent=30,
            prescore=prescore,
        )
    return attempt


COPIED_FLAG = {"code": "copied", "reason": COPIED_REASON, "guidance": COPIED_GUIDANCE}


def flagged_turns():
    """Two answered turns: the first with a cost and an earned highlight, the second copied."""
    first = turn_prescore(
        FIRST_ANSWER,
        evidence=[
            ("acknowledge", "ten days out", "earned", ACK_NOTE),
            ("tone", "That's on the warehouse", "cost", TONE_NOTE),
        ],
    )
    second = turn_prescore(SECOND_ANSWER, levels={key: 0 for key in CRITERIA}, flags=[COPIED_FLAG])
    return [(FIRST_ANSWER, first), (SECOND_ANSWER, second)]


@pytest.fixture
def flagged(hire_enrollment, graded_scenario):
    return scored_attempt(
        hire_enrollment, graded_scenario, turns=flagged_turns(), flags=[{**COPIED_FLAG, "turn": 2}], percent=22
    )


@pytest.fixture
def clean(other_hire_enrollment, graded_scenario):
    answer = "Oh no, ten days out! Let me find narrow fits."
    return scored_attempt(
        other_hire_enrollment,
        graded_scenario,
        turns=[(answer, turn_prescore(answer))],
        percent=60,
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
    )


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _row(page: str, name: str) -> str:
    rows = [row for row in page.split("<tr")[1:] if name in row]
    assert len(rows) == 1, name
    return rows[0].split("</tr>")[0]


def _queued(page: str) -> list[str]:
    """The hires in the queue's rows, oldest first."""
    return [name.strip() for name in re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', page)]


def _bubble(page: str, turn: int) -> str:
    match = re.search(rf'<li class="bubble hire([^"]*)" id="turn-{turn}">(.*?)</li>', page, re.S)
    assert match, f"turn {turn}"
    return match.group(1) + match.group(2)


# --- The queue -----------------------------------------------------------------------------------


def test_the_queue_marks_attempts_that_need_a_coachs_eye(coach_client, flagged, clean):
    page = _page(coach_client.get("/coaching/queue/"))
    assert "2</span> waiting" in page and _queued(page) == ["Omar Other", "Hana Hire"]
    assert "Needs a coach's eye" in _row(page, "Hana Hire")
    assert "Needs a coach's eye" not in _row(page, "Omar Other")
    assert 'name="flagged" value="1">' in page  # the filter, unticked


def test_the_flagged_filter_keeps_only_those_and_follows_the_coach(coach_client, flagged, clean):
    page = _page(coach_client.get("/coaching/queue/?flagged=1"))
    assert _queued(page) == ["Hana Hire"]
    assert "1</span> waiting" in page
    assert 'name="flagged" value="1" checked>' in page
    # "Grade next" and each row's link keep the filter, so the coach walks the flagged answers only.
    assert '/coaching/queue/next/?flagged=1"' in page
    assert f'/coaching/attempts/{flagged.pk}/grade/?flagged=1"' in page
    assert (
        coach_client.get("/coaching/queue/next/?flagged=1").url == f"/coaching/attempts/{flagged.pk}/grade/?flagged=1"
    )
    # Anything but a yes leaves the filter off.
    assert _queued(_page(coach_client.get("/coaching/queue/?flagged=0"))) == ["Omar Other", "Hana Hire"]


def test_no_flagged_answers_says_so(coach_client, clean):
    page = _page(coach_client.get("/coaching/queue/?flagged=1"))
    assert "No waiting answers need a coach's eye" in page and _queued(page) == []


def test_the_queue_api_has_the_flag_and_the_filter(coach, flagged, clean):
    api = APIClient()
    api.force_authenticate(coach)
    everything = api.get("/api/v1/coaching/queue/").json()
    assert {(row["id"], row["flagged"]) for row in everything["results"]} == {(flagged.pk, True), (clean.pk, False)}
    for yes in ("true", "1"):
        only = api.get(f"/api/v1/coaching/queue/?flagged={yes}").json()
        assert only["count"] == 1 and only["results"][0]["id"] == flagged.pk
    assert api.get("/api/v1/coaching/queue/?flagged=false").json()["count"] == 2


def test_the_flag_is_in_the_api_schema(admin_client_):
    schema = admin_client_.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/coaching/queue/"]["get"]["parameters"]}
    assert parameters["flagged"]["schema"]["type"] == "boolean"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_marker_costs_no_queries(coach_client, hire_enrollment, other_hire_enrollment, graded_scenario):
    """The marker reads Attempt.prescore_flagged, a column: more flagged rows, the same queries."""

    def attempts(enrollment, count: int):
        for number in range(1, count + 1):
            scored_attempt(
                enrollment, graded_scenario, turns=flagged_turns(), flags=[{**COPIED_FLAG, "turn": 2}], number=number
            )

    attempts(hire_enrollment, 2)
    attempts(other_hire_enrollment, 12)
    small, large = hire_enrollment.hire_id, other_hire_enrollment.hire_id
    _queries(coach_client, f"/coaching/queue/?hire={small}")  # warm per-process caches
    for query in ("", "&flagged=1"):
        assert _queries(coach_client, f"/coaching/queue/?hire={small}{query}") == _queries(
            coach_client, f"/coaching/queue/?hire={large}{query}"
        )


# --- The grading screen --------------------------------------------------------------------------


def test_the_grading_screen_lists_each_flag_with_its_turn_and_reason(coach_client, flagged):
    page = _page(coach_client.get(f"/coaching/attempts/{flagged.pk}/grade/"))
    banner = page.split('<section class="banner banner-flag"')[1].split("</section>")[0]
    assert "Needs a coach's eye" in banner
    assert FLAG_TITLES["copied"] in banner and 'href="#turn-2">turn 2</a>' in banner and COPIED_REASON in banner
    # The banner comes before the conversation, and the flagged answer is marked in it.
    assert page.index("banner-flag") < page.index('id="conversation-title"')
    assert _bubble(page, 2).startswith(" flagged") and f"Needs a coach's eye: {FLAG_TITLES['copied']}" in _bubble(
        page, 2
    )
    assert not _bubble(page, 1).startswith(" flagged") and "Needs a coach's eye" not in _bubble(page, 1)


def test_an_unflagged_attempt_has_no_banner(coach_client, clean):
    page = _page(coach_client.get(f"/coaching/attempts/{clean.pk}/grade/"))
    assert "banner-flag" not in page and "Needs a coach's eye" not in page


def test_the_grading_screen_evidence_notes_are_tooltips(coach_client, flagged):
    page = _page(coach_client.get(f"/coaching/attempts/{flagged.pk}/grade/"))
    _assert_tooltips(page)
    assert "js/evidence.js" in page


# --- The hire's result ---------------------------------------------------------------------------


def _result_url(attempt) -> str:
    return f"/training/roleplays/{attempt.scenario.slug}/attempts/{attempt.number}/result/"


def test_the_hire_reads_guidance_not_a_silent_low_score(hire_client, flagged):
    page = _page(hire_client.get(_result_url(flagged)))
    estimate = page.split('<section class="card estimate"')[1].split("</section>")[0]
    assert "Automatic estimate: 22%" in estimate
    assert "Needs a coach's eye" in estimate and COPIED_GUIDANCE in estimate
    assert 'href="#turn-2">Turn 2</a>' in estimate
    assert estimate.index(COPIED_GUIDANCE) < estimate.index('<table class="breakdown">')  # near the estimate
    assert COPIED_REASON not in page  # the reason is written for the coach
    assert "Needs a coach's eye" in _bubble(page, 2) and "Needs a coach's eye" not in _bubble(page, 1)


def test_no_flags_no_guidance(client_for, clean):
    page = _page(client_for(clean.enrollment.hire).get(_result_url(clean)))
    assert "Needs a coach's eye" not in page and "flag-guidance" not in page


def test_a_criterion_without_an_estimate_says_so_with_its_summary(hire_enrollment, hire_client):
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="practice-no-estimate")
    answer = "Let me check that for you."
    prescore = turn_prescore(answer, levels={"wow": None}, summaries={"wow": "Too early in the call to tell."})
    attempt = scored_attempt(
        hire_enrollment, scenario, turns=[(answer, prescore)], levels={"wow": None}, state=AttemptState.SUBMITTED
    )
    page = _page(hire_client.get(_result_url(attempt)))
    row = _row(page, 'scope="row">WOW')
    assert "No estimate yet" in row and "Turn 1: Too early in the call to tell." in row
    assert page.count("No estimate yet") == 1  # only the criterion without a level


def test_no_estimate_at_all_is_not_none_percent(hire_enrollment, hire_client):
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="practice-nothing")
    answer = "Let me check that for you."
    attempt = scored_attempt(
        hire_enrollment, scenario, turns=[(answer, turn_prescore(answer))], percent=None, state=AttemptState.SUBMITTED
    )
    page = _page(hire_client.get(_result_url(attempt)))
    assert "Automatic estimate: no estimate yet" in page and "None%" not in page


def _assert_tooltips(page: str):
    marks = re.findall(r"<mark ([^>]*)>([^<]*)</mark>(<span[^>]*>.*?</span>)", page)
    notes = {text: (attrs, tooltip) for attrs, text, tooltip in marks if "aria-describedby" in attrs}
    assert set(notes) == {"ten days out", "That's on the warehouse"}
    ids = set()
    for attrs, tooltip in notes.values():
        assert 'tabindex="0"' in attrs and "title=" not in attrs
        described_by = re.search(r'aria-describedby="([^"]+)"', attrs).group(1)
        assert f'id="{described_by}"' in tooltip and 'role="tooltip"' in tooltip and 'class="evidence-note"' in tooltip
        ids.add(described_by)
    assert len(ids) == 2  # one note per highlight, ids unique
    assert TONE_NOTE in notes["That's on the warehouse"][1] and "Cost points" in notes["That's on the warehouse"][1]
    assert ACK_NOTE in notes["ten days out"][1] and "Earned points" in notes["ten days out"][1]
    # Read once: through aria-describedby, not again as hidden text inside the highlight.
    assert page.count(TONE_NOTE) == 1 and page.count(ACK_NOTE) == 1
    assert 'style="' not in page.split('<ol class="conversation">')[1]  # the CSP allows no inline styles


def test_the_hires_evidence_notes_are_tooltips(hire_client, flagged):
    page = _page(hire_client.get(_result_url(flagged)))
    _assert_tooltips(page)
    assert "js/evidence.js" in page
