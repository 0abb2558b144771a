"""The public page for contributors: who may enter measures, what happens to them, how to get an account."""

from django.conf import settings
from django.views.generic import TemplateView


def contact_email():
    """The secretariat's address for account requests: CONTACT_EMAIL when set, else DEFAULT_FROM_EMAIL."""
    return getattr(settings, "CONTACT_EMAIL", "") or getattr(settings, "DEFAULT_FROM_EMAIL", "")


class ContributeView(TemplateView):
    """Who contributes, the review workflow in plain words, and the way in to the back office."""

    template_name = "accounts/contribute.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=contact_email(), **kwargs)
