"""Fetch-and-authorise for notifications: a person reaches only their own (anyone else's is a 404)."""

from django.shortcuts import get_object_or_404

from notifications.models import Notification


def access_notification(user, notification_id: int) -> Notification:
    return get_object_or_404(Notification, pk=notification_id, recipient=user)
