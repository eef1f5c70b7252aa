from django.apps import AppConfig


class CheckpointConfig(AppConfig):
    name = "checkpoint"
    verbose_name = "Commitment checkpoint"

    def ready(self) -> None:
        from checkpoint import dashboard
        from courses.dashboard import register_panel

        register_panel(dashboard.checkpoint_panel)
        register_panel(dashboard.checkpoint_panel, slot="finished")
