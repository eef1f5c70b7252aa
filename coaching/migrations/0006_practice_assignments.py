import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def call_review_picks_to_assignments(apps, schema_editor):
    """Practice coaches picked on call reviews becomes the hire's practice list: one list from now on."""
    CallReview = apps.get_model("coaching", "CallReview")
    PracticeAssignment = apps.get_model("coaching", "PracticeAssignment")
    assignments = []
    for review in CallReview.objects.prefetch_related("practice_lessons", "practice_scenarios").iterator(
        chunk_size=500
    ):
        reason = (f"From your call review: {review.reason}" if review.reason else "From your coach's call review")[:300]
        common = {
            "enrollment_id": review.enrollment_id, "reason": reason, "source": "coach", "call_review_id": review.pk,
            "assigned_by_id": review.coach_id, "assigned_at": review.created_at,
        }  # fmt: skip
        assignments += [PracticeAssignment(lesson_id=lesson.pk, **common) for lesson in review.practice_lessons.all()]
        assignments += [
            PracticeAssignment(scenario_id=scenario.pk, **common) for scenario in review.practice_scenarios.all()
        ]
    PracticeAssignment.objects.bulk_create(assignments, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0005_call_review_kind_nesting_observations"),
        ("courses", "0008_cohort_second_marking_percent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PracticeAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("criterion_key", models.SlugField(blank=True, max_length=40)),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("reason_key", models.CharField(blank=True, db_index=True, max_length=200)),
                (
                    "source",
                    models.CharField(
                        choices=[("auto", "Picked automatically"), ("coach", "Picked by a coach")], max_length=10
                    ),
                ),
                ("assigned_at", models.DateTimeField()),
                ("removed_at", models.DateTimeField(blank=True, null=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "call_review",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="practice_assignments",
                        to="coaching.callreview",
                    ),
                ),
                (
                    "enrollment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="practice_assignments",
                        to="courses.enrollment",
                    ),
                ),
                (
                    "lesson",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="courses.lesson",
                    ),
                ),
                (
                    "removed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "scenario",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="courses.scenario",
                    ),
                ),
            ],
            options={
                "ordering": ["-assigned_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("lesson__isnull", False), ("scenario__isnull", True)),
                            models.Q(("lesson__isnull", True), ("scenario__isnull", False)),
                            _connector="OR",
                        ),
                        name="practice_assignment_one_item",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("lesson__isnull", False), ("source", "auto")),
                        fields=("enrollment", "reason_key", "lesson"),
                        name="one_auto_practice_lesson_per_reason",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("scenario__isnull", False), ("source", "auto")),
                        fields=("enrollment", "reason_key", "scenario"),
                        name="one_auto_practice_scenario_per_reason",
                    ),
                ],
            },
        ),
        migrations.RunPython(call_review_picks_to_assignments, migrations.RunPython.noop),
    ]
