"""A membership recorded once per pair of organisations (its roles merged by 0012); UNESCO regions as choices.
Apart from 0012's data step, so that no table is altered in the transaction that updated it."""

from django.db import migrations, models


def blank_unknown_regions(apps, schema_editor):
    Party = apps.get_model("measures", "Party")
    regions = [
        "Africa",
        "Arab States",
        "Asia and the Pacific",
        "Europe and North America",
        "Latin America and the Caribbean",
    ]
    Party.objects.exclude(unesco_region="").exclude(unesco_region__in=regions).update(unesco_region="")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0012_translated_organisations"),
    ]

    operations = [
        migrations.RunPython(blank_unknown_regions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="organisationmembership", name="role"),
        migrations.AlterModelOptions(
            name="organisationmembership",
            options={
                "ordering": ["organisation__name_en", "member__name_en"],
                "verbose_name": "organisation membership",
                "verbose_name_plural": "organisation memberships",
            },
        ),
        migrations.AddConstraint(
            model_name="organisationmembership",
            constraint=models.UniqueConstraint(
                fields=("member", "organisation"),
                name="organisation_membership_once",
                violation_error_message="This organisation is already linked to that one: edit that link.",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisationmembership",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_member", True), ("holds_secretariat", True), _connector="OR"),
                name="organisation_membership_has_a_role",
                violation_error_message="Tick “member”, “runs its secretariat” or both.",
            ),
        ),
        migrations.AlterField(
            model_name="party",
            name="unesco_region",
            field=models.CharField(
                blank=True,
                choices=[
                    ("Africa", "Africa"),
                    ("Arab States", "Arab States"),
                    ("Asia and the Pacific", "Asia and the Pacific"),
                    ("Europe and North America", "Europe and North America"),
                    ("Latin America and the Caribbean", "Latin America and the Caribbean"),
                ],
                max_length=60,
                verbose_name="UNESCO region",
            ),
        ),
        migrations.AddConstraint(
            model_name="party",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unesco_region", ""),
                    (
                        "unesco_region__in",
                        [
                            "Africa",
                            "Arab States",
                            "Asia and the Pacific",
                            "Europe and North America",
                            "Latin America and the Caribbean",
                        ],
                    ),
                    _connector="OR",
                ),
                name="party_unesco_region_valid",
            ),
        ),
    ]
