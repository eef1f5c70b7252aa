from django.urls import path

from calibration import views

app_name = "calibration"

urlpatterns = [
    path("calibration/", views.session_list, name="list"),
    path("calibration/new/", views.session_new, name="new"),
    path("calibration/bank/", views.anchor_bank, name="bank"),
    path("calibration/bank/onboarding/", views.onboarding_new, name="onboarding_new"),
    path("calibration/<int:session_id>/", views.session_detail, name="session"),
    path("calibration/<int:session_id>/reveal/", views.session_reveal, name="reveal"),
    path("calibration/<int:session_id>/export.csv", views.session_export, name="export"),
    path("calibration/<int:session_id>/items/<int:item_id>/", views.item_grade, name="item"),
    path("calibration/<int:session_id>/items/<int:item_id>/recording/", views.item_recording, name="item_recording"),
    path("calibration/<int:session_id>/items/<int:item_id>/gold/", views.item_gold, name="gold"),
]
