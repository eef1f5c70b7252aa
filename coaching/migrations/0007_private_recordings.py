# Call recordings move to the private storage (coaching.storage); `manage.py move_private_files`
# moves the files already kept under MEDIA_ROOT.

from django.db import migrations, models

import coaching.storage


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0006_practice_assignments"),
    ]

    operations = [
        migrations.AlterField(
            model_name="callreview",
            name="recording",
            field=models.FileField(blank=True, storage=coaching.storage.private_storage, upload_to="recordings/"),
        ),
        migrations.AlterField(
            model_name="pendingrecording",
            name="file",
            field=models.FileField(storage=coaching.storage.private_storage, upload_to="recordings/pending/"),
        ),
    ]
