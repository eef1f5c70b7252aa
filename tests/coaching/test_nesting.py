"""Nesting observations: a coach beside a hire on a live call scores it on a phone, and it reaches the hire."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from coaching import services
from coaching.models import CallReview, Feedback
from notifications.models import Notification
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db


def observation_form(**overrides) -> dict:
    data = {f"level_{key}": level for key, level in ALL_LEVELS.items()}
    data.update(
        moment_1="Lovely connection over the dog", moment_1_at="02:13",
        moment_2="Offered the upgrade before being asked", moment_2_at="",
        to_work_on="Ask what the shoes are for before searching.", reason="",
    )  # fmt: skip
    return {**data, **overrides}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def url(hire_enrollment, graded_scenario):  # the scenario brings the rubric calls are scored on
    return f"/coaching/hires/{hire_enrollment.pk}/observe/"


@pytest.fixture
def api_url(hire_enrollment, graded_scenario):
    return f"/api/v1/coaching/hires/{hire_enrollment.pk}/nesting-observations/"


def test_the_form_has_a_big_radio_per_level_and_three_moments(coach_client, url):
    page = coach_client.get(url).content.decode()
    assert page.count('type="radio"') == 4 * len(ALL_LEVELS)
    assert page.count('class="tap-level"') == 4 * len(ALL_LEVELS)
    assert 'name="moment_3"' in page and 'name="moment_4"' not in page
    assert "One thing to try on the next call" in page


def test_an_observation_lands_on_the_timeline_and_the_hire_is_told(
    coach_client, hire_client, url, hire_enrollment, coach, hire
):
    before = timezone.now()
    response = coach_client.post(url, observation_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    observation = CallReview.objects.get()
    feedback = Feedback.objects.get()
    assert response["Location"] == f"/coaching/hires/{hire_enrollment.pk}/#feedback-{feedback.pk}"
    assert observation.kind == CallReview.Kind.NESTING_OBSERVATION and observation.coach == coach
    assert observation.levels == ALL_LEVELS and observation.percent is not None
    assert before <= observation.call_at <= timezone.now()  # the call has just ended
    assert observation.duration_seconds is None and observation.call_reference == ""
    assert [(n.at_seconds, n.body) for n in observation.notes.all()] == [
        (133, "Lovely connection over the dog"),
        (None, "Offered the upgrade before being asked"),
    ]
    assert feedback.kind == Feedback.Kind.NESTING_OBSERVATION and feedback.call_review == observation
    notice = Notification.objects.get(recipient=hire)
    assert notice.title == f"{coach} watched your live call"
    assert "Ask what the shoes are for" in notice.body and notice.url == f"/coaching/call-reviews/{observation.pk}/"

    coach_page = coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    assert "Nesting observation" in coach_page and "Observe a live call" in coach_page
    hire_page = hire_client.get("/training/feedback/").content.decode()
    assert "On your next call, try" in hire_page and "Lovely connection over the dog" in hire_page
    assert hire_client.get(f"/coaching/call-reviews/{observation.pk}/").status_code == 200


def test_my_hires_offers_to_observe_a_live_call(coach_client, hire_enrollment):
    page = coach_client.get("/coaching/hires/").content.decode()
    assert f"/coaching/hires/{hire_enrollment.pk}/observe/" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level_wow": ""}, "Choose a level for WOW."),
        ({"to_work_on": "  "}, "Say one thing to try on the next call."),
        ({"moment_1_at": "two minutes"}, "minutes:seconds"),
        ({"moment_3": "", "moment_3_at": "04:00"}, "Say in a few words what happened"),
        ({"level_tone": "7"}, "The level for Tone must be 0, 1, 2 or 3."),
    ],
)
def test_an_incomplete_observation_is_refused_and_nothing_is_saved(coach_client, url, change, message):
    response = coach_client.post(url, observation_form(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CallReview.objects.exists() and not Feedback.objects.exists() and not Notification.objects.exists()


def test_the_api_records_an_observation_with_the_same_service(coach, hire, api_url):
    body = {"levels": ALL_LEVELS, "moments": [{"text": "Great opening", "at": "00:20"}, {"text": "Warm close"}],
            "to_work_on": "Pause after the customer's story.", "reason": "Boots for a hike"}  # fmt: skip
    response = _api(coach).post(api_url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "nesting_observation"
    observation = CallReview.objects.get()
    assert [(n.at_seconds, n.body) for n in observation.notes.all()] == [(20, "Great opening"), (None, "Warm close")]
    assert Feedback.objects.get().kind == Feedback.Kind.NESTING_OBSERVATION
    assert Notification.objects.get(recipient=hire).title == f"{coach} watched your live call: Boots for a hike"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"moments": [{"text": f"Moment {n}"} for n in range(4)]}, "at most 3 moments"),
        ({"to_work_on": ""}, "Say one thing to try on the next call."),
        ({"levels": {**ALL_LEVELS, "wow": None}}, "Choose a level for every criterion (missing: WOW)."),
    ],
)
def test_the_api_refuses_what_the_form_refuses(coach, api_url, change, message):
    body = {"levels": ALL_LEVELS, "moments": [], "to_work_on": "Slow down.", **change}
    response = _api(coach).post(api_url, body, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not CallReview.objects.exists() and not Feedback.objects.exists()


def test_only_the_hires_coaches_and_admins_may_observe(client_for, url, api_url, outsider_coach, hire, training_admin):
    assert client_for(outsider_coach).get(url).status_code == 404
    assert client_for(outsider_coach).post(url, observation_form()).status_code == 404
    assert client_for(hire).post(url, observation_form()).status_code == 403
    body = {"levels": ALL_LEVELS, "to_work_on": "Slow down."}
    assert _api(outsider_coach).post(api_url, body, format="json").status_code == 404
    assert _api(hire).post(api_url, body, format="json").status_code == 403
    assert not CallReview.objects.exists()
    assert client_for(training_admin).post(url, observation_form()).status_code == 302


def test_a_full_call_review_still_names_its_call(hire_enrollment, coach, graded_scenario):
    rubric_version = graded_scenario.rubric.current_version
    with pytest.raises(ValidationError) as refused:
        services.call_review_create(
            enrollment=hire_enrollment, coach=coach, rubric_version=rubric_version, levels=ALL_LEVELS,
            call_at=timezone.now() - datetime.timedelta(hours=1), reason="", call_reference="", duration_seconds=None,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"call_reference", "reason", "duration_seconds"}
    assert not CallReview.objects.exists()


def test_an_observation_is_not_edited_with_the_call_review_form(coach_client, url):
    coach_client.post(url, observation_form())
    observation = CallReview.objects.get()
    assert coach_client.get(f"/coaching/call-reviews/{observation.pk}/edit/").status_code == 404
    assert "Edit this review" not in coach_client.get(f"/coaching/call-reviews/{observation.pk}/").content.decode()


# --- Editing an observation ---------------------------------------------------------------------------


@pytest.fixture
def observation(coach_client, url):
    coach_client.post(url, observation_form(reason="Boots for a hike"))
    return CallReview.objects.get()


def test_the_edit_form_is_the_same_form_filled_in(coach_client, observation):
    page = coach_client.get(f"/coaching/observations/{observation.pk}/edit/").content.decode()
    assert page.count('class="tap-level"') == 4 * len(ALL_LEVELS)  # the phone-sized levels
    assert 'value="Lovely connection over the dog"' in page and 'value="02:13"' in page
    assert 'value="Offered the upgrade before being asked"' in page
    assert "Ask what the shoes are for before searching." in page and 'value="Boots for a hike"' in page
    assert "Save the changes" in page and "Record a full call review" not in page


def test_the_levels_and_time_are_prefilled(coach_client, observation, coach):
    response = coach_client.get(f"/coaching/observations/{observation.pk}/edit/")
    form = response.context["form"]
    assert {key: form[f"level_{key}"].value() for key in ALL_LEVELS} == ALL_LEVELS
    shown = observation.call_at.astimezone(zoneinfo.ZoneInfo(coach.time_zone)).strftime("%Y-%m-%dT%H:%M")
    assert f'name="call_at" value="{shown}"' in response.content.decode()  # in the coach's zone, to the minute


def test_the_coach_corrects_an_observation_and_it_stays_on_the_timeline(
    coach_client, hire_client, observation, hire_enrollment, coach
):
    feedback = observation.feedback
    call_at = observation.call_at
    edit_url = f"/coaching/observations/{observation.pk}/edit/"
    timeline = coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    assert f'href="{edit_url}">Edit</a>' in timeline

    shown_at = call_at.astimezone(zoneinfo.ZoneInfo(coach.time_zone)).strftime("%Y-%m-%dT%H:%M")
    changed = observation_form(level_wow=3, moment_1="Lovely connection over the cat", moment_1_at="02:20",
                               moment_2="", to_work_on="Name the feeling first.", reason="Boots for a hike",
                               call_at=shown_at)  # fmt: skip
    response = coach_client.post(edit_url, changed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/coaching/hires/{hire_enrollment.pk}/#feedback-{feedback.pk}"
    observation.refresh_from_db()
    assert observation.levels == {**ALL_LEVELS, "wow": 3} and observation.to_work_on == "Name the feeling first."
    assert [(n.at_seconds, n.body) for n in observation.notes.all()] == [(140, "Lovely connection over the cat")]
    assert observation.edited_by == coach and observation.edited_at is not None
    assert observation.call_at == call_at  # the time untouched on the form keeps its seconds
    assert observation.kind == CallReview.Kind.NESTING_OBSERVATION and observation.call_reference == ""
    assert Feedback.objects.get() == feedback and CallReview.objects.count() == 1  # corrected, not added
    assert "Name the feeling first." in hire_client.get("/training/feedback/").content.decode()
    assert "Edit this observation" in coach_client.get(f"/coaching/call-reviews/{observation.pk}/").content.decode()


def test_a_bad_correction_is_refused_and_changes_nothing(coach_client, observation):
    response = coach_client.post(
        f"/coaching/observations/{observation.pk}/edit/", observation_form(to_work_on=" ", moment_1_at="later")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Say one thing to try on the next call." in text and "minutes:seconds" in text
    observation.refresh_from_db()
    assert observation.to_work_on == "Ask what the shoes are for before searching." and observation.edited_at is None


def test_only_its_coach_and_admins_edit_an_observation(
    client_for, observation, coach, training_admin, hire, outsider_coach, hire_enrollment
):
    edit_url = f"/coaching/observations/{observation.pk}/edit/"
    colleague = CoachFactory(display_name="Cole League")
    hire_enrollment.cohort.coaches.add(colleague)
    assert client_for(colleague).get(edit_url).status_code == 403  # sees the hire, did not write it
    timeline = client_for(colleague).get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    assert edit_url not in timeline
    assert client_for(outsider_coach).get(edit_url).status_code == 404
    assert client_for(hire).get(edit_url).status_code == 403
    assert edit_url not in client_for(hire).get("/training/feedback/").content.decode()
    assert client_for(colleague).post(edit_url, observation_form(to_work_on="Mine now")).status_code == 403
    admin = client_for(training_admin)
    assert admin.get(edit_url).status_code == 200
    assert admin.post(edit_url, observation_form(to_work_on="Slow the pace.")).status_code == 302
    observation.refresh_from_db()
    assert observation.to_work_on == "Slow the pace." and observation.edited_by == training_admin


def test_a_full_call_review_is_not_edited_with_the_observation_form(
    coach_client, hire_enrollment, coach, graded_scenario
):
    review = services.call_review_create(
        enrollment=hire_enrollment, coach=coach, rubric_version=graded_scenario.rubric.current_version,
        levels=ALL_LEVELS, call_at=timezone.now(), reason="Sizing", call_reference="C-1", duration_seconds=300,
    )  # fmt: skip
    assert coach_client.get(f"/coaching/observations/{review.pk}/edit/").status_code == 404
    assert coach_client.get("/coaching/observations/999999/edit/").status_code == 404
