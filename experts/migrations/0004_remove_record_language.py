"""The record's language is now per field (core.translation); done apart from 0003's data step, so that no
table is altered in the transaction that updated it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0003_translated_reference_record"),
    ]

    operations = [
        migrations.RemoveField(model_name="body", name="language"),
        migrations.RemoveField(model_name="meeting", name="language"),
        migrations.RemoveField(model_name="outcome", name="language"),
        migrations.AlterModelOptions(
            name="body",
            options={"ordering": ["name_en"], "verbose_name": "body", "verbose_name_plural": "bodies"},
        ),
        migrations.AlterModelOptions(
            name="meeting",
            options={
                "ordering": ["-span_start", "title_en"],
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
            },
        ),
    ]
