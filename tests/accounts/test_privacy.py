"""A person's data: the admin's export of everything about one person, and erasing them."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import privacy
from accounts import services as account_services
from accounts.models import ApiToken, PersonErasure, User
from checkpoint import services as checkpoint_services
from checkpoint.models import Decision
from coaching.models import CallNote, CallReview, FeedbackReply, Grade
from cohorts.selectors import cohort_dashboard
from courses.models import AttemptTurn, Enrollment
from tests.factories import AdminFactory
from tests.images import image_upload
from tests.roleplay_support import MARKER_SCORER
from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db

REFLECTION = "I am Hana from Leeds and I love this job."


@pytest.fixture
def world(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    world = build_world()
    world.hire_decision = checkpoint_services.checkpoint_decide(
        hire=world.hire, checkpoint_id=world.checkpoint.pk, choice="commit", confirm="commit",
        offer_text_version=1,
        reflection=REFLECTION,
    )  # fmt: skip
    account_services.user_set_avatar(user=world.hire, upload=image_upload())
    world.token, world.key = account_services.api_token_create(user=world.hire, name="Laptop")
    return world


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def _erase(client, user, confirmation):
    return client.post(reverse("accounts:person_erase", args=[user.pk]), {"confirmation": confirmation})


def _dashboard_figures(cohort) -> dict:
    board = cohort_dashboard(cohort=cohort)
    return {
        "status": board.status_counts(),
        "weeks": board.week_counts,
        "criteria": board.criterion_averages,
        "checkpoint": board.checkpoint_counts,
        "scored": board.scored_hires,
        "graded": board.health.graded,
    }


# --- Export -------------------------------------------------------------------------------------------------


def test_export_holds_the_rows_of_every_app_and_the_recording_but_no_secret(world, client_for):
    response = client_for(world.admin).get(reverse("accounts:person_export", args=[world.hire.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    data = json.loads(archive.read("person.json"))
    records = data["records"]
    assert data["person"]["email"] == world.hire.email
    assert [row["pk"] for row in records["courses.enrollment"]] == [world.enrollment.pk]
    grade_ids = set(Grade.objects.filter(attempt__enrollment=world.enrollment).values_list("pk", flat=True))
    assert {row["pk"] for row in records["coaching.grade"]} == grade_ids
    assert {row["pk"] for row in records["coaching.callreview"]} == {world.call_review.pk}
    assert records["coaching.callreview"][0]["fields"]["transcript"] == "Customer: Hi"
    assert records["checkpoint.decision"][0]["fields"]["reflection"] == REFLECTION
    for label in ("courses.attemptturn", "courses.lessoncompletion", "courses.checkattempt", "coaching.feedback"):
        assert label in records, label
    assert [row["pk"] for row in records["coaching.practiceassignment"]] == [world.practice_assignment.pk]
    assert [row["pk"] for row in records["accounts.apitoken"]] == [world.token.pk]
    assert "notifications.notification" in records
    # the files: the recording of the call, from private storage, and the avatar
    recording = world.call_review.recording
    recording_entry = next(f for f in data["files"] if f["record"] == "coaching.callreview")
    with recording.storage.open(recording.name, "rb") as source:
        assert archive.read(recording_entry["path"]) == source.read()
    assert any(f["record"] == "accounts.user" and f["field"] == "avatar" for f in data["files"])
    # no secret: neither the password hash nor the token's digest or key
    text = archive.read("person.json").decode()
    hire = User.objects.get(pk=world.hire.pk)
    token = ApiToken.objects.get(pk=world.token.pk)
    assert "password" not in records["accounts.user"][0]["fields"]
    for secret in (hire.password, token.digest, world.key, token.token_key):
        assert secret not in text
    assert "digest" not in records["accounts.apitoken"][0]["fields"]


def test_a_coach_export_holds_the_grades_and_reviews_they_wrote_but_not_the_hires_files(world):
    records = privacy.person_records(user=world.coach)
    assert world.call_review in records.rows["coaching.callreview"]
    assert Grade.objects.filter(coach=world.coach).count() == len(records.rows["coaching.grade"])
    assert "courses.enrollment" not in records.rows
    assert list(privacy._files_of(records)) == []  # the recordings are about the hire, not the coach


def test_a_new_model_linked_to_the_person_is_found_without_a_change(world):
    """The walk finds rows by their foreign keys: FeedbackReply (two levels under the enrollment)."""
    records = privacy.person_records(user=world.hire)
    replies = set(FeedbackReply.objects.filter(feedback__enrollment=world.enrollment))
    assert replies and replies <= set(records.rows["coaching.feedbackreply"])
    turns = set(AttemptTurn.objects.filter(attempt__enrollment=world.enrollment))
    assert turns == set(records.rows["courses.attemptturn"])


# --- Erasure --------------------------------------------------------------------------------------------------


def test_erasing_anonymises_clears_text_and_files_and_keeps_the_counts(
    world, client_for, django_capture_on_commit_callbacks
):
    hire = world.hire
    old_email = hire.email
    grade_levels = dict(Grade.objects.filter(attempt__enrollment=world.enrollment).values_list("pk", "levels"))
    figures = _dashboard_figures(world.cohort)
    recording, avatar = world.call_review.recording.name, User.objects.get(pk=hire.pk).avatar.name
    recording_storage, avatar_storage = world.call_review.recording.storage, hire.avatar.storage
    hire_client = client_for(hire)
    assert hire_client.get(reverse("accounts:profile")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _erase(client_for(world.admin), hire, f"  {old_email.upper()} ")

    assert response.status_code == 302
    hire.refresh_from_db()
    assert hire.display_name == f"Erased person #{hire.pk}"
    assert hire.email == f"erased-{hire.pk}@invalid"
    assert not is_password_usable(hire.password) and not hire.is_active
    assert not hire.avatar and not hire.avatar_thumbnail
    # free text and files of their calls are gone; the files once committed
    review = CallReview.objects.get(pk=world.call_review.pk)
    assert (review.transcript, review.strengths, review.recording.name) == ("", "", "")
    assert not recording_storage.exists(recording) and not avatar_storage.exists(avatar)
    assert not CallNote.objects.filter(review=review).exclude(body="").exists()
    decision = Decision.objects.get(pk=world.hire_decision.pk)
    assert (decision.reflection, decision.choice) == ("", "commit")
    assert not FeedbackReply.objects.filter(author=hire).exclude(body="").exists()
    assert not AttemptTurn.objects.filter(attempt__enrollment=world.enrollment).exclude(answer="").exists()
    # tokens and sessions end
    assert not ApiToken.objects.filter(user=hire).exists()
    assert hire_client.get(reverse("accounts:profile")).status_code == 302
    assert not any(s.get_decoded().get("_auth_user_id") == str(hire.pk) for s in Session.objects.all())
    # the rows that count stay, and so do the figures
    assert Enrollment.objects.filter(pk=world.enrollment.pk, hire=hire).exists()
    assert dict(Grade.objects.filter(attempt__enrollment=world.enrollment).values_list("pk", "levels")) == grade_levels
    assert _dashboard_figures(world.cohort) == figures
    # the audit row
    erasure = PersonErasure.objects.get(subject_id=hire.pk)
    assert erasure.admin == world.admin
    assert erasure.counts["files"] == 3  # the recording, the avatar and its thumbnail
    assert erasure.counts["api_tokens"] == 1
    assert erasure.counts["text cleared: checkpoint.decision"] == 1
    # nobody else's words or name change
    assert User.objects.get(pk=world.other_hire.pk).display_name == "Olga Other"
    assert Decision.objects.get(pk=world.decision.pk).reflection == "Ready."
    assert User.objects.get(pk=world.coach.pk).display_name == "Cora Coach"


def test_the_confirmation_page_names_the_person_and_counts_what_goes(world, client_for):
    response = client_for(world.admin).get(reverse("accounts:person_erase", args=[world.hire.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hana Hire" in page and world.hire.email in page
    plan = privacy.erasure_plan(user=world.hire)
    assert f"Files: {len(plan.files)}" in page and len(plan.files) == 3
    assert plan.counts()["text cleared: coaching.callreview"] == 1


def _snapshot(world) -> tuple:
    hire = User.objects.get(pk=world.hire.pk)
    review = CallReview.objects.get(pk=world.call_review.pk)
    return (
        hire.email, hire.display_name, hire.password, hire.is_active, hire.avatar.name, review.transcript,
        review.recording.name, ApiToken.objects.filter(user=hire).count(), PersonErasure.objects.count(),
    )  # fmt: skip


@pytest.mark.parametrize("confirmation", ["", "someone@else.test", "Hana Hire"])
def test_erasing_without_the_typed_address_changes_nothing(world, client_for, confirmation):
    before = _snapshot(world)
    response = _erase(client_for(world.admin), world.hire, confirmation)
    assert response.status_code == 400
    assert _snapshot(world) == before
    assert world.call_review.recording.storage.exists(world.call_review.recording.name)


def test_an_admin_cannot_erase_themselves_or_the_last_admin(world, client_for):
    admin = world.admin
    response = _erase(client_for(admin), admin, admin.email)
    assert response.status_code == 400 and "cannot erase yourself" in response.content.decode()
    # another admin, no longer active, may not erase the only active one
    former = AdminFactory(display_name="Fern Former", is_active=False)
    with pytest.raises(ValidationError, match="last active admin"):
        privacy.person_erase(user=admin, admin=former, confirmation=admin.email)
    assert User.objects.get(pk=admin.pk).email == admin.email
    assert not PersonErasure.objects.exists()
    # with a second active admin, the first may go
    colleague = AdminFactory(display_name="Cleo Colleague")
    assert _erase(client_for(colleague), admin, admin.email).status_code == 302
    assert PersonErasure.objects.get(subject_id=admin.pk).admin == colleague


def test_erasing_twice_is_a_clear_error(world, client_for):
    client = client_for(world.admin)
    email = world.hire.email
    assert _erase(client, world.hire, email).status_code == 302
    response = _erase(client, world.hire, f"erased-{world.hire.pk}@invalid")
    assert response.status_code == 400
    assert "already been erased" in response.content.decode()
    assert PersonErasure.objects.filter(subject_id=world.hire.pk).count() == 1


# --- Who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hire", "coach", "other_coach"])
@pytest.mark.parametrize("name", ["accounts:person_privacy", "accounts:person_export", "accounts:person_erase"])
def test_only_admins_reach_a_persons_data(world, client_for, role, name):
    url = reverse(name, args=[world.hire.pk])
    client = client_for(getattr(world, role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirmation": world.hire.email}).status_code == 403
    assert not PersonErasure.objects.exists()
    assert User.objects.get(pk=world.hire.pk).is_active


def test_the_admin_user_page_links_to_the_persons_data(world, client_for):
    client = client_for(world.admin)
    page = client.get(reverse("admin:accounts_user_change", args=[world.hire.pk])).content.decode()
    privacy_url = reverse("accounts:person_privacy", args=[world.hire.pk])
    assert privacy_url in page
    response = client.get(privacy_url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Download everything (zip)" in content and "Erase…" in content
    assert reverse("accounts:person_export", args=[world.hire.pk]) in content
