from django.urls import path

from courses import api, api_excusals

urlpatterns = [
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
    path("training/roleplays/", api.ScenarioListView.as_view(), name="api-roleplays"),
    path("training/roleplays/<int:pk>/", api.ScenarioView.as_view(), name="api-roleplay"),
    path("training/roleplays/<int:pk>/attempts/", api.ScenarioAttemptsView.as_view(), name="api-roleplay-attempts"),
    path("training/attempts/<int:pk>/", api.AttemptView.as_view(), name="api-attempt"),
    path("training/attempts/<int:pk>/draft/", api.AttemptDraftView.as_view(), name="api-attempt-draft"),
    path("training/attempts/<int:pk>/answers/", api.AttemptAnswerView.as_view(), name="api-attempt-answers"),
    path(
        "enrollments/<int:pk>/excusals/", api_excusals.EnrollmentExcusalsView.as_view(), name="api-enrollment-excusals"
    ),
    path(
        "enrollments/<int:pk>/excusals/<int:excusal_id>/revoke/",
        api_excusals.EnrollmentExcusalRevokeView.as_view(),
        name="api-enrollment-excusal-revoke",
    ),
    path("scorer/versions/", api.ScorerVersionListView.as_view(), name="api-scorer-versions"),
    path("scorer/versions/<int:pk>/live/", api.ScorerVersionActivateView.as_view(), name="api-scorer-version-activate"),
]
