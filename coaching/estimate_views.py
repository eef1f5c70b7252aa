"""The estimate against coaches: how often the automatic estimate agrees with released grades."""

from django.shortcuts import render

from accounts import permissions
from coaching.charts import Value, line_svg
from coaching.estimate_agreement import EstimateReport, estimate_cohort_choice, estimate_report, estimate_scope
from common.csv_export import csv_response, csv_text


def estimate_report_rows(report: EstimateReport) -> list[list]:
    """One row per group (overall, each cohort, each scorer version) and criterion: the CSV and the API."""
    rows = []
    groups = [("overall", report.overall)]
    groups += [("cohort", figures) for figures in report.by_cohort]
    groups += [("scorer version", figures) for figures in report.by_scorer]
    for kind, figures in groups:
        for figure in figures.criteria:
            rows.append([
                kind, figures.label, figure.title, figure.n,
                None if figure.qwk is None else round(figure.qwk, 3),
                None if figure.exact is None else round(figure.exact, 3),
                None if figure.override_rate is None else round(figure.override_rate, 3),
            ])  # fmt: skip
    return rows


ESTIMATE_CSV_HEADER = ["group", "name", "criterion", "grades", "qwk", "exact", "override_rate"]


def estimate_trend_chart(report: EstimateReport) -> str:
    series = {
        title: [Value(f"{point.week_ending:%d %b}", point.qwk[key]) for point in report.trend]
        for key, title in report.criteria.items()
    }
    return line_svg(series, title="The estimate against coaches: kappa per criterion, week by week", y_min=-1, y_max=1)


@permissions.require(permissions.can_lead_grading_quality)
def estimate_against_coaches(request):
    cohorts, chosen = estimate_cohort_choice(user=request.user, chosen=request.GET.get("cohort", ""))
    report = estimate_report(cohort_ids=estimate_scope(request.user, chosen, cohorts))
    if request.GET.get("format") == "csv":
        return csv_response(csv_text(ESTIMATE_CSV_HEADER, estimate_report_rows(report)), "estimate-against-coaches.csv")
    return render(
        request,
        "coaching/estimate_agreement.html",
        {
            "report": report,
            "cohorts": cohorts,
            "chosen": chosen,
            "trend_chart": estimate_trend_chart(report),
            "groups": [report.overall, *report.by_cohort, *report.by_scorer],
            "trend_rows": [(point.week_ending, [point.qwk[key] for key in report.criteria]) for point in report.trend],
        },
    )
