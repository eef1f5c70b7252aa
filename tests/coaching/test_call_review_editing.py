import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coaching.models import CallReview, Feedback, PendingRecording
from coaching.uploads import parse_duration
from courses.models import Lesson, Scenario
from tests.coaching.test_call_reviews import review_form, wav_upload
from tests.factories import AdminFactory, CoachFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(hire_enrollment, graded_scenario):
    return f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/"


@pytest.fixture
def review(coach_client, url):
    assert coach_client.post(url, review_form()).status_code == 302
    return CallReview.objects.get()


# Durations as people type them


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("7:30", 450), ("1:02:15", 3735), ("450", 450), ("7 min", 420), ("7 minutes", 420), ("seven minutes", 420),
     ("90 s", 90), ("90 seconds", 90), ("1h 2m", 3720), ("twenty-five minutes", 1500), ("7 min 30 s", 450),
     ("an hour", 3600), ("Seven Minutes", 420)],
)  # fmt: skip
def test_durations_are_read_as_people_type_them(typed, seconds):
    assert parse_duration(typed) == seconds


def test_a_spelled_out_duration_is_saved_whole_and_nonsense_is_refused_clearly(coach_client, url):
    page = coach_client.get(url).content.decode()
    duration_input = page.split('name="duration"')[1].split(">")[0]
    assert "maxlength" not in duration_input  # the browser never cuts "seven minutes" short
    refused = coach_client.post(url, review_form(duration="seven minu", notes=""))
    assert refused.status_code == 400
    message = refused.content.decode()
    assert "seven minu" in message and "7:30" in message and "7 min" in message and "seven minutes" in message
    assert not CallReview.objects.exists()
    assert coach_client.post(url, review_form(duration="seven minutes", notes="")).status_code == 302
    assert CallReview.objects.get().duration_seconds == 420


# Moments within the call


def test_a_moment_after_the_end_of_the_recording_is_refused(coach_client, url):
    response = coach_client.post(url, review_form(duration="12:40", notes="00:41 too late",
                                                  recording=wav_upload(seconds=20)))  # fmt: skip
    assert response.status_code == 400
    assert "after the end of the recording (00:20)" in response.content.decode()
    assert not CallReview.objects.exists()


def test_a_moment_after_the_stated_duration_is_refused(coach_client, url):
    response = coach_client.post(url, review_form(duration="0:20", notes="00:41 too late"))
    assert response.status_code == 400 and "after the end of the call (00:20)" in response.content.decode()
    assert not CallReview.objects.exists()


# The recording survives a correction


def test_a_good_recording_is_kept_across_a_validation_error(coach, coach_client, url):
    response = coach_client.post(url, review_form(duration="soon", recording=wav_upload("dog-call.wav")))
    assert response.status_code == 400
    page = response.content.decode()
    assert "dog-call.wav</strong> is kept; choose another file to replace it." in page
    pending = PendingRecording.objects.get(coach=coach)
    assert f'name="pending_recording" value="{pending.pk}"' in page

    saved = coach_client.post(url, review_form(pending_recording=pending.pk))
    assert saved.status_code == 302
    review = CallReview.objects.get()
    assert review.recording and review.recording.name.endswith(".wav")
    assert not PendingRecording.objects.exists()


def test_another_coachs_kept_recording_cannot_be_used(coach_client, client_for, url, hire_enrollment):
    colleague = CoachFactory()
    hire_enrollment.cohort.coaches.add(colleague)
    client_for(colleague).post(url, review_form(duration="soon", recording=wav_upload()))
    theirs = PendingRecording.objects.get()
    assert coach_client.post(url, review_form(pending_recording=theirs.pk)).status_code == 302
    assert not CallReview.objects.get().recording  # not attached to this coach's review


# Practice as checkboxes, week by week


def test_practice_is_chosen_with_checkboxes_grouped_by_week(coach_client, url, hire_enrollment, graded_scenario):
    page = coach_client.get(url).content.decode()
    assert "<select" not in page.split('name="practice_lessons"')[0].rsplit("<fieldset", 1)[-1]
    assert 'type="checkbox" name="practice_lessons"' in page and 'type="checkbox" name="practice_scenarios"' in page
    assert "<legend>Week 1</legend>" in page and "<legend>Lessons to revisit</legend>" in page
    lessons = list(Lesson.objects.filter(curriculum=hire_enrollment.cohort.curriculum)[:2])
    response = coach_client.post(url, review_form(practice_lessons=[lesson.pk for lesson in lessons],
                                                  practice_scenarios=[graded_scenario.pk]))  # fmt: skip
    assert response.status_code == 302
    review = CallReview.objects.get()
    assert set(review.practice_lessons.all()) == set(lessons)
    assert list(review.practice_scenarios.all()) == [graded_scenario]


# Editing a saved review


def test_its_coach_edits_a_saved_review_with_the_same_checks(coach_client, review, hire_enrollment):
    page = coach_client.get(f"/coaching/call-reviews/{review.pk}/").content.decode()
    assert f'href="/coaching/call-reviews/{review.pk}/edit/"' in page
    assert f'href="/coaching/hires/{hire_enrollment.pk}/"' in page  # back to the timeline

    edit_url = f"/coaching/call-reviews/{review.pk}/edit/"
    form = coach_client.get(edit_url).content.decode()
    assert 'value="CALL-2231"' in form and "02:13 lovely connection over the dog" in form

    refused = coach_client.post(edit_url, review_form(duration="0:30"))  # the moments are later than that
    assert refused.status_code == 400 and "after the end of the call" in refused.content.decode()
    assert CallReview.objects.get().duration_seconds == 760

    changed = coach_client.post(edit_url, review_form(reason="Wide shoes for a wedding", duration="13 minutes",
                                                      level_wow=3))  # fmt: skip
    assert changed.status_code == 302
    review.refresh_from_db()
    assert (review.reason, review.duration_seconds, review.levels["wow"]) == ("Wide shoes for a wedding", 780, 3)
    assert review.edited_by is not None and Feedback.objects.count() == 1


def test_only_its_coach_or_an_admin_may_edit(client_for, review, hire_enrollment, hire_client, outsider_coach):
    edit_url = f"/coaching/call-reviews/{review.pk}/edit/"
    colleague = CoachFactory()
    hire_enrollment.cohort.coaches.add(colleague)
    assert client_for(colleague).get(edit_url).status_code == 403
    assert client_for(colleague).post(edit_url, review_form(reason="Hijacked")).status_code == 403
    assert client_for(outsider_coach).get(edit_url).status_code == 404
    assert hire_client.get(edit_url).status_code == 403
    admin = client_for(AdminFactory())
    assert admin.post(edit_url, review_form(reason="Corrected by the manager")).status_code == 302
    assert CallReview.objects.get().reason == "Corrected by the manager"
    assert Scenario.objects.exists()


def test_a_renamed_file_is_not_kept(coach_client, url):
    fake = SimpleUploadedFile("call.mp3", b"just text, renamed\n" * 40)
    response = coach_client.post(url, review_form(duration="soon", recording=fake))
    assert response.status_code == 400 and not PendingRecording.objects.exists()
