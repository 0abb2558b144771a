"""The organisations' names, acronyms and descriptions in three languages (core.translation); a membership recorded
once per pair of organisations, with its roles; UNESCO regions as choices."""

from django.db import migrations, models


def merge_memberships(apps, schema_editor):
    """One row per (member, organisation), holding every role its rows held."""
    Membership = apps.get_model("measures", "OrganisationMembership")
    kept = {}
    for link in Membership.objects.order_by("pk"):
        key = (link.member_id, link.organisation_id)
        first = kept.setdefault(key, link)
        first.is_member = (first.is_member if first is not link else False) or link.role == "member"
        first.holds_secretariat = first.holds_secretariat or link.role == "secretariat"
        if first is not link:
            link.delete()
    for link in kept.values():
        link.save(update_fields=["is_member", "holds_secretariat"])


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0011_synthetic_index"),
    ]

    operations = [
        migrations.RenameField(
            model_name="organisation",
            old_name="name",
            new_name="name_en",
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name_en",
            field=models.CharField(max_length=255, verbose_name="name (English)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_fr",
            field=models.CharField(blank=True, max_length=255, verbose_name="name (French)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_es",
            field=models.CharField(blank=True, max_length=255, verbose_name="name (Spanish)"),
        ),
        migrations.RenameField(
            model_name="organisation",
            old_name="acronym",
            new_name="acronym_en",
        ),
        migrations.AlterField(
            model_name="organisation",
            name="acronym_en",
            field=models.CharField(blank=True, max_length=30, verbose_name="acronym (English)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="acronym_fr",
            field=models.CharField(blank=True, max_length=30, verbose_name="acronym (French)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="acronym_es",
            field=models.CharField(blank=True, max_length=30, verbose_name="acronym (Spanish)"),
        ),
        migrations.RenameField(
            model_name="organisation",
            old_name="description",
            new_name="description_en",
        ),
        migrations.AlterField(
            model_name="organisation",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description_es",
            field=models.TextField(blank=True, verbose_name="description (Spanish)"),
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={"ordering": ["name_en"], "verbose_name": "organisation", "verbose_name_plural": "organisations"},
        ),
        migrations.RemoveConstraint(model_name="organisationmembership", name="organisation_membership_unique"),
        migrations.RemoveConstraint(model_name="organisationmembership", name="organisation_membership_role_valid"),
        migrations.AddField(
            model_name="organisationmembership",
            name="is_member",
            field=models.BooleanField(default=True, verbose_name="member"),
        ),
        migrations.AddField(
            model_name="organisationmembership",
            name="holds_secretariat",
            field=models.BooleanField(default=False, verbose_name="runs its secretariat"),
        ),
        migrations.RunPython(merge_memberships, migrations.RunPython.noop),
    ]
