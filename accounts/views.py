"""The public page for contributors: who may enter measures, what happens to them, how to get an account."""

from django.conf import settings
from django.views.generic import TemplateView


def contact_email():
    """The secretariat's address for account requests (CONTACT_EMAIL, else the sender address), or "" when it is
    only this machine's (`…@localhost`, the development default), which nobody outside could write to."""
    address = getattr(settings, "CONTACT_EMAIL", "") or getattr(settings, "DEFAULT_FROM_EMAIL", "")
    return "" if address.rsplit("@", 1)[-1].lower() in ("localhost", "localhost.localdomain") else address


class ContributeView(TemplateView):
    """Who contributes, the review workflow in plain words, and the way in to the back office."""

    template_name = "accounts/contribute.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=contact_email(), **kwargs)
