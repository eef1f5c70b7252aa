from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
]
