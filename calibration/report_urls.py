from django.urls import path  # noqa: F401

app_name = "calibration_reports"

urlpatterns = []
