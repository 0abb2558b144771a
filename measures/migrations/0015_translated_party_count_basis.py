"""How the count of Parties is reached, in three languages (core.translation)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0014_language_facet_index"),
    ]

    operations = [
        migrations.RenameField(
            model_name="partycount",
            old_name="basis",
            new_name="basis_en",
        ),
        migrations.AlterField(
            model_name="partycount",
            name="basis_en",
            field=models.TextField(verbose_name="how the figure is reached (English)"),
        ),
        migrations.AddField(
            model_name="partycount",
            name="basis_fr",
            field=models.TextField(blank=True, verbose_name="how the figure is reached (French)"),
        ),
        migrations.AddField(
            model_name="partycount",
            name="basis_es",
            field=models.TextField(blank=True, verbose_name="how the figure is reached (Spanish)"),
        ),
    ]
