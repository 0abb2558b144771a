"""The language a page is shown in."""

from django.conf import settings
from django.utils.translation import get_language


def active_language():
    """The two-letter code of the active language (the default language outside a request)."""
    return (get_language() or settings.LANGUAGE_CODE)[:2]
