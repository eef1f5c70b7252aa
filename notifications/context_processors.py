from notifications.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: read only if the page shows the bell.
    return {"unread_notifications": lambda: unread_count(user_id=user.pk)}
