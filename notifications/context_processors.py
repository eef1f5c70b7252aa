from notifications.models import Notification


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: the query runs only if the page shows the bell.
    return {"unread_notifications": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
