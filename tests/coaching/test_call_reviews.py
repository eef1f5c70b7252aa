import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coaching.models import CallReview, Feedback
from courses.models import Lesson

pytestmark = pytest.mark.django_db


def wav_upload(name: str = "call.wav", seconds: float = 660, rate: int = 1000) -> SimpleUploadedFile:
    """Silence, long enough by default for the moments review_form notes (10:05); a low rate keeps it small."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(rate)
        recording.writeframes(b"\x00\x00" * int(rate * seconds))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="audio/wav")


def review_form(scenario=None, lesson=None, **overrides) -> dict:
    data = {
        "call_at": "2026-11-20T14:30", "call_reference": "CALL-2231", "channel": "phone", "duration": "12:40",
        "reason": "Narrow shoes for a wedding", "notes": "02:13 lovely connection over the dog\n10:05 clear next step",
        "strengths": "Warm opening.", "to_work_on": "Ask about the event sooner.",
        "level_acknowledge": 2, "level_connect": 3, "level_explore": 1, "level_own_resolve": 2, "level_wow": 2,
        "level_tone": 3,
    }  # fmt: skip
    if scenario:
        data["practice_scenarios"] = [scenario.pk]
    if lesson:
        data["practice_lessons"] = [lesson.pk]
    return {**data, **overrides}


@pytest.fixture
def url(hire_enrollment, graded_scenario):  # the scenario brings the rubric calls are scored on
    return f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/"


def test_a_coach_records_a_call_review_with_recording_notes_and_practice(coach_client, hire_client, url,
                                                                        hire_enrollment, graded_scenario):  # fmt: skip
    lesson = Lesson.objects.filter(curriculum=hire_enrollment.cohort.curriculum).first()
    transcript = SimpleUploadedFile("call.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Customer>Hi there\n")
    response = coach_client.post(url, review_form(graded_scenario, lesson, recording=wav_upload(),
                                                  transcript_file=transcript))  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    review = CallReview.objects.get()
    assert review.duration_seconds == 760 and review.recording.name.endswith(".wav")
    assert "CALL-2231" not in review.recording.name and "call" not in review.recording.name.split("/")[-1]
    assert [(n.at_seconds, n.body) for n in review.notes.all()] == [(133, "lovely connection over the dog"),
                                                                    (605, "clear next step")]  # fmt: skip
    assert "Customer: Hi there" in review.transcript
    assert Feedback.objects.get().call_review == review

    dashboard = hire_client.get("/training/").content.decode()
    assert "Practice picked for you" in dashboard and graded_scenario.title in dashboard
    page = hire_client.get(f"/coaching/call-reviews/{review.pk}/").content.decode()
    assert 'data-seek="133"' in page and "<audio" in page
    audio = hire_client.get(f"/coaching/call-reviews/{review.pk}/recording/", HTTP_RANGE="bytes=0-99")
    assert audio.status_code == 206 and audio["Content-Range"].startswith("bytes 0-99/") and len(audio.content) == 100


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("call.mp3", b"just text, renamed\n" * 40), "not an MP3, WAV, OGG or M4A"),
        (SimpleUploadedFile("call.wav", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), "not an MP3, WAV, OGG or M4A"),
    ],
)
def test_a_recording_is_checked_by_content(coach_client, url, upload, message):
    response = coach_client.post(url, review_form(recording=upload))
    assert response.status_code == 400 and message in response.content.decode()
    assert not CallReview.objects.exists()


def test_an_oversized_recording_is_refused(coach_client, url, monkeypatch):
    monkeypatch.setattr("coaching.uploads.RECORDING_MAX_BYTES", 1000)
    response = coach_client.post(url, review_form(recording=wav_upload(seconds=1)))
    assert response.status_code == 400 and "at most" in response.content.decode()
    assert not CallReview.objects.exists()


def test_a_transcript_of_the_wrong_type_is_refused(coach_client, url):
    binary = SimpleUploadedFile("call.txt", b"\x00\x01\x02binary\xff\xfe")
    response = coach_client.post(url, review_form(transcript_file=binary))
    assert response.status_code == 400 and not CallReview.objects.exists()


def test_bad_timestamps_name_the_line(coach_client, url):
    response = coach_client.post(url, review_form(notes="02:13 fine\nlater: missing time"))
    assert response.status_code == 400 and "Line 2 must start with a time" in response.content.decode()


def test_only_the_hire_and_their_coaches_hear_a_recording(coach_client, client_for, url, outsider_coach,
                                                          other_hire_enrollment):  # fmt: skip
    coach_client.post(url, review_form(recording=wav_upload()))
    review = CallReview.objects.get()
    for outsider in (outsider_coach, other_hire_enrollment.hire):
        client = client_for(outsider)
        assert client.get(f"/coaching/call-reviews/{review.pk}/recording/").status_code == 404
        assert client.get(f"/coaching/call-reviews/{review.pk}/").status_code == 404


def test_without_a_recording_the_moments_show_their_times_as_text(coach_client, url):
    coach_client.post(url, review_form())
    review = CallReview.objects.get()
    page = coach_client.get(f"/coaching/call-reviews/{review.pk}/").content.decode()
    # A seek button stays hidden unless a recording's player reveals it: with no recording, plain text.
    assert "<strong>02:13</strong> lovely connection over the dog" in page
    assert "data-seek" not in page
