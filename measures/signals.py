"""Keep each measure's stored goals equal to its areas' goals plus the goals ticked directly."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from measures.models import AreaOfMonitoring, Measure


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
