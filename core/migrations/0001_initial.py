import time

from django.db import migrations, models
from django.utils import timezone


def first_row(apps, schema_editor):
    PublicChange = apps.get_model("core", "PublicChange")
    PublicChange.objects.get_or_create(pk=1, defaults={"generation": time.time_ns(), "changed_at": timezone.now()})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PublicChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("generation", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="public_change_single_row")],
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
