import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonErasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("subject_id", models.PositiveBigIntegerField(help_text="The erased person's id.", unique=True)),
                ("erased_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("counts", models.JSONField(default=dict, help_text="What was cleared, deleted or ended, by kind.")),
                (
                    "admin",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="erasures_done",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "person erasure",
                "ordering": ["-erased_at", "-id"],
            },
        ),
    ]
