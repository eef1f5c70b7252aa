from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_cohort_second_marking_percent"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="trains",
            field=models.JSONField(
                blank=True, default=list, help_text="Keys of the rubric criteria this lesson trains."
            ),
        ),
        migrations.AddField(
            model_name="scenario",
            name="trains",
            field=models.JSONField(
                blank=True, default=list, help_text="Keys of the rubric criteria this role-play trains."
            ),
        ),
    ]
