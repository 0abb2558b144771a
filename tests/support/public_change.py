"""Tests about Last-Modified need the last public change to be in the past: HTTP dates count whole seconds, and
the portal gives none for a change under a second old (convention_portal.page_cache.last_modified_header)."""

from datetime import timedelta

from core.models import PublicChange


def age_last_change(seconds=60):
    """Move the recorded time of the last public change `seconds` back, as if that long had passed since."""
    for row in PublicChange.objects.all():
        row.changed_at -= timedelta(seconds=seconds)
        row.save(update_fields=["changed_at"])
