"""Excusing items: an admin excuses a lesson, check or role-play for one hire, with a reason.

An excused item counts as done for completion and is never overdue (courses.progress). The row
is the audit: who excused it, when and why, and who revoked it and when.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import permissions
from courses.models import Enrollment, ExcusedKind, ItemExcusal, KnowledgeCheck, Lesson, Scenario

REASON_MAX = 2000
_ITEM_MODELS = {ExcusedKind.LESSON: Lesson, ExcusedKind.CHECK: KnowledgeCheck, ExcusedKind.ROLEPLAY: Scenario}


def _require_admin(admin) -> None:
    if not permissions.is_admin(admin):
        raise PermissionDenied("Only an admin can excuse items or revoke an excusal.")


def _curriculum_of(kind: str, item_id: int) -> int | None:
    model = _ITEM_MODELS[kind]
    field = "week__curriculum_id" if kind == ExcusedKind.CHECK else "curriculum_id"
    return model.objects.filter(pk=item_id).values_list(field, flat=True).first()


@transaction.atomic
def item_excuse(
    *, enrollment: Enrollment, kind: str, item_id: int, admin, reason: str, now: datetime.datetime | None = None
) -> ItemExcusal:
    """Excuse one item of the hire's curriculum. Excusing an item already excused returns that excusal."""
    _require_admin(admin)
    if kind not in ExcusedKind.values:
        raise ValidationError("Choose a lesson, a knowledge check or a role-play to excuse.", code="invalid_kind")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for excusing the item: it is kept on the hire's record.", code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.", code="reason")
    if _curriculum_of(kind, item_id) != enrollment.cohort.curriculum_id:
        raise ValidationError("That item is not part of this hire's curriculum.", code="not_in_curriculum")
    standing = ItemExcusal.objects.filter(enrollment=enrollment, kind=kind, item_id=item_id, revoked_at__isnull=True)
    if existing := standing.first():
        return existing
    try:
        with transaction.atomic():
            return ItemExcusal.objects.create(
                enrollment=enrollment, kind=kind, item_id=item_id, reason=reason, excused_by=admin,
                excused_at=now or timezone.now(),
            )  # fmt: skip
    except IntegrityError:  # excused at the same moment by someone else: theirs stands
        return standing.get()


@transaction.atomic
def item_excusal_revoke(
    *, excusal_id: int, enrollment: Enrollment, admin, now: datetime.datetime | None = None
) -> ItemExcusal:
    """Revoke an excusal: the item is to do again. Revoking twice changes nothing more."""
    _require_admin(admin)
    excusal = ItemExcusal.objects.select_for_update().filter(pk=excusal_id, enrollment=enrollment).first()
    if excusal is None:
        raise ValidationError("This hire has no such excusal.", code="not_found")
    if excusal.revoked_at is None:
        excusal.revoked_at, excusal.revoked_by = now or timezone.now(), admin
        excusal.save(update_fields=["revoked_at", "revoked_by"])
    return excusal
