"""How django-axes sees a sign-in attempt: the client's address, and the page shown when it is locked out.

The settings that point here are in convention_portal/settings.py (AXES_LOCKOUT_CALLABLE; the client's
address is convention_portal.client_address.client_ip_address, shared with the API's throttling).
"""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page answering a sign-in while the username is locked out from this address."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in temporarily blocked"),
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
