from django.db import migrations, models

NEWEST_INDEX = "measure_published_newest_idx"

# Filters select measures through the link tables by the linked record; Django indexes those tables by
# (measure, record) and by record alone, so a filter also reads the table for each measure id. These
# indexes answer it from the index alone.
LINK_INDEXES = [
    ("measure_goals_goal_measure_idx", "measures_measure_goals", "goal_id"),
    ("measure_areas_area_measure_idx", "measures_measure_areas", "areaofmonitoring_id"),
    ("measure_domains_domain_measure_idx", "measures_measure_domains", "culturaldomain_id"),
]


def create_newest_index(apps, schema_editor):
    # The public list's default order (measures.filters.NEWEST_ORDER), so a page of published measures is
    # read in index order. SQLite already sorts nulls last when descending and refuses NULLS LAST in an index.
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {NEWEST_INDEX} ON measures_measure "
        f"(report_year DESC{nulls_last}, period_start DESC{nulls_last}, title, id) WHERE status = 'published'"
    )


def drop_newest_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEWEST_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_http_https_urls"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=[
                    "party",
                    "reported_by",
                    "report_year",
                    "period_start",
                    "period_end",
                    "is_youth",
                    "is_preferential_treatment",
                    "is_innovative",
                    "id",
                ],
                name="measure_published_facet_idx",
            ),
        ),
        migrations.RunPython(create_newest_index, drop_newest_index),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} ({column}, measure_id)",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, column in LINK_INDEXES
        ),
    ]
