"""Grading is blind until the reveal, on the web and in the API: a coach sees the work with the hire
anonymised (their name redacted inside the answers, transcript and notes too), never another coach's
levels or note, the automatic estimate, or the original grade and feedback. After the reveal the levels
appear, with names."""

import json

import pytest
from django.urls import reverse

from calibration import services
from calibration.selectors import hire_names, redact
from coaching import services as coaching_services
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import calibration_round
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db

OTHER_NOTE = "Grader two thinks this is memorable"


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def graded(db):
    """A session on a role-play (already graded and released to the hire, with a comment) and a call;
    the second coach has graded everything, the first nothing yet."""
    session, (enrollment, attempts, reviews) = calibration_round(roleplays=1, calls=1)
    me, other = (p.coach for p in session.participants.select_related("coach").order_by("coach__display_name"))
    original = reviews[0].coach
    coaching_services.grade_release(
        attempt=attempts[0], coach=original, levels=ALL_LEVELS, overall_comment="Original grade: warm and clear."
    )
    for item in session.items.all():
        keys = [c.key for c in item.anchor.rubric_version.criteria.all()]
        services.calibration_grade_save(item=item, coach=other, levels=dict.fromkeys(keys, 3), note=OTHER_NOTE)
    attempts[0].refresh_from_db()
    return {"session": session, "me": me, "other": other, "hire": enrollment.hire, "attempt": attempts[0],
            "review": reviews[0], "original": original}  # fmt: skip


def forbidden_words(graded) -> list[str]:
    hire = graded["hire"]
    attempt = graded["attempt"]
    return [
        hire.display_name,
        *hire.display_name.split(),
        graded["other"].display_name,
        OTHER_NOTE,
        graded["original"].display_name,
        "Original grade: warm and clear",
        "Original feedback",
        f"{attempt.prescore_percent}%",
        reverse("coaching:hire_timeline", args=[attempt.enrollment_id]),
        attempt.enrollment.cohort.name,
    ]


def assert_none_of(words: list[str], text: str) -> None:
    lowered = text.lower()
    shown = [word for word in words if word.lower() in lowered]
    assert not shown, f"shown before the reveal: {shown}"


def test_redaction_takes_out_the_full_name_first_and_last_names_and_possessives():
    class Hire:
        display_name = "Priya Natarajan"

    names = hire_names(Hire())
    text = "PRIYA here. Natarajan's note: priya natarajan said hi. Priyanka stays."
    assert redact(text, names) == "the hire here. the hire's note: the hire said hi. Priyanka stays."


def test_the_session_and_item_pages_are_blind_before_the_reveal(client, graded):
    session, me = graded["session"], graded["me"]
    client.force_login(me)
    pages = [client.get(reverse("calibration:session", args=[session.pk]))]
    for item in session.items.all():
        pages.append(client.get(reverse("calibration:item", args=[session.pk, item.pk])))
    assert all(page.status_code == 200 for page in pages)
    text = "\n".join(page.content.decode() for page in pages)
    assert_none_of(forbidden_words(graded), text)
    assert "estimate" not in text.lower()
    # The work itself is there, the hire anonymised inside it.
    assert "the hire. Ten days, we can do it!" in text  # the answer, "Hi, this is Priya Natarajan." redacted
    assert "you&#x27;re through to the hire" in text  # the call's transcript
    assert "the hire connects over the dog" in text  # the call's notes
    assert "Priyanka" not in text  # (and no accidental near-miss either)


def test_the_facilitator_sees_counts_but_no_levels_before_the_reveal(client, graded):
    session = graded["session"]
    client.force_login(session.facilitator)
    text = client.get(reverse("calibration:session", args=[session.pk])).content.decode()
    assert graded["other"].display_name in text  # who has submitted
    assert OTHER_NOTE not in text and "level-3" not in text


def test_the_api_detail_is_blind_before_the_reveal(client, graded):
    session, me = graded["session"], graded["me"]
    client.force_login(me)
    response = client.get(reverse("api-calibration-session", args=[session.pk]))
    assert response.status_code == 200
    data = response.json()
    text = json.dumps(data)
    assert_none_of(forbidden_words(graded), text)
    assert "prescore" not in text and "estimate" not in text and "progress" not in data
    assert all(item["my_levels"] is None for item in data["items"])
    roleplay = next(item for item in data["items"] if item["kind"] == "roleplay")
    assert roleplay["work"]["turns"][0]["answer"].startswith("[warm] Hi, this is the hire.")
    # After grading, only my own levels come back.
    item = roleplay["id"]
    keys = [c["key"] for c in roleplay["criteria"]]
    saved = client.put(
        reverse("api-calibration-grade", args=[session.pk, item]),
        {"levels": dict.fromkeys(keys, 1)},
        content_type="application/json",
    )
    assert saved.status_code == 200
    data = client.get(reverse("api-calibration-session", args=[session.pk])).json()
    mine = next(i for i in data["items"] if i["id"] == item)
    assert mine["my_levels"] == dict.fromkeys(keys, 1)
    assert "3" not in json.dumps([i["my_levels"] for i in data["items"]])


def test_after_the_reveal_everyones_levels_appear_with_names_and_the_hire_stays_anonymous(client, graded):
    session, me, other = graded["session"], graded["me"], graded["other"]
    for item in session.items.all():
        keys = [c.key for c in item.anchor.rubric_version.criteria.all()]
        services.calibration_grade_save(item=item, coach=me, levels=dict.fromkeys(keys, 1))
    services.session_reveal(session=session, by=session.facilitator)
    client.force_login(me)
    text = client.get(reverse("calibration:session", args=[session.pk])).content.decode()
    assert other.display_name in text and OTHER_NOTE in text and "level-3" in text
    hire = graded["hire"]
    assert_none_of([hire.display_name, *hire.display_name.split()], text)
    data = client.get(reverse("api-calibration-session", args=[session.pk])).json()
    first = data["items"][0]["criteria"][0]
    assert first["levels"] == {me.display_name: 1, other.display_name: 3}
    assert first["estimate"] == graded["attempt"].prescore["levels"][first["key"]]
    assert_none_of([hire.display_name, *hire.display_name.split()], json.dumps(data))
