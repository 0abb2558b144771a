"""How django-axes sees a sign-in attempt: the client's address, and the page shown when it is locked out.

The settings that point here are in convention_portal/settings.py (AXES_CLIENT_IP_CALLABLE and
AXES_LOCKOUT_CALLABLE).
"""

import ipaddress
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip_address(request):
    """The address failed sign-ins are counted against.

    Behind the portal's reverse proxy the socket address is the proxy's own, so the client is the last entry
    of X-Forwarded-For: the one the proxy appended. Entries further left were sent by the client and can be
    anything, so trusting them would let an attacker pick a fresh address for every attempt.
    """
    if settings.BEHIND_PROXY:
        appended_by_proxy = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if is_ip_address(appended_by_proxy):
            return appended_by_proxy
    return request.META.get("REMOTE_ADDR")


def is_ip_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


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
