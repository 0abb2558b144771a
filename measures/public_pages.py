"""Which changes to the measures app's records the public pages can show, so that the others leave the page
cache (convention_portal.page_cache) in place."""

from simple_history.models import HistoricalChanges

from convention_portal import page_cache
from measures.models import Measure, MeasureTransition, Partner, ReportDocument


def empty_page_cache_on_changes(app_config):
    """Every save, delete and link change of the app's models empties the page cache, but for unseen ones."""
    page_cache.invalidate_on_changes(app_config, unseen=unseen_by_the_public)


def unseen_by_the_public(instance):
    """True for a change no public page can show, which leaves the public pages' cache in place: a measure
    neither published nor published when read (a draft being written), its partners and links, history
    records, workflow steps, and a report's PDF kept for serving again. Anything else empties the cache."""
    if isinstance(instance, (HistoricalChanges, MeasureTransition, ReportDocument)):
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
