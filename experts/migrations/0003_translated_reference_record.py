"""Bodies, meetings, topics, organisers' notes and outcomes in three languages (core.translation). A record that
was marked as written in French or Spanish keeps its text as the English fallback and as that language's."""

from django.db import migrations, models

TRANSLATED = {
    "Body": ("name", "short_name", "aliases", "mandate", "description"),
    "Meeting": ("title", "city", "venue", "description"),
    "Outcome": ("title", "text"),
}


def copy_into_record_language(apps, schema_editor):
    for model_name, bases in TRANSLATED.items():
        model = apps.get_model("experts", model_name)
        for language in ("fr", "es"):
            model.objects.filter(language=language).update(
                **{f"{base}_{language}": models.F(f"{base}_en") for base in bases}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0002_http_https_urls"),
    ]

    operations = [
        migrations.RenameField(
            model_name="body",
            old_name="name",
            new_name="name_en",
        ),
        migrations.AlterField(
            model_name="body",
            name="name_en",
            field=models.CharField(max_length=255, verbose_name="name (English)"),
        ),
        migrations.AddField(
            model_name="body",
            name="name_fr",
            field=models.CharField(blank=True, max_length=255, verbose_name="name (French)"),
        ),
        migrations.AddField(
            model_name="body",
            name="name_es",
            field=models.CharField(blank=True, max_length=255, verbose_name="name (Spanish)"),
        ),
        migrations.RenameField(
            model_name="body",
            old_name="short_name",
            new_name="short_name_en",
        ),
        migrations.AlterField(
            model_name="body",
            name="short_name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="short name (English)"),
        ),
        migrations.AddField(
            model_name="body",
            name="short_name_fr",
            field=models.CharField(blank=True, max_length=60, verbose_name="short name (French)"),
        ),
        migrations.AddField(
            model_name="body",
            name="short_name_es",
            field=models.CharField(blank=True, max_length=60, verbose_name="short name (Spanish)"),
        ),
        migrations.RenameField(
            model_name="body",
            old_name="aliases",
            new_name="aliases_en",
        ),
        migrations.AlterField(
            model_name="body",
            name="aliases_en",
            field=models.TextField(
                blank=True,
                help_text="One per line, e.g. “reflection group” for the Group of Experts.",
                verbose_name="other names (English)",
            ),
        ),
        migrations.AddField(
            model_name="body",
            name="aliases_fr",
            field=models.TextField(
                blank=True,
                help_text="One per line, e.g. “reflection group” for the Group of Experts.",
                verbose_name="other names (French)",
            ),
        ),
        migrations.AddField(
            model_name="body",
            name="aliases_es",
            field=models.TextField(
                blank=True,
                help_text="One per line, e.g. “reflection group” for the Group of Experts.",
                verbose_name="other names (Spanish)",
            ),
        ),
        migrations.RenameField(
            model_name="body",
            old_name="mandate",
            new_name="mandate_en",
        ),
        migrations.AlterField(
            model_name="body",
            name="mandate_en",
            field=models.TextField(blank=True, verbose_name="mandate (English)"),
        ),
        migrations.AddField(
            model_name="body",
            name="mandate_fr",
            field=models.TextField(blank=True, verbose_name="mandate (French)"),
        ),
        migrations.AddField(
            model_name="body",
            name="mandate_es",
            field=models.TextField(blank=True, verbose_name="mandate (Spanish)"),
        ),
        migrations.RenameField(
            model_name="body",
            old_name="description",
            new_name="description_en",
        ),
        migrations.AlterField(
            model_name="body",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AddField(
            model_name="body",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="body",
            name="description_es",
            field=models.TextField(blank=True, verbose_name="description (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meeting",
            old_name="title",
            new_name="title_en",
        ),
        migrations.AlterField(
            model_name="meeting",
            name="title_en",
            field=models.CharField(max_length=500, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="title_fr",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="title_es",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meeting",
            old_name="city",
            new_name="city_en",
        ),
        migrations.AlterField(
            model_name="meeting",
            name="city_en",
            field=models.CharField(blank=True, max_length=120, verbose_name="city (English)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="city_fr",
            field=models.CharField(blank=True, max_length=120, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="city_es",
            field=models.CharField(blank=True, max_length=120, verbose_name="city (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meeting",
            old_name="venue",
            new_name="venue_en",
        ),
        migrations.AlterField(
            model_name="meeting",
            name="venue_en",
            field=models.CharField(blank=True, max_length=255, verbose_name="venue (English)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="venue_fr",
            field=models.CharField(blank=True, max_length=255, verbose_name="venue (French)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="venue_es",
            field=models.CharField(blank=True, max_length=255, verbose_name="venue (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meeting",
            old_name="description",
            new_name="description_en",
        ),
        migrations.AlterField(
            model_name="meeting",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="description_es",
            field=models.TextField(blank=True, verbose_name="description (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meetingtopic",
            old_name="title",
            new_name="title_en",
        ),
        migrations.AlterField(
            model_name="meetingtopic",
            name="title_en",
            field=models.CharField(max_length=500, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="meetingtopic",
            name="title_fr",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="meetingtopic",
            name="title_es",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meetingtopic",
            old_name="summary",
            new_name="summary_en",
        ),
        migrations.AlterField(
            model_name="meetingtopic",
            name="summary_en",
            field=models.TextField(blank=True, verbose_name="summary (English)"),
        ),
        migrations.AddField(
            model_name="meetingtopic",
            name="summary_fr",
            field=models.TextField(blank=True, verbose_name="summary (French)"),
        ),
        migrations.AddField(
            model_name="meetingtopic",
            name="summary_es",
            field=models.TextField(blank=True, verbose_name="summary (Spanish)"),
        ),
        migrations.RenameField(
            model_name="meetingorganiser",
            old_name="note",
            new_name="note_en",
        ),
        migrations.AlterField(
            model_name="meetingorganiser",
            name="note_en",
            field=models.CharField(
                blank=True,
                help_text="What this organiser did, e.g. “presented a segment”.",
                max_length=300,
                verbose_name="note (English)",
            ),
        ),
        migrations.AddField(
            model_name="meetingorganiser",
            name="note_fr",
            field=models.CharField(
                blank=True,
                help_text="What this organiser did, e.g. “presented a segment”.",
                max_length=300,
                verbose_name="note (French)",
            ),
        ),
        migrations.AddField(
            model_name="meetingorganiser",
            name="note_es",
            field=models.CharField(
                blank=True,
                help_text="What this organiser did, e.g. “presented a segment”.",
                max_length=300,
                verbose_name="note (Spanish)",
            ),
        ),
        migrations.RenameField(
            model_name="outcome",
            old_name="title",
            new_name="title_en",
        ),
        migrations.AlterField(
            model_name="outcome",
            name="title_en",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_fr",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_es",
            field=models.CharField(blank=True, max_length=500, verbose_name="title (Spanish)"),
        ),
        migrations.RenameField(
            model_name="outcome",
            old_name="text",
            new_name="text_en",
        ),
        migrations.AlterField(
            model_name="outcome",
            name="text_en",
            field=models.TextField(blank=True, verbose_name="text (English)"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="text_fr",
            field=models.TextField(blank=True, verbose_name="text (French)"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="text_es",
            field=models.TextField(blank=True, verbose_name="text (Spanish)"),
        ),
        migrations.RunPython(copy_into_record_language, migrations.RunPython.noop),
    ]
