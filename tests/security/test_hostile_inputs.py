"""Hostile input, wherever a person can type or upload something.

- HTML and script in every free-text field is stored exactly as given and shown as text on
  every page that shows it (never as markup).
- Oversized bodies are refused with 400, never a server error.
- Unicode edge cases (right-to-left override, zero-width joiner, emoji) are kept as given;
  a NUL character, which PostgreSQL cannot store, is refused with 400 wherever it is sent.
- Uploaded file names never reach the storage: files are stored under generated names.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from checkpoint.models import Decision, OfferText
from coaching.models import CallNote, CallReview, Dispute, FeedbackReply
from courses import services as course_services
from courses.models import AttemptTurn, Cohort
from tests.coaching.test_call_reviews import review_form, wav_upload
from tests.images import image_upload
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
UNICODE = "Ana \u202ereversed\u202c 👩\u200d💻 done"  # RTL override, zero-width joiner, emoji


def assert_inert(response, *, shown: bool = True) -> None:
    """The page shows the hostile text as text: escaped, never as markup."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    if shown:
        assert "&lt;script&gt;alert(" in html


def test_a_display_name_is_stored_as_given_and_escaped_wherever_people_see_it(world):
    hire, coach, admin = (world.client(role) for role in ("hire", "coach", "admin"))
    assert hire.post("/accounts/profile/", {"display_name": HOSTILE, "time_zone": "UTC"}).status_code == 302
    assert User.objects.get(pk=world.hire.pk).display_name == HOSTILE
    for client, url in [
        (hire, "/training/"),
        (hire, "/accounts/profile/"),
        (coach, "/coaching/queue/"),
        (coach, f"/coaching/hires/{world.enrollment.pk}/"),
        (coach, f"/coaching/attempts/{world.attempt.pk}/grade/"),
        (admin, f"/cohorts/{world.cohort.pk}/hires/"),
        (admin, f"/cohorts/{world.cohort.pk}/hires/{world.enrollment.pk}/"),
        (admin, f"/checkpoint/cohorts/{world.cohort.pk}/"),
    ]:
        assert_inert(client.get(url))


def test_role_play_answers_are_stored_as_given_and_escaped_for_the_hire_and_the_coach(world):
    hire = world.client("hire")
    scenario = scenario_with_turns(world.cohort.curriculum, slug="hostile-answers", mode="graded")
    attempt = hire.post(f"/api/v1/training/roleplays/{scenario.pk}/attempts/", content_type="application/json")
    assert attempt.status_code == 201
    attempt_id = attempt.json()["id"]
    for _ in range(3):
        sent = hire.post(
            f"/api/v1/training/attempts/{attempt_id}/answers/", {"answer": HOSTILE}, content_type="application/json"
        )
        assert sent.status_code in (200, 201), sent.content
    assert set(AttemptTurn.objects.filter(attempt_id=attempt_id).values_list("answer", flat=True)) == {HOSTILE}
    number = attempt.json()["number"]
    assert_inert(hire.get(f"/training/roleplays/{scenario.slug}/attempts/{number}/result/"))
    assert_inert(world.client("coach").get(f"/coaching/attempts/{attempt_id}/grade/"))


def test_feedback_replies_and_dispute_reasons_are_escaped_on_both_sides(world):
    hire, coach = world.client("hire"), world.client("coach")
    assert hire.post(f"/training/feedback/{world.feedback.pk}/reply/", {"body": HOSTILE}).status_code == 302
    disputed = hire.post(f"/training/feedback/{world.feedback.pk}/dispute/", {"criterion": "tone", "reason": HOSTILE})
    assert disputed.status_code == 302
    assert FeedbackReply.objects.filter(body=HOSTILE).exists() and Dispute.objects.filter(reason=HOSTILE).exists()
    assert_inert(hire.get("/training/feedback/"))
    assert_inert(coach.get(f"/coaching/hires/{world.enrollment.pk}/"))
    assert_inert(coach.get("/coaching/overview/"), shown=False)


def test_call_review_text_notes_and_transcript_are_escaped_for_the_hire_and_the_coach(world):
    coach, hire = world.client("coach"), world.client("hire")
    form = review_form(reason=HOSTILE, strengths=HOSTILE, to_work_on=HOSTILE, transcript=HOSTILE,
                       notes=f"00:05 {HOSTILE}")  # fmt: skip
    assert coach.post(f"/coaching/hires/{world.enrollment.pk}/call-reviews/new/", form).status_code == 302
    review = CallReview.objects.exclude(pk=world.call_review.pk).get()
    assert (review.reason, review.strengths, review.to_work_on, review.transcript) == (HOSTILE,) * 4
    assert CallNote.objects.get(review=review).body == HOSTILE
    for client in (coach, hire):
        assert_inert(client.get(f"/coaching/call-reviews/{review.pk}/"))
    assert_inert(hire.get("/training/feedback/"))
    assert_inert(coach.get(f"/coaching/hires/{world.enrollment.pk}/"))


def test_a_checkpoint_reflection_is_escaped_for_the_hire_and_the_training_manager(world):
    hire = world.client("hire")
    assert hire.post("/checkpoint/", {"choice": "commit", "reflection": HOSTILE}).status_code == 302
    assert_inert(hire.get("/checkpoint/confirm/"))
    confirmed = hire.post("/checkpoint/confirm/", {"choice": "commit", "confirm": "commit", "offer_text_version": 1})
    assert confirmed.status_code == 302
    assert Decision.objects.get(checkpoint=world.checkpoint).reflection == HOSTILE
    assert_inert(hire.get("/checkpoint/"))
    assert_inert(world.client("admin").get(f"/checkpoint/cohorts/{world.cohort.pk}/"))


def test_offer_text_markdown_is_stored_as_given_and_shown_sanitised(world):
    body = f"{HOSTILE}\n\n[Read more](javascript:alert(1)) <a href='#' onclick='alert(1)'>x</a>"
    published = world.client("admin").post(
        f"/checkpoint/cohorts/{world.cohort.pk}/offer-text/", {"body_markdown": body}
    )
    assert published.status_code == 302
    assert OfferText.objects.filter(cohort=world.cohort).latest("version").body_markdown == body
    page = world.client("hire").get("/checkpoint/")
    assert_inert(page, shown=False)
    html = page.content.decode()
    assert "javascript:" not in html and "onclick" not in html


def test_a_cohort_name_is_escaped_for_admins_coaches_and_hires(world):
    renamed = world.client("admin").patch(
        f"/api/v1/cohorts/{world.cohort.pk}/", {"name": HOSTILE}, content_type="application/json"
    )
    assert renamed.status_code == 200, renamed.content
    assert Cohort.objects.get(pk=world.cohort.pk).name == HOSTILE
    for role, url in [
        ("admin", "/cohorts/"),
        ("admin", f"/cohorts/{world.cohort.pk}/"),
        ("admin", "/checkpoint/cohorts/"),
        ("coach", "/coaching/queue/"),
        ("coach", "/coaching/overview/"),
        ("hire", "/training/"),
    ]:
        assert_inert(world.client(role).get(url), shown=role == "admin")


def _csv(*rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["email", "name", "time_zone", "salary"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_names_in_an_imported_csv_are_escaped_in_the_preview_and_after_the_import(world):
    admin = world.client("admin")
    url = f"/cohorts/{world.cohort.pk}/import/"
    upload = SimpleUploadedFile(f"{HOSTILE}.csv", _csv(["new.hire@academy.test", HOSTILE, "UTC", "3000"]))
    preview = admin.post(url, {"file": upload})
    assert_inert(preview)
    assert admin.post(url, {"confirmation": preview.context["confirmation"]}).status_code == 302
    assert User.objects.get(email="new.hire@academy.test").display_name == HOSTILE
    assert_inert(admin.get(f"/cohorts/{world.cohort.pk}/hires/"))
    assert_inert(admin.get(f"/cohorts/{world.cohort.pk}/"), shown=False)


# --- Oversized bodies -------------------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_refused_with_400(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    hire = world.client("hire")
    big = "x" * 5_000
    assert hire.post("/accounts/profile/", {"display_name": big, "time_zone": "UTC"}).status_code == 400
    api = hire.patch("/api/v1/me/", {"display_name": big}, content_type="application/json")
    assert api.status_code == 400
    answer = hire.post(f"/training/feedback/{world.feedback.pk}/reply/", {"body": big})
    assert answer.status_code == 400
    assert User.objects.get(pk=world.hire.pk).display_name == "Hana Hire"


def test_too_many_form_fields_are_refused_with_400(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    fields = {f"field{n}": "x" for n in range(200)}
    assert world.client("hire").post("/accounts/profile/", fields).status_code == 400


def test_oversized_uploads_are_refused_with_400(world, monkeypatch, settings):
    settings.AVATAR_MAX_BYTES = 1_000
    hire = world.client("hire")
    assert hire.post("/accounts/profile/avatar/", {"avatar": image_upload(size=(800, 800))}).status_code == 400
    monkeypatch.setattr("coaching.uploads.RECORDING_MAX_BYTES", 1_000)
    form = review_form(recording=wav_upload(seconds=1))
    refused = world.client("coach").post(f"/coaching/hires/{world.enrollment.pk}/call-reviews/new/", form)
    assert refused.status_code == 400 and CallReview.objects.count() == 1
    monkeypatch.setattr("cohorts.imports.MAX_BYTES", 100)
    big_csv = _csv(*([f"h{n}@academy.test", "Name", "UTC", "3000"] for n in range(20)))
    page = world.client("admin").post(
        f"/cohorts/{world.cohort.pk}/import/", {"file": SimpleUploadedFile("h.csv", big_csv)}
    )
    assert page.status_code in (200, 400) and "KB" in page.content.decode()


# --- Unicode --------------------------------------------------------------------------------------------


def test_right_to_left_overrides_joiners_and_emoji_are_kept_as_given(world):
    hire = world.client("hire")
    assert hire.post("/accounts/profile/", {"display_name": UNICODE, "time_zone": "UTC"}).status_code == 302
    assert User.objects.get(pk=world.hire.pk).display_name == UNICODE
    assert UNICODE in hire.get("/training/").content.decode()
    replied = hire.post(
        f"/api/v1/training/feedback/{world.feedback.pk}/replies/", {"body": UNICODE}, content_type="application/json"
    )
    assert replied.status_code == 201 and FeedbackReply.objects.filter(body=UNICODE).exists()


NUL = "Ana\x00Hire"


def test_a_nul_character_is_refused_with_400_by_forms_api_and_urls(world):
    hire, coach, admin = (world.client(role) for role in ("hire", "coach", "admin"))
    scenario = scenario_with_turns(world.cohort.curriculum, slug="nul-answers", mode="practice")
    attempt, _ = course_services.attempt_start(enrollment=world.enrollment, scenario=scenario)
    roleplay = f"/training/roleplays/{scenario.slug}/attempts/{attempt.number}"
    refused = [
        hire.post("/accounts/profile/", {"display_name": NUL, "time_zone": "UTC"}),
        hire.post(f"{roleplay}/answer/", {"answer": NUL}),
        hire.post(f"{roleplay}/draft/", {"answer": NUL}),
        hire.post(f"/training/feedback/{world.feedback.pk}/reply/", {"body": NUL}),
        hire.post(f"/training/feedback/{world.feedback.pk}/dispute/", {"criterion": "tone", "reason": NUL}),
        hire.post("/checkpoint/", {"choice": "commit", "reflection": NUL}),
        hire.patch("/api/v1/me/", {"display_name": NUL}, content_type="application/json"),
        hire.post(f"/api/v1/training/attempts/{attempt.pk}/answers/", {"answer": NUL}, content_type="application/json"),
        hire.put(f"/api/v1/training/attempts/{attempt.pk}/draft/", {"answer": NUL}, content_type="application/json"),
        hire.post(
            f"/api/v1/training/feedback/{world.feedback.pk}/replies/", {"body": NUL}, content_type="application/json"
        ),
        coach.post(f"/coaching/disputes/{world.dispute.pk}/resolve/", {"decision": "reject", "answer": NUL}),
        coach.post(
            f"/api/v1/coaching/attempts/{world.attempt.pk}/comments/",
            {"turn": 1, "body": NUL},
            content_type="application/json",
        ),
        coach.post(f"/coaching/hires/{world.enrollment.pk}/call-reviews/new/", review_form(reason=NUL)),
        coach.get("/coaching/queue/", {"cohort": NUL}),
        admin.patch(f"/api/v1/cohorts/{world.cohort.pk}/", {"name": NUL}, content_type="application/json"),
        admin.post(f"/checkpoint/cohorts/{world.cohort.pk}/offer-text/", {"body_markdown": NUL}),
        admin.get("/api/v1/cohorts/", {"search": NUL}),
        world.client("anonymous").get("/certificates/LA-%00/"),
        world.client("anonymous").post("/accounts/login/", {"username": NUL, "password": NUL}),
    ]
    for response in refused:
        assert response.status_code == 400, (response.request["PATH_INFO"], response.status_code)
    assert "\x00" not in User.objects.get(pk=world.hire.pk).display_name
    texts = [
        *AttemptTurn.objects.values_list("answer", flat=True),
        *FeedbackReply.objects.values_list("body", flat=True),
    ]
    assert not any("\x00" in text for text in texts)


def test_binary_uploads_may_contain_nul_bytes(world):
    """Files are binary: only text fields are checked for NUL."""
    page = world.client("coach").post(
        f"/coaching/hires/{world.enrollment.pk}/call-reviews/new/", review_form(recording=wav_upload())
    )
    assert page.status_code == 302


# --- File names -----------------------------------------------------------------------------------------

TRAVERSAL = "../../../../etc/cron.d/evil"
GENERATED = re.compile(r"[0-9a-f]{32}")


def _stored_safely(name: str, folder: str) -> None:
    path = Path(name)
    assert path.parts[0] == folder and ".." not in path.parts, name
    assert GENERATED.fullmatch(path.stem), name
    assert (Path(settings.MEDIA_ROOT) / name).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_uploaded_file_names_never_reach_the_storage(world):
    hire = world.client("hire")
    avatar = image_upload(f"{TRAVERSAL}.png")
    assert hire.post("/accounts/profile/avatar/", {"avatar": avatar}).status_code == 302
    user = User.objects.get(pk=world.hire.pk)
    _stored_safely(user.avatar.name, "avatars")
    form = review_form(recording=wav_upload(f"{TRAVERSAL}.wav"),
                       transcript_file=SimpleUploadedFile(f"{TRAVERSAL}.txt", b"Customer: hi"))  # fmt: skip
    assert (
        world.client("coach").post(f"/coaching/hires/{world.enrollment.pk}/call-reviews/new/", form).status_code == 302
    )
    review = CallReview.objects.exclude(pk=world.call_review.pk).get()
    _stored_safely(review.recording.name, review.recording.name.split("/")[0])
    assert "evil" not in review.recording.name and review.transcript == "Customer: hi"
    course_services.lesson_image_attach(lesson=world.lesson, upload=image_upload(f"{TRAVERSAL}.png"))
    world.lesson.save()
    _stored_safely(world.lesson.image.name, "lessons")
