"""Saving a batch of checked rows as new drafts: a few multi-row INSERTs per batch, not several queries a row.

Bulk inserts send no signals, so this writes what they would have: the stored classification (with each row),
the search vector (PostgreSQL), the history of the measures, their links and their partners, as one "Imported"
record each.
"""

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext

from measures.bulk import insert_rows
from measures.models import Measure, Partner
from measures.search import WeightedVector

#: The many-to-many columns whose history simple-history keeps (Measure.history's m2m_fields), by the attribute
#: of a Candidate holding them.
HISTORY_LINKS = {
    "areas": ("HistoricalMeasure_areas", "areaofmonitoring"),
    "domains": ("HistoricalMeasure_domains", "culturaldomain"),
    "goals_ticked": ("HistoricalMeasure_goals_ticked", "goal"),
}


def change_reason():
    return gettext("Imported")


def save_batch(candidates, user, organisation_names):
    """Insert `candidates` (imports.rows.Candidate) as drafts created by `user`; returns how many."""
    if not candidates:
        return 0
    measures = [candidate.measure(user) for candidate in candidates]
    if connection.vendor == "postgresql":
        for measure, candidate in zip(measures, candidates, strict=True):
            related = [measure.results, *(name for name, _type in candidate.partners)]
            if measure.organisation_id:
                related.extend(organisation_names[measure.organisation_id])
            measure.search_vector = WeightedVector(measure.title, measure.main_features, "\n".join(related))
    Measure.objects.bulk_create(measures)
    reason = change_reason()
    history = Measure.history.bulk_history_create(measures, default_user=user, default_change_reason=reason)

    history_by_measure = {record.id: record.pk for record in history}
    for attribute, (model_name, related_field) in HISTORY_LINKS.items():
        # simple-history's rows for a link copy the link row's id: the links are inserted with theirs returned.
        links = [
            (measure.pk, related.pk)
            for measure, candidate in zip(measures, candidates, strict=True)
            for related in getattr(candidate, attribute)
        ]
        ids = insert_rows(getattr(Measure, attribute).through, ("measure", related_field), links, returning="id")
        insert_rows(
            apps.get_model("measures", model_name),
            ("id", "history", "measure", related_field),
            [
                (link_id, history_by_measure[measure_id], measure_id, related_id)
                for link_id, (measure_id, related_id) in zip(ids, links, strict=True)
            ],
        )
    insert_rows(
        Measure.goals.through,
        ("measure", "goal"),
        [
            (measure.pk, goal_id)
            for measure, candidate in zip(measures, candidates, strict=True)
            for goal_id in candidate.goal_ids
        ],
    )
    partners = [
        Partner(measure=measure, name=name, entity_type=kind, position=position)
        for measure, candidate in zip(measures, candidates, strict=True)
        for position, (name, kind) in enumerate(candidate.partners)
    ]
    if partners:
        Partner.objects.bulk_create(partners)
        Partner.history.bulk_history_create(partners, default_user=user, default_change_reason=reason)
    return len(measures)
