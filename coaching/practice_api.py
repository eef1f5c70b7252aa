"""The API of a hire's practice list: the hire reads her own, her coaches and admins read it, add and remove."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from coaching import practice
from coaching.access import access_coachable_enrollment, access_practice_assignment, access_practice_enrollment
from common.api import call_service

SignedIn = permissions.api_permission(permissions.is_signed_in)
CoachPermission = permissions.api_permission(permissions.can_grade)


class PracticeItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="assignment.pk")
    kind = serializers.ChoiceField(choices=["lesson", "roleplay"])
    item_id = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.CharField()
    criterion_key = serializers.CharField(source="assignment.criterion_key", help_text="Empty for a coach's pick")
    reason = serializers.CharField(source="assignment.reason")
    source = serializers.CharField(source="assignment.source", help_text="auto or coach")
    assigned_by = serializers.CharField(source="assignment.assigned_by.display_name", default=None, allow_null=True)
    assigned_at = serializers.DateTimeField(source="assignment.assigned_at")
    done = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)
    removed_at = serializers.DateTimeField(source="assignment.removed_at", allow_null=True)

    def get_item_id(self, item) -> int:
        return item.assignment.lesson_id or item.assignment.scenario_id


class PracticeAddSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(required=False, min_value=1, help_text="A lesson of the hire's curriculum")
    scenario = serializers.IntegerField(required=False, min_value=1, help_text="Or a role-play of it")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=practice.MAX_REASON_CHARS)

    def validate(self, data):
        if ("lesson" in data) == ("scenario" in data):
            raise serializers.ValidationError("Give one lesson or one scenario.")
        return data


def _listed(enrollment) -> list:
    return PracticeItemSerializer(practice.practice_for(enrollment=enrollment), many=True).data


class HirePracticeView(APIView):
    """GET: the hire's open and done practice (hers, her coaches', admins'). POST: a coach adds an item."""

    permission_classes = [SignedIn]

    @extend_schema(operation_id="hire_practice_list", responses=PracticeItemSerializer(many=True))
    def get(self, request, enrollment_id: int):
        return Response(_listed(access_practice_enrollment(request.user, enrollment_id)))

    @extend_schema(operation_id="hire_practice_add", request=PracticeAddSerializer,
                   responses={201: PracticeItemSerializer(many=True)})  # fmt: skip
    def post(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        incoming = PracticeAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        curriculum = enrollment.cohort.curriculum
        items = {}
        if "lesson" in data:
            items["lesson"] = curriculum.lessons.filter(pk=data["lesson"]).first()
        else:
            items["scenario"] = curriculum.scenarios.filter(pk=data["scenario"]).first()
        if None in items.values():
            raise serializers.ValidationError({"detail": ["Choose a lesson or role-play of the hire's curriculum."]})
        call_service(practice.practice_add, enrollment=enrollment, coach=request.user, reason=data["reason"], **items)
        return Response(_listed(enrollment), status=status.HTTP_201_CREATED)


class HirePracticeItemView(APIView):
    """DELETE: a coach (or an admin) takes an item off the hire's list; it is kept, marked removed."""

    permission_classes = [CoachPermission]

    @extend_schema(operation_id="hire_practice_remove", request=None, responses=PracticeItemSerializer(many=True))
    def delete(self, request, assignment_id: int):
        assignment = access_practice_assignment(request.user, assignment_id)
        call_service(practice.practice_remove, assignment=assignment, coach=request.user)
        return Response(_listed(assignment.enrollment))
