from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Parties, organisations and measures")

    def ready(self):
        # Each concern connects its own receivers: the stored classification, the search vectors, the page cache,
        # the periodic reports' stored PDFs.
        from measures import classification, public_pages, search  # noqa: F401
        from measures.directory import report_documents

        public_pages.empty_page_cache_on_changes(self)
        report_documents.connect_signals()
