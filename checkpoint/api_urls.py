from django.urls import path

from checkpoint import api

urlpatterns = [
    path("checkpoint/", api.MyCheckpointView.as_view(), name="api-my-checkpoint"),
    path("checkpoint/decide/", api.DecideView.as_view(), name="api-checkpoint-decide"),
    path("checkpoints/cohorts/<int:cohort_id>/", api.CohortCheckpointsView.as_view(), name="api-cohort-checkpoints"),
    path("checkpoints/<int:pk>/record/", api.RecordView.as_view(), name="api-checkpoint-record"),
    path("checkpoints/<int:pk>/offer/", api.OfferView.as_view(), name="api-checkpoint-offer"),
    path("checkpoints/decisions/<int:pk>/annul/", api.AnnulView.as_view(), name="api-checkpoint-annul"),
    path("checkpoints/payroll.csv", api.PayrollExportView.as_view(), name="api-checkpoint-payroll"),
]
