"""Outcomes API, for admins: the cohort report's figures, and recording one hire's retention. Validate, call one
service or selector, serialize; the same rules and refusals as the web pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.api import call_service
from outcomes import selectors, services
from outcomes.access import access_outcomes, access_retention
from outcomes.imports import NOTE_MAX, Action
from outcomes.models import Milestone, RetentionStatus, Source

OutcomesPermission = permissions.api_permission(permissions.can_manage_cohorts)


class MilestoneSummarySerializer(serializers.Serializer):
    days = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Committed hires this milestone has come for.")
    recorded = serializers.IntegerField()
    retained = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Retained of those recorded, 0–1.")


class RateSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    counted = serializers.IntegerField(help_text="Hires with a known outcome at this milestone (n).")
    retained = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class GroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    hires = serializers.IntegerField()
    rates = RateSerializer(many=True)


class SplitSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    groups = GroupSerializer(many=True)


class CellSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    state = serializers.CharField(help_text="undecided, offer, not_yet, due, retained or left.")
    comes_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(source="check.left_on", allow_null=True, default=None)


class HireOutcomeSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    name = serializers.CharField()
    email = serializers.EmailField(source="enrollment.hire.email")
    readiness_met = serializers.BooleanField()
    roleplay_mean = serializers.FloatField(allow_null=True)
    real_call_mean = serializers.FloatField(allow_null=True)
    decision = serializers.CharField(source="standing.choice", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(source="standing.decided_at", allow_null=True, default=None)
    retention = CellSerializer(source="cells", many=True)


class SummarySerializer(serializers.Serializer):
    hires = serializers.IntegerField(source="hire_count")
    decided = serializers.IntegerField()
    committed = serializers.IntegerField()
    took_offer = serializers.IntegerField()
    milestones = MilestoneSummarySerializer(source="summary_milestones", many=True)


class OutcomesReportSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(source="cohort.pk")
    today = serializers.DateField(help_text="Today on the cohort's calendar.")
    summary = SummarySerializer(source="*")
    splits = SplitSerializer(many=True)
    hires = HireOutcomeSerializer(many=True)


class RetentionRequestSerializer(serializers.Serializer):
    days = serializers.ChoiceField(choices=Milestone.choices)
    status = serializers.ChoiceField(choices=RetentionStatus.choices)
    left_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class RetentionCheckSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="check.enrollment_id")
    days = serializers.IntegerField(source="check.milestone_days")
    status = serializers.CharField(source="check.status")
    left_on = serializers.DateField(source="check.left_on", allow_null=True)
    note = serializers.CharField(source="check.note")
    recorded_at = serializers.DateTimeField(source="check.recorded_at")
    changed = serializers.BooleanField(help_text="False when the same status was already recorded.")


class CohortOutcomesView(APIView):
    """A cohort's outcomes: the summary, retention split by readiness, role-play level and decision, and every hire."""

    permission_classes = [OutcomesPermission]

    @extend_schema(operation_id="outcomes_cohort_retrieve", responses=OutcomesReportSerializer)
    def get(self, request, cohort_id: int):
        cohort = access_outcomes(request.user, cohort_id)
        return Response(OutcomesReportSerializer(selectors.cohort_outcomes(cohort=cohort)).data)


class RetentionView(APIView):
    """Record a committed hire's status 30, 60 or 90 days after the checkpoint decision."""

    permission_classes = [OutcomesPermission]

    @extend_schema(operation_id="outcomes_retention_record", request=RetentionRequestSerializer,
                   responses={200: RetentionCheckSerializer, 201: RetentionCheckSerializer})  # fmt: skip
    def post(self, request, enrollment_id: int):
        enrollment = access_retention(request.user, enrollment_id)
        incoming = RetentionRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        recorded = call_service(
            services.retention_record, enrollment=enrollment, milestone_days=int(data["days"]), status=data["status"],
            left_on=data["left_on"], note=data["note"], actor=request.user, source=Source.API,
        )  # fmt: skip
        changed = recorded.action != Action.UNCHANGED
        body = RetentionCheckSerializer({"check": recorded.check, "changed": changed}).data
        return Response(body, status=status.HTTP_201_CREATED if recorded.action == Action.NEW else status.HTTP_200_OK)
