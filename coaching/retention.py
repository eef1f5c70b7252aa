"""Call-data retention: recordings and transcripts of real calls are not kept forever.

Once a call is older than CALL_DATA_RETENTION_DAYS, its review's recording is deleted from private storage
and its transcript cleared; the review itself (levels, strengths, what to work on, moments, practice) stays,
as does its place on the hire's timeline. Recordings kept for a review form that was never sent again
(PendingRecording) go after a day. Each deletion leaves a CallDataDeletion row.

Each review is purged in a transaction of its own, the file deleted last, just before the commit: a file that
cannot be deleted leaves its review as it was (it is tried again on the next run) and the others go on. A
second run finds nothing to do.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coaching.models import CallDataDeletion, CallReview, PendingRecording
from common.versioned_cache import rows_changed

ABANDONED_UPLOAD_AGE = datetime.timedelta(days=1)

logger = logging.getLogger(__name__)


@dataclass
class PurgeResult:
    reviews_purged: int = 0
    recordings_deleted: int = 0
    transcripts_cleared: int = 0
    uploads_deleted: int = 0
    failed_reviews: list[int] = field(default_factory=list)  # ids left as they were, tried again next run
    failed_uploads: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        failed = len(self.failed_reviews) + len(self.failed_uploads)
        return (
            f"{self.reviews_purged} reviews purged ({self.recordings_deleted} recordings, "
            f"{self.transcripts_cleared} transcripts), {self.uploads_deleted} abandoned uploads deleted, "
            f"{failed} failed"
        )


def retention_cutoff(*, now: datetime.datetime) -> datetime.datetime:
    """Calls before this moment are past the retention period."""
    return now - datetime.timedelta(days=settings.CALL_DATA_RETENTION_DAYS)


def call_data_purge(*, now: datetime.datetime | None = None) -> PurgeResult:
    """Delete the recordings and transcripts of calls older than the retention period, and abandoned uploads."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now)
    result = PurgeResult()
    due = (
        CallReview.objects.filter(call_at__lt=cutoff)
        .exclude(recording="", transcript="")  # still holds one or the other
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for review_id in list(due):
        try:
            deletion = _review_purge(review_id=review_id, cutoff=cutoff, now=now)
        except Exception:
            logger.exception("Call data of call review %s could not be deleted; it is tried again next run", review_id)
            result.failed_reviews.append(review_id)
            continue
        if deletion is not None:
            result.reviews_purged += 1
            result.recordings_deleted += bool(deletion.recording_name)
            result.transcripts_cleared += bool(deletion.transcript_chars)
    abandoned = PendingRecording.objects.filter(created_at__lt=now - ABANDONED_UPLOAD_AGE).order_by("pk")
    for pending_id in list(abandoned.values_list("pk", flat=True)):
        try:
            deleted = _pending_delete(pending_id=pending_id, now=now)
        except Exception:
            logger.exception(
                "Abandoned recording upload %s could not be deleted; it is tried again next run", pending_id
            )
            result.failed_uploads.append(pending_id)
            continue
        result.uploads_deleted += deleted
    return result


def _review_purge(*, review_id: int, cutoff: datetime.datetime, now: datetime.datetime) -> CallDataDeletion | None:
    with transaction.atomic():
        review = CallReview.objects.select_for_update().filter(pk=review_id, call_at__lt=cutoff).first()
        if review is None or not (review.recording or review.transcript):
            return None  # edited or purged since it was listed
        name = review.recording.name or ""
        deletion = CallDataDeletion.objects.create(
            review=review, review_number=review.pk, call_at=review.call_at, recording_name=name,
            transcript_chars=len(review.transcript), retention_days=settings.CALL_DATA_RETENTION_DAYS,
            reason=CallDataDeletion.Reason.RETENTION, deleted_at=now,
        )  # fmt: skip
        # An update, not save(): the review was not edited by anyone, and nothing else on it changes.
        CallReview.objects.filter(pk=review.pk).update(recording="", transcript="")
        rows_changed(CallReview, [review.pk])
        if name:
            review.recording.storage.delete(name)  # last: if it fails, the row keeps pointing at the file
    return deletion


def _pending_delete(*, pending_id: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        pending = PendingRecording.objects.select_for_update().filter(pk=pending_id).first()
        if pending is None:
            return False  # used or replaced since it was listed
        name = pending.file.name or ""
        CallDataDeletion.objects.create(
            recording_name=name, reason=CallDataDeletion.Reason.ABANDONED_UPLOAD, deleted_at=now
        )
        pending.delete()
        if name:
            pending.file.storage.delete(name)
    return True
