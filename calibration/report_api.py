"""Grading-quality API: the report pages' figures as JSON, with the same filters and the same permissions."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from calibration import reports
from calibration.agreement import GoldAgreement

LeadPermission = permissions.api_permission(permissions.can_lead_grading_quality)
GraderPermission = permissions.api_permission(permissions.can_grade)

DATE_FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Only sessions revealed on or after this day."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Only sessions revealed on or before this day."),
]
COACH_FILTER = OpenApiParameter("coach", int, description="Only the sessions this coach took, and their figures.")
OVERVIEW_FILTERS = [
    *DATE_FILTERS,
    COACH_FILTER,
    OpenApiParameter("cohort", int, description="Second marks of this cohort only."),
    OpenApiParameter(
        "last",
        int,
        description=f"How many of the latest sessions the pooled alpha covers (1–50, default "
        f"{reports.DEFAULT_POOLED_SESSIONS}).",
    ),
]


def _filters(request) -> reports.ReportFilters:
    try:
        return reports.ReportFilters.from_params(request.query_params)
    except ValidationError as error:
        raise ApiValidationError({"detail": error.messages}) from error


class QualityAgreementSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="Levels compared with gold.")
    exact = serializers.FloatField(allow_null=True, help_text="Share equal to gold (0–1).")
    within_one = serializers.FloatField(allow_null=True, help_text="Share at most one level from gold (0–1).")
    deviation = serializers.FloatField(
        allow_null=True, help_text="Mean of coach level minus gold: above 0 lenient, below 0 severe."
    )
    leaning = serializers.CharField(help_text="lenient, severe, on gold, or empty without gold to compare.")


class QualityCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class QualitySessionCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha (ordinal) across the coaches.")
    with_gold = QualityAgreementSerializer(help_text="Every coach's levels against gold, pooled.")


class QualitySessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    revealed_at = serializers.DateTimeField()
    coaches = serializers.IntegerField()
    criteria = QualitySessionCriterionSerializer(many=True)


class QualityPooledSerializer(serializers.Serializer):
    sessions = serializers.IntegerField(help_text="How many of the latest sessions are pooled.")
    criteria = QualitySessionCriterionSerializer(many=True)


class QualityCoachSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QualityLeniencyCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    agreement = QualityAgreementSerializer(help_text="Over every session of the report.")
    past_threshold = serializers.BooleanField()
    trend = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Mean deviation per session, in `sessions` order."
    )


class QualityLeniencySerializer(serializers.Serializer):
    coach = QualityCoachSerializer()
    criteria = QualityLeniencyCriterionSerializer(many=True)


class QualitySecondMarkCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    pairs = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True)
    exact = serializers.FloatField(allow_null=True)
    within_one = serializers.FloatField(allow_null=True)
    wide_gap = serializers.FloatField(allow_null=True, help_text="Share of pairs two levels or more apart.")


class QualitySecondMarkingSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Second marks with the second coach's levels.")
    moderated = serializers.IntegerField(help_text="Of those, sent to a moderator.")
    moderation_share = serializers.FloatField(allow_null=True)
    criteria = QualitySecondMarkCriterionSerializer(many=True)


class QualityOverviewSerializer(serializers.Serializer):
    threshold = serializers.FloatField(help_text="A mean deviation beyond ± this is past the threshold.")
    criteria = QualityCriterionSerializer(many=True)
    sessions = QualitySessionSerializer(many=True)
    pooled = QualityPooledSerializer()
    leniency = QualityLeniencySerializer(many=True)
    second_marking = QualitySecondMarkingSerializer()


class QualityAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    coach = QualityCoachSerializer()
    criterion_key = serializers.CharField()
    criterion_title = serializers.CharField()
    leaning = serializers.CharField()
    previous_session = serializers.CharField()
    previous_deviation = serializers.FloatField()
    session = serializers.CharField()
    deviation = serializers.FloatField()


class QualityOnboardingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    revealed_at = serializers.DateTimeField()
    overall = QualityAgreementSerializer()
    criteria = serializers.DictField(
        child=QualityAgreementSerializer(), help_text="Criterion key → agreement with gold."
    )


class QualityCoachFiguresSerializer(serializers.Serializer):
    coach = QualityCoachSerializer()
    threshold = serializers.FloatField()
    criteria = QualityCriterionSerializer(many=True)
    sessions = QualitySessionSerializer(many=True, help_text="The calibration sessions they took; agreement is theirs.")
    leniency = QualityLeniencyCriterionSerializer(many=True)
    onboarding = QualityOnboardingSerializer(many=True)


def _agreement(found: GoldAgreement) -> dict:
    return {
        "n": found.n,
        "exact": found.exact,
        "within_one": found.within_one,
        "deviation": found.deviation,
        "leaning": found.leaning,
    }


def _coach(user) -> dict:
    return {"id": user.pk, "name": user.display_name}


def _criteria(criteria) -> list[dict]:
    return [{"key": c.key, "title": c.title} for c in criteria]


def _sessions(sessions, criteria) -> list[dict]:
    return [
        {
            "id": row.session.pk,
            "title": row.session.title,
            "revealed_at": timezone.localtime(row.session.revealed_at),
            "coaches": row.coaches,
            "criteria": [
                {"key": c.key, "alpha": row.alpha[c.key], "with_gold": _agreement(row.with_gold[c.key])}
                for c in criteria
            ],
        }
        for row in sessions
    ]


def _leniency_criteria(row, criteria) -> list[dict]:
    return [
        {
            "key": c.key,
            "agreement": _agreement(row.by_criterion[c.key]),
            "past_threshold": c.key in row.past_threshold,
            "trend": row.trend[c.key],
        }
        for c in criteria
    ]


class OverviewView(APIView):
    """Admins and lead coaches: alpha per criterion per revealed calibration session and pooled, agreement with
    gold, each coach's leniency and its trend, and the agreement of blind second marks."""

    permission_classes = [LeadPermission]

    @extend_schema(parameters=OVERVIEW_FILTERS, responses=QualityOverviewSerializer)
    def get(self, request):
        filters = _filters(request)
        quality = reports.grading_quality(filters=filters)
        marking = reports.second_marking_agreement(filters=filters)
        pooled = [
            {"key": c.key, "alpha": quality.pooled_alpha[c.key], "with_gold": _agreement(quality.with_gold[c.key])}
            for c in quality.criteria
        ]
        data = {
            "threshold": quality.threshold,
            "criteria": _criteria(quality.criteria),
            "sessions": _sessions(quality.sessions, quality.criteria),
            "pooled": {"sessions": quality.pooled_sessions, "criteria": pooled},
            "leniency": [
                {"coach": _coach(row.coach), "criteria": _leniency_criteria(row, quality.criteria)}
                for row in quality.leniency
            ],
            "second_marking": {
                "marked": marking.marked,
                "moderated": marking.moderated,
                "moderation_share": marking.moderation_share,
                "criteria": [vars(c) for c in marking.criteria],
            },
        }
        return Response(QualityOverviewSerializer(data).data)


class AlertsView(APIView):
    """Admins and lead coaches: leniency alerts, newest first."""

    permission_classes = [LeadPermission]

    @extend_schema(parameters=[*DATE_FILTERS, COACH_FILTER], responses=QualityAlertSerializer(many=True))
    def get(self, request):
        rows = reports.leniency_alert_rows(filters=_filters(request))
        data = [
            {
                "id": row.alert.pk,
                "created_at": timezone.localtime(row.alert.created_at),
                "coach": _coach(row.alert.coach),
                "criterion_key": row.alert.criterion_key,
                "criterion_title": row.criterion_title,
                "leaning": row.leaning,
                "previous_session": row.alert.previous_session.title,
                "previous_deviation": row.alert.previous_deviation,
                "session": row.alert.session.title,
                "deviation": row.alert.deviation,
            }
            for row in rows
        ]
        return Response(QualityAlertSerializer(data, many=True).data)


class CoachFiguresView(APIView):
    """A coach's own figures (admins and lead coaches see anyone's): against gold per criterion and session by
    session, leniency and its trend, onboarding results."""

    permission_classes = [GraderPermission]

    @extend_schema(parameters=DATE_FILTERS, responses=QualityCoachFiguresSerializer)
    def get(self, request, coach_id: int):
        coach = reports.access_coach_for_figures(request.user, coach_id)
        figures = reports.coach_figures(coach=coach, filters=_filters(request))
        onboarding = [
            {
                "id": result.session.pk,
                "title": result.session.title,
                "revealed_at": timezone.localtime(result.session.revealed_at),
                "overall": _agreement(result.overall),
                "criteria": {key: _agreement(found) for key, found in result.by_criterion.items()},
            }
            for result in figures.onboarding
        ]
        data = {
            "coach": _coach(coach),
            "threshold": figures.threshold,
            "criteria": _criteria(figures.criteria),
            "sessions": _sessions(figures.sessions, figures.criteria),
            "leniency": _leniency_criteria(figures.leniency, figures.criteria),
            "onboarding": onboarding,
        }
        return Response(QualityCoachFiguresSerializer(data).data)
