# Call data deleted under the retention policy (coaching.retention) leaves a record.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0007_private_recordings"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallDataDeletion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "review_number",
                    models.PositiveBigIntegerField(
                        blank=True,
                        db_index=True,
                        help_text="The review's id, kept if the review is deleted.",
                        null=True,
                    ),
                ),
                ("call_at", models.DateTimeField(blank=True, null=True)),
                (
                    "recording_name",
                    models.CharField(blank=True, help_text="The file deleted from private storage.", max_length=255),
                ),
                (
                    "transcript_chars",
                    models.PositiveIntegerField(default=0, help_text="Length of the transcript cleared."),
                ),
                (
                    "retention_days",
                    models.PositiveIntegerField(blank=True, help_text="The retention period applied.", null=True),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("retention", "Retention period over"),
                            ("abandoned_upload", "Upload never used for a review"),
                        ],
                        default="retention",
                        max_length=20,
                    ),
                ),
                ("deleted_at", models.DateTimeField(db_index=True)),
                (
                    "review",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="data_deletions",
                        to="coaching.callreview",
                    ),
                ),
            ],
            options={
                "ordering": ["-deleted_at", "-id"],
            },
        ),
    ]
