"""Writing many measures at once, for generate_demo_data and the bulk import (imports/saving.py).

Bulk inserts send no signals: whoever calls these writes what the signals would have written (the stored
classification, the search vector, history).
"""

from django.db import connections

from measures.models import Measure


def insert_rows(model, columns, rows, using="default", returning=None):
    """Plain multi-row INSERTs for rows that need no signals (link tables, partners): a fraction of the cost of
    building a model instance per row. With `returning` (a column), the values it got, in the rows' order (the
    order PostgreSQL and SQLite return a multi-row INSERT's rows in, which Django's bulk_create relies on too)."""
    returned = []
    if not rows:
        return returned
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    suffix = f" RETURNING {quote(returning)}" if returning else ""
    per_statement = max(1, (connection.features.max_query_params or 30000) // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}{suffix}", [value for row in chunk for value in row]
            )
            if returning:
                returned += [row[0] for row in cursor.fetchall()]
    return returned


class Links:
    """The link-table rows of a batch of saved measures: areas, domains, goals ticked and stored goals."""

    def __init__(self):
        self.areas, self.domains, self.ticked, self.goals = [], [], [], []

    def add(self, measure_id, area_ids, domain_ids, ticked_ids, goal_ids):
        self.areas += [(measure_id, pk) for pk in area_ids]
        self.domains += [(measure_id, pk) for pk in domain_ids]
        self.ticked += [(measure_id, pk) for pk in ticked_ids]
        self.goals += [(measure_id, pk) for pk in goal_ids]

    def insert(self):
        # Bulk inserts send no m2m_changed signal, so the stored goals are written here directly.
        insert_rows(Measure.areas.through, ("measure", "areaofmonitoring"), self.areas)
        insert_rows(Measure.domains.through, ("measure", "culturaldomain"), self.domains)
        insert_rows(Measure.goals_ticked.through, ("measure", "goal"), self.ticked)
        insert_rows(Measure.goals.through, ("measure", "goal"), self.goals)
