"""Coaching API: validate, call one service, serialize. The same access rules as the web."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts import permissions
from coaching import second_marking, selectors, services, transfer
from coaching.access import (
    access_coachable_cohort,
    access_coachable_enrollment,
    access_dispute,
    access_gradable_attempt,
    access_moderation,
    access_own_feedback,
    access_second_mark,
)
from coaching.estimate_agreement import estimate_cohort_choice, estimate_report, estimate_scope
from coaching.models import CallReview, Channel, Dispute, Feedback, SecondMark
from coaching.uploads import parse_duration, parse_timestamp
from common.api import call_service
from courses import selectors as course_selectors
from courses.levels import LEVEL_MAX, LEVEL_MIN

CoachPermission = permissions.api_permission(permissions.can_grade)
HirePermission = permissions.api_permission(permissions.can_take_training)
SignedIn = permissions.api_permission(permissions.is_signed_in)
ModeratorPermission = permissions.api_permission(permissions.can_lead_grading_quality)


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hire = serializers.CharField(source="enrollment.hire.display_name")
    cohort = serializers.CharField(source="enrollment.cohort.name")
    scenario = serializers.CharField(source="scenario.title")
    week_number = serializers.IntegerField(source="scenario.week.number")
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    grading_due_at = serializers.DateTimeField()
    prescore_percent = serializers.IntegerField(allow_null=True)
    flagged = serializers.BooleanField(
        source="prescore_flagged", help_text="An integrity check asked for a coach's eye on one of the answers."
    )


class QueuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Attempts in the whole queue (not just this page).")
    next = serializers.URLField(allow_null=True, help_text="The next page (a `cursor` link), or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null on the first.")
    overdue = serializers.IntegerField(
        help_text="Attempts in the whole queue (not just this page) past their grading target."
    )
    second_marks = serializers.IntegerField(help_text="Held role-plays waiting for my blind second mark.")
    moderation = serializers.IntegerField(help_text="Second marks waiting for me to moderate (admins, lead coaches).")
    results = QueueItemSerializer(many=True)


QUEUE_FILTERS = ("cohort", "week", "scenario", "hire")


class QueueCursorPagination(BasePagination):
    """Cursor pages of the queue, oldest first: each page seeks from the row a cursor names (no OFFSET, so a
    late page costs what the first does), and the count is the queue counts' total, so the queue is counted once."""

    cursor_query_param = "cursor"
    page_size = api_settings.PAGE_SIZE

    def paginate(self, request, *, filters: selectors.QueueFilters) -> selectors.QueuePage:
        self.request = request
        self.page = call_service(
            selectors.grading_queue_cursor_page,
            field=self.cursor_query_param,
            user=request.user,
            filters=filters,
            cursor=request.query_params.get(self.cursor_query_param),
            per_page=self.page_size,
        )
        return self.page

    def _link(self, direction: str, token: str | None) -> str:
        url = self.request.build_absolute_uri()
        if token is None:  # a page emptied since its cursor was made: the way on is the first page
            return remove_query_param(url, self.cursor_query_param)
        cursor = selectors.queue_cursor(direction=direction, token=token)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data) -> Response:
        page, counts = self.page, self.page.counts
        return Response(
            {
                "count": counts.total,
                "next": self._link(selectors.AFTER, page.next_cursor) if page.has_next else None,
                "previous": self._link(selectors.BEFORE, page.previous_cursor) if page.has_previous else None,
                "overdue": counts.overdue,
                "second_marks": counts.second_marks,
                "moderation": counts.moderation,
                "results": data,
            }
        )


class QueueView(APIView):
    """Attempts awaiting a coach, oldest first. Filters: cohort, week, scenario, hire, flagged, estimate.
    Pages by cursor: follow `next` and `previous`; a cursor not taken from them is refused with a 400."""

    permission_classes = [CoachPermission]

    @extend_schema(
        responses=QueuePageSerializer,
        parameters=[
            *(OpenApiParameter(name, int, description=f"Only this {name} (id or number)") for name in QUEUE_FILTERS),
            OpenApiParameter("flagged", bool, description="Only answers that need a coach's eye (integrity flags)"),
            OpenApiParameter(
                "estimate", bool, description="Only attempts whose estimate is doubtful: flagged, or often overridden"
            ),
            OpenApiParameter(
                "cursor", str, description="Which page: the cursor in an earlier page's next or previous link"
            ),
        ],
    )
    def get(self, request):
        filters = selectors.QueueFilters.from_params(request.query_params)
        paginator = QueueCursorPagination()
        page = paginator.paginate(request, filters=filters)
        return paginator.get_paginated_response(QueueItemSerializer(page.object_list, many=True).data)


class GradeInputSerializer(serializers.Serializer):
    # Levels are checked by the service, so the web and the API refuse a bad one with the same words.
    levels = serializers.DictField(help_text=f"Criterion key → level {LEVEL_MIN}–{LEVEL_MAX}.")
    overall_comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnInputSerializer(serializers.Serializer):
    guidance = serializers.CharField()
    overall_comment = serializers.CharField(required=False, allow_blank=True, default="")


class CommentInputSerializer(serializers.Serializer):
    turn = serializers.IntegerField(min_value=1)
    body = serializers.CharField()


class GradeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    levels = serializers.DictField()
    percent = serializers.IntegerField(allow_null=True)
    overall_comment = serializers.CharField()
    guidance = serializers.CharField()
    released_at = serializers.DateTimeField(allow_null=True)
    coach = serializers.CharField(source="coach.display_name")
    rubric_version = serializers.IntegerField(source="rubric_version.number")


class GradingView(APIView):
    """One attempt as the grading screen shows it; opening it claims it for this coach. A grade held for a
    blind second mark is graded through its second mark: here it shows neither the grade, the comments
    nor the estimate (`second_mark` says where it stands)."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        attempt = access_gradable_attempt(request.user, pk)
        held = second_marking.open_second_mark(attempt=attempt)
        claim = services.attempt_open_for_grading(attempt=attempt, coach=request.user)
        context = selectors.grading_context(attempt=attempt, coach=request.user)
        return Response(
            {
                "id": attempt.pk,
                "state": attempt.state,
                "hire": attempt.enrollment.hire.display_name,
                "scenario": attempt.scenario.title,
                "held_by": claim.coach.display_name if claim else None,
                "second_mark": {"id": held.pk, "status": held.status} if held else None,
                "prescore": None if held else attempt.prescore,
                "criteria": [
                    {"key": c.key, "title": c.title, "weight": str(c.weight), "levels": c.level_descriptors}
                    for c in context["criteria"]
                ],
                "turns": [
                    {
                        "number": t.number,
                        "customer": t.customer_text,
                        "answer": t.answer,
                        "seconds_spent": t.seconds_spent,
                        "prescore": None if held else t.prescore,
                        "comments": []
                        if held
                        else [{"coach": c.coach.display_name, "body": c.body} for c in t.coach_comments.all()],
                    }
                    for t in context["turns"]
                ],
                "grade": GradeSerializer(context["grade"]).data if context["grade"] and not held else None,
            }
        )


class GradeReleaseView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=GradeInputSerializer, responses=GradeSerializer)
    def post(self, request, pk: int):
        attempt = access_gradable_attempt(request.user, pk)
        incoming = GradeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        grade = call_service(services.grade_release, attempt=attempt, coach=request.user, **incoming.validated_data)
        return Response(GradeSerializer(grade).data)


class ReturnView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=ReturnInputSerializer, responses=GradeSerializer)
    def post(self, request, pk: int):
        attempt = access_gradable_attempt(request.user, pk)
        incoming = ReturnInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        grade = call_service(services.attempt_return, attempt=attempt, coach=request.user, **incoming.validated_data)
        return Response(GradeSerializer(grade).data)


class CommentView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=CommentInputSerializer, responses={201: None})
    def post(self, request, pk: int):
        attempt = access_gradable_attempt(request.user, pk)
        incoming = CommentInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        turn = attempt.turns.filter(number=incoming.validated_data["turn"]).first()
        if turn is None:
            raise NotFound("No such answer in this attempt.")
        comment = call_service(
            services.answer_comment_add, turn=turn, coach=request.user, body=incoming.validated_data["body"]
        )
        return Response({"id": comment.pk, "turn": turn.number, "body": comment.body}, status=status.HTTP_201_CREATED)


class CallReviewSerializer(serializers.ModelSerializer):
    notes = serializers.SerializerMethodField()
    recording_url = serializers.SerializerMethodField()
    practice_lessons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    practice_scenarios = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CallReview
        fields = [
            "id",
            "kind",
            "call_at",
            "call_reference",
            "channel",
            "duration_seconds",
            "reason",
            "transcript",
            "levels",
            "percent",
            "strengths",
            "to_work_on",
            "notes",
            "recording_url",
            "practice_lessons",
            "practice_scenarios",
        ]

    def get_notes(self, review) -> list[dict]:
        return [{"at_seconds": n.at_seconds, "body": n.body} for n in review.notes.all()]

    def get_recording_url(self, review) -> str | None:
        from django.urls import reverse

        if not review.recording:
            return None
        return self.context["request"].build_absolute_uri(reverse("coaching:recording", args=[review.pk]))


class CallReviewInputSerializer(serializers.Serializer):
    call_at = serializers.DateTimeField()
    call_reference = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(choices=Channel.choices)
    duration = serializers.CharField(
        help_text='As people write it: "7:30", "1:02:15", "450" (seconds), "7 min", '
        '"90 seconds", "1h 2m", "seven minutes"'
    )
    reason = serializers.CharField(max_length=300)
    levels = serializers.JSONField(
        help_text=f"Criterion key → level {LEVEL_MIN}–{LEVEL_MAX} (a JSON object; in multipart, a JSON string)"
    )
    notes = serializers.JSONField(required=False, default=list, help_text='[["02:13", "lovely connection"], …]')
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    to_work_on = serializers.CharField(required=False, allow_blank=True, default="")
    transcript = serializers.CharField(required=False, allow_blank=True, default="")
    transcript_file = serializers.FileField(required=False, default=None)
    recording = serializers.FileField(required=False, default=None)
    practice_lessons = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    practice_scenarios = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def validate_duration(self, value: str) -> int:
        return parse_duration(value)

    def validate_notes(self, value) -> list[tuple[int, str]]:
        if not isinstance(value, list) or not all(isinstance(n, list | tuple) and len(n) == 2 for n in value):
            raise serializers.ValidationError('Give notes as [["02:13", "what happened"], …].')
        return [(parse_timestamp(str(at)), str(body)) for at, body in value]

    def validate_levels(self, value) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError(f"Give levels as an object: criterion key → {LEVEL_MIN}–{LEVEL_MAX}.")
        return value


class CallReviewsView(APIView):
    """A hire's call reviews (GET), or record a new one (POST, JSON or multipart with files)."""

    permission_classes = [CoachPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=CallReviewSerializer(many=True))
    def get(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        reviews = enrollment.call_reviews.prefetch_related("notes", "practice_lessons", "practice_scenarios")
        return Response(CallReviewSerializer(reviews, many=True, context={"request": request}).data)

    @extend_schema(request=CallReviewInputSerializer, responses={201: CallReviewSerializer})
    def post(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        incoming = CallReviewInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        curriculum = enrollment.cohort.curriculum
        review = call_service(
            services.call_review_create,
            enrollment=enrollment,
            coach=request.user,
            rubric_version=selectors.call_review_rubric(curriculum=curriculum),
            duration_seconds=data.pop("duration"),
            lessons=list(curriculum.lessons.filter(pk__in=data.pop("practice_lessons"))),
            scenarios=list(curriculum.scenarios.filter(pk__in=data.pop("practice_scenarios"))),
            **data,
        )
        return Response(CallReviewSerializer(review, context={"request": request}).data, status=status.HTTP_201_CREATED)


class NestingObservationInputSerializer(serializers.Serializer):
    levels = serializers.JSONField(help_text=f"Criterion key → level {LEVEL_MIN}–{LEVEL_MAX}, every criterion")
    moments = serializers.JSONField(
        required=False, default=list,
        help_text=f'At most {services.MAX_OBSERVATION_MOMENTS}: [{{"text": "lovely connection over the dog", '
        '"at": "02:13"}}, …]; "at" (minutes:seconds into the call) is optional',
    )  # fmt: skip
    to_work_on = serializers.CharField(help_text="One thing to try on the next call", allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    call_at = serializers.DateTimeField(required=False, default=None, help_text="Empty: the call has just ended")

    def validate_levels(self, value) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError(f"Give levels as an object: criterion key → {LEVEL_MIN}–{LEVEL_MAX}.")
        return value

    def validate_moments(self, value) -> list[tuple[int | None, str]]:
        if not isinstance(value, list) or not all(isinstance(m, dict) and isinstance(m.get("text"), str)
                                                  for m in value):  # fmt: skip
            raise serializers.ValidationError('Give moments as [{"text": "what happened", "at": "02:13"}, …].')
        return [(parse_timestamp(str(m["at"])) if m.get("at") not in (None, "") else None, m["text"]) for m in value]


class NestingObservationsView(APIView):
    """Observe a live call beside the hire (POST): levels, up to three moments, one thing to try next.
    It lands on the hire's timeline as a nesting observation and the hire is told."""

    permission_classes = [CoachPermission]

    @extend_schema(request=NestingObservationInputSerializer, responses={201: CallReviewSerializer})
    def post(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        incoming = NestingObservationInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        observation = call_service(
            services.call_review_create,
            enrollment=enrollment,
            coach=request.user,
            rubric_version=selectors.call_review_rubric(curriculum=enrollment.cohort.curriculum),
            kind=CallReview.Kind.NESTING_OBSERVATION,
            notes=data.pop("moments"),
            **data,
        )
        body = CallReviewSerializer(observation, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TransferPointSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    practice = serializers.FloatField(allow_null=True, help_text="Mean of the latest role-play levels up to then")
    real = serializers.FloatField(allow_null=True, help_text="Mean of the latest real-call levels up to then")
    gap = serializers.FloatField(allow_null=True, help_text="real − practice")


class RoundedTransferLevels:
    """Practice level, real-call level and gap, to two decimals, for the transfer serializers."""

    def get_practice_level(self, row) -> float | None:
        return transfer.rounded(row.practice_level)

    def get_real_level(self, row) -> float | None:
        return transfer.rounded(row.real_level)

    def get_gap(self, row) -> float | None:
        return transfer.rounded(row.gap)


class TransferCriterionSerializer(RoundedTransferLevels, serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    role_plays = serializers.SerializerMethodField(help_text="Released role-play grades scoring this criterion")
    real_calls = serializers.SerializerMethodField(help_text="Call reviews and nesting observations scoring it")
    practice_level = serializers.SerializerMethodField()
    real_level = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField(help_text="real − practice over the latest scores of each")
    direction = serializers.CharField(help_text="The gap's trend: rising (closing), falling (widening), steady…")
    points = TransferPointSerializer(many=True)

    def get_role_plays(self, row) -> int:
        return len(row.practice)

    def get_real_calls(self, row) -> int:
        return len(row.real)


class HireTransferSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    hire = serializers.CharField(source="enrollment.hire.display_name")
    window = serializers.SerializerMethodField()
    criteria = TransferCriterionSerializer(many=True)

    def get_window(self, _) -> int:
        return transfer.WINDOW


class HireTransferView(APIView):
    """A hire's transfer: per criterion, the role-play level (released grades) against the real-call level
    (call reviews and nesting observations), the gap and its trend."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=HireTransferSerializer)
    def get(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        return Response(HireTransferSerializer(transfer.transfer_for(enrollment=enrollment)).data)


class CohortTransferCriterionSerializer(RoundedTransferLevels, serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    hires = serializers.IntegerField(help_text="Hires with both role-play and real-call levels")
    practice_level = serializers.SerializerMethodField()
    real_level = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField(help_text="Mean gap (real − practice) over those hires")
    closing = serializers.IntegerField()
    widening = serializers.IntegerField()
    steady = serializers.IntegerField()


class CohortTransferSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(source="cohort.pk")
    hires_with_both = serializers.IntegerField()
    criteria = CohortTransferCriterionSerializer(many=True)


class CohortTransferView(APIView):
    """How far real calls lag practice in a cohort, per criterion, for its coaches and admins."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=CohortTransferSerializer)
    def get(self, request, cohort_id: int):
        cohort = access_coachable_cohort(request.user, cohort_id)
        return Response(CohortTransferSerializer(transfer.transfer_for_cohort(cohort=cohort)).data)


class FeedbackSerializer(serializers.ModelSerializer):
    coach = serializers.CharField(source="coach.display_name")
    scenario = serializers.CharField(source="grade.attempt.scenario.title", default=None, allow_null=True)
    grade = GradeSerializer(allow_null=True)
    call_review = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    replies = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "id",
            "kind",
            "coach",
            "released_at",
            "acknowledged_at",
            "scenario",
            "grade",
            "call_review",
            "replies",
        ]

    def get_replies(self, feedback) -> list[dict]:
        return [{"author": r.author.display_name, "body": r.body, "at": r.created_at} for r in feedback.replies.all()]


class MyFeedbackView(APIView):
    """My coaching timeline, newest first."""

    permission_classes = [HirePermission]

    @extend_schema(responses=FeedbackSerializer(many=True))
    def get(self, request):
        # Feedback stays readable after training ends, as on the web.
        enrollment = course_selectors.enrollment_current(hire=request.user) or course_selectors.enrollment_latest(
            hire=request.user
        )
        if enrollment is None:
            raise NotFound("You are not in a cohort yet.")
        entries = selectors.feedback_entries(enrollment=enrollment)
        return Response(FeedbackSerializer(entries, many=True).data)


class HireFeedbackView(APIView):
    """A hire's coaching timeline, for their coaches."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=FeedbackSerializer(many=True))
    def get(self, request, enrollment_id: int):
        enrollment = access_coachable_enrollment(request.user, enrollment_id)
        return Response(FeedbackSerializer(selectors.feedback_entries(enrollment=enrollment), many=True).data)


class AcknowledgeView(APIView):
    permission_classes = [HirePermission]

    @extend_schema(request=None, responses=FeedbackSerializer)
    def post(self, request, pk: int):
        feedback = access_own_feedback(request.user, pk)
        feedback = call_service(services.feedback_acknowledge, feedback=feedback, hire=request.user)
        return Response(FeedbackSerializer(feedback).data)


class BodySerializer(serializers.Serializer):
    body = serializers.CharField()


class ReplyView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=BodySerializer, responses={201: None})
    def post(self, request, pk: int):
        feedback = access_own_feedback(request.user, pk)
        incoming = BodySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reply = call_service(
            services.feedback_reply, feedback=feedback, author=request.user, body=incoming.validated_data["body"]
        )
        return Response({"id": reply.pk, "body": reply.body}, status=status.HTTP_201_CREATED)


class DisputeInputSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    reason = serializers.CharField()


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = [
            "id",
            "criterion_key",
            "level_disputed",
            "reason",
            "status",
            "new_level",
            "answer",
            "created_at",
            "resolved_at",
        ]


class DisputeOpenView(APIView):
    permission_classes = [HirePermission]

    @extend_schema(request=DisputeInputSerializer, responses={201: DisputeSerializer})
    def post(self, request, pk: int):
        feedback = access_own_feedback(request.user, pk)
        if feedback.grade is None:
            raise NotFound("Only a role-play grade can be disputed.")
        incoming = DisputeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        dispute = call_service(
            services.dispute_open,
            grade=feedback.grade,
            hire=request.user,
            criterion_key=incoming.validated_data["criterion"],
            reason=incoming.validated_data["reason"],
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


class ResolveInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField()
    new_level = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=f"{LEVEL_MIN}–{LEVEL_MAX}, when accepting"
    )


class DisputeResolveView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=ResolveInputSerializer, responses=DisputeSerializer)
    def post(self, request, pk: int):
        dispute = access_dispute(request.user, pk)
        incoming = ResolveInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        dispute = call_service(services.dispute_resolve, dispute=dispute, coach=request.user, **incoming.validated_data)
        return Response(DisputeSerializer(dispute).data)


# --- Blind second marking and moderation ----------------------------------------------------------------


SECOND_MARK_STATUSES = "One of: " + "; ".join(f"{value} ({label})" for value, label in SecondMark.Status.choices)


class SecondMarkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    attempt = serializers.IntegerField(source="attempt_id")
    hire = serializers.CharField(source="attempt.enrollment.hire.display_name")
    cohort = serializers.CharField(source="attempt.enrollment.cohort.name")
    scenario = serializers.CharField(source="attempt.scenario.title")
    week_number = serializers.IntegerField(source="attempt.scenario.week.number")
    status = serializers.CharField(help_text=SECOND_MARK_STATUSES)
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at")
    grading_due_at = serializers.DateTimeField(
        source="attempt.grading_due_at", help_text="The grading target: its clock keeps running while held."
    )
    drawn_at = serializers.DateTimeField()


class ModerationItemSerializer(SecondMarkItemSerializer):
    largest_gap = serializers.IntegerField(help_text="The largest gap between the two marks on any criterion.")


class SecondMarkPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SecondMarkItemSerializer(many=True)


class ModerationPageSerializer(SecondMarkPageSerializer):
    results = ModerationItemSerializer(many=True)


class SecondMarksView(APIView):
    """Held role-plays waiting for my blind second mark, oldest submission first."""

    permission_classes = [CoachPermission]

    @extend_schema(
        responses=SecondMarkPageSerializer,
        parameters=[OpenApiParameter("page", int)],
        operation_id="v1_coaching_second_marks_list",
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(second_marking.second_marks_waiting(user=request.user), request, view=self)
        return paginator.get_paginated_response(SecondMarkItemSerializer(page, many=True).data)


class ModerationListView(APIView):
    """Second marks two levels apart or more, waiting for me to moderate (admins and lead coaches)."""

    permission_classes = [ModeratorPermission]

    @extend_schema(
        responses=ModerationPageSerializer,
        parameters=[OpenApiParameter("page", int)],
        operation_id="v1_coaching_moderation_list",
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(second_marking.moderation_waiting(user=request.user), request, view=self)
        return paginator.get_paginated_response(ModerationItemSerializer(page, many=True).data)


class SecondMarkInputSerializer(serializers.Serializer):
    levels = serializers.DictField(help_text=f"Criterion key → level {LEVEL_MIN}–{LEVEL_MAX}.")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="For the moderator.")


class ModerateInputSerializer(serializers.Serializer):
    levels = serializers.DictField(help_text=f"The released grade: criterion key → level {LEVEL_MIN}–{LEVEL_MAX}.")
    note = serializers.CharField(help_text="Why these levels; kept with both marks.")


class SecondMarkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text=SECOND_MARK_STATUSES)
    largest_gap = serializers.IntegerField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


SECOND_MARK_CONFLICTS = ("already_second_marked", "already_moderated", "not_in_moderation")


def _criteria(attempt) -> list[dict]:
    return [
        {"key": c.key, "title": c.title, "weight": str(c.weight), "levels": c.level_descriptors}
        for c in attempt.rubric_version.criteria.all()
    ]


class SecondMarkView(APIView):
    """A held role-play to grade blind (GET: the conversation and the rubric, nothing of the first grade,
    its comments or the estimate), and the second mark itself (POST)."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        found = access_second_mark(request.user, pk)
        context = second_marking.blind_context(second_mark=found)
        attempt = context["attempt"]
        return Response(
            {
                "id": found.pk,
                "status": found.status,
                "attempt": attempt.pk,
                "hire": attempt.enrollment.hire.display_name,
                "scenario": attempt.scenario.title,
                "submitted_at": attempt.submitted_at,
                "grading_due_at": attempt.grading_due_at,
                "criteria": _criteria(attempt),
                "turns": [
                    {
                        "number": t.number,
                        "customer": t.customer_text,
                        "answer": t.answer,
                        "seconds_spent": t.seconds_spent,
                        "flags": [f.get("title") for f in t.flags],
                    }
                    for t in context["turns"]
                ],
            }
        )

    @extend_schema(request=SecondMarkInputSerializer, responses=SecondMarkResultSerializer)
    def post(self, request, pk: int):
        found = access_second_mark(request.user, pk)
        incoming = SecondMarkInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        done = call_service(
            second_marking.second_mark_submit, conflict_codes=SECOND_MARK_CONFLICTS, second_mark=found,
            coach=request.user, **incoming.validated_data,
        )  # fmt: skip
        return Response(SecondMarkResultSerializer(done).data)


class ModerationView(APIView):
    """A second mark to moderate (GET: both marks, the gap per criterion and the estimate; while it still
    awaits its blind second mark, only its status), and the moderated grade (POST)."""

    permission_classes = [ModeratorPermission]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        found = access_moderation(request.user, pk)
        body = {"id": found.pk, "status": found.status, "attempt": found.attempt_id}
        if found.status != SecondMark.Status.AWAITING_SECOND:  # so that a moderator may still mark it blind
            context = second_marking.moderation_context(second_mark=found)
            body.update(
                first_coach=found.first_coach.display_name,
                second_coach=found.second_coach.display_name,
                largest_gap=found.largest_gap,
                first_overall_comment=found.first_overall_comment,
                second_note=found.second_note,
                moderation_note=found.moderation_note,
                criteria=[
                    {
                        "key": r.key,
                        "title": r.title,
                        "first": r.first,
                        "second": r.second,
                        "gap": r.gap,
                        "estimate": r.estimate,
                    }
                    for r in context["rows"]
                ],
            )
        return Response(body)

    @extend_schema(request=ModerateInputSerializer, responses=SecondMarkResultSerializer)
    def post(self, request, pk: int):
        found = access_moderation(request.user, pk)
        incoming = ModerateInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        done = call_service(
            second_marking.second_mark_moderate, conflict_codes=SECOND_MARK_CONFLICTS, second_mark=found,
            moderator=request.user, **incoming.validated_data,
        )  # fmt: skip
        return Response(SecondMarkResultSerializer(done).data)


class EstimateCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    n = serializers.IntegerField(help_text="Released grades where both the estimate and the coach gave this criterion")
    qwk = serializers.FloatField(allow_null=True, help_text="Quadratic-weighted kappa: 1 perfect, 0 chance")
    exact = serializers.FloatField(allow_null=True, help_text="Share of exact matches")
    override_rate = serializers.FloatField(allow_null=True, help_text="Share where the coach released another level")


class EstimateFiguresSerializer(serializers.Serializer):
    label = serializers.CharField()
    grades = serializers.IntegerField()
    override_rate = serializers.FloatField(allow_null=True, help_text="Share of grades changing any estimated level")
    criteria = EstimateCriterionSerializer(many=True)


class EstimateTrendSerializer(serializers.Serializer):
    week_ending = serializers.DateField()
    qwk = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="Criterion key → kappa")


class EstimateReportSerializer(serializers.Serializer):
    window = serializers.IntegerField(help_text="How many of the most recent released grades each figure covers")
    overall = EstimateFiguresSerializer()
    by_cohort = EstimateFiguresSerializer(many=True)
    by_scorer = EstimateFiguresSerializer(many=True)
    trend = EstimateTrendSerializer(many=True)


class EstimateAgreementView(APIView):
    """The automatic estimate against coaches' released grades, per criterion: overall, per cohort and per
    scorer version, with a weekly trend. Admins see every cohort, lead coaches their own."""

    permission_classes = [permissions.api_permission(permissions.can_lead_grading_quality)]

    @extend_schema(
        responses=EstimateReportSerializer,
        parameters=[OpenApiParameter("cohort", int, description="Only this cohort")],
    )
    def get(self, request):
        cohorts, chosen = estimate_cohort_choice(user=request.user, chosen=request.query_params.get("cohort", ""))
        report = estimate_report(cohort_ids=estimate_scope(request.user, chosen, cohorts))
        return Response(EstimateReportSerializer(report).data)
