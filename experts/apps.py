from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convention_portal import page_cache


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Expert groups and meetings")

    def ready(self):
        page_cache.invalidate_on_changes(self)
