"""The grading-quality pages: validate the filters, read the figures, render the charts with their tables."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts import permissions
from calibration import report_charts as charts
from calibration import reports
from common.csv_export import csv_response, csv_text

ALERTS_PAGE_SIZE = 50


def _filters(request) -> tuple[reports.ReportFilters, list[str]]:
    """The filters asked for; on bad input, none at all and the reasons to show."""
    try:
        return reports.ReportFilters.from_params(request.GET), []
    except ValidationError as error:
        return reports.ReportFilters(), error.messages


def _bad_filters(messages: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def _query(filters: reports.ReportFilters) -> str:
    from urllib.parse import urlencode

    query = urlencode(filters.as_query())
    return f"?{query}" if query else ""


def _coach_url(coach) -> str:
    return reverse("calibration_reports:coach", args=[coach.pk])


@permissions.require(permissions.can_lead_grading_quality)
def overview(request):
    filters, problems = _filters(request)
    quality = reports.grading_quality(filters=filters)
    marking = reports.second_marking_agreement(filters=filters)
    context = {
        "filters": filters,
        "problems": problems,
        "options": reports.report_filter_options(),
        "query": _query(filters),
        "quality": quality,
        "marking": marking,
        "alpha_chart": charts.alpha_chart(quality),
        "alpha_table": charts.alpha_table(quality),
        "gold_chart": charts.gold_chart(
            quality.criteria, quality.with_gold, title="Agreement with gold per criterion, every coach pooled"
        ),
        "gold_table": charts.gold_table(
            quality.criteria, quality.with_gold, caption="Agreement with gold per criterion, every coach pooled"
        ),
        "gold_over_time_table": charts.gold_over_time_table(quality),
        "leniency_chart": charts.leniency_chart(quality.leniency, quality.criteria, threshold=quality.threshold),
        "leniency_table": charts.leniency_table(quality.leniency, quality.criteria, coach_url=_coach_url),
        "second_marking_chart": charts.second_marking_chart(marking),
        "second_marking_table": charts.second_marking_table(marking),
    }
    return render(request, "calibration/reports/overview.html", context)


@permissions.require(permissions.can_lead_grading_quality)
def alerts(request):
    filters, problems = _filters(request)
    page = Paginator(reports.leniency_alerts(filters=filters), ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "problems": problems,
        "options": reports.report_filter_options(),
        "query": _query(filters),
        "page": page,
        "rows": reports.leniency_alert_rows(filters=filters, alerts=page.object_list),
    }
    return render(request, "calibration/reports/alerts.html", context)


def _coach_page(request, coach, *, mine: bool):
    filters, problems = _filters(request)
    figures = reports.coach_figures(coach=coach, filters=filters)
    row = figures.leniency
    context = {
        "coach": coach,
        "mine": mine,
        "filters": filters,
        "problems": problems,
        "query": _query(filters),
        "figures": figures,
        "leniency_chart": charts.leniency_chart([row], figures.criteria, threshold=figures.threshold, with_coach=False),
        "criteria_table": charts.coach_criteria_table(row, figures.criteria),
        "gold_chart": charts.gold_chart(
            figures.criteria, row.by_criterion, title=f"{coach.display_name}: agreement with gold per criterion"
        ),
        "trend_chart": charts.leniency_trend_chart(
            row, figures.criteria, figures.sessions, threshold=figures.threshold
        ),
        "trend_table": charts.leniency_trend_table(row, figures.criteria, figures.sessions),
        "onboarding_table": charts.onboarding_table(figures.onboarding, figures.onboarding_criteria),
    }
    return render(request, "calibration/reports/coach.html", context)


@permissions.require(permissions.can_grade)
def coach(request, coach_id: int):
    coach = reports.access_coach_for_figures(request.user, coach_id)
    return _coach_page(request, coach, mine=coach.pk == request.user.pk)


@permissions.require(permissions.can_grade)
def mine(request):
    return _coach_page(request, request.user, mine=True)


# --- CSV files -------------------------------------------------------------------------------------------


def _overview_rows(figure: str, filters: reports.ReportFilters):
    if figure in ("alpha", "gold", "leniency", "leniency-trend"):
        quality = reports.grading_quality(filters=filters)
        return {
            "alpha": lambda: reports.alpha_rows(quality),
            "gold": lambda: reports.gold_rows(quality),
            "leniency": lambda: reports.leniency_rows(quality.leniency, quality.criteria),
            "leniency-trend": lambda: reports.leniency_trend_rows(quality.leniency, quality.criteria, quality.sessions),
        }[figure]()
    if figure == "second-marking":
        return reports.second_marking_rows(reports.second_marking_agreement(filters=filters))
    if figure == "alerts":
        return reports.alert_rows(reports.leniency_alert_rows(filters=filters))
    raise Http404("No such figure.")


@permissions.require(permissions.can_lead_grading_quality)
def figure_csv(request, figure: str):
    try:
        filters = reports.ReportFilters.from_params(request.GET)
    except ValidationError as error:
        return _bad_filters(error.messages)
    header, rows = _overview_rows(figure, filters)
    return csv_response(csv_text(header, rows), f"grading-quality-{figure}.csv")


COACH_FIGURES = ("leniency", "leniency-trend", "onboarding")


@permissions.require(permissions.can_grade)
def coach_csv(request, coach_id: int, figure: str):
    coach = reports.access_coach_for_figures(request.user, coach_id)
    if figure not in COACH_FIGURES:
        raise Http404("No such figure.")
    try:
        filters = reports.ReportFilters.from_params(request.GET)
    except ValidationError as error:
        return _bad_filters(error.messages)
    figures = reports.coach_figures(coach=coach, filters=filters)
    if figure == "leniency":
        header, rows = reports.leniency_rows([figures.leniency], figures.criteria)
    elif figure == "leniency-trend":
        header, rows = reports.leniency_trend_rows([figures.leniency], figures.criteria, figures.sessions)
    else:
        header, rows = reports.onboarding_rows(figures)
    return csv_response(csv_text(header, rows), f"grading-quality-coach-{coach.pk}-{figure}.csv")
