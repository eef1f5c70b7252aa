from django.conf import settings

from accounts.navigation import nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = nav_for(user, request.path) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "site_name": settings.SITE_NAME}
