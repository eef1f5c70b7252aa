from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/cohorts/<int:cohort_id>/", views.cohort_report, name="report"),
    path("outcomes/cohorts/<int:cohort_id>/export.csv", views.cohort_export, name="export"),
    path("outcomes/cohorts/<int:cohort_id>/hires/<int:enrollment_id>/", views.hire_retention, name="hire"),
    path("outcomes/cohorts/<int:cohort_id>/import/", views.retention_import, name="import"),
    path("outcomes/cohorts/<int:cohort_id>/import/template.csv", views.retention_import_template, name="template"),
]
