"""The client's address, as sign-in throttling (django-axes) and the API's throttling count requests."""

import ipaddress

from django.conf import settings


def client_ip_address(request):
    """The address a request is counted against.

    Behind the portal's reverse proxy (DJANGO_BEHIND_PROXY) the socket address is the proxy's own, so the client
    is the last entry of X-Forwarded-For: the one the proxy appended. Entries further left were sent by the
    client and can be anything, so trusting them would let an attacker pick a fresh address for every request.
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
