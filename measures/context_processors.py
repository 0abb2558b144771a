"""What every page says about the data as a whole: whether it holds synthetic examples (generate_demo_data)."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.functional import cached_property

from convention_portal import page_cache
from measures.models import Measure


def synthetic_measure_count():
    """How many published measures are synthetic examples: one COUNT after each change to the data, a cache read
    otherwise (page_cache.remember is emptied by every save and by generate_demo_data)."""
    return page_cache.remember(
        "synthetic-measures", (), lambda: Measure.objects.published().filter(is_synthetic=True).count()
    )


def database_unreachable():
    """True while the 503 page is being rendered for an unreachable database (convention_portal.errors)."""
    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


class DemoData:
    """Read only when a template asks (base.html's banner does): nothing is counted for pages that never ask,
    and nothing at all while the database is unreachable."""

    @cached_property
    def measure_count(self):
        if database_unreachable():
            return 0
        try:
            return synthetic_measure_count()
        except DatabaseError:  # the page itself will say what went wrong; the banner must not be the cause
            return 0


def demo_data(request):
    return {"demo_data": DemoData()}
