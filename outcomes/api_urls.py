from django.urls import path

from outcomes import api

urlpatterns = [
    path("outcomes/cohorts/<int:cohort_id>/", api.CohortOutcomesView.as_view(), name="api-outcomes-cohort"),
    path(
        "outcomes/enrollments/<int:enrollment_id>/retention/",
        api.RetentionView.as_view(),
        name="api-outcomes-retention",
    ),
]
