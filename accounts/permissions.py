"""Who may do what: defined once, used by web views, API views and the admin site.

Predicates take a user (possibly anonymous) and answer a yes/no question. The
adapters at the bottom turn a predicate into a view decorator, a class-based view
mixin and a DRF permission class, so no other module restates a rule.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.models import Role

Predicate = Callable[[object], bool]


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_hire(user) -> bool:
    return is_signed_in(user) and user.role == Role.HIRE


def is_coach(user) -> bool:
    return is_signed_in(user) and user.role == Role.COACH


def is_admin(user) -> bool:
    return is_signed_in(user) and (user.role == Role.ADMIN or user.is_superuser)


def can_take_training(user) -> bool:
    return is_hire(user)


def can_grade(user) -> bool:
    return is_coach(user) or is_admin(user)


def can_manage_cohorts(user) -> bool:
    return is_admin(user)


def can_follow_cohorts(user) -> bool:
    """Coaches follow the cohorts they coach (read-only); admins follow all of them."""
    return is_coach(user) or is_admin(user)


def can_lead_grading_quality(user) -> bool:
    """Admins and lead coaches run calibration sessions, see agreement reports and moderate second marks."""
    return is_admin(user) or (is_coach(user) and user.is_lead_coach)


def can_manage_scorer(user) -> bool:
    """Versions of the automatic pre-scorer: see their figures, choose the live one."""
    return is_admin(user)


def can_see_readiness(user) -> bool:
    """A hire sees her own readiness for nesting; coaches their hires'; admins everyone's."""
    return is_hire(user) or is_coach(user) or is_admin(user)


def can_sign_off_readiness(user) -> bool:
    """Coaches sign off the hires of the cohorts they coach as ready for nesting."""
    return is_coach(user)


def can_override_readiness(user) -> bool:
    """Admins decide readiness instead of the rule (with a reason) and set each cohort's rule."""
    return is_admin(user)


def can_use_admin_site(user) -> bool:
    return is_admin(user)


LANDING_PAGES: list[tuple[Predicate, str]] = [
    (is_admin, "cohorts:list"),
    (is_coach, "coaching:queue"),
    (is_hire, "courses:my_training"),
]


def landing_url_name(user) -> str:
    """The page a user lands on after signing in."""
    for predicate, url_name in LANDING_PAGES:
        if predicate(user):
            return url_name
    return "accounts:profile"


# --- Adapters ------------------------------------------------------------------


def require(predicate: Predicate):
    """View decorator: anonymous visitors go to login; signed-in users without the right get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RequirePredicateMixin:
    """Class-based view mixin: set `predicate = staticmethod(can_grade)`."""

    predicate: Predicate

    def dispatch(self, request, *args, **kwargs):
        return require(type(self).predicate)(super().dispatch)(request, *args, **kwargs)


def api_permission(predicate: Predicate) -> type[BasePermission]:
    """A DRF permission class answering with the same predicate as the web."""

    class PredicatePermission(BasePermission):
        message = "You do not have permission to do this."

        def has_permission(self, request, view) -> bool:
            return predicate(request.user)

    PredicatePermission.__name__ = f"Api_{predicate.__name__}"
    return PredicatePermission


class AdminSitePermissionMixin:
    """ModelAdmin mixin: admins (training managers) may use every admin page."""

    def has_module_permission(self, request) -> bool:
        return can_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_use_admin_site(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return can_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_use_admin_site(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_use_admin_site(request.user)


class ReadOnlyAdminMixin(AdminSitePermissionMixin):
    """ModelAdmin mixin for records that change only through their services, which keep the audit rows."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Pay -----------------------------------------------------------------------------------


def can_see_cohort_pay(user) -> bool:
    """Every hire's salary and offer amount, and a cohort's offer terms: admins only.
    Coaches follow the decision and the deadline, never the money."""
    return is_admin(user)


def can_see_pay(viewer, enrollment) -> bool:
    """This hire's salary and offer amount: admins, and the hire themselves; not their coaches."""
    return can_see_cohort_pay(viewer) or (is_signed_in(viewer) and viewer.pk == enrollment.hire_id)
