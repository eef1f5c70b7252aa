from django.urls import path

from readiness import api

urlpatterns = [
    path("readiness/enrollments/<int:enrollment_id>/", api.ReadinessView.as_view(), name="api-readiness"),
    path(
        "readiness/enrollments/<int:enrollment_id>/sign-off/", api.SignOffView.as_view(), name="api-readiness-sign-off"
    ),
    path(
        "readiness/enrollments/<int:enrollment_id>/override/", api.OverrideView.as_view(), name="api-readiness-override"
    ),
]
