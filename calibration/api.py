"""Calibration API: validate, call one service, serialize. The same access rules and the same blindness
as the web: before the reveal a coach gets the work with the hire anonymised and only their own levels."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from calibration import selectors, services
from calibration.access import (
    access_item_to_grade,
    access_item_to_settle,
    access_session,
    access_session_to_facilitate,
    is_participant,
)
from calibration.forms import SessionForm
from common.api import call_service
from courses.levels import LEVEL_MAX, LEVEL_MIN

CoachPermission = permissions.api_permission(permissions.can_grade)


class SessionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    revealed_at = serializers.DateTimeField(allow_null=True)
    facilitator = serializers.CharField(source="facilitator.display_name")
    item_count = serializers.IntegerField()
    coach_count = serializers.IntegerField()
    submitted_count = serializers.IntegerField(help_text="Coaches who have graded every item.")
    my_graded = serializers.IntegerField(help_text="Items the requesting coach has graded.")
    invited = serializers.BooleanField()


class SessionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SessionRowSerializer(many=True)


class SessionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    due_at = serializers.DateTimeField()
    # The same id checks as the web form's fields; the service decides what else is allowed.
    coaches = serializers.PrimaryKeyRelatedField(many=True, queryset=SessionForm.base_fields["coaches"].queryset)
    attempts = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=SessionForm.base_fields["attempts"].queryset
    )
    call_reviews = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=SessionForm.base_fields["call_reviews"].queryset
    )


class SessionsView(APIView):
    """Calibration sessions: mine (a coach), or all (admins and lead coaches); POST opens one."""

    permission_classes = [CoachPermission]

    @extend_schema(
        operation_id="calibration_sessions_list",
        responses=SessionPageSerializer,
        parameters=[OpenApiParameter("page", int)],
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.session_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(SessionRowSerializer(page, many=True).data)

    @extend_schema(request=SessionCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        if not permissions.can_lead_grading_quality(request.user):
            self.permission_denied(request, message="Only an admin or a lead coach runs calibration sessions.")
        incoming = SessionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {"attempts": [], "call_reviews": [], **incoming.validated_data}
        session = call_service(services.session_create, facilitator=request.user, **data)
        return Response(_session_data(request, session), status=status.HTTP_201_CREATED)


def _work(blind: selectors.BlindItem) -> dict:
    if blind.kind == "roleplay":
        scenario = blind.scenario
        return {
            "scenario": scenario.title,
            "week_number": scenario.week.number,
            "persona": scenario.persona_name,
            "situation": scenario.persona_situation,
            "turns": [{"number": t.number, "customer": t.customer, "answer": t.answer} for t in blind.turns],
        }
    return {
        "channel": blind.channel,
        "duration_seconds": blind.duration_seconds,
        "reason": blind.reason,
        "transcript": blind.transcript,
        "notes": [{"at_seconds": n.at_seconds, "body": n.body} for n in blind.notes],
        "has_recording": blind.has_recording,
    }


def _criteria(criteria) -> list[dict]:
    return [{"key": c.key, "title": c.title, "levels": c.level_descriptors} for c in criteria]


def _blind_items(request, session) -> list[dict]:
    """A participant's view before the reveal: each item's work, anonymised, and their own levels only."""
    rows = []
    for item in selectors.items_for_coach(session=session, coach=request.user):
        item = access_item_to_grade(request.user, session.pk, item.pk)
        blind = selectors.blind_item(item=item)
        mine = selectors.grade_of(item=item, coach=request.user)
        rows.append({
            "id": item.pk, "position": item.position, "kind": blind.kind, "title": blind.title,
            "criteria": _criteria(blind.criteria), "work": _work(blind),
            "my_levels": mine.levels if mine else None, "my_note": mine.note if mine else "",
        })  # fmt: skip
    return rows


def _revealed(session) -> dict:
    revealed = selectors.revealed_session(session=session)
    coaches = [coach.display_name for coach in revealed.coaches]
    items = [
        {
            "id": entry.item.pk, "position": entry.item.position, "kind": entry.item.anchor.kind, "title": entry.title,
            "gold_note": entry.gold_note,
            "criteria": [
                {"key": row.criterion.key, "title": row.criterion.title,
                 "levels": dict(zip(coaches, row.levels, strict=True)), "low": row.low, "high": row.high,
                 "distribution": row.distribution, "estimate": row.estimate, "gold": row.gold}
                for row in entry.rows
            ],
            "notes": [{"coach": coach.display_name, "note": note} for coach, note in entry.notes],
        }
        for entry in revealed.items
    ]  # fmt: skip
    agreement = [
        {"key": c.key, "title": c.title, "alpha": c.alpha, "graded_units": c.graded_units, "exact": c.with_gold.exact,
         "within_one": c.with_gold.within_one, "deviation": c.with_gold.deviation}
        for c in revealed.agreement.criteria
    ]  # fmt: skip
    return {"coaches": coaches, "items": items, "agreement": agreement}


def _session_data(request, session) -> dict:
    data = {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "status": session.status,
        "due_at": session.due_at,
        "revealed_at": session.revealed_at,
        "facilitator": session.facilitator.display_name,
    }
    if session.is_revealed:
        data.update(_revealed(session))
        if session.kind == session.Kind.ONBOARDING:
            _, found = selectors.onboarding_summary(session=session)
            data["onboarding"] = {"exact": found.exact, "within_one": found.within_one, "leniency": found.deviation,
                                  "compared": found.n}  # fmt: skip
        return data
    if is_participant(session, request.user):
        data["items"] = _blind_items(request, session)
    if services.may_facilitate(session, request.user) or permissions.can_lead_grading_quality(request.user):
        data["progress"] = [
            {"coach": row.participant.coach.display_name, "graded": row.graded,
             "submitted_at": row.participant.submitted_at}
            for row in selectors.session_progress(session=session)
        ]  # fmt: skip
    return data


class SessionView(APIView):
    """One session. Before the reveal: a participant's own levels and the anonymised work; the
    facilitator's counts of who has graded what. After: everyone's levels, the spread and agreement."""

    permission_classes = [CoachPermission]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, session_id: int):
        return Response(_session_data(request, access_session(request.user, session_id)))


class LevelsSerializer(serializers.Serializer):
    # Levels are checked by the service, so the web and the API refuse a bad one with the same words.
    levels = serializers.DictField(help_text=f"Criterion key → level {LEVEL_MIN}–{LEVEL_MAX}.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CalibrationGradeSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    levels = serializers.DictField()
    note = serializers.CharField()
    graded_at = serializers.DateTimeField()


class ItemGradeView(APIView):
    """The requesting coach's blind levels for one item; PUT or POST, changeable until the reveal."""

    permission_classes = [CoachPermission]

    def _save(self, request, session_id: int, item_id: int):
        item = access_item_to_grade(request.user, session_id, item_id)
        incoming = LevelsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        grade = call_service(
            services.calibration_grade_save, item=item, coach=request.user, conflict_codes=("revealed",),
            **incoming.validated_data,
        )  # fmt: skip
        return Response(CalibrationGradeSerializer(grade).data)

    @extend_schema(request=LevelsSerializer, responses=CalibrationGradeSerializer)
    def put(self, request, session_id: int, item_id: int):
        return self._save(request, session_id, item_id)

    @extend_schema(request=LevelsSerializer, responses=CalibrationGradeSerializer)
    def post(self, request, session_id: int, item_id: int):
        return self._save(request, session_id, item_id)


class RevealView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, session_id: int):
        session = access_session_to_facilitate(request.user, session_id)
        session = call_service(services.session_reveal, session=session, by=request.user)
        return Response(_session_data(request, session))


class GoldSerializer(serializers.Serializer):
    anchor = serializers.IntegerField(source="pk")
    gold_levels = serializers.DictField()
    gold_note = serializers.CharField()
    gold_set_at = serializers.DateTimeField()
    in_bank = serializers.BooleanField()


class GoldView(APIView):
    permission_classes = [CoachPermission]

    @extend_schema(request=LevelsSerializer, responses=GoldSerializer)
    def post(self, request, session_id: int, item_id: int):
        item = access_item_to_settle(request.user, session_id, item_id)
        incoming = LevelsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        anchor = call_service(services.gold_record, item=item, by=request.user, **incoming.validated_data)
        return Response(GoldSerializer(anchor).data)
