from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convention_portal import page_cache


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Parties, organisations and measures")

    def ready(self):
        from measures import search, signals  # noqa: F401

        page_cache.invalidate_on_changes(self, unseen=signals.unseen_by_the_public)
