from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching.dashboard import latest_feedback_panel
        from courses.dashboard import register_panel

        register_panel(latest_feedback_panel)
