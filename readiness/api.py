"""Readiness API: validate, call one service, serialize. The same access rules as the web."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.api import call_service
from readiness import selectors, services
from readiness.access import (
    access_enrollment_to_override,
    access_enrollment_to_sign_off,
    access_enrollment_to_withdraw_sign_off,
    access_readiness,
)
from readiness.models import ReadinessOverride
from readiness.services import NOTE_MAX

ReadinessPermission = permissions.api_permission(permissions.can_see_readiness)
SignOffPermission = permissions.api_permission(permissions.is_signed_in)
OverridePermission = permissions.api_permission(permissions.can_override_readiness)


class RequirementSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    met = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="Exactly what is missing.")
    detail = serializers.CharField()


class SignOffSerializer(serializers.Serializer):
    coach = serializers.CharField(source="coach.display_name")
    at = serializers.DateTimeField()
    note = serializers.CharField()


class OverrideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReadinessOverride.Decision.choices)
    admin = serializers.CharField(source="admin.display_name")
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ReadinessSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    met = serializers.BooleanField(help_text="Ready for nesting: the rule met, or an admin's override.")
    label = serializers.CharField()
    overridden = serializers.BooleanField()
    rule_met = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    requirements = RequirementSerializer(many=True)
    signoff = SignOffSerializer(allow_null=True)
    override = OverrideSerializer(allow_null=True)


class SignOffRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class OverrideRequestSerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    reason = serializers.CharField(max_length=NOTE_MAX)


def _readiness(enrollment) -> dict:
    return ReadinessSerializer(selectors.readiness_for(enrollment=enrollment)).data


class ReadinessView(APIView):
    """An enrollment's readiness for nesting: the hire's own, a coach's hires', any for admins."""

    permission_classes = [ReadinessPermission]

    @extend_schema(operation_id="readiness_retrieve", responses=ReadinessSerializer)
    def get(self, request, enrollment_id: int):
        return Response(_readiness(access_readiness(request.user, enrollment_id)))


class SignOffView(APIView):
    """POST: a coach of the hire's cohort signs the hire off. DELETE: the coach (or an admin) withdraws it."""

    permission_classes = [SignOffPermission]

    @extend_schema(operation_id="readiness_sign_off", request=SignOffRequestSerializer,
                   responses={201: ReadinessSerializer})  # fmt: skip
    def post(self, request, enrollment_id: int):
        enrollment = access_enrollment_to_sign_off(request.user, enrollment_id)
        incoming = SignOffRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call_service(services.readiness_sign_off, enrollment=enrollment, coach=request.user,
                     note=incoming.validated_data["note"])  # fmt: skip
        return Response(_readiness(enrollment), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="readiness_sign_off_withdraw", request=None, responses=ReadinessSerializer)
    def delete(self, request, enrollment_id: int):
        enrollment = access_enrollment_to_withdraw_sign_off(request.user, enrollment_id)
        call_service(services.readiness_sign_off_withdraw, conflict_codes=("conflict",), enrollment=enrollment,
                     actor=request.user)  # fmt: skip
        return Response(_readiness(enrollment))


class OverrideView(APIView):
    """POST: an admin decides readiness instead of the rule, with a reason. DELETE: revokes the decision."""

    permission_classes = [OverridePermission]

    @extend_schema(operation_id="readiness_override", request=OverrideRequestSerializer,
                   responses={201: ReadinessSerializer})  # fmt: skip
    def post(self, request, enrollment_id: int):
        enrollment = access_enrollment_to_override(request.user, enrollment_id)
        incoming = OverrideRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call_service(services.readiness_override, field="reason", enrollment=enrollment, admin=request.user,
                     **incoming.validated_data)  # fmt: skip
        return Response(_readiness(enrollment), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="readiness_override_revoke", request=None, responses=ReadinessSerializer)
    def delete(self, request, enrollment_id: int):
        enrollment = access_enrollment_to_override(request.user, enrollment_id)
        call_service(services.readiness_override_revoke, conflict_codes=("conflict",), enrollment=enrollment,
                     admin=request.user)  # fmt: skip
        return Response(_readiness(enrollment))
