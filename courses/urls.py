from django.urls import path

from courses import scorer_views, views

app_name = "courses"

urlpatterns = [
    path("scorer/", scorer_views.scorer_versions, name="scorer_versions"),
    path("scorer/<int:version_id>/live/", scorer_views.scorer_version_activate_view, name="scorer_version_activate"),
    path("training/", views.my_training, name="my_training"),
    path("training/weeks/<int:week_number>/", views.week_detail, name="week"),
    path("training/weeks/<int:week_number>/check/", views.knowledge_check, name="check"),
    path("training/weeks/<int:week_number>/check/attempts/<int:number>/", views.check_result, name="check_result"),
    path("training/weeks/<int:week_number>/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("training/weeks/<int:week_number>/<slug:slug>/completion/", views.lesson_completion, name="lesson_completion"),
    path("training/roleplays/", views.roleplay_list, name="roleplays"),
    path("training/roleplays/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("training/roleplays/<slug:slug>/attempts/<int:number>/", views.attempt_detail, name="attempt"),
    path("training/roleplays/<slug:slug>/attempts/<int:number>/answer/", views.attempt_answer, name="attempt_answer"),
    path("training/roleplays/<slug:slug>/attempts/<int:number>/draft/", views.attempt_draft, name="attempt_draft"),
    path("training/roleplays/<slug:slug>/attempts/<int:number>/result/", views.attempt_result, name="attempt_result"),
]
