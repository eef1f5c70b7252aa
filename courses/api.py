"""Training API. Each view: validate, call one service or selector, serialize.

Access goes through courses.access, the same helpers as the web pages, so a locked
week is 403 and another curriculum's content 404 here too.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.api import call_service
from courses import moments, selectors, services
from courses.access import (
    WeekLocked,
    access_attempt,
    access_enrollment,
    access_knowledge_check,
    access_lesson,
    access_scenario,
    access_scorer_version,
    access_week,
)
from courses.services.scorer_versions import scorer_version_activate

TrainingPermission = permissions.api_permission(permissions.can_take_training)


@extend_schema_field(OpenApiTypes.STR)
class DueLabelField(serializers.Field):
    """The due moment as the reader says it ("was due yesterday, end of day"), in their own zone:
    the same phrase as the pages and emails (courses/moments.py). Reads "request" and "now" from the context."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        request = self.context.get("request")
        zone = request.user.time_zone if request is not None and request.user.is_authenticated else None
        return moments.due_phrase(value.due_at, zone, self.context.get("now"))


# --- A hire's training -------------------------------------------------------------------


class ItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    week_number = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    due_at = serializers.DateTimeField()
    due_label = DueLabelField()
    status = serializers.SerializerMethodField()
    done = serializers.BooleanField()
    estimated_minutes = serializers.IntegerField(source="minutes")
    best_score = serializers.IntegerField(allow_null=True)
    attempts = serializers.IntegerField()

    def get_status(self, item) -> str:
        """done | overdue | due | locked"""
        return item.status(self.context.get("now") or timezone.now())


class WeekSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    goals = serializers.ListField(child=serializers.CharField())
    unlocks_at = serializers.DateTimeField()
    unlocked = serializers.BooleanField()
    percent = serializers.IntegerField()
    items = serializers.SerializerMethodField()

    def get_items(self, week) -> list[dict]:
        # A locked week is listed with its unlock date, not its content.
        return ItemSerializer(week.items, many=True, context=self.context).data if week.unlocked else []


class ProgressSerializer(serializers.Serializer):
    cohort = serializers.CharField(source="enrollment.cohort.name")
    curriculum = serializers.CharField(source="enrollment.cohort.curriculum")
    status = serializers.CharField(source="enrollment.status")
    current_week = serializers.IntegerField()
    percent = serializers.IntegerField()
    done_count = serializers.IntegerField()
    total_count = serializers.IntegerField()
    days_until_checkpoint = serializers.IntegerField()
    next_up = ItemSerializer(allow_null=True)
    overdue = ItemSerializer(many=True)
    due_soon = ItemSerializer(many=True)
    weeks = WeekSerializer(many=True)


class LessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    week_number = serializers.IntegerField(source="week.number")
    title = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    body_html = serializers.CharField()
    video_url = serializers.CharField()
    image_url = serializers.SerializerMethodField()
    image_alt = serializers.CharField()

    def get_image_url(self, lesson) -> str | None:
        return self.context["request"].build_absolute_uri(lesson.image.url) if lesson.image else None


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = serializers.CharField()
    kind = serializers.CharField()
    choices = ChoiceSerializer(many=True, source="choices.all")


class KnowledgeCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    week_number = serializers.IntegerField(source="week.number")
    pass_mark = serializers.IntegerField()
    max_attempts = serializers.IntegerField(allow_null=True)
    questions = serializers.SerializerMethodField()

    def get_questions(self, check) -> list[dict]:
        return QuestionSerializer(selectors.check_questions(knowledge_check=check), many=True).data


class CheckSubmissionSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), allow_empty=False),
        help_text="Question id → the chosen choice ids.",
    )


class CheckAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    score = serializers.IntegerField()
    passed = serializers.BooleanField()
    correct_count = serializers.IntegerField()
    question_count = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    best_score = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True)


class TrainingAPIView(APIView):
    permission_classes = [TrainingPermission]

    def handle_exception(self, exc):
        if isinstance(exc, WeekLocked):
            exc = ApiPermissionDenied(
                {"detail": f"Week {exc.week_number} is not open yet.", "unlocks_at": exc.unlocks_at.isoformat()}
            )
        return super().handle_exception(exc)


class ProgressView(TrainingAPIView):
    """My progress: the whole six weeks, with what is next, overdue and due soon."""

    @extend_schema(responses=ProgressSerializer)
    def get(self, request):
        overview = selectors.training_overview(enrollment=access_enrollment(request.user))
        return Response(ProgressSerializer(overview, context={"request": request, "now": overview.now}).data)


class WeekView(TrainingAPIView):
    @extend_schema(responses=WeekSerializer)
    def get(self, request, number: int):
        enrollment, week, _ = access_week(request.user, number)
        overview = selectors.training_overview(enrollment=enrollment)
        context = {"request": request, "now": overview.now}
        return Response(WeekSerializer(overview.week(week.number), context=context).data)


class LessonView(TrainingAPIView):
    @extend_schema(responses=LessonSerializer)
    def get(self, request, pk: int):
        _, lesson, _ = access_lesson(request.user, lesson_id=pk)
        return Response(LessonSerializer(lesson, context={"request": request}).data)


class LessonCompletionView(TrainingAPIView):
    """PUT marks the lesson complete (idempotent); DELETE marks it not done."""

    @extend_schema(request=None, responses={200: None})
    def put(self, request, pk: int):
        enrollment, lesson, _ = access_lesson(request.user, lesson_id=pk)
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        return Response({"lesson": lesson.pk, "completed": True})

    @extend_schema(request=None, responses={200: None})
    def delete(self, request, pk: int):
        enrollment, lesson, _ = access_lesson(request.user, lesson_id=pk)
        services.lesson_uncomplete(enrollment=enrollment, lesson=lesson)
        return Response({"lesson": lesson.pk, "completed": False})


class KnowledgeCheckView(TrainingAPIView):
    @extend_schema(responses=KnowledgeCheckSerializer)
    def get(self, request, pk: int):
        _, check, _ = access_knowledge_check(request.user, check_id=pk)
        return Response(KnowledgeCheckSerializer(check).data)


class KnowledgeCheckAttemptsView(TrainingAPIView):
    @extend_schema(request=CheckSubmissionSerializer, responses={201: CheckAttemptSerializer})
    def post(self, request, pk: int):
        enrollment, check, _ = access_knowledge_check(request.user, check_id=pk)
        submission = CheckSubmissionSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        attempt = call_service(
            services.check_attempt_submit,
            field="answers",
            enrollment=enrollment,
            knowledge_check=check,
            answers=submission.validated_data["answers"],
        )
        standing = selectors.check_standing(enrollment=enrollment, knowledge_check=check)
        attempt.best_score = standing.best_score
        attempt.attempts_left = standing.attempts_left
        return Response(CheckAttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


# --- Role-plays ------------------------------------------------------------------------------


class ScenarioSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="scenario.id")
    slug = serializers.CharField(source="scenario.slug")
    title = serializers.CharField(source="scenario.title")
    week_number = serializers.IntegerField(source="scenario.week.number")
    mode = serializers.CharField(source="scenario.mode")
    unlocked = serializers.BooleanField()
    due_at = serializers.DateTimeField()
    due_label = DueLabelField()
    status = serializers.CharField()
    attempts_used = serializers.SerializerMethodField()
    attempts_left = serializers.IntegerField(allow_null=True)
    best_percent = serializers.IntegerField(allow_null=True)

    def get_attempts_used(self, standing) -> int:
        return len(standing.attempts)


class ScenarioSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    week_number = serializers.IntegerField(source="week.number")
    mode = serializers.CharField()
    max_attempts = serializers.IntegerField(allow_null=True)
    persona = serializers.SerializerMethodField()
    crm = serializers.SerializerMethodField()

    def get_persona(self, scenario) -> dict:
        return {"name": scenario.persona_name, "situation": scenario.persona_situation, "mood": scenario.persona_mood}

    def get_crm(self, scenario) -> dict:
        return {"order": scenario.crm_order, "history": scenario.crm_history}


class AttemptTurnSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    variant = serializers.CharField()
    customer = serializers.CharField(source="customer_text")
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    seconds_spent = serializers.IntegerField(allow_null=True)
    prescore = serializers.SerializerMethodField()

    def get_prescore(self, turn) -> dict | None:
        # The per-turn estimate, with its evidence, is shown once the attempt is submitted.
        return turn.prescore if self.context.get("frozen") else None


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scenario = serializers.CharField(source="scenario.slug")
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    rubric_version = serializers.IntegerField(source="rubric_version.number")
    prescore = serializers.JSONField(
        allow_null=True, help_text="The automatic estimate; the coach's grade is of record."
    )
    turns = serializers.SerializerMethodField()
    exemplars = serializers.SerializerMethodField()

    def get_turns(self, attempt) -> list[dict]:
        turns = attempt.turns.order_by("number")
        return AttemptTurnSerializer(turns, many=True, context={"frozen": attempt.is_frozen}).data

    def get_exemplars(self, attempt) -> list[dict]:
        if not attempt.is_frozen:
            return []
        return [{"turn": e.turn_number, "answer": e.answer, "note": e.note} for e in attempt.scenario.exemplars.all()]


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, allow_blank=True, trim_whitespace=False)


def _attempt_response(attempt, status_code=200):
    attempt.refresh_from_db()
    return Response(AttemptSerializer(attempt).data, status=status_code)


class ScenarioListView(TrainingAPIView):
    """My role-plays, with status, attempts and best automatic estimate."""

    @extend_schema(responses=ScenarioSummarySerializer(many=True))
    def get(self, request):
        standings = selectors.scenario_standings(enrollment=access_enrollment(request.user))
        return Response(ScenarioSummarySerializer(standings, many=True, context={"request": request}).data)


class ScenarioView(TrainingAPIView):
    @extend_schema(responses=ScenarioSerializer)
    def get(self, request, pk: int):
        _, scenario = access_scenario(request.user, scenario_id=pk)
        return Response(ScenarioSerializer(scenario).data)


class ScenarioAttemptsView(TrainingAPIView):
    """Start an attempt, or continue the one in progress."""

    @extend_schema(request=None, responses={201: AttemptSerializer, 200: AttemptSerializer})
    def post(self, request, pk: int):
        enrollment, scenario = access_scenario(request.user, scenario_id=pk)
        attempt, created = call_service(
            services.attempt_start, field="answer", conflict_codes=("frozen",), enrollment=enrollment, scenario=scenario
        )
        return _attempt_response(attempt, 201 if created else 200)


class AttemptView(TrainingAPIView):
    @extend_schema(responses=AttemptSerializer)
    def get(self, request, pk: int):
        return Response(AttemptSerializer(access_attempt(request.user, attempt_id=pk)).data)


class AttemptDraftView(TrainingAPIView):
    """Autosave the answer being written to the current turn."""

    @extend_schema(request=AnswerSerializer, responses=AttemptSerializer)
    def put(self, request, pk: int):
        attempt = access_attempt(request.user, attempt_id=pk)
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call_service(
            services.attempt_draft_save,
            field="answer",
            conflict_codes=("frozen",),
            attempt=attempt,
            answer=incoming.validated_data["answer"],
        )
        return _attempt_response(attempt)


class AttemptAnswerView(TrainingAPIView):
    """Send the answer to the current turn; the last one submits the attempt."""

    @extend_schema(request=AnswerSerializer, responses=AttemptSerializer)
    def post(self, request, pk: int):
        attempt = access_attempt(request.user, attempt_id=pk)
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        attempt = call_service(
            services.attempt_answer,
            field="answer",
            conflict_codes=("frozen",),
            attempt=attempt,
            answer=incoming.validated_data["answer"],
        )
        return _attempt_response(attempt)


# --- Versions of the pre-scorer (admins) ----------------------------------------------------

ScorerPermission = permissions.api_permission(permissions.can_manage_scorer)


class ScorerVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.CharField()
    source = serializers.CharField()
    trained_at = serializers.DateTimeField()
    is_live = serializers.BooleanField()
    coach_grades_used = serializers.IntegerField()
    fingerprint = serializers.CharField()
    heldout = serializers.DictField(help_text="Per criterion: n, qwk, exact, within_one and the 95% interval.")
    comparison = serializers.DictField(help_text="Against the version that was live when this one was trained.")


class ScorerActivationSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ScorerVersionListView(APIView):
    """Every version of the pre-scorer, newest first, with its held-out figures and which one is live."""

    permission_classes = [ScorerPermission]

    @extend_schema(responses=ScorerVersionSerializer(many=True))
    def get(self, request):
        return Response(ScorerVersionSerializer(selectors.scorer_versions_overview()["versions"], many=True).data)


class ScorerVersionActivateView(APIView):
    """Make a stored version live (a rollback), with a reason kept in its history."""

    permission_classes = [ScorerPermission]

    @extend_schema(request=ScorerActivationSerializer, responses=ScorerVersionSerializer)
    def post(self, request, pk: int):
        version = access_scorer_version(request.user, pk)
        incoming = ScorerActivationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        version = call_service(
            scorer_version_activate, field="reason", version=version, actor=request.user,
            reason=incoming.validated_data["reason"],
        )  # fmt: skip
        return Response(ScorerVersionSerializer(version).data)
