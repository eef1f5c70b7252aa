"""Cohort management API, for admins only: validate, call one service or selector, serialize."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions, throttles
from cohorts import selectors, services
from cohorts.access import access_cohort, access_cohort_coach, access_enrollment
from cohorts.imports import import_template
from common.api import call_service
from common.csv_export import csv_response
from common.numbers import AmountError, parse_salary
from courses.models import Cohort, Curriculum, Enrollment

AdminPermission = permissions.api_permission(permissions.can_manage_cohorts)


class AdminAPIView(APIView):
    permission_classes = [AdminPermission]


# --- Cohorts ------------------------------------------------------------------------------------------------


class CoachSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class CohortSerializer(serializers.ModelSerializer):
    hire_count = serializers.IntegerField(read_only=True)
    active_count = serializers.IntegerField(read_only=True)
    coach_count = serializers.IntegerField(read_only=True)
    curriculum = serializers.StringRelatedField()
    curriculum_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id", "name", "slug", "start_date", "time_zone", "curriculum", "curriculum_id", "grading_target_hours",
            "checkpoint_opens_on", "checkpoint_window_days", "offer_salary_months", "currency",
            "second_marking_percent", "archived_at",
            "hire_count", "active_count", "coach_count",
        ]  # fmt: skip


class CohortDetailSerializer(CohortSerializer):
    coaches = CoachSerializer(many=True, read_only=True)

    class Meta(CohortSerializer.Meta):
        fields = [*CohortSerializer.Meta.fields, "coaches"]


class CohortInputSerializer(serializers.ModelSerializer):
    curriculum = serializers.PrimaryKeyRelatedField(queryset=Curriculum.objects.all())

    class Meta:
        model = Cohort
        fields = list(services.COHORT_FIELDS)
        # Model validation runs in the service; here only the shape of the input is checked.
        extra_kwargs = {name: {"validators": []} for name in services.COHORT_FIELDS}


class CohortListView(generics.ListCreateAPIView):
    """Cohorts with head counts, newest first (`?archived=true` for the archive); POST creates one."""

    permission_classes = [AdminPermission]
    serializer_class = CohortSerializer

    def get_queryset(self):
        archived = self.request.query_params.get("archived") in {"1", "true"}
        return selectors.cohort_list(user=self.request.user, archived=archived)

    @extend_schema(request=CohortInputSerializer, responses={201: CohortDetailSerializer})
    def post(self, request):
        data = CohortInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = call_service(services.cohort_create, actor=request.user, **data.validated_data)
        detail = selectors.cohort_detail(user=request.user, pk=cohort.pk)  # with its head counts, like every reply
        return Response(CohortDetailSerializer(detail).data, status=status.HTTP_201_CREATED)


class CohortView(AdminAPIView):
    """One cohort with its coaches; PATCH changes its settings."""

    @extend_schema(responses=CohortDetailSerializer)
    def get(self, request, pk: int):
        return Response(CohortDetailSerializer(selectors.cohort_detail(user=request.user, pk=pk)).data)

    @extend_schema(request=CohortInputSerializer, responses=CohortDetailSerializer)
    def patch(self, request, pk: int):
        cohort = access_cohort(request.user, pk)
        data = CohortInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        call_service(services.cohort_update, cohort=cohort, actor=request.user, **data.validated_data)
        return Response(CohortDetailSerializer(selectors.cohort_detail(user=request.user, pk=pk)).data)


class CohortArchiveView(AdminAPIView):
    """POST archives the cohort (refused while hires are still training); DELETE takes it out of the archive."""

    @extend_schema(request=None, responses=CohortDetailSerializer)
    def post(self, request, pk: int):
        call_service(services.cohort_archive, cohort=access_cohort(request.user, pk), actor=request.user)
        return Response(CohortDetailSerializer(selectors.cohort_detail(user=request.user, pk=pk)).data)

    @extend_schema(request=None, responses=CohortDetailSerializer)
    def delete(self, request, pk: int):
        call_service(services.cohort_unarchive, cohort=access_cohort(request.user, pk), actor=request.user)
        return Response(CohortDetailSerializer(selectors.cohort_detail(user=request.user, pk=pk)).data)


class CoachInputSerializer(serializers.Serializer):
    coach = serializers.PrimaryKeyRelatedField(queryset=selectors.coaches_available())


class CohortCoachesView(AdminAPIView):
    """POST assigns a coach to the cohort (idempotent)."""

    @extend_schema(request=CoachInputSerializer, responses=CohortDetailSerializer)
    def post(self, request, pk: int):
        data = CoachInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = access_cohort(request.user, pk)
        call_service(
            services.cohort_coach_assign, cohort=cohort, coach=data.validated_data["coach"], actor=request.user
        )
        return Response(CohortDetailSerializer(selectors.cohort_detail(user=request.user, pk=pk)).data)


class CohortCoachView(AdminAPIView):
    """DELETE unassigns the coach from the cohort."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, coach_id: int):
        cohort, coach = access_cohort_coach(request.user, pk, coach_id)
        services.cohort_coach_unassign(cohort=cohort, coach=coach, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Enrollments ---------------------------------------------------------------------------------------------


class HireSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    time_zone = serializers.CharField()


class EnrollmentSerializer(serializers.ModelSerializer):
    hire = HireSerializer()
    cohort = serializers.PrimaryKeyRelatedField(read_only=True)
    invited = serializers.SerializerMethodField(help_text="True until the hire has chosen a password.")

    class Meta:
        model = Enrollment
        fields = ["id", "cohort", "hire", "status", "monthly_salary", "extension_days", "paused_on", "enrolled_at",
                  "invited"]  # fmt: skip

    def get_invited(self, enrollment) -> bool:
        return not enrollment.hire.has_usable_password()


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "example": "3200.50"}]})
class SalaryField(serializers.Field):
    """A monthly salary as a JSON number or as text, read by the same rules as an imported file
    (common.numbers.parse_salary): "3.100,50" is read, "3,100" (thousands or decimals?) is refused."""

    def to_internal_value(self, data):
        try:
            return parse_salary(data, currency=self.context.get("currency", ""))
        except AmountError as error:
            raise serializers.ValidationError(error.message[:1].upper() + error.message[1:]) from error

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


class EnrollmentInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=150)
    time_zone = serializers.CharField(max_length=64)
    monthly_salary = SalaryField(help_text="Monthly, in the cohort's currency: 3200 or 3200.50.")


class CohortEnrollmentsView(generics.ListAPIView):
    """The cohort's hires; POST enrols one (a new account is created and invited)."""

    permission_classes = [AdminPermission]
    serializer_class = EnrollmentSerializer

    def get_queryset(self):
        return selectors.cohort_enrollments(cohort=access_cohort(self.request.user, self.kwargs["pk"]))

    @extend_schema(request=EnrollmentInputSerializer, responses={201: EnrollmentSerializer})
    def post(self, request, pk: int):
        cohort = access_cohort(request.user, pk)
        data = EnrollmentInputSerializer(data=request.data, context={"currency": cohort.currency})
        data.is_valid(raise_exception=True)
        enrollment = call_service(services.enrollment_add, cohort=cohort, actor=request.user, **data.validated_data)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentView(AdminAPIView):
    @extend_schema(responses=EnrollmentSerializer)
    def get(self, request, pk: int):
        return Response(EnrollmentSerializer(access_enrollment(request.user, pk)).data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class MoveInputSerializer(NoteSerializer):
    cohort = serializers.PrimaryKeyRelatedField(queryset=Cohort.objects.all())


class EnrollmentMoveView(AdminAPIView):
    """Move the hire, with all their work, to another cohort on the same curriculum version."""

    @extend_schema(request=MoveInputSerializer, responses=EnrollmentSerializer)
    def post(self, request, pk: int):
        data = MoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = access_enrollment(request.user, pk)
        enrollment = call_service(services.enrollment_move, enrollment=enrollment, actor=request.user,
                                  **data.validated_data)  # fmt: skip
        return Response(EnrollmentSerializer(access_enrollment(request.user, enrollment.pk)).data)


def _state_change(service, description: str) -> type[AdminAPIView]:
    class StateChangeView(AdminAPIView):
        @extend_schema(request=NoteSerializer, responses=EnrollmentSerializer, description=description)
        def post(self, request, pk: int):
            data = NoteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            call_service(service, enrollment=access_enrollment(request.user, pk), actor=request.user, conflict_codes=(),
                         **data.validated_data)  # fmt: skip
            return Response(EnrollmentSerializer(access_enrollment(request.user, pk)).data)

    StateChangeView.__name__ = StateChangeView.__qualname__ = f"Enrollment{service.__name__.title()}View"
    return StateChangeView


class EnrollmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why; kept in the hire's history.")


def _change_with_reason(service, description: str) -> type[AdminAPIView]:
    class ReasonedChangeView(AdminAPIView):
        @extend_schema(request=EnrollmentReasonSerializer, responses=EnrollmentSerializer, description=description)
        def post(self, request, pk: int):
            data = EnrollmentReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            call_service(
                service, enrollment=access_enrollment(request.user, pk), actor=request.user, **data.validated_data
            )
            return Response(EnrollmentSerializer(access_enrollment(request.user, pk)).data)

    ReasonedChangeView.__name__ = ReasonedChangeView.__qualname__ = f"Enrollment{service.__name__.title()}View"
    return ReasonedChangeView


EnrollmentPauseView = _state_change(services.enrollment_pause, "Pause: nothing unlocks or falls overdue.")
EnrollmentResumeView = _state_change(services.enrollment_resume, "Resume: the days paused move the schedule.")
EnrollmentWithdrawView = _change_with_reason(
    services.enrollment_withdraw, "Withdraw: the hire leaves training. A reason is required."
)
EnrollmentReinstateView = _change_with_reason(
    services.enrollment_reinstate, "Reinstate a withdrawn hire: active again. A reason is required."
)


class EnrollmentSalaryInputSerializer(EnrollmentReasonSerializer):
    monthly_salary = SalaryField(help_text="Monthly, in the cohort's currency: 3200 or 3200.50.")


class EnrollmentSalaryView(AdminAPIView):
    """Change the hire's monthly salary (the cohort's currency); the history keeps old and new amounts."""

    @extend_schema(request=EnrollmentSalaryInputSerializer, responses=EnrollmentSerializer)
    def post(self, request, pk: int):
        data = EnrollmentSalaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = access_enrollment(request.user, pk)
        call_service(services.enrollment_salary_change, enrollment=enrollment, actor=request.user,
                     **data.validated_data)  # fmt: skip
        return Response(EnrollmentSerializer(access_enrollment(request.user, pk)).data)


class EnrollmentInvitationView(AdminAPIView):
    """Send the hire's invitation again (only while they have not chosen a password)."""

    @extend_schema(request=None, responses={202: None, 400: None, 429: None})
    def post(self, request, pk: int):
        enrollment = access_enrollment(request.user, pk)
        try:
            with throttles.invitation_resend_counted(email=enrollment.hire.email):
                call_service(services.hire_invite, enrollment=enrollment)
        except throttles.RateLimited as error:
            raise Throttled(wait=error.retry_after, detail=error.message) from error
        return Response(status=status.HTTP_202_ACCEPTED)


# --- Bulk import ---------------------------------------------------------------------------------------------------


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The spreadsheet's row number; the header is line 1.")
    email = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    salary = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    salary_display = serializers.CharField(help_text="The salary as it will be stored, with the currency.")
    coach = serializers.CharField(source="coach_email")
    action = serializers.CharField(help_text="create, enrol, exists or error")
    problems = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(source="report.ok", help_text="True when the file can be imported as it is.")
    problems = serializers.ListField(child=serializers.CharField(), source="report.problems",
                                     help_text="About the whole file.")  # fmt: skip
    conventions = serializers.CharField(source="report.conventions", help_text="How the file was read.")
    counts = serializers.DictField(child=serializers.IntegerField(), source="report.counts")
    valid_rows = serializers.IntegerField(source="importable_count", help_text="Rows that would create or enrol.")
    rows = ImportRowSerializer(many=True, source="report.rows")
    confirmation = serializers.CharField(
        allow_null=True,
        help_text="Send back to confirm (valid for an hour). Given when something can be imported: with problems "
        "in some rows, confirm with valid_only to import the others.",
    )


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportConfirmSerializer(serializers.Serializer):
    confirmation = serializers.CharField(required=False, help_text="From the dry run.")
    file = serializers.FileField(required=False, help_text="Or the file itself, checked again.")
    valid_only = serializers.BooleanField(
        required=False, default=False,
        help_text="Import the rows without problems and skip the others. By default any problem refuses the file.",
    )  # fmt: skip

    def validate(self, attrs):
        if not attrs.get("confirmation") and not attrs.get("file"):
            raise serializers.ValidationError("Send the confirmation from the dry run, or the file.")
        return attrs


class SkippedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())


class EnrollmentImportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="batch.id")
    cohort = serializers.IntegerField(source="batch.cohort_id")
    filename = serializers.CharField(source="batch.filename")
    sha256 = serializers.CharField(source="batch.sha256")
    row_count = serializers.IntegerField(source="batch.row_count")
    created_count = serializers.IntegerField(source="batch.created_count")
    enrolled_count = serializers.IntegerField(source="batch.enrolled_count")
    skipped_count = serializers.IntegerField(source="batch.skipped_count", help_text="Already in the cohort.")
    skipped = SkippedRowSerializer(many=True, help_text="Rows with problems left out (valid_only).")
    created_at = serializers.DateTimeField(source="batch.created_at")


class ImportPreviewView(AdminAPIView):
    """Dry run: what importing this CSV would do, row by row. Nothing is written."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportFileSerializer}, responses=ImportReportSerializer)
    def post(self, request, pk: int):
        data = ImportFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        preview = services.import_preview(
            cohort=access_cohort(request.user, pk), content=upload.read(), filename=upload.name
        )
        return Response(ImportReportSerializer(preview).data)


class ImportConfirmView(AdminAPIView):
    """Import: every row or none, or with valid_only the rows without problems. The file is checked again."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ImportConfirmSerializer, "application/json": ImportConfirmSerializer},
        responses={201: EnrollmentImportSerializer},
    )
    def post(self, request, pk: int):
        data = ImportConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        result = call_service(
            services.import_confirm, cohort=access_cohort(request.user, pk), actor=request.user,
            confirmation=data.validated_data.get("confirmation", ""), valid_only=data.validated_data["valid_only"],
            content=upload.read() if upload else None, filename=upload.name if upload else "",
        )  # fmt: skip
        return Response(EnrollmentImportSerializer(result).data, status=status.HTTP_201_CREATED)


class ImportTemplateView(AdminAPIView):
    """A CSV to fill in: the header row and one example hire."""

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request, pk: int):
        return csv_response(import_template(cohort=access_cohort(request.user, pk)), "hires-template.csv")


# --- Dashboard ----------------------------------------------------------------------------------------------------


class HireFiguresSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    email = serializers.EmailField(source="hire.email")
    name = serializers.CharField(source="hire.display_name")
    status = serializers.CharField(source="enrollment.status")
    current_week = serializers.IntegerField()
    weeks = serializers.SerializerMethodField(help_text="Per week: done, due, overdue or locked.")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    overdue = serializers.IntegerField()
    last_active = serializers.DateTimeField(allow_null=True)
    scored = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    trend = serializers.CharField(source="direction")
    averages = serializers.DictField(child=serializers.FloatField(allow_null=True))
    trends = serializers.DictField(source="directions", child=serializers.CharField())
    unacknowledged = serializers.IntegerField()
    at_risk = serializers.ListField(source="reasons", child=serializers.CharField())

    def get_weeks(self, standing) -> list[str]:
        return [cell.state for cell in standing.cells]


class HealthSerializer(serializers.Serializer):
    queue_size = serializers.IntegerField()
    overdue = serializers.IntegerField()
    oldest_submitted_at = serializers.DateTimeField(allow_null=True)
    median_hours_to_grade = serializers.FloatField(allow_null=True)
    graded = serializers.IntegerField()
    coaches = CoachSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(source="cohort.pk")
    generated_at = serializers.DateTimeField(source="now")
    current_week = serializers.IntegerField()
    weeks = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    hires = HireFiguresSerializer(many=True)
    coaching = HealthSerializer(source="health")
    checkpoint = serializers.SerializerMethodField()

    def get_weeks(self, dashboard) -> list[dict]:
        return [{"number": number, "title": title, **counts}
                for (number, title), counts in zip(dashboard.weeks, dashboard.week_counts, strict=True)]  # fmt: skip

    def get_criteria(self, dashboard) -> list[dict]:
        return [
            {"key": key, "title": title, "average": dashboard.criterion_averages.get(key),
             "by_week": [{"week": p.label, "average": p.level} for p in dashboard.trend.get(title, [])]}
            for key, title in dashboard.criteria
        ]  # fmt: skip

    def get_checkpoint(self, dashboard) -> dict[str, int]:
        return dashboard.checkpoint_counts


class DashboardView(AdminAPIView):
    """The cohort dashboard's figures: progress per hire and week, scores, who is at risk, coaching, checkpoint."""

    @extend_schema(responses=DashboardSerializer)
    def get(self, request, pk: int):
        return Response(DashboardSerializer(selectors.cohort_dashboard(cohort=access_cohort(request.user, pk))).data)
