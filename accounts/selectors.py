"""Reading people."""

from django.db.models import Q, QuerySet

from accounts.models import Role, User


def admins_active() -> QuerySet[User]:
    """Who hears about cohorts as a training manager: the same people `permissions.is_admin` admits."""
    return User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
