"""Reading notifications."""

from common.versioned_cache import cached_many, register_source, scopes_changed
from notifications.models import Notification

INBOX = "inbox"  # per person: what the bell counts


def _unread_counts(user_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(user_ids, 0)
    for recipient_id in Notification.objects.filter(recipient_id__in=user_ids, read_at__isnull=True).values_list(
        "recipient_id", flat=True
    ):
        counts[recipient_id] += 1
    return counts


def unread_count(*, user_id: int) -> int:
    """How many of the person's notifications are unread (the bell), from the cache."""
    return cached_many(INBOX, [user_id], "unread", _unread_counts)[user_id]


def inbox_changed(*, user_ids) -> None:
    """For writes that send no signal (bulk inserts, updates): the bell must count again."""
    scopes_changed(INBOX, user_ids)


def register_sources() -> None:
    register_source(Notification, scope=INBOX, pks_of=lambda notification: [notification.recipient_id])
