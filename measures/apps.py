from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Parties, organisations and measures")

    def ready(self):
        from measures import search, signals  # noqa: F401
