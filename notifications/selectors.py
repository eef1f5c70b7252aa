"""Reading notifications."""

from notifications.models import Notification


def unread_count(*, user_id: int) -> int:
    """How many of the person's notifications are unread (the bell). Read, not cached: a reminder sweep
    tells thousands of people at once, and renewing a cached count for each would cost more than counting."""
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
