from django.urls import path

from cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("cohorts/", views.cohort_list, name="list"),
    path("cohorts/new/", views.cohort_create, name="create"),
    path("cohorts/<int:cohort_id>/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<int:cohort_id>/settings/", views.cohort_edit, name="edit"),
    path("cohorts/<int:cohort_id>/archive/", views.cohort_archive, name="archive"),
    path("cohorts/<int:cohort_id>/coaches/", views.cohort_coaches, name="coaches"),
    path("cohorts/<int:cohort_id>/coaches/<int:coach_id>/remove/", views.cohort_coach_remove, name="coach_remove"),
    path("cohorts/<int:cohort_id>/hires/", views.cohort_hires, name="hires"),
    path("cohorts/<int:cohort_id>/hires/new/", views.hire_add, name="hire_add"),
    path("cohorts/<int:cohort_id>/hires/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path(
        "cohorts/<int:cohort_id>/hires/<int:enrollment_id>/withdraw/",
        views.enrollment_withdraw,
        name="enrollment_withdraw",
    ),
    # Before the catch-all action route: "excuse" is a page action of its own.
    path("cohorts/<int:cohort_id>/hires/<int:enrollment_id>/excuse/", views.enrollment_excuse, name="excuse"),
    path(
        "cohorts/<int:cohort_id>/hires/<int:enrollment_id>/excusals/<int:excusal_id>/revoke/",
        views.enrollment_excusal_revoke,
        name="excusal_revoke",
    ),
    path(
        "cohorts/<int:cohort_id>/hires/<int:enrollment_id>/<action>/",
        views.enrollment_action,
        name="enrollment_action",
    ),
    path("cohorts/<int:cohort_id>/import/", views.cohort_import, name="import"),
    path("cohorts/<int:cohort_id>/import/template.csv", views.cohort_import_template, name="import_template"),
    path("cohorts/<int:cohort_id>/export/<str:kind>.csv", views.cohort_export, name="export"),
]
