"""Choices that records of several apps share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordLanguage(models.TextChoices):
    """The language a record or report is written in (the Convention's working languages first)."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    OTHER = "other", _("Other")
