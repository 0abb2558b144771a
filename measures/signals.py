"""Keep each measure's stored goals equal to its areas' goals plus the goals ticked directly; tell the public
pages' cache which changes it can ignore."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges

from measures.models import AreaOfMonitoring, Measure, MeasureTransition, Partner


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
def refresh_goals_on_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_goals()
    elif pk_set:
        # Changed from the area or goal side: every measure touched needs its goals recomputed.
        Measure.objects.filter(pk__in=pk_set).refresh_goals()
    else:
        # A reverse clear does not say which measures it touched; recompute them all.
        Measure.objects.all().refresh_goals()


@receiver(post_save, sender=AreaOfMonitoring)
def refresh_goals_on_area_save(sender, instance, created, **kwargs):
    """An area moved to another goal changes the goals of every measure in it."""
    if not created:
        Measure.objects.filter(areas=instance).refresh_goals()
