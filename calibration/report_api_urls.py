from django.urls import path

from calibration import report_api

urlpatterns = [
    path("calibration/reports/", report_api.OverviewView.as_view(), name="api-calibration-reports"),
    path("calibration/reports/alerts/", report_api.AlertsView.as_view(), name="api-calibration-report-alerts"),
    path(
        "calibration/reports/coaches/<int:coach_id>/",
        report_api.CoachFiguresView.as_view(),
        name="api-calibration-report-coach",
    ),
]
