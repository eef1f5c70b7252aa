from django.urls import path

from coaching import estimate_views, nesting_views, views

app_name = "coaching"

urlpatterns = [
    path("coaching/queue/", views.queue, name="queue"),
    path("coaching/queue/next/", views.grade_next, name="grade_next"),
    path("coaching/overview/", views.overview, name="overview"),
    path("coaching/attempts/<int:attempt_id>/", views.attempt_for_coach, name="attempt"),
    path("coaching/attempts/<int:attempt_id>/grade/", views.grade, name="grade"),
    path("coaching/attempts/<int:attempt_id>/draft/", views.grade_draft, name="grade_draft"),
    path("coaching/attempts/<int:attempt_id>/comments/", views.answer_comment, name="answer_comment"),
    path("coaching/attempts/<int:attempt_id>/release-claim/", views.release_claim, name="release_claim"),
    path("coaching/estimate/", estimate_views.estimate_against_coaches, name="estimate_agreement"),
    path("coaching/hires/", views.my_hires, name="my_hires"),
    path("coaching/hires/<int:enrollment_id>/", views.hire_timeline, name="hire_timeline"),
    path("coaching/hires/<int:enrollment_id>/call-reviews/new/", views.call_review_new, name="call_review_new"),
    path("coaching/hires/<int:enrollment_id>/observe/", nesting_views.nesting_new, name="nesting_new"),
    path("coaching/hires/<int:enrollment_id>/practice/", views.practice_add, name="practice_add"),
    path("coaching/practice/<int:assignment_id>/remove/", views.practice_remove, name="practice_remove"),
    path("coaching/call-reviews/<int:review_id>/", views.call_review_detail, name="call_review"),
    path("coaching/call-reviews/<int:review_id>/edit/", views.call_review_edit, name="call_review_edit"),
    path("coaching/observations/<int:review_id>/edit/", nesting_views.nesting_edit, name="observation_edit"),
    path("coaching/call-reviews/<int:review_id>/recording/", views.recording, name="recording"),
    path("coaching/disputes/<int:dispute_id>/resolve/", views.dispute_resolve, name="dispute_resolve"),
    path("coaching/second-marks/", views.second_marks, name="second_marks"),
    path("coaching/second-marks/<int:second_mark_id>/", views.second_mark, name="second_mark"),
    path("coaching/moderation/", views.moderation_list, name="moderation"),
    path("coaching/moderation/<int:second_mark_id>/", views.moderate, name="moderate"),
    path("training/feedback/", views.my_feedback, name="my_feedback"),
    path("training/feedback/<int:feedback_id>/acknowledge/", views.feedback_acknowledge, name="acknowledge"),
    path("training/feedback/<int:feedback_id>/reply/", views.feedback_reply, name="reply"),
    path("training/feedback/<int:feedback_id>/dispute/", views.dispute_open, name="dispute"),
]
