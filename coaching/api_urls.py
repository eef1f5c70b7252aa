from django.urls import path

from coaching import api, practice_api

urlpatterns = [
    path("coaching/queue/", api.QueueView.as_view(), name="api-queue"),
    path("coaching/estimate/", api.EstimateAgreementView.as_view(), name="api-estimate-agreement"),
    path("coaching/attempts/<int:pk>/", api.GradingView.as_view(), name="api-grading"),
    path("coaching/attempts/<int:pk>/grade/", api.GradeReleaseView.as_view(), name="api-grade"),
    path("coaching/attempts/<int:pk>/return/", api.ReturnView.as_view(), name="api-return"),
    path("coaching/attempts/<int:pk>/comments/", api.CommentView.as_view(), name="api-comments"),
    path("coaching/hires/<int:enrollment_id>/call-reviews/", api.CallReviewsView.as_view(), name="api-call-reviews"),
    path("coaching/hires/<int:enrollment_id>/feedback/", api.HireFeedbackView.as_view(), name="api-hire-feedback"),
    path(
        "coaching/hires/<int:enrollment_id>/nesting-observations/",
        api.NestingObservationsView.as_view(),
        name="api-nesting-observations",
    ),
    path("coaching/hires/<int:enrollment_id>/transfer/", api.HireTransferView.as_view(), name="api-hire-transfer"),
    path(
        "coaching/hires/<int:enrollment_id>/practice/",
        practice_api.HirePracticeView.as_view(),
        name="api-hire-practice",
    ),
    path(
        "coaching/practice/<int:assignment_id>/",
        practice_api.HirePracticeItemView.as_view(),
        name="api-hire-practice-item",
    ),
    path("coaching/cohorts/<int:cohort_id>/transfer/", api.CohortTransferView.as_view(), name="api-cohort-transfer"),
    path("coaching/disputes/<int:pk>/resolve/", api.DisputeResolveView.as_view(), name="api-dispute-resolve"),
    path("coaching/second-marks/", api.SecondMarksView.as_view(), name="api-second-marks"),
    path("coaching/second-marks/<int:pk>/", api.SecondMarkView.as_view(), name="api-second-mark"),
    path("coaching/moderation/", api.ModerationListView.as_view(), name="api-moderation"),
    path("coaching/moderation/<int:pk>/", api.ModerationView.as_view(), name="api-moderate"),
    path("training/feedback/", api.MyFeedbackView.as_view(), name="api-my-feedback"),
    path("training/feedback/<int:pk>/acknowledge/", api.AcknowledgeView.as_view(), name="api-acknowledge"),
    path("training/feedback/<int:pk>/replies/", api.ReplyView.as_view(), name="api-reply"),
    path("training/feedback/<int:pk>/disputes/", api.DisputeOpenView.as_view(), name="api-dispute"),
]
