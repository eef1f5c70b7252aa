"""Reading people."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import ApiToken, Role, User


def admins_active() -> QuerySet[User]:
    """Who hears about cohorts as a training manager: the same people `permissions.is_admin` admits."""
    return User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """This person's API tokens that still work, newest first. Nobody else's: a token of someone else is not found."""
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)


def credentials_changing(*, user: User) -> bool:
    """Whether saving this person as they are now changes their password or deactivates them."""
    if user._state.adding or user.pk is None:
        return False
    stored = User.objects.filter(pk=user.pk).values("password", "is_active").first()
    if stored is None:
        return False
    return stored["password"] != user.password or (stored["is_active"] and not user.is_active)
