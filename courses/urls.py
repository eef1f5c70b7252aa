from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path("training/weeks/<int:week_number>/", views.week_detail, name="week"),
    path("training/weeks/<int:week_number>/check/", views.knowledge_check, name="check"),
    path("training/weeks/<int:week_number>/check/attempts/<int:number>/", views.check_result, name="check_result"),
    path("training/weeks/<int:week_number>/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("training/weeks/<int:week_number>/<slug:slug>/completion/", views.lesson_completion, name="lesson_completion"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
]
