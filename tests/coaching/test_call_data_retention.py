"""Recordings and transcripts of real calls are deleted once the call is older than the retention period;
the review itself stays, and every deletion is recorded."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages

from coaching import retention, tasks
from coaching.models import CallDataDeletion, CallNote, CallReview, Feedback, PendingRecording
from coaching.retention import call_data_purge
from coaching.storage import PrivateFileSystemStorage
from tests.coaching.test_call_reviews import review_form, wav_upload

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TRANSCRIPT = "Customer: I need narrow shoes for my sister's wedding.\nRep: Narrows are the worst, let me look."


@pytest.fixture(autouse=True)
def own_folders(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def url(hire_enrollment, graded_scenario):  # the scenario brings the rubric calls are scored on
    return f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/"


def _review(coach_client, url, **overrides) -> CallReview:
    before = set(CallReview.objects.values_list("pk", flat=True))
    data = review_form(**{"recording": wav_upload(), "transcript": TRANSCRIPT, **overrides})
    response = coach_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    return CallReview.objects.exclude(pk__in=before).get()


@pytest.fixture
def review(coach_client, url):
    return _review(coach_client, url)


def _private_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


# --- When ---------------------------------------------------------------------------------------


def test_a_call_179_days_old_is_kept_and_one_181_days_old_is_purged(review):
    name = review.recording.name
    kept = call_data_purge(now=review.call_at + 179 * DAY)
    review.refresh_from_db()
    assert kept.reviews_purged == 0 and review.recording.name == name and review.transcript == TRANSCRIPT
    assert storages["private"].exists(name) and not CallDataDeletion.objects.exists()

    purged = call_data_purge(now=review.call_at + 181 * DAY)
    review.refresh_from_db()
    assert (purged.reviews_purged, purged.recordings_deleted, purged.transcripts_cleared) == (1, 1, 1)
    assert review.recording.name == "" and review.transcript == ""


def test_the_period_is_the_setting(review, settings):
    settings.CALL_DATA_RETENTION_DAYS = 30
    assert call_data_purge(now=review.call_at + 29 * DAY).reviews_purged == 0
    assert call_data_purge(now=review.call_at + 31 * DAY).reviews_purged == 1
    assert CallDataDeletion.objects.get().retention_days == 30


def test_the_default_period_is_180_days():
    assert settings.CALL_DATA_RETENTION_DAYS == 180


# --- What goes and what stays -------------------------------------------------------------------


def test_the_review_keeps_its_levels_notes_and_everything_else(review):
    before = CallReview.objects.values().get(pk=review.pk)
    notes = list(CallNote.objects.filter(review=review).values_list("at_seconds", "body"))
    assert len(notes) == 2 and before["levels"]

    call_data_purge(now=review.call_at + 181 * DAY)

    after = CallReview.objects.values().get(pk=review.pk)
    assert after == {**before, "recording": "", "transcript": ""}
    assert list(CallNote.objects.filter(review=review).values_list("at_seconds", "body")) == notes
    assert Feedback.objects.filter(call_review=review).exists()


def test_the_file_is_gone_from_private_storage(review):
    path = Path(review.recording.path)
    assert path.is_file() and _private_files() == [Path(review.recording.name)]
    call_data_purge(now=review.call_at + 181 * DAY)
    assert not path.exists() and _private_files() == []


def test_each_deletion_leaves_an_audit_row(coach_client, url):
    first = _review(coach_client, url, call_reference="CALL-1")
    second = _review(coach_client, url, call_reference="CALL-2", transcript="")
    names = {first.pk: first.recording.name, second.pk: second.recording.name}
    now = first.call_at + 200 * DAY

    call_data_purge(now=now)

    rows = {row.review_id: row for row in CallDataDeletion.objects.all()}
    assert set(rows) == {first.pk, second.pk}
    for review in (first, second):
        row = rows[review.pk]
        assert (row.review_number, row.recording_name, row.call_at) == (review.pk, names[review.pk], review.call_at)
        assert (row.reason, row.retention_days, row.deleted_at) == ("retention", 180, now)
    assert rows[first.pk].transcript_chars == len(TRANSCRIPT) and rows[second.pk].transcript_chars == 0


def test_the_audit_row_outlives_the_review(review):
    call_data_purge(now=review.call_at + 181 * DAY)
    review_id = review.pk
    review.delete()
    row = CallDataDeletion.objects.get()
    assert row.review_id is None and row.review_number == review_id


def test_a_second_run_does_nothing(review):
    now = review.call_at + 181 * DAY
    call_data_purge(now=now)
    again = call_data_purge(now=now + DAY)
    assert again == retention.PurgeResult()  # nothing purged, nothing failed
    assert CallDataDeletion.objects.count() == 1


def test_a_review_with_neither_recording_nor_transcript_leaves_no_row(coach_client, url):
    bare = _review(coach_client, url, recording="", transcript="")
    assert call_data_purge(now=bare.call_at + 181 * DAY).reviews_purged == 0
    assert not CallDataDeletion.objects.exists()


def test_a_file_that_cannot_be_deleted_leaves_its_review_as_it_was_and_the_others_go_on(coach_client, url, monkeypatch):
    stuck = _review(coach_client, url, call_reference="CALL-1")
    other = _review(coach_client, url, call_reference="CALL-2")
    original = PrivateFileSystemStorage.delete

    def delete(storage, name):
        if name == stuck.recording.name:
            raise PermissionError(name)
        original(storage, name)

    monkeypatch.setattr(PrivateFileSystemStorage, "delete", delete)
    now = stuck.call_at + 181 * DAY
    result = call_data_purge(now=now)

    assert result.failed_reviews == [stuck.pk] and result.reviews_purged == 1
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert stuck.recording.name and stuck.transcript == TRANSCRIPT and storages["private"].exists(stuck.recording.name)
    assert other.recording.name == "" and other.transcript == ""
    assert list(CallDataDeletion.objects.values_list("review_id", flat=True)) == [other.pk]

    monkeypatch.undo()  # the next run tries it again
    assert call_data_purge(now=now + DAY).reviews_purged == 1
    stuck.refresh_from_db()
    assert stuck.recording.name == "" and _private_files() == []


# --- Abandoned uploads --------------------------------------------------------------------------


def test_an_upload_kept_for_a_form_never_sent_again_goes_after_a_day(coach_client, url):
    coach_client.post(url, review_form(duration="soon", recording=wav_upload()))  # sent back: the file is kept
    pending = PendingRecording.objects.get()
    path = Path(pending.file.path)

    assert call_data_purge(now=pending.created_at + 23 * datetime.timedelta(hours=1)).uploads_deleted == 0
    assert PendingRecording.objects.exists() and path.is_file()

    assert call_data_purge(now=pending.created_at + 25 * datetime.timedelta(hours=1)).uploads_deleted == 1
    assert not PendingRecording.objects.exists() and not path.exists() and _private_files() == []
    row = CallDataDeletion.objects.get()
    assert (row.reason, row.recording_name, row.review_id) == ("abandoned_upload", pending.file.name, None)


# --- The review page ----------------------------------------------------------------------------


def test_the_page_says_when_and_why_the_recording_and_transcript_were_deleted(review, coach_client, hire_client):
    page = f"/coaching/call-reviews/{review.pk}/"
    before = coach_client.get(page).content.decode()
    assert "<audio" in before and "Narrows are the worst" in before and "retention policy" not in before

    call_data_purge(now=datetime.datetime(2027, 6, 1, 12, tzinfo=datetime.UTC))

    for client in (coach_client, hire_client):
        body = client.get(page).content.decode()
        assert "Recording and transcript deleted on 1 June 2027 after 180 days (retention policy)." in body
        assert "<audio" not in body and "Narrows are the worst" not in body
        assert "lovely connection over the dog" in body  # the moments stay
    assert coach_client.get(f"/coaching/call-reviews/{review.pk}/recording/").status_code == 404


def test_the_admin_lists_deletions_read_only(review, admin_client_):
    call_data_purge(now=review.call_at + 181 * DAY)
    row = CallDataDeletion.objects.get()
    assert admin_client_.get("/admin/coaching/calldatadeletion/").status_code == 200
    assert admin_client_.get(f"/admin/coaching/calldatadeletion/{row.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/coaching/calldatadeletion/add/").status_code == 403
    assert admin_client_.post(f"/admin/coaching/calldatadeletion/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CallDataDeletion.objects.filter(pk=row.pk).exists()


# --- Every day ----------------------------------------------------------------------------------


def test_the_purge_is_on_the_daily_beat_schedule():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == tasks.call_data_purge.name]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1 and len(schedule.day_of_week) == 7
    assert len(schedule.day_of_month) == 31 and len(schedule.month_of_year) == 12


def test_the_task_runs_the_purge(review, monkeypatch):
    CallReview.objects.filter(pk=review.pk).update(call_at=review.call_at - 400 * DAY)
    calls = []
    real = retention.call_data_purge
    monkeypatch.setattr(retention, "call_data_purge", lambda **kwargs: calls.append(kwargs) or real(**kwargs))

    outcome = tasks.call_data_purge.apply().get()

    assert calls == [{}] and outcome.startswith("1 reviews purged (1 recordings, 1 transcripts)")
    review.refresh_from_db()
    assert review.recording.name == "" and CallDataDeletion.objects.count() == 1
