from django.urls import path

from calibration import report_views

app_name = "calibration_reports"

urlpatterns = [
    path("", report_views.overview, name="overview"),
    path("alerts/", report_views.alerts, name="alerts"),
    path("mine/", report_views.mine, name="mine"),
    path("coaches/<int:coach_id>/", report_views.coach, name="coach"),
    path("coaches/<int:coach_id>/csv/<slug:figure>/", report_views.coach_csv, name="coach_csv"),
    path("csv/<slug:figure>/", report_views.figure_csv, name="csv"),
]
