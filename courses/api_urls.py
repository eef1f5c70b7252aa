from django.urls import path

from courses import api

urlpatterns = [
    path("cohorts/", api.CohortListView.as_view(), name="api-cohort-list"),
]
