from django.urls import path

from checkpoint import views

app_name = "checkpoint"

urlpatterns = [
    path("checkpoint/", views.my_checkpoint, name="mine"),
    path("checkpoint/confirm/", views.confirm, name="confirm"),
    path("checkpoint/certificate/", views.my_certificate, name="my_certificate"),
    path("checkpoint/cohorts/", views.cohort_list, name="cohorts"),
    path("checkpoint/cohorts/<int:cohort_id>/", views.cohort_overview, name="cohort"),
    path("checkpoint/cohorts/<int:cohort_id>/offer-text/", views.offer_text, name="offer_text"),
    path("checkpoint/cohorts/<int:cohort_id>/completion-rule/", views.completion_rule, name="completion_rule"),
    path("checkpoint/cohorts/<int:cohort_id>/payroll.csv", views.payroll_export, name="payroll_cohort"),
    path("checkpoint/payroll.csv", views.payroll_export, name="payroll"),
    path("checkpoint/<int:checkpoint_id>/record/", views.record_on_behalf, name="record"),
    path("checkpoint/<int:checkpoint_id>/offer/", views.offer_override, name="offer_override"),
    path("checkpoint/decisions/<int:decision_id>/annul/", views.annul, name="annul"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate"),
    path("certificates/<str:code>.png", views.certificate_image, name="certificate_image"),
]
