"""Writing many measures at once, for generate_demo_data and the bulk import (imports/saving.py).

Bulk inserts send no signals: whoever calls these writes what the signals would have written (the stored
classification, the search vector, history).
"""

from django.db import connections

from measures.models import Measure


def insert_rows(model, columns, rows, using="default"):
    """Plain multi-row INSERTs for rows that need neither signals nor ids back (link tables, partners):
    a fraction of the cost of building a model instance per row."""
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, (connection.features.max_query_params or 30000) // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", [value for row in chunk for value in row])


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
