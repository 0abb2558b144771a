import django.db.models
from django.db import migrations, models

import core.fields

FACET_COLUMNS = [
    "party",
    "reported_by",
    "report_year",
    "period_start",
    "period_end",
    "is_youth",
    "is_preferential_treatment",
    "is_innovative",
]

# Each bit is stored once per measure, so a sum of bits is their union.
FILL_BITS = [
    (
        "goal_bits",
        "SELECT SUM(CAST(1 AS BIGINT) << g.number) FROM measures_measure_goals l"
        " JOIN measures_goal g ON g.id = l.goal_id WHERE l.measure_id = measures_measure.id",
    ),
    (
        "area_bits",
        "SELECT SUM(CAST(1 AS BIGINT) << a.bit) FROM measures_measure_areas l"
        " JOIN measures_areaofmonitoring a ON a.id = l.areaofmonitoring_id WHERE l.measure_id = measures_measure.id",
    ),
    (
        "domain_bits",
        "SELECT SUM(CAST(1 AS BIGINT) << d.bit) FROM measures_measure_domains l"
        " JOIN measures_culturaldomain d ON d.id = l.culturaldomain_id WHERE l.measure_id = measures_measure.id",
    ),
]


def fill_bits(apps, schema_editor):
    for model_name in ("AreaOfMonitoring", "CulturalDomain"):
        model = apps.get_model("measures", model_name)
        for bit, option in enumerate(model.objects.order_by("position", "pk")):
            model.objects.filter(pk=option.pk).update(bit=bit)
    for column, select in FILL_BITS:
        schema_editor.execute(f"UPDATE measures_measure SET {column} = COALESCE(({select}), 0)")
    if schema_editor.connection.vendor == "postgresql":
        # The table cannot be indexed below with the updated rows' deferred foreign-key checks still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


OPTIONS_WITH_BITS = ("areaofmonitoring", "culturaldomain")
BITS = ("goal_bits", "area_bits", "domain_bits")
PUBLISHED = django.db.models.Q(("status", "published"))


def bit_field(**options):
    return models.PositiveSmallIntegerField(editable=False, verbose_name="bit", **options)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0008_admin_order_index"),
    ]

    operations = [
        *(migrations.AddField(model_name=model, name="bit", field=bit_field(null=True)) for model in OPTIONS_WITH_BITS),
        *(
            migrations.AddField(
                model_name="measure", name=name, field=core.fields.BitSetField(default=0, editable=False)
            )
            for name in BITS
        ),
        migrations.RunPython(fill_bits, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=model, name="bit", field=bit_field(unique=True))
            for model in OPTIONS_WITH_BITS
        ),
        migrations.RemoveIndex(model_name="measure", name="measure_published_facet_idx"),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                condition=PUBLISHED, fields=[*FACET_COLUMNS, *BITS, "id"], name="measure_published_facet_idx"
            ),
        ),
        *(
            migrations.AddIndex(
                model_name="measure",
                index=models.Index(condition=PUBLISHED, fields=fields, name=f"measure_facets_{name}_idx"),
            )
            for name, fields in [
                ("party", ["party"]),
                ("flags", ["reported_by", "is_youth", "is_preferential_treatment", "is_innovative"]),
                ("area", ["goal_bits", "area_bits"]),
                ("domain", ["domain_bits", "report_year"]),
            ]
        ),
    ]
