from django.urls import path

from courses import api

urlpatterns = [
    path("cohorts/", api.CohortListView.as_view(), name="api-cohort-list"),
    path("training/progress/", api.ProgressView.as_view(), name="api-progress"),
    path("training/weeks/<int:number>/", api.WeekView.as_view(), name="api-week"),
    path("training/lessons/<int:pk>/", api.LessonView.as_view(), name="api-lesson"),
    path("training/lessons/<int:pk>/completion/", api.LessonCompletionView.as_view(), name="api-lesson-completion"),
    path("training/knowledge-checks/<int:pk>/", api.KnowledgeCheckView.as_view(), name="api-check"),
    path(
        "training/knowledge-checks/<int:pk>/attempts/",
        api.KnowledgeCheckAttemptsView.as_view(),
        name="api-check-attempts",
    ),
]
