from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import dashboard
        from courses.dashboard import register_panel

        register_panel(dashboard.latest_feedback_panel)
        register_panel(dashboard.assigned_practice_panel)
        register_panel(dashboard.coach_grade_panel, slot="attempt_result")
