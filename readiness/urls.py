from django.urls import path

from readiness import views

app_name = "readiness"

urlpatterns = [
    path("readiness/hires/<int:enrollment_id>/sign-off/", views.sign_off, name="sign_off"),
    path("readiness/hires/<int:enrollment_id>/sign-off/withdraw/", views.sign_off_withdraw, name="sign_off_withdraw"),
    path("readiness/hires/<int:enrollment_id>/override/", views.override, name="override"),
    path("readiness/hires/<int:enrollment_id>/override/revoke/", views.override_revoke, name="override_revoke"),
    path("readiness/cohorts/<int:cohort_id>/rule/", views.cohort_rule, name="cohort_rule"),
]
