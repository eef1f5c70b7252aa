from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import dashboard
        from coaching.models import CallNote, CallReview, Dispute, Feedback, FeedbackReply, Grade, PracticeAssignment
        from common.versioned_cache import register_source
        from courses.caching import ENROLLMENT
        from courses.dashboard import register_panel
        from courses.models import Attempt

        # Grades, call reviews, feedback and practice picks change what the hire's dashboard, readiness,
        # transfer and standing are read from.
        register_source(
            Grade, scope=ENROLLMENT,
            pks_of=lambda grade: Attempt.objects.filter(pk=grade.attempt_id).values_list("enrollment_id", flat=True),
        )  # fmt: skip
        register_source(CallReview, scope=ENROLLMENT, pks_of=lambda review: [review.enrollment_id])
        register_source(Feedback, scope=ENROLLMENT, pks_of=lambda feedback: [feedback.enrollment_id])
        register_source(PracticeAssignment, scope=ENROLLMENT, pks_of=lambda assignment: [assignment.enrollment_id])
        # What the timeline shows of each feedback item.
        register_source(
            FeedbackReply, scope=ENROLLMENT,
            pks_of=lambda reply: Feedback.objects.filter(pk=reply.feedback_id).values_list("enrollment_id", flat=True),
        )  # fmt: skip
        register_source(
            CallNote, scope=ENROLLMENT,
            pks_of=lambda note: CallReview.objects.filter(pk=note.review_id).values_list("enrollment_id", flat=True),
        )  # fmt: skip
        register_source(
            Dispute, scope=ENROLLMENT,
            pks_of=lambda dispute: Grade.objects.filter(pk=dispute.grade_id).values_list(
                "attempt__enrollment_id", flat=True
            ),
        )  # fmt: skip

        register_panel(dashboard.latest_feedback_panel)
        register_panel(dashboard.assigned_practice_panel)
        register_panel(dashboard.coach_grade_panel, slot="attempt_result")
