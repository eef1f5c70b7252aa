from django.urls import path

from calibration import api

urlpatterns = [
    path("calibration/sessions/", api.SessionsView.as_view(), name="api-calibration-sessions"),
    path("calibration/sessions/<int:session_id>/", api.SessionView.as_view(), name="api-calibration-session"),
    path("calibration/sessions/<int:session_id>/reveal/", api.RevealView.as_view(), name="api-calibration-reveal"),
    path(
        "calibration/sessions/<int:session_id>/items/<int:item_id>/grade/",
        api.ItemGradeView.as_view(),
        name="api-calibration-grade",
    ),
    path(
        "calibration/sessions/<int:session_id>/items/<int:item_id>/gold/",
        api.GoldView.as_view(),
        name="api-calibration-gold",
    ),
]
