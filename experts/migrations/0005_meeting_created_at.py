"""When a meeting was recorded, for the e-mail alerts on the meetings list (docs/alerts.md). Their real dates
of entry unknown, the meetings already recorded count as created when this migration runs, not at a guessed
date: no alert ever mails them as new."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0004_remove_record_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created"),
        ),
    ]
