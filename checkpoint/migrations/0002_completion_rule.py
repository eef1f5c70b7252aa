import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoint", "0001_initial"),
        ("courses", "0008_cohort_second_marking_percent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CompletionRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "requires_all_items",
                    models.BooleanField(
                        default=True,
                        help_text="Every lesson, check and role-play.",
                        verbose_name="every item done or excused",
                    ),
                ),
                (
                    "requires_readiness",
                    models.BooleanField(
                        default=True, help_text="The cohort's readiness rule.", verbose_name="readiness met"
                    ),
                ),
                ("updated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "cohort",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="completion_rule", to="courses.cohort"
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
