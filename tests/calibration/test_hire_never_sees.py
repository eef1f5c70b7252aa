"""Calibration grades appear nowhere the hire, or anything counting the hire's results, can see. The hire's
work is graded with extreme levels (0 by one coach, 3 by another, gold 0); every page, export and API
answer about the hire reads exactly the same before and after."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from calibration import services
from coaching import services as coaching_services
from coaching.models import Feedback, Grade
from notifications.models import Notification
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import AdminFactory, CoachFactory, calibration_work
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"csrfToken": "[^"]+"')
BELL = re.compile(r'<span class="bell-count"[^>]*>\d+</span>')
# Relative times ("3 minutes ago") move on with the clock while the test runs; their numbers are not results.
ELAPSED = re.compile(r"\d+[\s\xa0](?:second|minute|hour|day|week|month|year)s?")


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def frozen_clock(monkeypatch):
    """One moment for the whole test, so "due in 3 days" reads the same before and after."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def normalised(response) -> str:
    assert response.status_code == 200, response
    text = response.content.decode()
    return ELAPSED.sub("N units", BELL.sub("", CSRF.sub("", text)))


def snapshot(client, world) -> dict[str, str]:
    """What the hire, the hire's coach and an admin see about the hire: pages, API answers, exports."""
    enrollment, cohort = world["enrollment"], world["enrollment"].cohort
    views = {
        world["hire"]: [
            reverse("courses:my_training"),
            reverse("coaching:my_feedback"),
            reverse("notifications:list"),
            reverse("api-progress"),
            reverse("api-my-feedback"),
            reverse("api-notifications"),
        ],
        world["coach"]: [
            reverse("coaching:hire_timeline", args=[enrollment.pk]),
            reverse("coaching:my_hires"),
            reverse("coaching:overview"),
            reverse("api-hire-feedback", args=[enrollment.pk]),
        ],
        world["admin"]: [
            reverse("cohorts:dashboard", args=[cohort.pk]),
            reverse("cohorts:enrollment", args=[cohort.pk, enrollment.pk]),
            reverse("api-cohort-dashboard", args=[cohort.pk]),
            *(reverse("cohorts:export", args=[cohort.pk, kind]) for kind in ("progress", "scores", "checkpoint")),
        ],
    }
    seen = {}
    for user, urls in views.items():
        client.force_login(user)
        for url in urls:
            seen[url] = normalised(client.get(url))
    return seen


@pytest.fixture
def world(frozen_clock):
    enrollment, attempts, reviews = calibration_work(roleplays=2, calls=1)
    coach = reviews[0].coach  # the hire's own coach, who reviewed the call
    for attempt in attempts:
        coaching_services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    return {"enrollment": enrollment, "hire": enrollment.hire, "coach": coach, "attempts": attempts,
            "reviews": reviews, "admin": AdminFactory(display_name="Ada Admin")}  # fmt: skip


def test_extreme_calibration_grades_change_nothing_the_hire_or_their_statistics_show(client, world):
    before = snapshot(client, world)
    grades_before = {g.pk: (g.levels, g.percent) for g in Grade.objects.all()}
    feedback_before = Feedback.objects.count()
    hire_told_before = Notification.objects.filter(recipient=world["hire"]).count()

    severe, lenient = CoachFactory(display_name="Sev Severe"), CoachFactory(display_name="Len Lenient")
    session = services.session_create(
        facilitator=AdminFactory(display_name="Fay Facilitator"), title="Extreme", coaches=[severe, lenient],
        attempts=world["attempts"], call_reviews=world["reviews"],
        due_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    for item in session.items.all():
        keys = [c.key for c in item.anchor.rubric_version.criteria.all()]
        services.calibration_grade_save(item=item, coach=severe, levels=dict.fromkeys(keys, 0), note="Nothing here")
        services.calibration_grade_save(item=item, coach=lenient, levels=dict.fromkeys(keys, 3), note="Memorable!")
    services.session_reveal(session=session, by=session.facilitator)
    for item in session.items.all():
        keys = [c.key for c in item.anchor.rubric_version.criteria.all()]
        services.gold_record(item=item, by=session.facilitator, levels=dict.fromkeys(keys, 0), note="Gold: missing")

    after = snapshot(client, world)
    changed = [url for url in before if before[url] != after[url]]
    assert not changed, f"calibration showed up in: {changed}"
    text = "\n".join(after.values())
    for word in ("Sev Severe", "Len Lenient", "Nothing here", "Memorable!", "Gold: missing", "Extreme"):
        assert word not in text
    assert {g.pk: (g.levels, g.percent) for g in Grade.objects.all()} == grades_before
    assert Feedback.objects.count() == feedback_before
    assert Notification.objects.filter(recipient=world["hire"]).count() == hire_told_before


def test_the_snapshot_does_see_a_real_grade_change(client, world):
    """The comparison above can fail: a change to a grade of record shows up in it."""
    before = snapshot(client, world)
    attempt = world["attempts"][0]
    changed_levels = dict.fromkeys(ALL_LEVELS, 0)
    coaching_services.grade_release(
        attempt=attempt, coach=world["coach"], levels=changed_levels, overall_comment="Warm.", reason="Re-graded."
    )
    after = snapshot(client, world)
    assert any(before[url] != after[url] for url in before)
