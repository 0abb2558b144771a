"""A measure's stored classification, and its only writer.

Besides its links to areas, domains and goals ticked directly, each measure stores (1) its goals — those of its
areas plus those ticked directly — so that goal filters are one join, and (2) its goals, areas and domains as the
bits of three integers (Goal.bit, BitNumbered.bit), so that filters and facet counts read the measure's row, or
its facet index, without joining the link tables. This module computes them, writes them, and keeps them in step
through the signals below; `generate_demo_data`, which inserts rows in bulk without signals, writes them through
`stored_classification()`. `Measure.save()` never writes the bits, so an instance read before its links changed
cannot undo them.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from core.fields import BitSetField
from measures.models import CLASSIFICATION_BITS, AreaOfMonitoring, CulturalDomain, Goal, Measure

DELETE_BATCH_SIZE = 500


def stored_classification(areas, domains, ticked_goals):
    """The goal ids to store and the (goal, area, domain) bits of a measure with these options (objects whose
    areas have their goal loaded)."""
    goals = {area.goal for area in areas} | set(ticked_goals)
    bits = (
        BitSetField.bits(goal.bit for goal in goals),
        BitSetField.bits(area.bit for area in areas),
        BitSetField.bits(domain.bit for domain in domains),
    )
    return sorted(goal.pk for goal in goals), bits


def refresh(measures):
    """Store, for every measure of the queryset `measures`, its goals and the bits of its goals, areas and
    domains; return {measure id: (goal bits, area bits, domain bits)}."""
    measure_ids = measures.values("pk")
    goals = {pk: set() for pk in measures.values_list("pk", flat=True)}
    area_bits, domain_bits = dict.fromkeys(goals, 0), dict.fromkeys(goals, 0)
    for measure_id, bit, goal_id, goal_bit in Measure.areas.through.objects.filter(
        measure_id__in=measure_ids
    ).values_list("measure_id", "areaofmonitoring__bit", "areaofmonitoring__goal_id", "areaofmonitoring__goal__number"):
        area_bits[measure_id] |= 1 << bit
        goals[measure_id].add((goal_id, goal_bit))
    for measure_id, goal_id, goal_bit in Measure.goals_ticked.through.objects.filter(
        measure_id__in=measure_ids
    ).values_list("measure_id", "goal_id", "goal__number"):
        goals[measure_id].add((goal_id, goal_bit))
    for measure_id, bit in Measure.domains.through.objects.filter(measure_id__in=measure_ids).values_list(
        "measure_id", "culturaldomain__bit"
    ):
        domain_bits[measure_id] |= 1 << bit

    goals_through = Measure.goals.through
    goals_through.objects.filter(measure_id__in=measure_ids).delete()
    goals_through.objects.bulk_create(
        [
            goals_through(measure_id=measure_id, goal_id=goal_id)
            for measure_id, pairs in goals.items()
            for goal_id, _bit in pairs
        ],
        batch_size=5000,
    )
    stored = {pk: (BitSetField.bits(bit for _goal, bit in goals[pk]), area_bits[pk], domain_bits[pk]) for pk in goals}
    Measure.objects.bulk_update(
        [Measure(pk=pk, **dict(zip(CLASSIFICATION_BITS, bits, strict=True))) for pk, bits in stored.items()],
        CLASSIFICATION_BITS,
        batch_size=1000,
    )
    return stored


@receiver(m2m_changed, sender=Measure.areas.through)
@receiver(m2m_changed, sender=Measure.goals_ticked.through)
@receiver(m2m_changed, sender=Measure.domains.through)
def refresh_on_link_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_classification()
    elif pk_set:
        # Changed from the area, goal or domain side: every measure touched needs its classification again.
        refresh(Measure.objects.filter(pk__in=pk_set))
    else:
        # A reverse clear does not say which measures it touched; recompute them all.
        refresh(Measure.objects.all())


@receiver(post_save, sender=AreaOfMonitoring)
def refresh_on_area_save(sender, instance, created, **kwargs):
    """An area moved to another goal changes the goals of every measure in it."""
    if not created and instance.changed_since_read("goal_id"):
        refresh(Measure.objects.filter(areas=instance))


@receiver(post_save, sender=Goal)
def refresh_on_goal_save(sender, instance, created, **kwargs):
    """A goal's number is its bit."""
    if not created and instance.changed_since_read("number"):
        refresh(Measure.objects.filter(goals=instance))


@receiver(pre_delete, sender=Goal)
@receiver(pre_delete, sender=AreaOfMonitoring)
@receiver(pre_delete, sender=CulturalDomain)
def note_measures_of_deleted_option(sender, instance, **kwargs):
    # The links go with the option, without an m2m_changed signal: remember whose classification changes.
    instance.measure_ids_before_delete = list(instance.measures.values_list("pk", flat=True))


@receiver(post_delete, sender=Goal)
@receiver(post_delete, sender=AreaOfMonitoring)
@receiver(post_delete, sender=CulturalDomain)
def refresh_after_option_delete(sender, instance, **kwargs):
    measure_ids = instance.__dict__.pop("measure_ids_before_delete", [])
    for start in range(0, len(measure_ids), DELETE_BATCH_SIZE):
        refresh(Measure.objects.filter(pk__in=measure_ids[start : start + DELETE_BATCH_SIZE]))
