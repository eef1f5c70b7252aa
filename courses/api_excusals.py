"""Excusals API, for admins: list a hire's excusals, excuse an item, revoke an excusal.

The same services as the enrollment page (courses.services.excusals): their messages come back as a 400.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.api import call_service
from courses import selectors
from courses.access import access_enrollment_to_manage
from courses.models import ExcusedKind
from courses.services import excusals as excusal_services

AdminPermission = permissions.api_permission(permissions.can_manage_cohorts)
ID_MAX = 2**31 - 1  # item ids are stored as positive 32-bit integers


class ExcusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ExcusedKind.choices)
    item_id = serializers.IntegerField()
    item_title = serializers.CharField(allow_null=True, help_text="Empty when the item has left the curriculum.")
    week_number = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    excused_by = serializers.CharField(source="excused_by.display_name")
    excused_at = serializers.DateTimeField()
    revoked_by = serializers.CharField(source="revoked_by.display_name", allow_null=True, default=None)
    revoked_at = serializers.DateTimeField(allow_null=True)
    standing = serializers.BooleanField(help_text="True until revoked: the item counts as done.")


class ExcuseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExcusedKind.choices)
    item_id = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="The lesson, check or role-play.")
    # Blank passes through to the service, so the API answers with the same words as the page.
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Kept on the hire's record.")


def _rows(enrollment, excusals) -> list[dict]:
    """Excusals with the title and week of the item each one excuses."""
    items, _ = selectors.enrollment_excusals(enrollment=enrollment)
    by_key = {row.item.key: row.item for row in items}
    rows = []
    for excusal in excusals:
        item = by_key.get(excusal.key)
        rows.append({
            "id": excusal.pk, "kind": excusal.kind, "item_id": excusal.item_id,
            "item_title": item.title if item else None, "week_number": item.week if item else None,
            "reason": excusal.reason, "excused_by": excusal.excused_by, "excused_at": excusal.excused_at,
            "revoked_by": excusal.revoked_by, "revoked_at": excusal.revoked_at, "standing": excusal.revoked_at is None,
        })  # fmt: skip
    return rows


class EnrollmentExcusalsView(APIView):
    """Every excusal of the hire's, newest first, revoked ones too; POST excuses an item (a reason is required).
    Excusing an item already excused returns the standing excusal."""

    permission_classes = [AdminPermission]

    @extend_schema(responses=ExcusalSerializer(many=True))
    def get(self, request, pk: int):
        enrollment = access_enrollment_to_manage(request.user, pk)
        _, history = selectors.enrollment_excusals(enrollment=enrollment)
        return Response(ExcusalSerializer(_rows(enrollment, history), many=True).data)

    @extend_schema(request=ExcuseInputSerializer, responses={201: ExcusalSerializer})
    def post(self, request, pk: int):
        enrollment = access_enrollment_to_manage(request.user, pk)
        data = ExcuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        excusal = call_service(excusal_services.item_excuse, enrollment=enrollment, admin=request.user,
                               **data.validated_data)  # fmt: skip
        return Response(ExcusalSerializer(_rows(enrollment, [excusal])[0]).data, status=status.HTTP_201_CREATED)


class EnrollmentExcusalRevokeView(APIView):
    """Revoke an excusal: the item is to do again. Revoking twice changes nothing more."""

    permission_classes = [AdminPermission]

    @extend_schema(request=None, responses=ExcusalSerializer)
    def post(self, request, pk: int, excusal_id: int):
        enrollment = access_enrollment_to_manage(request.user, pk)
        try:
            excusal = excusal_services.item_excusal_revoke(excusal_id=excusal_id, enrollment=enrollment,
                                                           admin=request.user)  # fmt: skip
        except ValidationError as error:
            if error.code == "not_found":  # another hire's excusal, or none: it does not exist here
                raise NotFound(error.messages[0]) from error
            raise
        return Response(ExcusalSerializer(_rows(enrollment, [excusal])[0]).data)
