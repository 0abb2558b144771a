from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Parties, organisations and measures")

    def ready(self):
        # Each concern connects its own receivers: the stored classification, the search vectors, the page cache.
        from measures import classification, public_pages, search  # noqa: F401

        public_pages.empty_page_cache_on_changes(self)
