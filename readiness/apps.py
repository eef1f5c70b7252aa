from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness for nesting"

    def ready(self) -> None:
        from coaching import extensions
        from common.versioned_cache import register_source
        from courses.caching import COHORT, ENROLLMENT
        from courses.dashboard import register_panel
        from readiness import panels
        from readiness.models import ReadinessOverride, ReadinessRule, ReadinessSignOff

        register_source(ReadinessRule, scope=COHORT, pks_of=lambda rule: [rule.cohort_id])
        register_source(ReadinessSignOff, scope=ENROLLMENT, pks_of=lambda signoff: [signoff.enrollment_id])
        register_source(ReadinessOverride, scope=ENROLLMENT, pks_of=lambda override: [override.enrollment_id])

        register_panel(panels.hire_dashboard_panel)
        extensions.register_timeline_panel(panels.timeline_panel)
        extensions.register_roster_column(panels.roster_column)
