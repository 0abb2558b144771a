"""Keep each measure's stored classification (its goals: those of its areas plus those ticked directly; the bits
of its goals, areas and domains) in step with its links; tell the public pages' cache which changes it can
ignore."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from simple_history.models import HistoricalChanges

from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, MeasureTransition, Partner

DELETE_BATCH_SIZE = 500


def unseen_by_the_public(instance):
    """True for a change no public page can show, which leaves the public pages' cache in place: a measure
    neither published nor published when read (a draft being written), its partners and links, history
    records and workflow steps. Anything else empties the cache."""
    if isinstance(instance, (HistoricalChanges, MeasureTransition)):
        return True
    if isinstance(instance, Measure):
        return not instance.seen_by_the_public
    if isinstance(instance, Partner):
        if instance.moved_to_another_measure:  # it left a measure that may be public
            return False
        if Partner.measure.is_cached(instance):
            measure = instance.measure
        else:  # deleted along with its measure, say: the measure's row is still there
            measure = Measure.objects.only("status").filter(pk=instance.measure_id).first()
        return measure is not None and not measure.seen_by_the_public
    return False


@receiver(m2m_changed, sender=Measure.areas.through)
@receiver(m2m_changed, sender=Measure.goals_ticked.through)
@receiver(m2m_changed, sender=Measure.domains.through)
def refresh_classification_on_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_classification()
    elif pk_set:
        # Changed from the area, goal or domain side: every measure touched needs its classification again.
        Measure.objects.filter(pk__in=pk_set).refresh_classification()
    else:
        # A reverse clear does not say which measures it touched; recompute them all.
        Measure.objects.all().refresh_classification()


@receiver(post_save, sender=AreaOfMonitoring)
def refresh_classification_on_area_save(sender, instance, created, **kwargs):
    """An area moved to another goal changes the goals of every measure in it."""
    if not created and instance.changed_since_read("goal_id"):
        Measure.objects.filter(areas=instance).refresh_classification()


@receiver(post_save, sender=Goal)
def refresh_classification_on_goal_save(sender, instance, created, **kwargs):
    """A goal's number is its bit."""
    if not created and instance.changed_since_read("number"):
        Measure.objects.filter(goals=instance).refresh_classification()


@receiver(pre_delete, sender=Goal)
@receiver(pre_delete, sender=AreaOfMonitoring)
@receiver(pre_delete, sender=CulturalDomain)
def note_measures_of_deleted_option(sender, instance, **kwargs):
    # The links go with the option, without an m2m_changed signal: remember whose classification changes.
    instance.measure_ids_before_delete = list(instance.measures.values_list("pk", flat=True))


@receiver(post_delete, sender=Goal)
@receiver(post_delete, sender=AreaOfMonitoring)
@receiver(post_delete, sender=CulturalDomain)
def refresh_classification_after_option_delete(sender, instance, **kwargs):
    measure_ids = instance.__dict__.pop("measure_ids_before_delete", [])
    for start in range(0, len(measure_ids), DELETE_BATCH_SIZE):
        Measure.objects.filter(pk__in=measure_ids[start : start + DELETE_BATCH_SIZE]).refresh_classification()
