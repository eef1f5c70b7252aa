"""Checkpoint API: validate, call one service, serialize. The same access rules as the web."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from checkpoint import access, selectors, services
from checkpoint.exports import payroll_csv
from checkpoint.models import Choice, Decision
from common.api import call_service
from common.csv_export import csv_response
from common.numbers import number_or_none

HirePermission = permissions.api_permission(permissions.can_take_training)
AdminPermission = permissions.api_permission(permissions.can_manage_cohorts)
FollowPermission = permissions.api_permission(permissions.can_follow_cohorts)
CONFLICTS = ("already_decided", "already_annulled", "deadline_passed", "closed", "offer_text_changed")
PAY_FIELDS = ("offer_amount", "currency")
PAY_HELP = "Only for admins and the hire themselves: left out of what a coach reads."


class PayPrivateMixin:
    """Leaves the pay fields out unless the request's user may see this hire's pay
    (accounts.permissions.can_see_pay): a coach reads the decision and the deadline, not the amount."""

    def enrollment_of(self, instance):
        raise NotImplementedError

    def to_representation(self, instance):
        data = super().to_representation(instance)
        viewer = getattr(self.context.get("request"), "user", None)
        if not permissions.can_see_pay(viewer, self.enrollment_of(instance)):
            for name in PAY_FIELDS:
                data.pop(name, None)
        return data


class CertificateSerializer(serializers.Serializer):
    code = serializers.CharField()
    issued_on = serializers.DateField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    verification_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()

    def get_verification_url(self, certificate) -> str:
        return reverse("checkpoint:certificate", args=[certificate.code])

    def get_image_url(self, certificate) -> str:
        return reverse("checkpoint:certificate_image", args=[certificate.code])


class DecisionSerializer(PayPrivateMixin, serializers.Serializer):
    id = serializers.IntegerField()
    choice = serializers.ChoiceField(choices=Choice.choices)
    reflection = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_by = serializers.CharField()
    on_behalf_reason = serializers.CharField()
    offer_text_version = serializers.IntegerField(source="offer_text.version")
    offer_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, required=False, help_text=PAY_HELP
    )
    currency = serializers.CharField(required=False, help_text=PAY_HELP)
    annulled_at = serializers.DateTimeField(allow_null=True)
    annul_reason = serializers.CharField()

    def enrollment_of(self, decision):
        return decision.checkpoint.enrollment


class OfferTextSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    body_html = serializers.CharField()


class CheckpointRowSerializer(PayPrivateMixin, serializers.Serializer):
    checkpoint_id = serializers.IntegerField(source="checkpoint.pk", allow_null=True, default=None)
    enrollment_id = serializers.IntegerField(source="enrollment.pk")
    hire = serializers.CharField(source="enrollment.hire.display_name")
    email = serializers.EmailField(source="enrollment.hire.email")
    state = serializers.CharField()
    opens_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    offer_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, required=False, help_text=PAY_HELP
    )
    currency = serializers.CharField(required=False, help_text=PAY_HELP)
    decision = DecisionSerializer(source="standing", allow_null=True)
    history = DecisionSerializer(many=True)
    certificate = CertificateSerializer(allow_null=True)

    def enrollment_of(self, row):
        return row.enrollment


class MissingItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="lesson, check or roleplay")
    id = serializers.IntegerField()
    week_number = serializers.IntegerField(source="week")
    title = serializers.CharField()
    url = serializers.CharField(help_text="The item's page.")


class CompletionSerializer(serializers.Serializer):
    """Whether the hire completed the training by the cohort's rule, and what is missing: what the page shows."""

    complete = serializers.BooleanField(source="met")
    summary = serializers.SerializerMethodField(help_text="Where the hire stands, in a sentence.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="What is missing, in plain words.")
    items_missing = MissingItemSerializer(many=True, help_text="The items neither done nor excused.")
    readiness_required = serializers.BooleanField()
    readiness_met = serializers.BooleanField()

    def get_summary(self, completion) -> str:
        if completion.met:
            ready = ", and you are ready" if completion.readiness_required else ""
            return f"Training complete: you have done (or been excused) everything your cohort asks{ready}."
        return "Not complete yet. Still missing: " + "; ".join(completion.missing) + "."


class MyCheckpointSerializer(CheckpointRowSerializer):
    offer_text = OfferTextSerializer(allow_null=True)
    completion = serializers.SerializerMethodField(
        help_text="While deciding and once committed, until the certificate is issued; otherwise null."
    )

    @extend_schema_field(CompletionSerializer(allow_null=True))
    def get_completion(self, row) -> dict | None:
        completion = selectors.completion_to_show(row)
        return None if completion is None else CompletionSerializer(completion).data


class MyCheckpointView(APIView):
    """The signed-in hire's checkpoint: state, window, offer and (once decided) the decision."""

    permission_classes = [HirePermission]

    @extend_schema(responses=MyCheckpointSerializer)
    def get(self, request):
        row = selectors.checkpoint_for_hire(hire=request.user)
        if row is None:
            raise NotFound("You are not enrolled in a cohort.")
        return Response(MyCheckpointSerializer(row, context={"request": request}).data)


class DecideSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)
    confirm = serializers.ChoiceField(
        choices=Choice.choices, help_text="The same choice again: the deliberate confirmation."
    )
    offer_text_version = serializers.IntegerField(min_value=1, help_text="The version of the offer text you read.")
    reflection = serializers.CharField(required=False, allow_blank=True, max_length=services.REFLECTION_MAX)


class DecideView(APIView):
    """Record the hire's decision, once. A second decision, or one after the deadline, is a 409."""

    permission_classes = [HirePermission]

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    def post(self, request):
        row = selectors.checkpoint_for_hire(hire=request.user)
        if row is None or row.checkpoint is None:
            raise NotFound("Your checkpoint is not open.")
        payload = DecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = call_service(
            services.checkpoint_decide, conflict_codes=CONFLICTS, hire=request.user,
            checkpoint_id=row.checkpoint.pk, **payload.validated_data,
        )  # fmt: skip
        return Response(DecisionSerializer(decision, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CohortCheckpointsSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(source="cohort.pk")
    counts = serializers.DictField(child=serializers.IntegerField())
    hires = CheckpointRowSerializer(source="rows", many=True)


class CohortCheckpointsView(APIView):
    """A cohort's checkpoints, with the outcome counts: admins, and the cohort's own coaches."""

    permission_classes = [FollowPermission]

    @extend_schema(responses=CohortCheckpointsSerializer)
    def get(self, request, cohort_id: int):
        cohort = access.access_cohort(request.user, cohort_id)
        overview = selectors.cohort_overview(cohort=cohort)
        return Response(CohortCheckpointsSerializer(overview, context={"request": request}).data)


class RecordSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)
    reason = serializers.CharField(max_length=services.REASON_MAX)


class RecordView(APIView):
    """Admins: record a hire's decision on their behalf, with a reason."""

    permission_classes = [AdminPermission]

    @extend_schema(request=RecordSerializer, responses={201: DecisionSerializer})
    def post(self, request, pk: int):
        checkpoint = access.access_checkpoint_to_manage(request.user, pk)
        payload = RecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = call_service(
            services.checkpoint_record_on_behalf, conflict_codes=CONFLICTS, actor=request.user,
            checkpoint_id=checkpoint.pk, **payload.validated_data,
        )  # fmt: skip
        return Response(DecisionSerializer(decision, context={"request": request}).data, status=status.HTTP_201_CREATED)


class OfferSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, allow_null=True)
    reason = serializers.CharField(max_length=services.REASON_MAX)


class OfferView(APIView):
    """Admins: set this hire's offer amount (null: back to the cohort's formula)."""

    permission_classes = [AdminPermission]

    @extend_schema(request=OfferSerializer, responses={200: CheckpointRowSerializer})
    def post(self, request, pk: int):
        checkpoint = access.access_checkpoint_to_manage(request.user, pk)
        payload = OfferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(services.checkpoint_offer_override, conflict_codes=CONFLICTS, actor=request.user,
                     checkpoint_id=checkpoint.pk, **payload.validated_data)  # fmt: skip
        row = selectors.checkpoint_row(checkpoint_id=checkpoint.pk)
        return Response(CheckpointRowSerializer(row, context={"request": request}).data)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


class AnnulView(APIView):
    """Admins: annul a standing decision (with a reason); the checkpoint reopens."""

    permission_classes = [AdminPermission]

    @extend_schema(request=ReasonSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        if not Decision.objects.filter(pk=pk).exists():
            raise NotFound
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checkpoint = call_service(services.decision_annul, conflict_codes=CONFLICTS, actor=request.user,
                                  decision_id=pk, **payload.validated_data)  # fmt: skip
        return Response({"checkpoint_id": checkpoint.pk, "deadline": checkpoint.deadline, "round": checkpoint.round})


class PayrollExportView(APIView):
    """Admins: the payroll CSV (name, email, amount, currency, decision time, cohort)."""

    permission_classes = [AdminPermission]

    @extend_schema(
        parameters=[OpenApiParameter("cohort", int, description="Only this cohort.")],
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR)},
    )
    def get(self, request):
        value = request.query_params.get("cohort", "")
        number = number_or_none(value)
        cohort = access.access_cohort(request.user, number) if number is not None else None
        return csv_response(payroll_csv(selectors.payroll_rows(cohort=cohort)), "payroll.csv")
