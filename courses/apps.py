from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _register_shipped_scorer(sender, using="default", **kwargs) -> None:
    # The shipped pre-scorer is a version like any other, there to roll back to; registering it
    # here keeps the page that lists versions free of writes.
    from django.db import connections

    from courses.models import ScorerVersion
    from courses.services.scorer_versions import shipped_version_ensure

    if ScorerVersion._meta.db_table in connections[using].introspection.table_names():  # not when migrated back
        shipped_version_ensure(using=using)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Training"

    def ready(self) -> None:
        post_migrate.connect(_register_shipped_scorer, sender=self, dispatch_uid="courses-shipped-scorer")
        from courses.caching import register_sources

        register_sources()
